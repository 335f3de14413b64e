/**
 * `kraken-import send`: a wave of payloads (files and folders) sent to one Kraken environment.
 *
 *   kraken-import send --env <name> --action stage,create [--concurrency 8] [--shard i/n] [--journal F] <files or folders…>
 *
 * The decisions are the editor commands' (core/src/send/plan.ts: which endpoint, which body; send.ts: the
 * client call; outcome.ts: what the answer means); the HTTP rules are the Kraken client's (500 retried with
 * backoff, 400 never, 429 waited for, a create never sent twice unless Kraken said it was not processed).
 *
 * What this file adds: reading a wave, bounded concurrency (creates never above the instance's limit), a 429-aware
 * gate for creates, the journal (see journal.ts) so that a rerun skips what succeeded and checks an interrupted
 * create in Kraken instead of sending it again, shards, progress and the summary.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import { nearest, UsageError, type CommandDef, type ParsedArgs } from '../../core/src/args';
import { describeEmptyFolder, readStdinBytes } from '../../core/src/files';
import {
  describeProxy,
  KrakenClient,
  proxyAgentsFromEnv,
  proxyFor,
  redactFieldMessage,
  redactText,
  type ImportStatusData,
  type KrakenClientOptions,
  type KrakenResult,
  type ProgressEvent,
} from '../../core/src/kraken';
import {
  ACCOUNT_KINDS,
  ACTION_LABELS,
  availableActions,
  callKraken,
  describeImportStatus,
  describeResult,
  operationsTeamFor,
  parseEnvironments,
  planRequest,
  resendAfterInterruption,
  type ActionId,
  type EnvironmentSetting,
  type Outcome,
  type RequestPlan,
} from '../../core/src/send';
import { isKindId, PAYLOAD_KINDS, type KindId } from '../../core/src/service';
import { loadConfig } from './config';
import {
  displayPath,
  Journal,
  JournalLockedError,
  readWave,
  shardOf,
  unitKey,
  type JournalError,
  type JournalRecord,
  type JournalStatus,
  type UnitState,
  type WaveItem,
} from '../../core/src/waves';

/** Creates processed at once above which Kraken answers 429 (the documented optional limit; 40 on our instances). */
export const INSTANCE_CREATE_LIMIT = 40;
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_JOURNAL = 'kraken-import.journal.jsonl';

const NO_KEY_ON_ARGV =
  'the API key is never taken from arguments (they show in process lists and shell history): set KRAKEN_API_KEY (or KRAKEN_API_KEY_<ENV>) or use --api-key-stdin';

/** `kraken-import send`: its option table (parsed strictly by args.ts) and help. */
export const SEND_COMMAND: CommandDef = {
  name: 'send',
  summary: 'send payloads to a Kraken environment (validate, stage, create, post-import …) with a resumable journal',
  usage: '<files or folders…>',
  positionals: { min: 1 },
  options: {
    env: {
      type: 'string',
      short: 'e',
      value: '<name>',
      description:
        'an environment of the config file\'s "environments" (same entries as the\n' +
        "extension's krakenImport.environments). The API key comes from the environment\n" +
        'variable KRAKEN_API_KEY_<NAME> (name upper-cased, other characters as _) or\n' +
        'KRAKEN_API_KEY, or one line on stdin with --api-key-stdin; never from arguments',
    },
    action: {
      type: 'string',
      short: 'a',
      value: '<a,b>',
      description:
        'what to do; several (stage,create) run in that order per payload, and a failed\n' +
        'step stops that payload. The dry run is the action create-dry-run. One of:\n' +
        Object.keys(ACTION_LABELS)
          .join(', ')
          .replace(/(.{1,78})(, |$)/g, (_, line: string, sep: string) => `${line}${sep.trim()}\n`)
          .trimEnd(),
    },
    config: {
      type: 'string',
      short: 'c',
      value: '<file>',
      description: 'settings and environments (default: ./kraken-import.config.json)',
    },
    concurrency: {
      type: 'string',
      value: '<n>',
      default: String(DEFAULT_CONCURRENCY),
      description: `payloads in flight; creates never above ${INSTANCE_CREATE_LIMIT}`,
    },
    journal: {
      type: 'string',
      value: '<file>',
      default: DEFAULT_JOURNAL,
      description: 'JSONL journal: a rerun skips what succeeded and checks an interrupted create\nin Kraken instead of sending it again',
    },
    shard: { type: 'string', value: '<i>/<n>', description: 'only the payloads of shard i (1…n), by a stable hash of the account' },
    wait: { type: 'boolean', description: 'v2 create: follow each import status to its final state' },
    'retry-unknown': {
      type: 'boolean',
      description:
        'send again interrupted requests Kraken does not deduplicate (historical statements,\n' +
        'payment instructions, registration flows) once you have checked them in Kraken; an interrupted create\n' +
        'is always looked up in Kraken (import or transfer status), never sent blindly',
    },
    'operations-team': {
      type: 'string',
      value: '<name>',
      description: "v1 create: the operations team (default: the environment's operationsTeam)",
    },
    kind: { type: 'string', value: '<kind>', choices: PAYLOAD_KINDS.map((k) => k.id), description: 'treat every payload as this kind' },
    timeout: { type: 'string', value: '<seconds>', default: '60', description: 'per HTTP request' },
    yes: { type: 'boolean', short: 'y', description: 'required for an environment marked "production": true' },
    'stdin-filepath': {
      type: 'string',
      value: '<path>',
      description:
        'the path the document read from "-" stands for: its kind by payloadAssociations,\n.jsonl/.ndjson records, the file name in the output and the journal',
    },
    'allow-empty': { type: 'boolean', description: 'exit 0 when the inputs hold no payload at all (default: exit 2, nothing sent)' },
    'api-key-stdin': { type: 'boolean', description: 'read the API key from one line on stdin (asked for, without echo, on a terminal)' },
    quiet: { type: 'boolean', short: 'q', description: 'no line per payload (the progress bar and summary stay)' },
    'show-personal-data': {
      type: 'boolean',
      description:
        'show names, emails, phone numbers, dates of birth, bank details and addresses\n' +
        "that Kraken's answers quote (in the output and the journal); redacted by default",
    },
  },
  hints: {
    'dry-run': '--action create-dry-run',
    dryrun: '--action create-dry-run',
    dry: '--action create-dry-run',
    dry_run: '--action create-dry-run',
    'api-key': NO_KEY_ON_ARGV,
    apikey: NO_KEY_ON_ARGV,
    key: NO_KEY_ON_ARGV,
    token: NO_KEY_ON_ARGV,
    environment: '--env',
  },
  details:
    'Exit codes: 0 all sent, 1 some payloads failed, 2 bad usage or configuration, 3 some outcomes are unknown\n' +
    '(check them in Kraken), 130 interrupted.',
  run: (args) =>
    runSend(args, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      readStdinLine: () => readStdinLine(),
      signals: true,
    }),
};

