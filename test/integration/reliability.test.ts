/**
 * Issue "Reliability and security", the parts the other suites do not cover:
 * - certificate checks: the Kraken client and the contract fetch refuse a self-signed HTTPS server with a clear
 *   message (nothing reaches the server's handler), and no source file switches verification off;
 * - a sandbox restart in the middle of a call: a create in flight is "outcome unknown" and never re-sent (not even
 *   to the new sandbox on the same port); a validate in flight is repeated and reaches the new sandbox;
 * - slow answers: the timeout is reported in plain words.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KrakenClient, type KrakenResult } from '../../core/src/kraken';
import { fetchContract } from '../../core/src/contract/source';
import { startSandbox, type SandboxHandle } from '../../sandbox/src';
import { formatResponseEntry, type ResponseEntry } from '../../core/src/send/tracking';
import { isPersonalPath, redactFieldMessage } from '../../core/src/kraken/redact';
import { REPO_ROOT } from '../helpers';
import { smallAccount } from '../fixtures/smallAccount';

const KEY = 'sk_test_reliability_5e8d2b';
const SUPPLIER = 'TENTACLE_ENERGY';
const CREATE = '/v1/data-import/account-import-process/process/';
const VALIDATE = '/v1/data-import/validate-account/';
const TLS = path.join(REPO_ROOT, 'test', 'fixtures', 'tls');
const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 };

const account = (ext: string) => smallAccount(ext, { supplier: SUPPLIER });

function failed<T>(r: KrakenResult<T>) {
  if (r.ok) assert.fail(`expected a failure, got ${JSON.stringify(r.data)}`);
  return r;
}

// ------------------------------------------------------------------------------------------------ TLS

describe('certificate checks', () => {
  let server: https.Server;
  let url = '';
  let reached = 0;
  const tmp = mkdtempSync(path.join(tmpdir(), 'kraken-tls-'));
  after(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a self-signed HTTPS server is refused by the Kraken client and the contract fetch, in plain words; nothing reaches it', async () => {
    server = https.createServer(
      { key: readFileSync(path.join(TLS, 'self-signed.key')), cert: readFileSync(path.join(TLS, 'self-signed.crt')) },
      (req, res) => {
        reached++;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Precondition: the server works for a client told to trust its certificate (so the refusal below is the check).
    const trusted = await new Promise<number>((resolve, reject) =>
      https
        .get(`${url}/`, { ca: readFileSync(path.join(TLS, 'self-signed.crt')) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject),
    );
    assert.equal(trusted, 200);
    reached = 0;

    for (const auth of ['api-key-header', 'kraken-token'] as const) {
      const c = new KrakenClient({ name: 'self-signed', baseUrl: url, flow: 'v1', auth }, async () => KEY, {
        retry: { ...FAST_RETRY, retries: 1 },
        timeoutMs: 5000,
      });
      const r = failed(await c.validateAccount(account('TLS-1')));
      assert.equal(r.reason, 'network', `${auth}: ${r.message}`);
      assert.match(
        r.message,
        /TLS certificate of 127\.0\.0\.1:\d+ was not accepted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)\. Certificate checks are never switched off/,
      );
      assert.ok(!r.message.includes(KEY));
    }
    await assert.rejects(
      fetchContract(`${url}/data-import/schema/`, { cacheDir: tmp, timeoutMs: 5000 }),
      (e: Error) => /certificate/i.test(e.message) && /never switched off/.test(e.message),
    );
    assert.equal(reached, 0, 'no request got past the handshake');
  });

  test('no source switches certificate verification off (rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED, checkServerIdentity)', () => {
    const hits: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|js|mjs|cjs)$/.test(name)) {
          const text = readFileSync(p, 'utf8');
          text.split('\n').forEach((line, i) => {
            if (
              /rejectUnauthorized\s*:\s*(false|0|!1)|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity\s*[:=]|setDefaultCaCertificates|--use-openssl-ca/.test(
                line,
              )
            ) {
              hits.push(`${path.relative(REPO_ROOT, p)}:${i + 1}: ${line.trim()}`);
            }
          });
        }
      }
    };
    for (const dir of ['client/src', 'cli/src', 'server/src', 'sandbox/src', 'scripts']) walk(path.join(REPO_ROOT, dir));
    // The shipped bundles too (dependencies included): what actually runs.
    for (const bundle of ['client.js', 'client-main.js', 'cli.js', 'cli-main.js', 'cli-commands.js', 'server.js', 'server-main.js']) {
      const file = path.join(REPO_ROOT, 'dist', bundle);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/rejectUnauthorized\s*:\s*(false|0|!1)|NODE_TLS_REJECT_UNAUTHORIZED/g))
        hits.push(`dist/${bundle}@${m.index}: ${m[0]}`);
    }
    assert.deepEqual(hits, []);
  });
});

// ------------------------------------------------------------------------------------------------ restart

describe('a sandbox restart in the middle of a call', () => {
  const open: SandboxHandle[] = [];
  after(async () => {
    for (const s of open) await s.close();
  });

  async function sandbox(port = 0, onRequest?: (path: string) => void): Promise<SandboxHandle> {
    const s = await startSandbox({ port, apiKey: KEY, createDelayMs: 0, log: () => undefined, onRequest: (e) => onRequest?.(e.path) });
    open.push(s);
    return s;
  }

  /** Closes `old` once a request to `path` is in its hands, then starts a new sandbox on the same port. */
  function restartDuring(old: SandboxHandle, path: string, restarted: (s: SandboxHandle) => void, gapMs = 100): (p: string) => void {
    let done = false;
    return (p) => {
      if (done || p !== path) return;
      done = true;
      void (async () => {
        await old.close();
        await new Promise((r) => setTimeout(r, gapMs)); // a moment with nothing listening (connection refused)
        restarted(await sandbox(old.port));
      })();
    };
  }

  for (const auth of ['api-key-header', 'kraken-token'] as const) {
    test(`${auth}: a create in flight is "outcome unknown" and never re-sent, not even to the new sandbox; the client then works against the new one`, async () => {
      let next: SandboxHandle | undefined;
      let hook: (p: string) => void = () => undefined;
      const first = await sandbox(0, (p) => hook(p));
      const c = new KrakenClient({ name: 'restart', baseUrl: first.url, flow: 'v1', auth, operationsTeam: 'A' }, async () => KEY, {
        retry: FAST_RETRY,
        timeoutMs: 10_000,
      });
      assert.ok((await c.stageAccount(account('RST-1'))).ok);
      first.faults.add({ match: CREATE, delayMs: 2000 });
      hook = restartDuring(first, CREATE, (s) => (next = s));
      const r = failed(
        await c.createAccountV1({ external_account_number: 'RST-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' }),
      );
      assert.equal(r.reason, 'outcome-unknown', r.message);
      assert.match(r.message, /Outcome unknown/);
      assert.match(r.message, /Check the import status/);
      assert.equal(first.state.requestsTo(CREATE, 'POST').length, 1, 'sent once');
      // Wait for the new sandbox: the client must not have sent the create to it on its own.
      for (let i = 0; !next && i < 100; i++) await new Promise((res) => setTimeout(res, 20));
      assert.ok(next, 'the sandbox came back on the same port');
      assert.equal(next.port, first.port);
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(next.state.requestsTo(CREATE, 'POST').length, 0, 'the create was not repeated to the restarted sandbox');
      // The same client keeps working against the new process (a kraken token from the old one is refused there:
      // signed in again once).
      const v = await c.validateAccount(account('RST-2'));
      assert.ok(v.ok, v.ok ? '' : v.message);
    });
  }

  test('a validate in flight is repeated (it creates nothing) and answered by the new sandbox', async () => {
    let next: SandboxHandle | undefined;
    let hook: (p: string) => void = () => undefined;
    const first = await sandbox(0, (p) => hook(p));
    first.faults.add({ match: VALIDATE, delayMs: 2000 });
    hook = restartDuring(first, VALIDATE, (s) => (next = s), 50);
    const c = new KrakenClient({ name: 'restart', baseUrl: first.url, flow: 'v1', auth: 'api-key-header' }, async () => KEY, {
      retry: { ...FAST_RETRY, baseDelayMs: 200, maxDelayMs: 400, retries: 4 },
      timeoutMs: 10_000,
    });
    const r = await c.validateAccount(account('RST-3'));
    assert.ok(r.ok, r.ok ? '' : `${r.reason}: ${r.message}`);
    assert.ok(r.attempts >= 2, `attempts ${r.attempts}`);
    assert.ok(next && next.state.requestsTo(VALIDATE, 'POST').some((e) => e.status === 200), 'answered by the new sandbox');
  });

  test('slow answers: the configured timeout is reported in plain words, with what it means for a create', async () => {
    const s = await sandbox();
    const c = new KrakenClient({ name: 'slow', baseUrl: s.url, flow: 'v1', auth: 'api-key-header', operationsTeam: 'A' }, async () => KEY, {
      retry: { ...FAST_RETRY, retries: 0 },
      timeoutMs: 300,
    });
    s.faults.add({ match: VALIDATE, delayMs: 5000 });
    const v = failed(await c.validateAccount(account('SLOW-1')));
    assert.equal(v.reason, 'timeout');
    assert.match(v.message, /No answer from 127\.0\.0\.1:\d+ within 300 ms/);
    assert.ok((await c.stageAccount(account('SLOW-1'), { timeoutMs: 5000 })).ok);
    s.faults.add({ match: CREATE, delayMs: 5000 });
    const cr = failed(
      await c.createAccountV1({ external_account_number: 'SLOW-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' }),
    );
    assert.equal(cr.reason, 'outcome-unknown');
    assert.match(cr.message, /within 300 ms/);
    assert.equal(s.state.requestsTo(CREATE, 'POST').length, 1);
  });
});

