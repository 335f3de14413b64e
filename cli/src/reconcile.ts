/**
 * `kraken-import reconcile --env <name> <wave files or folders…> [--journal F]…`: which accounts of a wave Kraken
 * has imported, has staged, or has never seen; which it has that the wave lacks; where the journals disagree with
 * Kraken. Kraken is asked through its list endpoints for each import supplier of the wave (all, pending and
 * imported account import processes); the sets are computed by core/src/waves/reconcile.ts (the editor command
 * runs the same).
 *
 * Exit codes: 0 nothing needs attention, 1 some accounts need attention, 2 bad usage, configuration or input, or
 * Kraken could not be asked.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError, type CommandDef, type ParsedArgs } from '../../core/src/args';
import { KrakenClient, requestTimeoutMs, type KrakenClientOptions } from '../../core/src/kraken';
import { parseEnvironments } from '../../core/src/send';
import {
  fetchKrakenLists,
  formatReconciliation,
  readWave,
  waveAccounts,
  readWaveRun,
  reconcile,
  renderReportHtml,
} from '../../core/src/waves';
import { loadConfig } from './config';
import { apiKeyVariable, readStdinLine } from './send';

export const RECONCILE_COMMAND: CommandDef = {
  name: 'reconcile',
  summary: "a wave's accounts against Kraken's lists of account import processes, and what the journals say",
  usage: '<wave files or folders…>',
  positionals: { min: 1 },
  options: {
    env: {
      type: 'string',
      short: 'e',
      value: '<name>',
      description: 'an environment of the config file\'s "environments"; the API key as for send',
    },
    journal: {
      type: 'string',
      value: '<file>',
      multiple: true,
      description: "a send journal of the wave (repeat it for the shards' journals)",
    },
    'import-supplier': {
      type: 'string',
      value: '<code>',
      multiple: true,
      description: "ask about this import supplier only (repeatable; default: the wave's)",
    },
    format: { type: 'string', value: 'text|json', default: 'text', choices: ['text', 'json'], description: 'output' },
    html: { type: 'string', value: '<file>', description: 'also write the run report (of the journals) with a reconciliation section' },
    config: {
      type: 'string',
      short: 'c',
      value: '<file>',
      description: 'settings and environments (default: ./kraken-import.config.json)',
    },
    'api-key-stdin': { type: 'boolean', description: 'read the API key from one line on stdin' },
    timeout: { type: 'string', value: '<seconds>', default: '60', description: 'per HTTP request, 1 to 3600' },
    'show-personal-data': { type: 'boolean', description: 'show the personal data Kraken quoted in the journals (redacted by default)' },
  },
  hints: { environment: '--env', journals: '--journal' },
  details:
    'Sets: imported, staged (not imported), not in Kraken, in Kraken but not in the wave, and journal outcomes\n' +
    'Kraken contradicts. Exit codes: 0 nothing needs attention, 1 some accounts need attention, 2 bad usage or\n' +
    'configuration, or Kraken could not be asked.',
  run: (args) =>
    runReconcile(args, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      readStdinLine: () => readStdinLine(),
    }),
};

export interface ReconcileIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  readStdinLine(): Promise<string | undefined>;
  clientOptions?: Partial<KrakenClientOptions>;
}

export async function runReconcile(args: ParsedArgs, io: ReconcileIo): Promise<number> {
  const positionals = args.positionals;
  const values = {
    env: args.options.env,
    journal: args.lists.journal ?? [],
    'import-supplier': args.lists['import-supplier'] ?? [],
    html: args.options.html,
    config: args.options.config,
    timeout: args.options.timeout,
  };
  if (!values.env) throw new UsageError('reconcile needs --env <name> (an entry of "environments" in the config file)', 'reconcile');
  const format = args.options.format ?? 'text';
  const timeoutMs = requestTimeoutMs(values.timeout, '--timeout');

  const configFile = values.config ? path.resolve(io.cwd, values.config) : undefined;
  const config = loadConfig(configFile, io.cwd);
  const parsedEnvs = parseEnvironments((config as { environments?: unknown }).environments);
  const env = parsedEnvs.environments.find((e) => e.name === values.env);
  if (!env) {
    const known = parsedEnvs.environments.map((e) => `"${e.name}"`).join(', ');
    throw new UsageError(`no environment "${values.env}" in the config file's "environments"${known ? `; there are ${known}` : ''}`);
  }
  const apiKey = args.flags.has('api-key-stdin')
    ? (await io.readStdinLine())?.trim()
    : io.env[apiKeyVariable(env.name)]?.trim() || io.env.KRAKEN_API_KEY?.trim();
  if (!apiKey)
    throw new UsageError(
      `no API key for "${env.name}": set ${apiKeyVariable(env.name)} or KRAKEN_API_KEY, or pipe it with --api-key-stdin`,
    );

  const journals = (values.journal ?? []).map((j) => path.resolve(io.cwd, j));
  const { items, missing, unreadable } = readWave(positionals, {
    cwd: io.cwd,
    associations: config.payloadAssociations,
    exclude: journals,
  });
  for (const m of missing) io.stderr.write(`kraken-import: cannot read ${m}: no such file or folder\n`);
  for (const u of unreadable) io.stderr.write(`kraken-import: cannot read ${u}\n`);
  if (missing.length || unreadable.length) return 2;
  const accounts = waveAccounts(items);
  const suppliers = values['import-supplier']?.length
    ? [...new Set(values['import-supplier'])]
    : [...new Set(accounts.map((a) => a.importSupplier))].sort();
  if (!suppliers.length && env.importSupplier) suppliers.push(env.importSupplier);
  if (!suppliers.length) throw new UsageError('the wave names no import supplier: give --import-supplier <code>');
  const asked = accounts.filter((a) => suppliers.includes(a.importSupplier));

  const run = journals.length ? readWaveRun(journals, { showPersonalData: args.flags.has('show-personal-data') }) : undefined;
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
    { timeoutMs, userAgent: 'kraken-import-cli', ...io.clientOptions },
  );
  const fetched = await fetchKrakenLists(client, suppliers);
  if (!fetched.ok) {
    io.stderr.write(
      `kraken-import: could not read the ${fetched.which} account import processes of ${fetched.importSupplier} from "${env.name}": ${fetched.failure.message}\n`,
    );
    return 2;
  }
  const result = reconcile({ environment: env.name, accounts: asked, lists: fetched.lists, run });
  io.stdout.write(format === 'json' ? JSON.stringify(result, null, 2) + '\n' : formatReconciliation(result));
  if (values.html) {
    const page = renderReportHtml(run ?? readWaveRun([]), {
      reconciliation: result,
      generatedAt: new Date().toISOString(),
      title: `Kraken import wave report — ${env.name}`,
    });
    writeFileSync(path.resolve(io.cwd, values.html), page);
  }
  return result.attention.length ? 1 : 0;
}