export function parseShard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new UsageError(`--shard takes i/n (1-based, e.g. 2/4), not "${value}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${value}: i must be between 1 and n`);
  return { index, count };
}

// ------------------------------------------------------------------------------------------------ 429-aware create gate

/**
 * At most `max` creates in flight. A 429 halves the limit (once per pause: a storm answering every create in flight
 * halves it once) and holds new creates for the wait Kraken asked for; each success raises it by one, up to `max`.
 */
export class CreateGate {
  private inFlight = 0;
  private pausedUntil = 0;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  limit: number;

  constructor(readonly max: number) {
    this.limit = max;
  }

  acquire(signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const tryTake = (): void => {
        if (signal?.aborted) return resolve(false);
        if (this.inFlight < this.limit && Date.now() >= this.pausedUntil) {
          this.inFlight++;
          resolve(true);
        } else {
          this.waiters.push(tryTake);
          this.schedule();
        }
      };
      tryTake();
    });
  }

  release(): void {
    this.inFlight--;
    this.pump();
  }

  rateLimited(waitMs: number): void {
    if (Date.now() >= this.pausedUntil) this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
    this.schedule();
  }

  succeeded(): void {
    if (this.limit < this.max) {
      this.limit++;
      this.pump();
    }
  }

  private schedule(): void {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
    }
  }

  private pump(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}

// ------------------------------------------------------------------------------------------------ running

export interface SendIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  cwd: string;
  /** One line from stdin (for --api-key-stdin). */
  readStdinLine(): Promise<string | undefined>;
  /** All of stdin (for the input "-"); default: the process's. */
  readStdin?(): Promise<Uint8Array>;
  /** Handle SIGINT/SIGTERM (first: finish what is in flight; second: cancel). */
  signals?: boolean;
  /** Tests: client tuning (fast retries). */
  clientOptions?: Partial<KrakenClientOptions>;
  /** Tests: first interval of --wait polling, ms. */
  pollIntervalMs?: number;
}

type Tally = { sent: number; ok: number; failed: number; unknown: number; done: number; reconciled: number };

interface Problem {
  where: string;
  action: string;
  status: JournalStatus;
  message: string;
}

export function apiKeyVariable(envName: string): string {
  return `KRAKEN_API_KEY_${envName
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')}`;
}

function where(item: WaveItem): string {
  return item.line === undefined ? item.file : `${item.file}:${item.line}`;
}

function errorsOf(outcome: Outcome, limit = 20): JournalError[] | undefined {
  if (!outcome.findings.length) return undefined;
  return outcome.findings.slice(0, limit).map((f) => ({ path: f.path, ...(f.code ? { code: f.code } : {}), message: f.message }));
}

