/**
 * `kraken-import sandbox [--port N] [--host H] [--api-key K] [--processing-ms N] [--concurrency-limit N] [--token-ttl-ms N] [--quiet]`
 *
 * Runs the local Kraken sandbox until Ctrl+C. The API key can also come from KRAKEN_SANDBOX_API_KEY.
 */
import { SANDBOX_HEADER, SANDBOX_HEADER_VALUE, startSandbox, type SandboxOptions } from './index';
import { commandHelp, parseCommand, UsageError, wholeNumberOption, type CommandDef, type ParsedArgs } from '../../core/src/args';

import { VERSION as SANDBOX_VERSION } from '../../core/src/version';

const SANDBOX_DETAILS = `Point an environment at it with baseUrl http://127.0.0.1:<port>. Faults for rehearsing failures:
  curl -X POST http://127.0.0.1:8787/__sandbox/faults -d '{"match": "/v1/data-import/validate-account/", "status": 500, "times": 2}'
  curl http://127.0.0.1:8787/__sandbox/            (state)   curl http://127.0.0.1:8787/__sandbox/requests   (request log)`;

/** The sandbox's option table: the same strict parser as every kraken-import command. */
export const SANDBOX_COMMAND: CommandDef = {
  name: 'sandbox',
  summary: "run a LOCAL imitation of Kraken's data-import API, for rehearsals and tests (it is not Kraken)",
  options: {
    port: { type: 'string', short: 'p', value: '<n>', description: 'port to listen on (default 8787; 0 picks a free one)' },
    host: { type: 'string', value: '<host>', description: 'interface to listen on (default 127.0.0.1)' },
    'api-key': { type: 'string', value: '<key>', description: 'the API key it accepts (default "sandbox"; or env KRAKEN_SANDBOX_API_KEY)' },
    'processing-ms': { type: 'string', value: '<n>', description: 'how long a v2 import process takes (default 3000)' },
    'create-delay-ms': { type: 'string', value: '<n>', description: 'how long a v1 create takes (default 200)' },
    'concurrency-limit': { type: 'string', value: '<n>', description: 'creates processed at once before 429 (default 40)' },
    'token-ttl-ms': { type: 'string', value: '<n>', description: 'lifetime of a token from obtainKrakenToken (default 3600000)' },
    'log-requests': { type: 'boolean', description: 'print one line per request' },
    quiet: { type: 'boolean', short: 'q', description: 'no request lines (the banner is always printed)' },
  },
  details: SANDBOX_DETAILS,
  run: (args) => runSandbox(sandboxOptions(args)),
};

/** Node's timers cut a delay past 2^31 - 1 ms (about 24.8 days) to 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The options of a parsed `sandbox` command line. */
export function sandboxOptions(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): SandboxOptions {
  const o: SandboxOptions = { apiKey: args.options['api-key'] ?? (env.KRAKEN_SANDBOX_API_KEY || undefined) };
  // Whole numbers, each within what it can be: a port, a timer's delay, at least one create at a time.
  const numbers: Array<[string, keyof SandboxOptions, number, number]> = [
    ['port', 'port', 0, 65535],
    ['processing-ms', 'processingMs', 0, MAX_TIMER_MS],
    ['create-delay-ms', 'createDelayMs', 0, MAX_TIMER_MS],
    ['concurrency-limit', 'concurrencyLimit', 1, 1_000_000],
    ['token-ttl-ms', 'tokenTtlMs', 1, MAX_TIMER_MS],
  ];
  for (const [name, key, min, max] of numbers) {
    const n = wholeNumberOption(args.options[name], name, min, max);
    if (n !== undefined) (o as Record<string, unknown>)[key] = n;
  }
  if (args.options.host !== undefined) o.host = args.options.host;
  if (args.flags.has('log-requests') && args.flags.has('quiet'))
    throw new UsageError('--log-requests and --quiet contradict each other', 'sandbox');
  if (args.flags.has('log-requests')) o.logRequests = true;
  if (args.flags.has('quiet')) o.logRequests = false;
  return o;
}

export function parseSandboxArgs(args: string[], env: NodeJS.ProcessEnv = process.env): SandboxOptions & { help?: boolean } {
  const parsed = parseCommand(SANDBOX_COMMAND, args);
  if (parsed.flags.has('help')) return { help: true };
  return sandboxOptions(parsed, env);
}

/** `sandbox` as its own program (dist/sandbox.js): the same table, help and usage errors. */
export async function runSandboxCommand(args: string[]): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseCommand(SANDBOX_COMMAND, args);
    if (parsed.flags.has('help')) {
      process.stdout.write(commandHelp(SANDBOX_COMMAND));
      return 0;
    }
    if (parsed.flags.has('version')) {
      process.stdout.write(`${SANDBOX_VERSION}\n`);
      return 0;
    }
    return await runSandbox(sandboxOptions(parsed));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`kraken-import sandbox: ${e.message}\nRun "kraken-import sandbox --help" for usage.\n`);
      return 2;
    }
    throw e;
  }
}

/** Runs the sandbox until SIGINT/SIGTERM; resolves with the exit code. */
async function runSandbox(options: SandboxOptions): Promise<number> {
  const keyFromUser = options.apiKey !== undefined;
  let sandbox;
  try {
    sandbox = await startSandbox({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(
      err.code === 'EADDRINUSE'
        ? `Port ${options.port ?? 8787} is in use: pick another with --port.\n`
        : `Could not start the sandbox: ${err.message}\n`,
    );
    return 1;
  }
  // The banner goes to stderr (from startSandbox) and to stdout, so it shows wherever the output goes.
  process.stdout.write(
    [
      `kraken-import SANDBOX listening on ${sandbox.url}`,
      `  THIS IS NOT KRAKEN: a local imitation of the data-import API for rehearsals and tests.`,
      `  Every answer carries the header "${SANDBOX_HEADER}: ${SANDBOX_HEADER_VALUE}".`,
      `  API key: ${keyFromUser ? '(the one you gave)' : '"sandbox"'} — use it with auth kraken-token (obtainKrakenToken) or api-key-header (Token <key>).`,
      `  Environment: {"name": "sandbox", "baseUrl": "${sandbox.url}", "flow": "v1"} (or "v2").`,
      `  Faults: POST ${sandbox.url}/__sandbox/faults  State: GET ${sandbox.url}/__sandbox/  Stop: Ctrl+C`,
      '',
    ].join('\n'),
  );
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('kraken-import sandbox: stopping.\n');
      void sandbox.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