// ------------------------------------------------------------------------------------------------ personal data

describe('the response log: personal data Kraken quotes back in its errors', () => {
  test('names, emails, phone numbers, dates of birth, IBANs, bank account numbers, addresses: redacted by default, shown when asked', () => {
    const quoted: Record<string, string> = {
      'customers.0.given_name': 'Johann-Wolfgang',
      'customers.0.email': 'johann@@example',
      'customers.0.mobile': '+49 174',
      'customers.0.date_of_birth': '1997-13-45',
      'payment_instructions.0.bank_account.iban': 'DE00 2005 0550 1234',
      'payment_instructions.0.bank_account.account_number': '12345678',
      billing_address1: 'Fast an der Alster 66',
      'supply_addresses.0.supply_postcode': '2009X',
    };
    const errors = Object.entries(quoted).map(([attr, v]) => ({ attr, code: 'invalid', detail: `"${v}" is not valid.` }));
    const entry: ResponseEntry = {
      at: '2026-01-01T00:00:00Z',
      environment: 'Local sandbox',
      request: 'POST /v1/data-import/validate-account/',
      action: 'Validate with Kraken',
      account: 'EXT-1 (TENTACLE_ENERGY)',
      ok: false,
      status: 400,
      reason: 'invalid',
      message: `Kraken rejected EXT-1: 8 errors (first: customers.0.email: "johann@@example" is not valid.)`,
      // The standardized shape and DRF's nested one.
      body: {
        detail: 'Account failed validation.',
        code: 'account_failed_validation',
        errors,
        customers: { '0': { date_of_birth: ['"1997-13-45" is not a date.'] } },
      },
    };
    const hidden = formatResponseEntry(entry, false);
    for (const v of Object.values(quoted)) assert.ok(!hidden.includes(v), `${v} in:\n${hidden}`);
    for (const attr of Object.keys(quoted)) assert.ok(hidden.includes(attr), `the path ${attr} stays`);
    assert.match(hidden, /account_failed_validation/);
    const shown = formatResponseEntry(entry, true);
    for (const v of Object.values(quoted)) assert.ok(shown.includes(v), `${v} shown`);
    // Not personal: a supply point identifier quoted in an error stays.
    assert.match(
      redactFieldMessage('supply_addresses.0.supply_points.0.identifier', '"50203829715" has a wrong check digit'),
      /50203829715/,
    );
    assert.ok(isPersonalPath('payment_instructions.0.bank_account.account_number'));
    assert.ok(!isPersonalPath('ledgers.0.ledger_balance'));
  });
});
