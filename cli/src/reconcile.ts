/**
 * `kraken-import reconcile --env <name> <wave files or folders…> [--journal F]…`: which accounts of a wave Kraken
 * has imported, has staged, or has never seen; which it has that the wave lacks; where the journals disagree with
 * Kraken. Kraken is asked through its list endpoints for each import supplier of the wave (all, pending and
 * imported account import processes); the sets are computed by client/src/waves/reconcile.ts (the editor command
 * runs the same).
 *
 * Exit codes: 0 nothing needs attention, 1 some accounts need attention, 2 bad usage, configuration or input, or
 * Kraken could not be asked.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { KrakenClient, type KrakenClientOptions } from '../../client/src/kraken';
import { parseEnvironments } from '../../client/src/commands/environments';
import { accountIdentity, isAccountKind } from '../../client/src/commands/plan';
import { fetchKrakenLists, formatReconciliation, reconcile, type WaveAccount } from '../../client/src/waves/reconcile';
import { renderReportHtml } from '../../client/src/waves/reportHtml';
import { readWaveRun } from '../../client/src/waves/run';
import { UsageError } from './args';
import { loadConfig } from './config';
import { parseOptions } from './report';
import { apiKeyVariable, readWave } from './send';

export const RECONCILE_HELP = `  kraken-import reconcile --env <name> <wave files or folders…>
                                the wave's accounts against Kraken's lists of account import processes (all,
                                pending, imported) for each import supplier of the wave: imported, staged, not in
                                Kraken, in Kraken but not in the wave, and journal outcomes Kraken contradicts
      --journal <file>          a send journal of the wave (repeat for shards; default: none)
      --import-supplier <code>  ask about this import supplier only (repeatable; default: the wave's)
      --format text|json        output (default text)
      --html <file>             also write the run report with a reconciliation section
      --config <file>, --api-key-stdin, --timeout <seconds>, --show-personal-data   as for send
  Exit codes: 0 nothing needs attention, 1 some accounts need attention, 2 bad usage or Kraken could not be asked.`;

export interface ReconcileIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  readStdinLine(): Promise<string | undefined>;
  clientOptions?: Partial<KrakenClientOptions>;
}

export async function runReconcile(argv: string[], io: ReconcileIo): Promise<number> {
  const { values, positionals } = parseOptions('reconcile', argv, {
    env: { type: 'string' },
    journal: { type: 'string', multiple: true },
    'import-supplier': { type: 'string', multiple: true },
    format: { type: 'string' },
    html: { type: 'string' },
    config: { type: 'string' },
    'api-key-stdin': { type: 'boolean' },
    timeout: { type: 'string' },
    'show-personal-data': { type: 'boolean' },
  });
  if (!values.env) throw new UsageError('reconcile needs --env <name> (an entry of "environments" in the config file)');
  if (!positionals.length) throw new UsageError('reconcile needs the wave: its payload files or folders');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`reconcile: unknown --format "${format}" (text or json)`);
  const timeoutS = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!(timeoutS > 0)) throw new UsageError('--timeout takes a number of seconds');

  const configFile = values.config ? path.resolve(io.cwd, values.config) : undefined;
  const config = loadConfig(configFile, io.cwd);
  const parsedEnvs = parseEnvironments((config as { environments?: unknown }).environments);
  const env = parsedEnvs.environments.find((e) => e.name === values.env);
  if (!env) {
    const known = parsedEnvs.environments.map((e) => `"${e.name}"`).join(', ');
    throw new UsageError(`no environment "${values.env}" in the config file's "environments"${known ? `; there are ${known}` : ''}`);
  }
  const apiKey = values['api-key-stdin'] ? (await io.readStdinLine())?.trim() : io.env[apiKeyVariable(env.name)]?.trim() || io.env.KRAKEN_API_KEY?.trim();
  if (!apiKey) throw new UsageError(`no API key for "${env.name}": set ${apiKeyVariable(env.name)} or KRAKEN_API_KEY, or pipe it with --api-key-stdin`);

  const journals = (values.journal ?? []).map((j) => path.resolve(io.cwd, j));
  const { items, missing, unreadable } = readWave(positionals, { cwd: io.cwd, associations: config.payloadAssociations, exclude: journals });
  for (const m of missing) io.stderr.write(`kraken-import: cannot read ${m}: no such file or folder\n`);
  for (const u of unreadable) io.stderr.write(`kraken-import: cannot read ${u}\n`);
  if (missing.length || unreadable.length) return 2;
  const accounts: WaveAccount[] = [];
  for (const item of items) {
    if (!isAccountKind(item.kind)) continue;
    const id = accountIdentity(item.kind, item.doc);
    if (id.importSupplier && id.externalAccountNumber) accounts.push({ importSupplier: id.importSupplier, externalAccountNumber: id.externalAccountNumber, where: item.line === undefined ? item.file : `${item.file}:${item.line}` });
  }
  const suppliers = values['import-supplier']?.length
    ? [...new Set(values['import-supplier'])]
    : [...new Set(accounts.map((a) => a.importSupplier))].sort();
  if (!suppliers.length && env.importSupplier) suppliers.push(env.importSupplier);
  if (!suppliers.length) throw new UsageError('the wave names no import supplier: give --import-supplier <code>');
  const asked = accounts.filter((a) => suppliers.includes(a.importSupplier));

  const run = journals.length ? readWaveRun(journals, { showPersonalData: values['show-personal-data'] === true }) : undefined;
  const broken = run?.journals.filter((j) => j.problem) ?? [];
  for (const j of broken) io.stderr.write(`kraken-import: cannot read journal ${path.relative(io.cwd, j.file) || j.file}: ${j.problem}\n`);
  if (broken.length) return 2;
  if (run) {
    const rel = (f: string) => path.relative(io.cwd, f).split(path.sep).join('/') || f;
    run.journals.forEach((j) => (j.file = rel(j.file)));
    for (const u of run.units) u.journal = rel(u.journal);
  }

  const client = new KrakenClient(
    { name: env.name, baseUrl: env.baseUrl, flow: env.flow, auth: env.auth, importSupplier: env.importSupplier },
    async () => apiKey,
    { timeoutMs: timeoutS * 1000, userAgent: 'kraken-import-cli', ...io.clientOptions },
  );
  const fetched = await fetchKrakenLists(client, suppliers);
  if (!fetched.ok) {
    io.stderr.write(`kraken-import: could not read the ${fetched.which} account import processes of ${fetched.importSupplier} from "${env.name}": ${fetched.failure.message}\n`);
    return 2;
  }
  const result = reconcile({ environment: env.name, accounts: asked, lists: fetched.lists, run });
  io.stdout.write(format === 'json' ? JSON.stringify(result, null, 2) + '\n' : formatReconciliation(result));
  if (values.html) {
    const page = renderReportHtml(run ?? readWaveRun([]), { reconciliation: result, generatedAt: new Date().toISOString(), title: `Kraken import wave report — ${env.name}` });
    writeFileSync(path.resolve(io.cwd, values.html), page);
  }
  return result.attention.length ? 1 : 0;
}
