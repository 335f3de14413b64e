/**
 * `kraken-import send` as a real process (dist/cli.js) against an in-process sandbox: the API key and the Kraken
 * tokens obtained with it never appear in stdout, stderr or the journal — key from the environment, key piped with
 * --api-key-stdin, both auth modes, with a wrong key (401), a 500 burst and dropped connections; a key on argv is
 * refused without being echoed. Personal data that Kraken's answers quote (a malformed email, a date of birth, bank
 * details) is redacted in the output and the journal unless --show-personal-data.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type SandboxHandle } from '../../sandbox/src/index';
import { REPO_ROOT } from '../helpers';
import { smallAccount } from '../fixtures/smallAccount';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const KEY = `sk_live_${randomBytes(12).toString('hex')}`;
const SUPPLIER = 'TENTACLE_ENERGY';
const VALIDATE = '/v1/data-import/validate-account/';
const VALIDATE_V2 = '/v2/data-import/accounts/validate/';

const account = (ext: string, customer: Record<string, unknown> = {}) => smallAccount(ext, { supplier: SUPPLIER, customer });

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process (the sandbox in this process keeps answering meanwhile). */
function cli(cwd: string, args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KRAKEN_API_KEY')));
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...clean, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (stdin !== undefined) child.stdin.write(stdin);
    child.stdin.end();
  });
}

let sb: SandboxHandle;
let dir: string;
/** Every credential that reached the sandbox: the key and each token (the Authorization header's value). */
const credentials = new Set<string>();
const originalEmit = http.Server.prototype.emit;

before(async () => {
  assert.ok(existsSync(CLI), `${CLI} missing: run node scripts/build.mjs`);
  sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 0, log: () => undefined });
  // Record the Authorization headers the sandbox receives (to search the output for the tokens too).
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    const addr = this.address();
    if (event === 'request' && addr && typeof addr === 'object' && addr.port === sb.port) {
      const auth = (args[0] as http.IncomingMessage).headers.authorization;
      if (auth) credentials.add(auth.replace(/^(Token|JWT|Bearer)\s+/i, ''));
    }
    return (originalEmit as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof originalEmit;
  dir = mkdtempSync(path.join(tmpdir(), 'kraken-cli-privacy-'));
  writeFileSync(
    path.join(dir, 'kraken-import.config.json'),
    JSON.stringify({
      environments: [
        { name: 'Header', baseUrl: sb.url, flow: 'v1', operationsTeam: 'A', auth: 'api-key-header' },
        { name: 'Token', baseUrl: sb.url, flow: 'v2', auth: 'kraken-token' },
      ],
    }),
  );
  writeFileSync(path.join(dir, 'good.json'), JSON.stringify(account('PRIV-1'), null, 2));
});

