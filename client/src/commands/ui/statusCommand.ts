/** "Check Import Status": the import status of the document's account (or of one asked for). */
import type * as vscode from 'vscode';
import type { ExchangeRecord } from '../../../../core/src/kraken';
import {
  accountIdentity,
  describeIdentity,
  describeImportStatus,
  describeStatusFailure,
  type Outcome,
  statusEndpoint,
} from '../../../../core/src/send';
import type { StatusTarget } from './prompts';
import {
  entryFrom,
  isJsonDocument,
  type KrakenSession,
  type CommandResult,
  parseDocument,
  readArgs,
  skipped,
  untrusted,
  withProgress,
} from './session';

/** The account a JSON document names, as far as it names one. */
async function targetOfDocument(session: KrakenSession, doc: vscode.TextDocument | undefined): Promise<Partial<StatusTarget>> {
  if (!doc || !isJsonDocument(doc)) return {};
  const parsed = parseDocument(doc);
  if (!parsed.ok) return {};
  const id = accountIdentity(await session.documentKind(doc, parsed.value), parsed.value);
  return { importSupplierCode: id.importSupplier, externalIdentifier: id.externalAccountNumber };
}

export async function checkStatus(session: KrakenSession, a: unknown, b: unknown): Promise<CommandResult> {
  const blocked = untrusted();
  if (blocked) return blocked;
  const args = readArgs(a, b);
  const env = await session.activeEnvironment(args.environment);
  if (!env) return { skipped: 'No Kraken environment.' };
  const noTimeout = session.timeoutRefused();
  if (noTimeout) return noTimeout;
  const doc = await session.resolveDocument(args.uri);
  const fromDoc = await targetOfDocument(session, doc);
  let target: StatusTarget | undefined =
    args.importSupplierCode && args.externalIdentifier
      ? { importSupplierCode: args.importSupplierCode, externalIdentifier: args.externalIdentifier }
      : undefined;
  target ??= await session.prompts.statusTarget({
    importSupplierCode: args.importSupplierCode ?? fromDoc.importSupplierCode ?? env.importSupplier,
    externalIdentifier: args.externalIdentifier ?? fromDoc.externalIdentifier,
  });
  if (!target) return { skipped: 'cancelled' };
  if (!(await session.ensureApiKey(env)))
    return skipped(`No API key for "${env.name}": nothing was sent. Set one with "Kraken Import: Set API Key".`);
  const identity = { importSupplier: target.importSupplierCode, externalAccountNumber: target.externalIdentifier, paths: {} };
  const request = statusEndpoint(target.importSupplierCode, target.externalIdentifier);
  const kraken = session.envs.client(env);
  const outcome = await withProgress(`Kraken (${env.name}): import status of ${describeIdentity(identity)}`, async (signal, report) => {
    let exchange: ExchangeRecord | undefined;
    const result = await kraken.importStatus(target.importSupplierCode, target.externalIdentifier, {
      signal,
      onProgress: report,
      onExchange: (x) => (exchange = x),
    });
    const outcome: Outcome = result.ok
      ? describeImportStatus(result.data, identity, `Kraken (${env.name})`)
      : describeStatusFailure(result, identity, env.flow, env.name);
    // The document's own account: the status (latest_error) goes on it too.
    const same =
      doc && fromDoc.importSupplierCode === target.importSupplierCode && fromDoc.externalIdentifier === target.externalIdentifier;
    await session.record(
      same ? doc : undefined,
      entryFrom(result, env, request, 'import status', describeIdentity(identity), outcome.message),
      exchange,
    );
    return { outcome, same };
  });
  if (outcome.same && doc && outcome.outcome.replacesDiagnostics) await session.diagnostics.set(doc, outcome.outcome.findings);
  session.notify(outcome.outcome);
  return { ...outcome.outcome, environment: env.name };
}
