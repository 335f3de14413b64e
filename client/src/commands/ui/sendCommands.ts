/**
 * The send commands (Validate, Stage, Create (dry run), Create, post-import, registration flows, "Send to Kraken…"):
 * pick the action, gather the inputs it needs, plan, confirm, send under progress, report.
 */
import { isUtf8 } from 'node:buffer';
import * as vscode from 'vscode';
import type { ExchangeRecord, ProgressEvent } from '../../../../core/src/kraken';
import {
  ACTION_LABELS,
  actionEndpoint,
  type ActionId,
  availableActions,
  callKraken,
  confirmationFor,
  DEFAULT_TRANSACTION_OPTIONS,
  describeIdentity,
  describeImportStatus,
  describeResult,
  endpointOf,
  type EnvironmentSetting,
  isPostImportKind,
  changedIntegersReason,
  needsOperationsTeam,
  notUtf8Reason,
  operationsTeamFor,
  type Outcome,
  planRequest,
  type RequestPlan,
  statusEndpoint,
  type TransactionOptions,
} from '../../../../core/src/send';
import {
  entryFrom,
  type KrakenCommandArgs,
  type KrakenSession,
  type CommandResult,
  parseDocument,
  readArgs,
  skipped,
  untrusted,
  withProgress,
} from './session';

export type RequestedAction = ActionId | 'post-import' | 'pick';

/** The inputs an action asks for besides the document (operations team, transaction options, supply start date). */
interface ActionInputs {
  operationsTeam?: string;
  transactionOptions?: TransactionOptions;
  supplyStartDate?: string;
}

const cancelled = (): CommandResult => ({ skipped: 'cancelled' });

/** The action to run: the one requested, the document's post-import kind, or one picked from those available. */
async function chooseAction(requested: RequestedAction, kind: string | null, env: EnvironmentSetting): Promise<ActionId | CommandResult> {
  if (requested === 'post-import') {
    if (!isPostImportKind(kind))
      return skipped(
        `This document is not a post-import payload (notes, transactions, statements, payment instruction, business payment instruction)${kind ? `: it is ${kind}` : ''}.`,
      );
    return kind;
  }
  if (requested !== 'pick') return requested;
  const actions = availableActions(kind, env.flow);
  if (!actions.length)
    return skipped(
      kind ? `Nothing to send for a ${kind} payload in a ${env.flow} environment.` : 'This document is not a recognised Kraken payload.',
    );
  const picked = await vscode.window.showQuickPick(
    actions.map((id) => ({ id, label: ACTION_LABELS[id], description: actionEndpoint(id, env.flow) })),
    { placeHolder: `Send to Kraken "${env.name}"${env.production ? ' (PRODUCTION)' : ''}` },
  );
  return picked ? picked.id : cancelled();
}

/** Asks for (or remembers) what the action needs; undefined when the user cancelled. */
async function gatherInputs(
  session: KrakenSession,
  action: ActionId,
  kind: string | null,
  value: unknown,
  env: EnvironmentSetting,
  args: KrakenCommandArgs,
): Promise<ActionInputs | undefined> {
  const { envs, prompts, context } = session;
  const inputs: ActionInputs = {};
  if (needsOperationsTeam(action, env.flow) && availableActions(kind, env.flow).includes(action)) {
    inputs.operationsTeam = args.operationsTeam ?? operationsTeamFor(kind, value, env, envs.rememberedOperationsTeam(env));
    if (!inputs.operationsTeam) {
      inputs.operationsTeam = await prompts.operationsTeam(env);
      if (!inputs.operationsTeam) return undefined;
      await envs.rememberOperationsTeam(env, inputs.operationsTeam);
    }
  }
  if (action === 'transactions') {
    const last = context.workspaceState.get<TransactionOptions>('krakenImport.transactionOptions') ?? DEFAULT_TRANSACTION_OPTIONS;
    if (args.transactionOptions) inputs.transactionOptions = { ...last, ...args.transactionOptions };
    else {
      inputs.transactionOptions = await prompts.transactionOptions(last);
      if (!inputs.transactionOptions) return undefined;
    }
    await context.workspaceState.update('krakenImport.transactionOptions', inputs.transactionOptions);
  }
  if (action === 'registration-flows') {
    inputs.supplyStartDate = args.supplyStartDate ?? (await prompts.supplyStartDate());
    if (inputs.supplyStartDate === undefined) return undefined;
  }
  return inputs;
}

/** After a call that asked Kraken to process the account: follow its import status until it settles. */
async function pollAfter(
  session: KrakenSession,
  doc: vscode.TextDocument,
  plan: RequestPlan,
  env: EnvironmentSetting,
  value: unknown,
  first: Outcome,
  signal: AbortSignal,
  report: (e: ProgressEvent | string) => void,
): Promise<Outcome> {
  const poll = plan.poll!;
  report(first.message);
  let pollExchange: ExchangeRecord | undefined;
  const polled = await session.envs.client(env).pollImportStatus(poll.importSupplierCode, poll.externalIdentifier, {
    signal,
    onProgress: report,
    onExchange: (x) => (pollExchange = x),
  });
  const statusRequest = statusEndpoint(poll.importSupplierCode, poll.externalIdentifier);
  let outcome: Outcome;
  if (polled.ok) outcome = describeImportStatus(polled.data, plan.identity, `Kraken (${env.name})`);
  else {
    const failed = describeResult(plan, env.name, polled, value);
    outcome = {
      ...failed,
      level: polled.reason === 'cancelled' ? 'info' : failed.level,
      message: `${first.message} ${polled.message}`,
      findings: [],
      replacesDiagnostics: true,
      followUps: ['check-status'],
    };
  }
  await session.record(
    doc,
    entryFrom(polled, env, statusRequest, 'import status', describeIdentity(plan.identity), outcome.message),
    pollExchange,
  );
  return outcome;
}

