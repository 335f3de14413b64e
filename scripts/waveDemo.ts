// npm run wave:demo -- [--accounts 1000] [--concurrency 8] [--kill-after 300] [--faults]
//
// A migration wave end to end against the LOCAL SANDBOX (not Kraken): starts `kraken-import sandbox` on a free
// port, writes N small accounts into a temporary folder (one .jsonl), runs
//   kraken-import send --env Sandbox --action stage,create <folder>
// optionally kills it (SIGKILL) once the journal shows --kill-after creates and runs it again, then checks in the
// sandbox that every account was created exactly once, and prints the figures. Built by scripts/build.mjs into
// out/scripts/waveDemo.js; runs dist/cli.js.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { smallAccount } from '../test/fixtures/smallAccount';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  seconds: number;
}
interface LoggedRequest {
  path: string;
  status: number;
  dropped?: boolean;
}

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const KEY = 'wave-demo-key';

/** A whole number of at least `min` from an option, or a usage error naming it. */
function count(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`wave:demo: --${name} needs a whole number of at least ${min}, got "${value}"\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    allowPositionals: false,
    options: {
      accounts: { type: 'string' },
      concurrency: { type: 'string' },
      'kill-after': { type: 'string' },
      faults: { type: 'boolean' },
    },
  });
  const N = count('accounts', values.accounts, 1) ?? 1000;
  const concurrency = String(count('concurrency', values.concurrency, 1) ?? 8);
  const killAfter = count('kill-after', values['kill-after'], 1);
  const faults = values.faults === true;
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run node scripts/build.mjs first');

  // The sandbox, on a free port (read from its banner).
  const sandbox = spawn(process.execPath, [cli, 'sandbox', '--port', '0', '--api-key', KEY, '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (c: Buffer): void => {
      text += c;
      const m = /SANDBOX on (http:\/\/[^\s]+)/.exec(text);
      if (m) resolve(m[1]);
    };
    sandbox.stdout.on('data', onData);
    sandbox.stderr.on('data', onData);
    sandbox.on('exit', () => reject(new Error(`the sandbox ended: ${text}`)));
  });
  const control = async (path: string, init?: RequestInit): Promise<unknown> => {
    const r = await fetch(`${url}/__sandbox/${path}`, init);
    return r.status === 204 ? undefined : r.json();
  };

  const dir = mkdtempSync(join(tmpdir(), 'kraken-wave-demo-'));
  writeFileSync(
    join(dir, 'kraken-import.config.json'),
    JSON.stringify({ environments: [{ name: 'Sandbox', baseUrl: url, flow: 'v1', operationsTeam: 'A', auth: 'kraken-token' }] }),
  );
  writeFileSync(
    join(dir, 'wave.jsonl'),
    Array.from({ length: N }, (_, i) => JSON.stringify(smallAccount(`DEMO-${String(i + 1).padStart(5, '0')}`))).join('\n') + '\n',
  );
  if (faults) {
    await control('faults', {
      method: 'POST',
      body: JSON.stringify([
        { match: '/v1/data-import/account-import-process/create-or-update/', status: 500, times: 10 },
        { match: '/v1/data-import/account-import-process/process/', status: 429, times: 60, retryAfter: 1 },
        { match: '/v1/data-import/account-import-process/process/', drop: 'after', times: 5 },
      ]),
    });
  }

  const journal = join(dir, 'kraken-import.journal.jsonl');
  const sendArgs = [cli, 'send', '--env', 'Sandbox', '--action', 'stage,create', '--concurrency', concurrency, '--quiet', '.'];
  const run = (kill: number | undefined): Promise<Run> =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(process.execPath, sendArgs, {
        cwd: dir,
        env: { ...process.env, KRAKEN_API_KEY: KEY },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c));
      let timer: NodeJS.Timeout | undefined;
      if (kill !== undefined) {
        timer = setInterval(() => {
          const created = existsSync(journal)
            ? readFileSync(journal, 'utf8')
                .split('\n')
                .filter((l) => l.includes('"action":"create"') && l.includes('"status":"ok"')).length
            : 0;
          if (created >= kill) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 10);
      }
      child.on('exit', (code, signal) => {
        clearInterval(timer);
        resolve({ code, signal, out, seconds: (Date.now() - started) / 1000 });
      });
    });

  const runs: Run[] = [];
  const first = await run(killAfter);
  runs.push(first);
  process.stdout.write(
    first.signal
      ? `run 1: killed (${first.signal}) after ${first.seconds.toFixed(1)} s\n`
      : `run 1: exit ${first.code} in ${first.seconds.toFixed(1)} s\n${first.out}`,
  );
  if (first.signal || first.code !== 0) {
    const second = await run(undefined);
    runs.push(second);
    process.stdout.write(`run 2: exit ${second.code} in ${second.seconds.toFixed(1)} s\n${second.out}`);
  }

  const state = (await control('')) as { imported: Array<{ external_account_number: string }> };
  const requests = (await control('requests')) as LoggedRequest[];
  const creates = requests.filter((r) => r.path === '/v1/data-import/account-import-process/process/');
  const imported = state.imported.filter((a) => a.external_account_number.startsWith('DEMO-'));
  const distinct = new Set(imported.map((a) => a.external_account_number)).size;
  const figures = {
    accounts: N,
    imported: imported.length,
    distinctImported: distinct,
    createRequests: creates.length,
    created201: creates.filter((r) => r.status === 201).length,
    createsDroppedAfterProcessing: creates.filter((r) => r.dropped).length,
    answered429: creates.filter((r) => r.status === 429).length,
    answered400AlreadyImported: creates.filter((r) => r.status === 400).length,
    totalSeconds: Number(runs.reduce((s, r) => s + r.seconds, 0).toFixed(1)),
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  const ok = imported.length === N && distinct === N && figures.answered400AlreadyImported === 0;
  process.stdout.write(ok ? `OK: all ${N} accounts created exactly once.\n` : 'NOT OK: see the figures above.\n');
  sandbox.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = ok ? 0 : 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`wave:demo: ${e instanceof Error ? e.message : String(e)}\n`);
  // An option parseArgs does not know (or a missing value) is a usage error.
  process.exitCode = (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
});