export async function runSend(args: ParsedArgs, io: SendIo): Promise<number> {
  const started = Date.now();
  const stdinCount = args.positionals.filter((p) => p === '-').length;
  if (stdinCount > 1) throw new UsageError('"-" (stdin) can be given once', 'send');
  if (stdinCount && args.flags.has('api-key-stdin'))
    throw new UsageError('"-" and --api-key-stdin both read stdin: give the key in KRAKEN_API_KEY (or KRAKEN_API_KEY_<ENV>)', 'send');
  if (args.options['stdin-filepath'] !== undefined && !stdinCount)
    throw new UsageError('--stdin-filepath names the document read from "-": give "-" as an input', 'send');
  const envName = args.options.env;
  if (!envName) throw new UsageError('send needs --env <name> (an entry of "environments" in the config file)');
  const actionList = (args.options.action ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (!actionList.length) throw new UsageError(`send needs --action (${Object.keys(ACTION_LABELS).join(', ')})`);
  for (const a of actionList) {
    if (!(a in ACTION_LABELS)) {
      const guess = nearest(a, Object.keys(ACTION_LABELS));
      throw new UsageError(
        `unknown --action "${a}"${guess ? `: did you mean ${guess}?` : ''} (${Object.keys(ACTION_LABELS).join(', ')})`,
        'send',
      );
    }
  }
  const actions = [...new Set(actionList)] as ActionId[];
  const kindOption = args.options.kind;
  if (kindOption !== undefined && !isKindId(kindOption))
    throw new UsageError(`unknown --kind "${kindOption}"; one of ${PAYLOAD_KINDS.map((k) => k.id).join(', ')}`);
  const concurrency = args.options.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(args.options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new UsageError('--concurrency takes a whole number from 1 to 256');
  const timeoutS = args.options.timeout === undefined ? 60 : Number(args.options.timeout);
  if (!(timeoutS > 0)) throw new UsageError('--timeout takes a number of seconds');
  const shard = parseShard(args.options.shard);

  const configFile = args.options.config;
  const config = loadConfig(configFile ? path.resolve(io.cwd, configFile) : undefined, io.cwd);
  const parsedEnvs = parseEnvironments((config as { environments?: unknown }).environments);
  const env = parsedEnvs.environments.find((e) => e.name === envName);
  if (!env) {
    const known = parsedEnvs.environments.map((e) => `"${e.name}"`).join(', ');
    const problems = parsedEnvs.problems.length ? ` (${parsedEnvs.problems.join('; ')})` : '';
    throw new UsageError(
      `no environment "${envName}" in the config file's "environments"${known ? `; there are ${known}` : ''}${problems}`,
    );
  }
  // A field of this environment we do not understand ("prodution": true) could change where or how we send: refuse.
  const envProblems = parsedEnvs.problems.filter((p) => p.includes(`("${env.name}")`));
  if (envProblems.length) {
    throw new UsageError(
      `the environment "${env.name}" in the config file has problems: ${envProblems.map((p) => p.replace(/^krakenImport\.environments/, 'environments')).join('; ')}`,
      'send',
    );
  }
  if (env.production && !args.flags.has('yes')) {
    throw new UsageError(`"${env.name}" is a production environment: add --yes to send to it`);
  }
  for (const a of actions) {
    if (a === 'stage' && env.flow === 'v2')
      throw new UsageError(`"${env.name}" uses the v2 flow, which has no staging step; drop "stage" from --action`);
  }

  let apiKey: string | undefined;
  if (args.flags.has('api-key-stdin')) apiKey = (await io.readStdinLine())?.trim();
  else apiKey = io.env[apiKeyVariable(env.name)]?.trim() || io.env.KRAKEN_API_KEY?.trim();
  if (!apiKey) {
    throw new UsageError(
      `no API key for "${env.name}": set ${apiKeyVariable(env.name)} or KRAKEN_API_KEY, or pipe it with --api-key-stdin`,
    );
  }

  // HTTPS_PROXY / NO_PROXY (either case), as curl reads them; a proxy variable that cannot be used is bad usage.
  let agentFor: (url: URL) => import('node:http').Agent | undefined;
  let viaProxy: ReturnType<typeof proxyFor>;
  try {
    agentFor = proxyAgentsFromEnv(io.env);
    viaProxy = proxyFor(new URL(env.baseUrl), io.env);
  } catch (e) {
    throw new UsageError((e as Error).message, 'send');
  }
  if (viaProxy)
    io.stderr.write(
      `kraken-import: reaching "${env.name}" through the proxy ${describeProxy(viaProxy.proxy)} (${viaProxy.variable} in the environment)\n`,
    );

  const journalFile = path.resolve(io.cwd, args.options.journal ?? DEFAULT_JOURNAL);
  const stdinBytes = stdinCount ? await (io.readStdin ?? (() => readStdinBytes()))() : undefined;
  const {
    items: allItems,
    missing,
    unreadable,
    emptyFolders,
  } = readWave(args.positionals, {
    cwd: io.cwd,
    kind: kindOption as KindId | undefined,
    associations: config.payloadAssociations,
    exclude: [journalFile, configFile ? path.resolve(io.cwd, configFile) : path.join(io.cwd, 'kraken-import.config.json')],
    ...(stdinBytes ? { stdin: { name: args.options['stdin-filepath'] ?? '<stdin>', bytes: stdinBytes } } : {}),
  });
  for (const m of missing) io.stderr.write(`kraken-import: cannot read ${m}: no such file or folder\n`);
  for (const u of unreadable) io.stderr.write(`kraken-import: cannot read ${u}\n`);
  if (missing.length || unreadable.length) return 2;
  // Nothing to send at all (a wrong path in CI, a folder of other files): not a success.
  if (!allItems.some((i) => i.kind || i.problem) && !args.flags.has('allow-empty')) {
    const why = [
      ...emptyFolders.map((e) => describeEmptyFolder({ ...e, folder: displayPath(e.folder, io.cwd) })),
      ...allItems.map((i) => `${where(i)}: skipped, not a Kraken payload`),
    ];
    io.stderr.write(
      `kraken-import: no payload to send${why.length ? ':' : ' (the inputs hold no .json, .jsonl or .ndjson record)'}\n${why
        .slice(0, 20)
        .map((w) => `  ${w}\n`)
        .join('')}` +
        `${why.length > 20 ? `  … ${why.length - 20} more\n` : ''}Nothing was sent. Pass --allow-empty if an input without payloads is expected.\n`,
    );
    return 2;
  }
  const items = shard ? allItems.filter((i) => shardOf(i.identityKey, shard.count) === shard.index - 1) : allItems;

  let journal: Journal;
  try {
    journal = Journal.open(journalFile);
  } catch (e) {
    if (e instanceof JournalLockedError) {
      io.stderr.write(`kraken-import: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  try {
    return await runWave({
      args,
      io,
      env,
      apiKey,
      actions,
      items,
      allCount: allItems.length,
      shard,
      concurrency,
      timeoutS,
      journal,
      started,
      agentFor,
    });
  } finally {
    await journal.close();
  }
}

interface WaveInput {
  args: ParsedArgs;
  io: SendIo;
  env: EnvironmentSetting;
  apiKey: string;
  actions: ActionId[];
  items: WaveItem[];
  allCount: number;
  shard?: { index: number; count: number };
  concurrency: number;
  timeoutS: number;
  journal: Journal;
  started: number;
  agentFor: (url: URL) => import('node:http').Agent | undefined;
}

async function runWave(w: WaveInput): Promise<number> {
  const { args, io, env, actions, items, journal } = w;
  // Time, process and a random part: two runs in one second of one process (a resume straight after a run) are two runs.
  const runId = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const stats = { rateLimited: 0, rateWaitMs: 0, retries: 0, requests: 0, notPayload: 0, notApplicable: 0 };
  const client = new KrakenClient(
    {
      name: env.name,
      baseUrl: env.baseUrl,
      flow: env.flow,
      auth: env.auth,
      importSupplier: env.importSupplier,
      operationsTeam: env.operationsTeam,
      production: env.production,
    },
    async () => w.apiKey,
    {
      timeoutMs: w.timeoutS * 1000,
      userAgent: 'kraken-import-cli',
      agentFor: w.agentFor,
      ...io.clientOptions,
      log: (line) => {
        if (line.includes(' → ')) stats.requests++;
      },
    },
  );
  const creates = actions.includes('create');
  const workers = Math.max(1, w.concurrency);
  const gate = new CreateGate(Math.min(workers, INSTANCE_CREATE_LIMIT));
  if (creates && w.concurrency > INSTANCE_CREATE_LIMIT)
    io.stderr.write(`kraken-import: creates are limited to ${INSTANCE_CREATE_LIMIT} at once (the instance's concurrency limit)\n`);

  const tallies = new Map<string, Tally>(actions.map((a) => [a, { sent: 0, ok: 0, failed: 0, unknown: 0, done: 0, reconciled: 0 }]));
  const problems: Problem[] = [];
  const local: Problem[] = [];
  const quiet = args.flags.has('quiet');
  const waitForImport = args.flags.has('wait');
  const retryUnknown = args.flags.has('retry-unknown');
  // Personal data Kraken quotes back (a malformed email, a date of birth) stays out of the output and the journal.
  const showPersonal = args.flags.has('show-personal-data');
  const privacy = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : redactText(text, { show: showPersonal });
  const privateErrors = (errors: JournalError[] | undefined): JournalError[] | undefined =>
    errors?.map((e) => ({ ...e, message: redactFieldMessage(e.path, e.message, { show: showPersonal }) }));
  const notJson = (message: string): string =>
    showPersonal ? message : message.replace(/"[\s\S]*" is not valid JSON/, '"…" is not valid JSON');

  // Units: every applicable action of every payload, in action order per payload.
  const work: Array<{ item: WaveItem; actions: ActionId[] }> = [];
  const seenAccounts = new Map<string, string>();
  for (const item of items) {
    if (item.problem) {
      local.push({ where: where(item), action: '-', status: 'failed', message: privacy(notJson(item.problem))! });
      continue;
    }
    if (!item.kind) {
      stats.notPayload++;
      continue;
    }
    const applicable = actions.filter((a) => availableActions(item.kind, env.flow).includes(a));
    if (!applicable.length) {
      stats.notApplicable++;
      continue;
    }
    if (item.identified && (ACCOUNT_KINDS as readonly string[]).includes(item.kind)) {
      const first = seenAccounts.get(item.identityKey);
      if (first) {
        local.push({
          where: where(item),
          action: applicable.join(','),
          status: 'failed',
          message: `the same account (${item.identityKey}) as ${first}: not sent twice in one wave`,
        });
        continue;
      }
      seenAccounts.set(item.identityKey, where(item));
    }
    work.push({ item, actions: applicable });
  }
  const total = work.reduce((n, u) => n + u.actions.length, 0);

  const progress = new ProgressView(io, total, quiet);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one abort listener per request in flight
  let stopping = false;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    if (!stopping) {
      stopping = true;
      progress.note(
        'kraken-import: stopping — finishing what is in flight (press Ctrl-C again to cancel it; a cancelled create becomes "outcome unknown")',
      );
    } else controller.abort();
  };
  if (io.signals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  const base = (item: WaveItem, action: ActionId, key: string) => ({
    v: 1 as const,
    run: runId,
    env: env.name,
    key,
    file: item.file,
    ...(item.line !== undefined ? { line: item.line } : {}),
    ...(item.identified ? { account: item.identityKey } : {}),
    action,
  });
  /** Resolves once the record is on disk (fsync'd). */
  const record = (
    item: WaveItem,
    action: ActionId,
    key: string,
    rest: Partial<JournalRecord> & Pick<JournalRecord, 'phase'>,
  ): Promise<void> => journal.append({ ...base(item, action, key), at: new Date().toISOString(), ...rest });

  const onProgress = (e: ProgressEvent): void => {
    if (e.kind === 'rate-limited') {
      stats.rateLimited++;
      stats.rateWaitMs += e.waitMs ?? 0;
      gate.rateLimited(e.waitMs ?? 1000);
      progress.changed();
    } else if (e.kind === 'retry') stats.retries++;
  };

  /**
   * Asks Kraken whether an in-doubt create went through: v2 by the import status (a process created after the
   * attempt), v1 by the transfer status (a Kraken account number).
   */
  const reconcile = async (
    plan: RequestPlan,
    attemptAt: string | undefined,
  ): Promise<
    | { state: 'done'; rec: Partial<JournalRecord> & { status: JournalStatus } }
    | { state: 'not-processed'; why: string }
    | { state: 'unknown'; message: string }
  > => {
    const code = plan.identity.importSupplier;
    const ext = plan.identity.externalAccountNumber;
    if (!code || !ext)
      return { state: 'unknown', message: 'the payload names no import supplier and external account number to look it up by' };
    if (env.flow === 'v2') {
      const r = await client.importStatus(code, ext, { signal: controller.signal, onProgress });
      if (!r.ok) {
        return r.reason === 'not-found'
          ? { state: 'not-processed', why: 'Kraken has no import process for it' }
          : { state: 'unknown', message: `could not read the import status: ${r.message}` };
      }
      const s = r.data;
      const created = s.createdAt ? Date.parse(s.createdAt) : NaN;
      const attempt = attemptAt ? Date.parse(attemptAt) : NaN;
      // A dry-run process, or one created well before our attempt (clock skew allowed), is not our create.
      if (/^DRY_RUN_/i.test(s.status) || (!Number.isNaN(created) && !Number.isNaN(attempt) && created < attempt - 5 * 60_000)) {
        return { state: 'not-processed', why: `the only import process is an earlier one (${s.status})` };
      }
      return { state: 'done', rec: v2StatusRecord(s, plan, env) };
    }
    const r = await client.accountTransferStatus(code, ext, { signal: controller.signal, onProgress });
    if (!r.ok) {
      return r.reason === 'not-found'
        ? { state: 'not-processed', why: 'Kraken has no account for it (transfer status 404)' }
        : { state: 'unknown', message: `could not read the transfer status: ${r.message}` };
    }
    if (!r.data.krakenAccountNumber)
      return { state: 'not-processed', why: `Kraken has no account for it yet (transfer status ${r.data.status})` };
    return {
      state: 'done',
      rec: {
        status: 'ok',
        http: 200,
        kraken: { accountNumber: r.data.krakenAccountNumber },
        message: `Created: Kraken account ${r.data.krakenAccountNumber} (found by its transfer status after an interrupted send).`,
      },
    };
  };

  /** Per unit: the 429s, their waits and the 5xx/network retries of its calls, for the journal (the run report's timeline). */
  const callStats = new Map<string, { rateLimited: number; waitedMs: number; retries: number }>();
  const unitProgress =
    (key: string) =>
    (e: ProgressEvent): void => {
      onProgress(e);
      if (e.kind !== 'rate-limited' && e.kind !== 'retry') return;
      const s = callStats.get(key) ?? { rateLimited: 0, waitedMs: 0, retries: 0 };
      if (e.kind === 'rate-limited') {
        s.rateLimited++;
        s.waitedMs += e.waitMs ?? 0;
      } else s.retries++;
      callStats.set(key, s);
    };

  const finish = async (
    item: WaveItem,
    action: ActionId,
    key: string,
    given: Partial<JournalRecord> & { status: JournalStatus },
    tally: Tally,
  ): Promise<JournalStatus> => {
    const calls = callStats.get(key);
    callStats.delete(key);
    const rec = {
      ...given,
      ...(calls?.rateLimited ? { rateLimited: calls.rateLimited, waitedMs: calls.waitedMs } : {}),
      ...(calls?.retries ? { retries: calls.retries } : {}),
      ...(given.message !== undefined ? { message: privacy(given.message) } : {}),
      ...(given.errors ? { errors: privateErrors(given.errors) } : {}),
    };
    await record(item, action, key, { phase: 'outcome', ...rec });
    tally[rec.status]++;
    if (rec.status !== 'ok')
      problems.push({ where: where(item), action, status: rec.status, message: rec.message ?? rec.reason ?? rec.status });
    progress.unit(
      rec.status,
      `${rec.status.padEnd(7)} ${action.padEnd(14)} ${where(item)}  ${item.identified ? item.identityKey : ''}${rec.kraken?.accountNumber ? `  ${rec.kraken.accountNumber}` : ''}  ${rec.message ?? ''}`,
    );
    return rec.status;
  };

  /** One action on one payload: journal check, attempt record, call, outcome record. */
  const runUnit = async (item: WaveItem, action: ActionId): Promise<JournalStatus | 'done'> => {
    const tally = tallies.get(action)!;
    const key = unitKey(action, item);
    const state: UnitState | undefined = journal.get(env.name, key);
    if (state?.outcome?.status === 'ok' && !state.inDoubt) {
      tally.done++;
      progress.unit(
        'done',
        `done    ${action.padEnd(14)} ${where(item)}  (already ${state.outcome.kraken?.accountNumber ? `done: ${state.outcome.kraken.accountNumber}` : 'done'} in ${state.outcome.run})`,
      );
      return 'done';
    }
    const operationsTeam = args.options['operations-team'] ?? operationsTeamFor(item.kind, item.doc, env);
    const planned = planRequest({ action, kind: item.kind, doc: item.doc, env, operationsTeam });
    if (!planned.ok) return finish(item, action, key, { status: 'failed', reason: 'not-sent', message: planned.reason }, tally);
    const plan = planned.plan;
    const doubtful = state && (state.inDoubt || state.outcome?.status === 'unknown');
    if (doubtful) {
      if (plan.createsAccount) {
        const attemptAt = state.attempt?.at;
        const r = await reconcile(plan, attemptAt);
        if (r.state === 'done') {
          tally.reconciled++;
          return finish(item, action, key, { reason: 'reconciled', ...r.rec }, tally);
        }
        if (r.state === 'unknown') {
          return finish(
            item,
            action,
            key,
            {
              status: 'unknown',
              reason: 'in-doubt',
              message: `Outcome unknown — an earlier send may have created it; ${r.message}. Check in Kraken.`,
            },
            tally,
          );
        }
        // Not processed: Kraken has no trace of it, so sending it is not sending it twice.
      } else if (!resendAfterInterruption(plan).safe && !retryUnknown) {
        return finish(
          item,
          action,
          key,
          {
            status: 'unknown',
            reason: 'in-doubt',
            message: `Outcome unknown — an earlier send was interrupted and ${resendAfterInterruption(plan).reason}. Check in Kraken, then rerun with --retry-unknown to send it again.`,
          },
          tally,
        );
      }
    }

    // Dry-run creates are processed by Kraken like creates (and count against its concurrency limit).
    const slot = action === 'create' || action === 'create-dry-run';
    if (slot && !(await gate.acquire(controller.signal))) {
      return finish(item, action, key, { status: 'failed', reason: 'cancelled', message: 'Cancelled before it was sent.' }, tally);
    }
    try {
      await record(item, action, key, { phase: 'attempt' }); // on disk before the request leaves
      tally.sent++;
      const progressOf = unitProgress(key);
      let result: KrakenResult<unknown> = await callKraken(client, plan.call, { signal: controller.signal, onProgress: progressOf });
      let outcome = describeResult(plan, env.name, result, item.doc);
      if (!result.ok && result.reason === 'outcome-unknown' && plan.createsAccount && !controller.signal.aborted) {
        // The connection dropped after sending: ask Kraken before deciding anything.
        const r = await reconcile(plan, new Date(Date.now() - 60_000).toISOString());
        if (r.state === 'done') {
          tally.reconciled++;
          if (slot) gate.succeeded();
          return finish(item, action, key, { reason: 'reconciled', ...r.rec, attempts: result.attempts }, tally);
        }
        if (r.state === 'not-processed') {
          // Kraken never saw it: one more send is the first one that counts.
          await record(item, action, key, { phase: 'attempt', reason: 'resend-after-check' });
          result = await callKraken(client, plan.call, { signal: controller.signal, onProgress: progressOf });
          outcome = describeResult(plan, env.name, result, item.doc);
        }
      }
      if (result.ok) {
        if (slot) gate.succeeded();
        if (waitForImport && plan.poll && outcome.poll) {
          const polled = await client.pollImportStatus(plan.poll.importSupplierCode, plan.poll.externalIdentifier, {
            signal: controller.signal,
            onProgress,
            intervalMs: io.pollIntervalMs ?? 1000,
            maxIntervalMs: 10_000,
          });
          if (polled.ok) return finish(item, action, key, { ...v2StatusRecord(polled.data, plan, env), attempts: result.attempts }, tally);
          return finish(
            item,
            action,
            key,
            {
              status: 'ok',
              reason: 'scheduled',
              http: result.status,
              message: `${outcome.message} The import status could not be followed: ${polled.message}`,
              attempts: result.attempts,
            },
            tally,
          );
        }
        const failedLevel = outcome.level === 'error';
        return finish(
          item,
          action,
          key,
          {
            status: failedLevel ? 'failed' : 'ok',
            http: result.status,
            ...(krakenIds(result, outcome) ? { kraken: krakenIds(result, outcome) } : {}),
            message: outcome.message,
            ...(errorsOf(outcome) ? { errors: errorsOf(outcome) } : {}),
            attempts: result.attempts,
          },
          tally,
        );
      }
      const status: JournalStatus = result.reason === 'outcome-unknown' ? 'unknown' : 'failed';
      return finish(
        item,
        action,
        key,
        {
          status,
          reason: result.reason,
          ...(result.status !== undefined ? { http: result.status } : {}),
          ...(result.krakenAccountNumber ? { kraken: { accountNumber: result.krakenAccountNumber } } : {}),
          message: outcome.message,
          ...failureErrors(outcome, result),
          attempts: result.attempts,
        },
        tally,
      );
    } finally {
      if (slot) gate.release();
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stopping && next < work.length) {
      const { item, actions: itemActions } = work[next++];
      for (let i = 0; i < itemActions.length; i++) {
        if (i > 0 && stopping) {
          progress.skip(itemActions.length - i); // stopping: the next step waits for the rerun
          break;
        }
        const status = await runUnit(item, itemActions[i]);
        if (status !== 'ok' && status !== 'done') {
          progress.skip(itemActions.length - i - 1);
          break;
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, Math.max(1, work.length)) }, worker));
  } finally {
    if (io.signals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    progress.end();
  }

  // ---- summary
  const out: string[] = [];
  const elapsed = (Date.now() - w.started) / 1000;
  const payloads = items.length - stats.notPayload;
  out.push(
    `kraken-import send: "${env.name}" (${env.flow}) ${actions.join(',')} — ${payloads} payload${payloads === 1 ? '' : 's'}` +
      (w.shard ? ` in shard ${w.shard.index}/${w.shard.count} (of ${w.allCount})` : '') +
      `, ${workers} at once, ${elapsed.toFixed(1)} s`,
  );
  const header = ['action', 'sent', 'ok', 'failed', 'unknown', 'done before', 'checked'];
  const rows = actions.map((a) => {
    const t = tallies.get(a)!;
    return [a, t.sent, t.ok, t.failed, t.unknown, t.done, t.reconciled].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out.push(fmt(header), fmt(widths.map((n) => '-'.repeat(n))), ...rows.map(fmt));
  const extra: string[] = [];
  if (stats.notPayload) extra.push(`${stats.notPayload} not Kraken payloads`);
  if (stats.notApplicable) extra.push(`${stats.notApplicable} payloads no action applies to`);
  if (local.length) extra.push(`${local.length} not sent (unreadable or duplicate)`);
  out.push(
    `HTTP requests ${stats.requests}, 429 answers ${stats.rateLimited} (waited ${(stats.rateWaitMs / 1000).toFixed(1)} s in all), retries after 5xx/network ${stats.retries}` +
      (extra.length ? `; ${extra.join(', ')}` : ''),
  );
  out.push(
    `journal: ${displayPath(journal.file, io.cwd)}${journal.torn ? ` (${journal.torn} torn line${journal.torn === 1 ? '' : 's'} ignored)` : ''}`,
  );
  const shown = [...local, ...problems];
  if (shown.length) {
    out.push('', `Not done (${shown.length}):`);
    for (const p of shown.slice(0, 25)) out.push(`  ${p.status.padEnd(7)} ${p.action.padEnd(14)} ${p.where}  ${p.message}`);
    if (shown.length > 25) out.push(`  … ${shown.length - 25} more in the journal`);
  }
  if (interrupted) out.push('', 'Interrupted: rerun the same command to continue (what succeeded is skipped).');
  io.stdout.write(out.join('\n') + '\n');

  const anyUnknown = [...tallies.values()].some((t) => t.unknown > 0);
  const anyFailed = local.length > 0 || [...tallies.values()].some((t) => t.failed > 0);
  if (interrupted) return 130;
  return anyUnknown ? 3 : anyFailed ? 1 : 0;
}

function v2StatusRecord(
  s: ImportStatusData,
  plan: RequestPlan,
  env: EnvironmentSetting,
): Partial<JournalRecord> & { status: JournalStatus } {
  const o = describeImportStatus(s, plan.identity, `Kraken (${env.name})`);
  const status: JournalStatus = s.phase === 'failed' || s.phase === 'cancelled' ? 'failed' : 'ok';
  return {
    status,
    http: 200,
    kraken: {
      importStatus: s.status,
      ...(s.krakenIdentifier ? { krakenIdentifier: s.krakenIdentifier, accountNumber: s.krakenIdentifier } : {}),
    },
    message: o.message,
    ...(s.latestError
      ? { errors: [{ path: null, ...(s.latestError.code ? { code: s.latestError.code } : {}), message: s.latestError.detail }] }
      : {}),
  };
}

/** The errors of a failed call: the outcome's findings (document paths), else Kraken's errors as sent. */
function failureErrors(outcome: Outcome, result: KrakenResult<unknown>): { errors?: JournalError[] } {
  const fromOutcome = errorsOf(outcome);
  if (fromOutcome) return { errors: fromOutcome };
  if (result.ok || !result.errors.length) return {};
  return {
    errors: result.errors.slice(0, 20).map((e) => ({ path: e.attr || null, ...(e.code ? { code: e.code } : {}), message: e.detail })),
  };
}

function krakenIds(result: KrakenResult<unknown>, outcome: Outcome): JournalRecord['kraken'] | undefined {
  const data = result.ok && result.data && typeof result.data === 'object' ? (result.data as Record<string, unknown>) : {};
  const ids: NonNullable<JournalRecord['kraken']> = {};
  const number = outcome.krakenAccountNumber ?? (typeof data.krakenAccountNumber === 'string' ? data.krakenAccountNumber : undefined);
  if (number) ids.accountNumber = number;
  if (typeof data.reference === 'string' && data.reference) ids.reference = data.reference;
  return Object.keys(ids).length ? ids : undefined;
}

// ------------------------------------------------------------------------------------------------ progress

/** A bar on a terminal (redrawn on stderr, problems printed above it); a plain line per payload otherwise. */
class ProgressView {
  private readonly tty: boolean;
  private finished = 0;
  private counts = { ok: 0, failed: 0, unknown: 0, done: 0 };
  private lastDraw = 0;
  private drawn = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly io: SendIo,
    private readonly total: number,
    private readonly quiet: boolean,
  ) {
    this.tty = !!io.stderr.isTTY;
  }

  unit(status: JournalStatus | 'done', line: string): void {
    this.finished++;
    this.counts[status]++;
    if (this.tty) {
      if (status === 'failed' || status === 'unknown') this.note(line.trimEnd());
      else this.draw();
    } else if (!this.quiet) this.io.stdout.write(line.trimEnd() + '\n');
  }

  /** Actions of a payload that are not run because an earlier one failed. */
  skip(n: number): void {
    this.finished += n;
    this.draw();
  }

  changed(): void {
    this.draw();
  }

  note(line: string): void {
    if (this.tty) {
      this.clear();
      this.io.stderr.write(line + '\n');
      this.draw(true);
    } else this.io.stderr.write(line + '\n');
  }

  end(): void {
    if (this.tty) {
      this.draw(true);
      this.io.stderr.write('\n');
    }
  }

  private clear(): void {
    if (this.drawn) this.io.stderr.write('\r\x1b[2K');
  }

  private draw(force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100 && this.finished < this.total) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 70));
    const frac = this.total ? this.finished / this.total : 1;
    const filled = Math.round(frac * width);
    const secs = (now - this.startedAt) / 1000;
    const rate = secs > 0 ? this.finished / secs : 0;
    const eta = rate > 0 ? Math.round((this.total - this.finished) / rate) : 0;
    const c = this.counts;
    this.clear();
    this.io.stderr.write(
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.finished}/${this.total}  ok ${c.ok}  done ${c.done}  failed ${c.failed}  unknown ${c.unknown}  ${rate.toFixed(1)}/s  ETA ${eta}s`,
    );
    this.drawn = true;
  }
}

/**
 * Applies terminal keystrokes (raw mode) to a line being typed without echo: Backspace/Delete (DEL or BS) removes
 * the last character, Ctrl-U the whole line, Ctrl-W the last word; escape sequences (arrow keys, function keys)
 * and other control characters are dropped. Returns the new line, and `enter`/`cancel`/`eof` when typing ended.
 */
export function editLine(line: string, keys: string): { line: string; end?: 'enter' | 'cancel' | 'eof'; rest?: string } {
  let chars = [...line];
  for (let i = 0; i < keys.length; i++) {
    const c = keys[i];
    if (c === '\r' || c === '\n')
      return { line: chars.join(''), end: 'enter', rest: keys.slice(i + (c === '\r' && keys[i + 1] === '\n' ? 2 : 1)) };
    if (c === '\u0003') return { line: '', end: 'cancel' }; // Ctrl-C
    if (c === '\u0004') {
      if (!chars.length) return { line: '', end: 'eof' }; // Ctrl-D on an empty line
      continue;
    }
    if (c === '\u007f' || c === '\b') chars.pop();
    else if (c === '\u0015')
      chars = []; // Ctrl-U
    else if (c === '\u0017') {
      while (chars.length && /\s/.test(chars[chars.length - 1])) chars.pop(); // Ctrl-W
      while (chars.length && !/\s/.test(chars[chars.length - 1])) chars.pop();
    } else if (c === '\u001b') {
      // ESC [ … final byte, ESC O x, or a lone ESC.
      if (keys[i + 1] === '[') {
        i += 2;
        while (i < keys.length && !/[@-~]/.test(keys[i])) i++;
      } else if (keys[i + 1] === 'O') i += 2;
    } else if (c >= ' ') chars.push(...c);
  }
  return { line: chars.join('') };
}

/**
 * One line from the process's stdin (for --api-key-stdin); undefined at end of input. On a terminal the key is
 * asked for on stderr and not echoed, and typed as a terminal line is (Backspace, Ctrl-U; see editLine).
 */
export function readStdinLine(stdin: NodeJS.ReadStream = process.stdin): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buffer = '';
    const tty = !!stdin.isTTY && typeof stdin.setRawMode === 'function';
    if (tty) {
      stdin.setRawMode(true); // before the prompt: no keystroke may reach the terminal's own (echoing) line editor
      process.stderr.write('API key: ');
    }
    const done = (value: string | undefined): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (tty) {
        stdin.setRawMode(false);
        process.stderr.write('\n');
      }
      stdin.pause();
      stdin.unref?.();
      resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      const text = chunk.toString();
      if (tty) {
        const edited = editLine(buffer, text);
        buffer = edited.line;
        if (edited.end === 'enter') done(buffer);
        else if (edited.end) done(undefined);
        return;
      }
      buffer += text;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) done(buffer.slice(0, nl).replace(/\r$/, ''));
    };
    const onEnd = (): void => done(buffer ? buffer : undefined);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}
