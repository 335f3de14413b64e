// npm run wave:demo -- [--accounts 1000] [--concurrency 8] [--kill-after 300] [--faults]
//
// A migration wave end to end against the LOCAL SANDBOX (not Kraken): starts `kraken-import sandbox` on a free
// port, writes N small accounts into a temporary folder (one .jsonl), runs
//   kraken-import send --env Sandbox --action stage,create <folder>
// optionally kills it (SIGKILL) once the journal shows --kill-after creates and runs it again, then checks in the
// sandbox that every account was created exactly once, and prints the figures. Needs a build (dist/cli.js).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('accounts', 1000));
const concurrency = arg('concurrency', '8');
const killAfter = arg('kill-after') === undefined ? undefined : Number(arg('kill-after'));
const faults = process.argv.includes('--faults');
const KEY = 'wave-demo-key';
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run node scripts/build.mjs first');

const account = (ext) => ({
  import_supplier: 'TENTACLE_ENERGY',
  external_account_number: ext,
  customers: [
    { given_name: 'Johann', family_name: 'Goethe', email: 'johann@example.de', mobile: '+491741721223', date_of_birth: '1997-07-26' },
  ],
  billing_address1: 'Fast an der Alster',
  billing_address2: '66',
  billing_address4: 'Hamburg',
  billing_postcode: '20099',
  sales_channel: 'DIRECT',
  supply_addresses: [
    {
      supply_address1: 'An der Elbe',
      supply_address4: 'Jork',
      supply_postcode: '21635',
      customer_at_supply_address_from_date: '2021-01-01',
      supply_points: [{ identifier: '50203829715', supply_type: 'GAS', supply_start_date: '2021-01-01' }],
    },
  ],
  ledgers: [
    {
      identifiers: ['50203829715'],
      ledger_code: 'GAS_LEDGER',
      last_statement_closing_date: '2022-01-01',
      last_statement_balance: '-10.00',
      ledger_balance: '20.00',
    },
  ],
});

// The sandbox, on a free port (read from its banner).
const sandbox = spawn(process.execPath, [cli, 'sandbox', '--port', '0', '--api-key', KEY, '--quiet'], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
const url = await new Promise((resolve, reject) => {
  let text = '';
  const onData = (c) => {
    text += c;
    const m = /SANDBOX on (http:\/\/[^\s]+)/.exec(text);
    if (m) resolve(m[1]);
  };
  sandbox.stdout.on('data', onData);
  sandbox.stderr.on('data', onData);
  sandbox.on('exit', () => reject(new Error(`the sandbox ended: ${text}`)));
});
const control = async (path, init) => {
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
  Array.from({ length: N }, (_, i) => JSON.stringify(account(`DEMO-${String(i + 1).padStart(5, '0')}`))).join('\n') + '\n',
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
const run = (kill) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, sendArgs, {
      cwd: dir,
      env: { ...process.env, KRAKEN_API_KEY: KEY },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    let timer;
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

const runs = [];
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

const state = await control('');
const requests = await control('requests');
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
