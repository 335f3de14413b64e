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
import * as path from 'node:path';
import { nearest, UsageError, wholeNumberOption, type CommandDef, type ParsedArgs } from '../../core/src/args';
import { describeEmptyFolder, readStdinBytes } from '../../core/src/files';
import { randomHex } from '../../core/src/hash';
import {
  describeProxy,
  KrakenClient,
  proxyAgentsFromEnv,
  proxyFor,
  requestTimeoutMs,
  type KrakenClientOptions,
} from '../../core/src/kraken';
import { ACTION_LABELS, parseEnvironments, type ActionId, type EnvironmentSetting } from '../../core/src/send';
import { isKindId, PAYLOAD_KINDS, type KindId } from '../../core/src/service';
import { loadConfig } from './config';
import { CreateGate } from './createGate';
import { where } from './waveRecords';
import { WaveRunner } from './waveRunner';
import type { WaveStats } from './waveSummary';

export { CreateGate } from './createGate';
import { displayPath, Journal, JournalLockedError, readWave, shardOf, type WaveItem } from '../../core/src/waves';

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
    timeout: { type: 'string', value: '<seconds>', default: '60', description: 'per HTTP request, 1 to 3600' },
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

export function apiKeyVariable(envName: string): string {
  return `KRAKEN_API_KEY_${envName
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')}`;
}

/** The options of `send` that need no file or environment: checked before anything is read. */
function sendOptions(args: ParsedArgs) {
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
  const concurrency = wholeNumberOption(args.options.concurrency, 'concurrency', 1, 256) ?? DEFAULT_CONCURRENCY;
  const timeoutMs = requestTimeoutMs(args.options.timeout, '--timeout');
  const shard = parseShard(args.options.shard);
  return { stdinCount, envName, actions, kindOption, concurrency, timeoutMs, shard };
}

export async function runSend(args: ParsedArgs, io: SendIo): Promise<number> {
  const started = Date.now();
  const { stdinCount, envName, actions, kindOption, concurrency, timeoutMs, shard } = sendOptions(args);

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
      timeoutMs,
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
  timeoutMs: number;
  journal: Journal;
  started: number;
  agentFor: (url: URL) => import('node:http').Agent | undefined;
}

async function runWave(w: WaveInput): Promise<number> {
  const { args, io, env, actions } = w;
  // Time, process and a random part: two runs in one second of one process (a resume straight after a run) are two runs.
  const runId = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${process.pid}-${randomHex(3)}`;
  const stats: WaveStats = { rateLimited: 0, rateWaitMs: 0, retries: 0, requests: 0, notPayload: 0, notApplicable: 0 };
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
      timeoutMs: w.timeoutMs,
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

  return new WaveRunner({
    args,
    io,
    env,
    actions,
    items: w.items,
    allCount: w.allCount,
    shard: w.shard,
    journal: w.journal,
    started: w.started,
    runId,
    stats,
    client,
    gate,
    workers,
  }).run();
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