/** The planned call under progress: send, record, forget a team Kraken does not know, poll when asked. */
function sendPlanned(
  session: KrakenSession,
  doc: vscode.TextDocument,
  plan: RequestPlan,
  env: EnvironmentSetting,
  action: ActionId,
  kind: string | null,
  value: unknown,
): Thenable<Outcome> {
  const kraken = session.envs.client(env);
  const title = `Kraken (${env.name}): ${ACTION_LABELS[action]} — ${describeIdentity(plan.identity)}`;
  const request = endpointOf(plan.call);
  session.log.info(`${request} for ${vscode.workspace.asRelativePath(doc.uri)} on "${env.name}"`);
  return withProgress(title, async (signal, report) => {
    report(`${request}`);
    let exchange: ExchangeRecord | undefined;
    const result = await callKraken(kraken, plan.call, { signal, onProgress: report, onExchange: (x) => (exchange = x) });
    const outcome = describeResult(plan, env.name, result, value);
    await session.record(
      doc,
      entryFrom(result, env, request, ACTION_LABELS[action], describeIdentity(plan.identity), outcome.message),
      exchange,
    );
    // A v1 create naming a team Kraken does not know: ask again next time.
    if (
      !result.ok &&
      result.errors.some((e) => e.attr === 'operations_team_name' || e.code === 'operations_team_name_does_not_exist') &&
      kind !== 'account-v1-create'
    ) {
      await session.envs.rememberOperationsTeam(env, undefined);
    }
    if (outcome.poll && plan.poll) return pollAfter(session, doc, plan, env, value, outcome, signal, report);
    return outcome;
  });
}

/**
 * Why a document is not sent when its file's bytes are not UTF-8 and its text shows "\ufffd" where they were
 * (core/src/send/fidelity.ts); undefined otherwise. A "\ufffd" in a file that is valid UTF-8 was written on purpose.
 */
async function notUtf8OnDisk(doc: vscode.TextDocument): Promise<string | undefined> {
  const at = doc.getText().indexOf('\ufffd');
  if (at === -1 || doc.uri.scheme !== 'file') return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(doc.uri);
  } catch {
    return undefined;
  }
  if (isUtf8(bytes)) return undefined;
  const pos = doc.positionAt(at);
  return (
    `${vscode.workspace.asRelativePath(doc.uri)}: ${notUtf8Reason(`line ${pos.line + 1}, column ${pos.character + 1}`)} ` +
    'In VS Code: "Change File Encoding", "Reopen with Encoding" (the legacy one), then "Save with Encoding" as UTF-8. ' +
    'Nothing was sent.'
  );
}

/** The document's action, end to end: plan, confirm, send under progress, report, diagnostics, log. */
export async function runAction(session: KrakenSession, requested: RequestedAction, a: unknown, b: unknown): Promise<CommandResult> {
  const blocked = untrusted();
  if (blocked) return blocked;
  const args = readArgs(a, b);
  const doc = await session.resolveDocument(args.uri);
  if (!doc) return skipped('Open a Kraken payload (JSON) first.');
  const env = await session.activeEnvironment(args.environment);
  if (!env) return { skipped: 'No Kraken environment.' };
  const noTimeout = session.timeoutRefused();
  if (noTimeout) return noTimeout;
  const parsed = parseDocument(doc);
  if (!parsed.ok)
    return skipped(`${vscode.workspace.asRelativePath(doc.uri)} is not valid JSON: fix the syntax errors first (see Problems).`, 'error');
  const notUtf8 = await notUtf8OnDisk(doc);
  if (notUtf8) return skipped(notUtf8, 'error');
  const changed = changedIntegersReason(doc.getText());
  if (changed) return skipped(`${vscode.workspace.asRelativePath(doc.uri)}: ${changed} Nothing was sent.`, 'error');
  const kind = await session.documentKind(doc, parsed.value);

  const action = await chooseAction(requested, kind, env);
  if (typeof action !== 'string') return action;
  const inputs = await gatherInputs(session, action, kind, parsed.value, env, args);
  if (!inputs) return cancelled();

  const planned = planRequest({ action, kind, doc: parsed.value, env, ...inputs });
  if (!planned.ok) return skipped(planned.reason);
  const plan = planned.plan;

  if (!(await session.ensureApiKey(env)))
    return skipped(`No API key for "${env.name}": nothing was sent. Set one with "Kraken Import: Set API Key".`);
  const question = confirmationFor(plan, env);
  if (question && !(await session.prompts.confirm(question))) return { skipped: 'not confirmed' };

  const outcome = await sendPlanned(session, doc, plan, env, action, kind, parsed.value);
  if (outcome.replacesDiagnostics) await session.diagnostics.set(doc, outcome.findings);
  session.notify(outcome, plan);
  return { ...outcome, action, environment: env.name };
}