after(async () => {
  http.Server.prototype.emit = originalEmit;
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

function journal(name: string): string {
  const file = path.join(dir, name);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

describe('kraken-import send: the key and tokens', () => {
  test(
    'key in the environment or on stdin, both auth modes, a wrong key, a 500 burst, a dropped connection: never in stdout, stderr or the journal; argv refused',
    { timeout: 60_000 },
    async () => {
      const runs: Run[] = [];
      const journals: string[] = [];
      let n = 0;
      const send = async (
        envName: string,
        action: string,
        env: Record<string, string>,
        extra: string[] = [],
        stdin?: string,
      ): Promise<Run> => {
        const j = `run-${++n}.journal.jsonl`;
        const r = await cli(dir, ['send', '--env', envName, '--action', action, '--journal', j, ...extra, 'good.json'], env, stdin);
        runs.push(r);
        journals.push(journal(j));
        return r;
      };

      // The key from KRAKEN_API_KEY_<ENV>, and from KRAKEN_API_KEY.
      assert.equal((await send('Header', 'validate', { KRAKEN_API_KEY_HEADER: KEY })).code, 0, runs.at(-1)!.stdout + runs.at(-1)!.stderr);
      assert.equal((await send('Token', 'validate', { KRAKEN_API_KEY: KEY })).code, 0, runs.at(-1)!.stdout + runs.at(-1)!.stderr);
      // Piped on stdin (a pipe, not a terminal: no prompt).
      assert.equal((await send('Header', 'validate', {}, ['--api-key-stdin'], `${KEY}\n`)).code, 0, runs.at(-1)!.stderr);
      assert.equal((await send('Token', 'validate', {}, ['--api-key-stdin'], `${KEY}\n`)).code, 0, runs.at(-1)!.stderr);
      // A wrong key (a key-shaped string that contains the real one, so a careless message would show it).
      const wrong = await send('Header', 'validate', { KRAKEN_API_KEY: `${KEY}x` });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stdout, /did not accept the API key/);
      const wrongToken = await send('Token', 'validate', { KRAKEN_API_KEY: `${KEY}x` });
      assert.equal(wrongToken.code, 1);
      // A 500 burst the retries get through, a 500 burst they do not, and a dropped connection.
      sb.faults.add({ match: VALIDATE, status: 500, times: 2, body: { detail: `internal error for ${KEY}` } });
      assert.equal((await send('Header', 'validate', { KRAKEN_API_KEY: KEY })).code, 0, runs.at(-1)!.stdout);
      sb.faults.add({ match: VALIDATE_V2, status: 500, times: 0, body: `boom ${KEY}` });
      assert.equal((await send('Token', 'validate', { KRAKEN_API_KEY: KEY })).code, 1);
      sb.faults.clear();
      sb.faults.add({ match: VALIDATE, drop: 'before', times: 0 });
      assert.equal((await send('Header', 'validate', { KRAKEN_API_KEY: KEY })).code, 1);
      sb.faults.clear();

      // On argv: refused before anything is sent, and not echoed.
      const before = sb.state.requests.length;
      for (const argv of [['--api-key', KEY], [`--api-key=${KEY}`], ['--key', KEY]]) {
        const r = await cli(dir, ['send', '--env', 'Header', '--action', 'validate', ...argv, 'good.json']);
        runs.push(r);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /never taken from arguments/);
      }
      assert.equal(sb.state.requests.length, before, 'nothing was sent');

      const tokens = [...credentials].filter((c) => c !== KEY && !c.startsWith(KEY));
      assert.ok(tokens.length >= 1, 'the kraken-token runs used tokens');
      const text = [...runs.flatMap((r) => [r.stdout, r.stderr]), ...journals].join('\n');
      assert.ok(journals.filter(Boolean).length >= 9, 'journals written');
      for (const secret of [KEY, ...tokens]) assert.ok(!text.includes(secret), `a credential leaked: ${secret.slice(0, 12)}…`);
      // Nor any long piece of a token (its signature part).
      for (const t of tokens) for (const part of t.split('.').filter((p) => p.length >= 16)) assert.ok(!text.includes(part));
    },
  );
});

describe('kraken-import send: personal data', () => {
  const typed = {
    email: 'johann@@example',
    date_of_birth: '1997-13-45',
    mobile: '+49 174',
  };
  before(() => {
    const bad = account('PRIV-BAD', typed);
    (bad as Record<string, unknown>).billing_postcode = '2009X';
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad, null, 2));
  });

  test(
    'names, emails, phone numbers, dates of birth, postcodes Kraken quotes back are redacted in the output and the journal; --show-personal-data shows them',
    { timeout: 30_000 },
    async () => {
      const hidden = await cli(
        dir,
        ['send', '--env', 'Header', '--action', 'validate', '--journal', 'pd-hidden.journal.jsonl', 'bad.json'],
        { KRAKEN_API_KEY: KEY },
      );
      assert.equal(hidden.code, 1, hidden.stdout + hidden.stderr);
      const hiddenJournal = journal('pd-hidden.journal.jsonl');
      const hiddenText = hidden.stdout + hidden.stderr + hiddenJournal;
      assert.match(hidden.stdout, /rejected PRIV-BAD/);
      assert.match(hidden.stdout, /«redacted»/);
      assert.match(hiddenJournal, /customers\.0\.email/, 'the path stays: the user can find the field');
      for (const v of [...Object.values(typed), '2009X', 'Goethe', 'Johann'])
        assert.ok(!hiddenText.includes(v), `${v} shown by default:\n${hiddenText}`);

      const shown = await cli(
        dir,
        ['send', '--env', 'Header', '--action', 'validate', '--show-personal-data', '--journal', 'pd-shown.journal.jsonl', 'bad.json'],
        { KRAKEN_API_KEY: KEY },
      );
      assert.equal(shown.code, 1);
      const shownText = shown.stdout + journal('pd-shown.journal.jsonl');
      assert.ok(shownText.includes('johann@@example'), shownText);
      assert.ok(shownText.includes('1997-13-45'), shownText);

      // Kraken quoting a name, an address, a bank account number and an IBAN in its errors.
      const quoted = {
        'customers.0.family_name': ['"Goethe-Schillerstraßenbewohner" is longer than 30 characters.', 'Goethe-Schillerstraßenbewohner'],
        billing_address1: ['"Fast an der Alster 66" is not a known street.', 'Fast an der Alster 66'],
        'payment_instructions.0.bank_account.account_number': ['"12345678" is not a valid account number.', '12345678'],
        'payment_instructions.0.bank_account.iban': ['DE00 2005 0550 1234 5678 90 has a wrong check digit.', 'DE00 2005 0550 1234 5678 90'],
      };
      const body = {
        detail: 'Account failed validation.',
        code: 'account_failed_validation',
        errors: Object.entries(quoted).map(([attr, [detail]]) => ({ attr, code: 'invalid', detail })),
      };
      for (const show of [false, true]) {
        sb.faults.add({ match: VALIDATE, status: 400, body });
        const j = `pd-quoted-${show}.journal.jsonl`;
        const r = await cli(
          dir,
          ['send', '--env', 'Header', '--action', 'validate', '--journal', j, ...(show ? ['--show-personal-data'] : []), 'good.json'],
          { KRAKEN_API_KEY: KEY },
        );
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const text = r.stdout + r.stderr + journal(j);
        for (const [attr, [, value]] of Object.entries(quoted)) {
          assert.ok(text.includes(attr), `${attr} named`);
          assert.equal(text.includes(value), show, `${value} ${show ? 'shown with' : 'hidden without'} --show-personal-data:\n${text}`);
        }
      }
    },
  );

  test('a payload that is not JSON: its text is not quoted in the output', async () => {
    writeFileSync(path.join(dir, 'broken.json'), '{"customers": [{"email": "maria@example.org" "x": 1}]}');
    const r = await cli(dir, ['send', '--env', 'Header', '--action', 'validate', '--journal', 'pd-broken.journal.jsonl', 'broken.json'], {
      KRAKEN_API_KEY: KEY,
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    // Placed and worded as validate reports it, not as JSON.parse does (a byte offset).
    assert.match(r.stdout, /not JSON: line 1, column 46: Expected a comma between these values\./);
    assert.ok(!(r.stdout + r.stderr).includes('maria'), r.stdout);
  });
});
