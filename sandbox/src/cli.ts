/**
 * `kraken-import sandbox [--port N] [--host H] [--api-key K] [--processing-ms N] [--concurrency-limit N] [--token-ttl-ms N] [--quiet]`
 *
 * Runs the local Kraken sandbox until Ctrl+C. The API key can also come from KRAKEN_SANDBOX_API_KEY.
 */
import { SANDBOX_HEADER, SANDBOX_HEADER_VALUE, startSandbox, type SandboxOptions } from './index';

export const SANDBOX_HELP = `kraken-import sandbox — a LOCAL imitation of Kraken's data-import API, for rehearsals and tests. It is not Kraken.

Usage: kraken-import sandbox [options]
  --port <n>               port to listen on (default 8787; 0 picks a free one)
  --host <host>            interface to listen on (default 127.0.0.1)
  --api-key <key>          the API key it accepts (default "sandbox"; or env KRAKEN_SANDBOX_API_KEY)
  --processing-ms <n>      how long a v2 import process takes (default 3000)
  --create-delay-ms <n>    how long a v1 create takes (default 200)
  --concurrency-limit <n>  creates processed at once before 429 (default 40)
  --token-ttl-ms <n>       lifetime of a token from obtainKrakenToken (default 3600000)
  --log-requests           print one line per request
  --quiet                  no request lines (the banner is always printed)

Point an environment at it with baseUrl http://127.0.0.1:<port>. Faults for rehearsing failures:
  curl -X POST http://127.0.0.1:8787/__sandbox/faults -d '{"match": "/v1/data-import/validate-account/", "status": 500, "times": 2}'
  curl http://127.0.0.1:8787/__sandbox/            (state)   curl http://127.0.0.1:8787/__sandbox/requests   (request log)`;

class UsageError extends Error {}

function numberArg(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} needs a non-negative number.`);
  return n;
}

export function parseSandboxArgs(args: string[], env: NodeJS.ProcessEnv = process.env): SandboxOptions & { help?: boolean } {
  const o: SandboxOptions & { help?: boolean } = { apiKey: env.KRAKEN_SANDBOX_API_KEY || undefined };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const next = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--help': case '-h': o.help = true; break;
      case '--port': o.port = numberArg('--port', next()); break;
      case '--host': o.host = next(); if (!o.host) throw new UsageError('--host needs a value.'); break;
      case '--api-key': o.apiKey = next(); if (!o.apiKey) throw new UsageError('--api-key needs a value.'); break;
      case '--processing-ms': o.processingMs = numberArg('--processing-ms', next()); break;
      case '--create-delay-ms': o.createDelayMs = numberArg('--create-delay-ms', next()); break;
      case '--concurrency-limit': o.concurrencyLimit = numberArg('--concurrency-limit', next()); break;
      case '--token-ttl-ms': o.tokenTtlMs = numberArg('--token-ttl-ms', next()); break;
      case '--log-requests': o.logRequests = true; break;
      case '--quiet': o.logRequests = false; break;
      default: throw new UsageError(`Unknown option ${a}. Run kraken-import sandbox --help.`);
    }
  }
  return o;
}

/** Runs the sandbox until SIGINT/SIGTERM; resolves with the exit code. */
export async function runSandboxCommand(args: string[]): Promise<number> {
  let options: ReturnType<typeof parseSandboxArgs>;
  try {
    options = parseSandboxArgs(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (options.help) {
    process.stdout.write(`${SANDBOX_HELP}\n`);
    return 0;
  }
  const keyFromUser = options.apiKey !== undefined;
  let sandbox;
  try {
    sandbox = await startSandbox({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(err.code === 'EADDRINUSE'
      ? `Port ${options.port ?? 8787} is in use: pick another with --port.\n`
      : `Could not start the sandbox: ${err.message}\n`);
    return 1;
  }
  // The banner goes to stderr (from startSandbox) and to stdout, so it shows wherever the output goes.
  process.stdout.write([
    `kraken-import SANDBOX listening on ${sandbox.url}`,
    `  THIS IS NOT KRAKEN: a local imitation of the data-import API for rehearsals and tests.`,
    `  Every answer carries the header "${SANDBOX_HEADER}: ${SANDBOX_HEADER_VALUE}".`,
    `  API key: ${keyFromUser ? '(the one you gave)' : '"sandbox"'} — use it with auth kraken-token (obtainKrakenToken) or api-key-header (Token <key>).`,
    `  Environment: {"name": "sandbox", "baseUrl": "${sandbox.url}", "flow": "v1"} (or "v2").`,
    `  Faults: POST ${sandbox.url}/__sandbox/faults  State: GET ${sandbox.url}/__sandbox/  Stop: Ctrl+C`,
    '',
  ].join('\n'));
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
