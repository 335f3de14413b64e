/**
 * The commands' chain without VS Code: plan (core/src/send/plan.ts) -> the real KrakenClient -> the local
 * sandbox -> outcome (core/src/send/outcome.ts). Checks the decisions against real HTTP answers: the v1
 * dry-run 400 shown as a success, "already imported" with the account number, per-item statuses on
 * `transactions.N`, v2 wrapping with errors mapped back to a bare document, polling to a final status, the key
 * never in a message.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type SandboxHandle } from '../../sandbox/src/index';
import { KrakenClient } from '../../core/src/kraken';
import type { EnvironmentSetting } from '../../core/src/send/environments';
import { describeImportStatus, describeResult, type Outcome } from '../../core/src/send/outcome';
import { planRequest, type PlanInput, type RequestPlan } from '../../core/src/send/plan';
import { callKraken } from '../../core/src/send/call';
import { fixture, seedAccount } from '../helpers';

const KEY = 'sandbox-test-key-1234';
let sandbox: SandboxHandle;
let v1: EnvironmentSetting;
let v2: EnvironmentSetting;

before(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: KEY, processingMs: 200, createDelayMs: 0, log: () => {} });
  v1 = { name: 'Sandbox v1', baseUrl: sandbox.url, flow: 'v1', production: false, auth: 'api-key-header', operationsTeam: 'A' };
  v2 = { name: 'Sandbox v2', baseUrl: sandbox.url, flow: 'v2', production: false, auth: 'kraken-token' };
});

after(async () => {
  await sandbox?.close();
});

function clientFor(env: EnvironmentSetting, key = KEY): KrakenClient {
  return new KrakenClient({ name: env.name, baseUrl: env.baseUrl, flow: env.flow, auth: env.auth }, async () => key, {
    retry: { retries: 0, baseDelayMs: 1 },
  });
}

function plan(env: EnvironmentSetting, input: Omit<PlanInput, 'env'>): RequestPlan {
  const r = planRequest({ ...input, env, operationsTeam: input.operationsTeam ?? env.operationsTeam });
  if (!r.ok) throw new Error(r.reason);
  return r.plan;
}

async function send(env: EnvironmentSetting, input: Omit<PlanInput, 'env'>, key = KEY): Promise<Outcome> {
  const p = plan(env, input);
  return describeResult(p, env.name, await callKraken(clientFor(env, key), p.call), input.doc);
}

describe('v1 flow against the sandbox', () => {
  const account: Record<string, any> = { ...seedAccount(), external_account_number: 'CMD-V1-1' };

  test('validate, stage (201 then 200), create dry run (400 -> success), create, create again (already imported)', async () => {
    const validated = await send(v1, { action: 'validate', kind: 'account', doc: account });
    assert.equal(validated.level, 'success', validated.message);
    assert.equal(validated.message, 'Kraken (Sandbox v1) validated CMD-V1-1 (TENTACLE_ENERGY): no errors.');

    assert.match((await send(v1, { action: 'stage', kind: 'account', doc: account })).message, /^Staged CMD-V1-1 .*HTTP 201/);
    assert.match(
      (await send(v1, { action: 'stage', kind: 'account', doc: account })).message,
      /^Updated the staged data of CMD-V1-1 .*HTTP 200/,
    );

    const dry = await send(v1, { action: 'create-dry-run', kind: 'account', doc: account });
    assert.equal(dry.level, 'success');
    assert.match(dry.message, /^Dry run succeeded: CMD-V1-1 \(TENTACLE_ENERGY\) would import/);

    const created = await send(v1, { action: 'create', kind: 'account', doc: account });
    assert.equal(created.level, 'success', created.message);
    assert.match(created.krakenAccountNumber ?? '', /^A-/);

    const again = await send(v1, { action: 'create', kind: 'account', doc: account });
    assert.equal(again.level, 'warning');
    assert.equal(
      again.message,
      `CMD-V1-1 (TENTACLE_ENERGY) has already been imported into Kraken (Sandbox v1) as Kraken account ${created.krakenAccountNumber}.`,
    );
  });

  test('Kraken field errors become findings on the document path', async () => {
    const bad = { ...account, external_account_number: 'CMD-V1-BAD', customers: [{ ...account.customers[0], landline: 'abcde' }] };
    const o = await send(v1, { action: 'validate', kind: 'account', doc: bad });
    assert.equal(o.level, 'error');
    assert.equal(o.replacesDiagnostics, true);
    const landline = o.findings.find((f) => f.path === 'customers.0.landline');
    assert.ok(landline, JSON.stringify(o.findings));
    assert.equal(landline.code, 'invalid_phone_number');
  });

  test('transactions twice: the second time each item is TRANSACTION_ALREADY_EXISTS on transactions.N', async () => {
    const tx = JSON.parse(fixture('seeds/seed-transactions.json'));
    const first = await send(v1, { action: 'transactions', kind: 'transactions', doc: { ...tx, external_account_number: 'CMD-V1-1' } });
    assert.equal(first.level, 'success', first.message);
    assert.deepEqual(first.findings, []);
    const second = await send(v1, { action: 'transactions', kind: 'transactions', doc: { ...tx, external_account_number: 'CMD-V1-1' } });
    assert.deepEqual(
      second.findings.map((f) => [f.path, f.code, f.severity]),
      tx.transactions.map((_: unknown, i: number) => [`transactions.${i}`, 'TRANSACTION_ALREADY_EXISTS', 'information']),
    );
    assert.match(second.message, /0 added, \d+ already existed/);
  });

  test('notes on an account that is not imported: not found, with the reason', async () => {
    const notes = { ...JSON.parse(fixture('seeds/seed-notes.json')), external_account_number: 'CMD-NEVER-IMPORTED' };
    const o = await send(v1, { action: 'notes', kind: 'notes', doc: notes });
    assert.equal(o.level, 'error');
    assert.match(o.message, /not found.*You can only add notes once the account has been imported — staging it is not enough\.$/);
    assert.equal(o.message.match(/staging/g)?.length, 1, 'the reason is given once');
    assert.equal(o.replacesDiagnostics, false);
  });

  test('registration flows: one status per supply point', async () => {
    const o = await send(v1, { action: 'registration-flows', kind: 'account', doc: account, supplyStartDate: '' });
    assert.equal(o.level, 'success', o.message);
    assert.match(o.message, /Registration flows for CMD-V1-1 .*: 2 sent/);
  });

  test('a wrong key: unauthorized, the key never in the message', async () => {
    const wrong = 'wrong-key-never-shown-5678';
    const o = await send(v1, { action: 'validate', kind: 'account', doc: account }, wrong);
    assert.equal(o.level, 'error');
    assert.deepEqual(o.followUps, ['set-api-key']);
    assert.ok(!o.message.includes(wrong));
    assert.ok(!o.message.includes(KEY));
  });
});

describe('v2 flow against the sandbox (Kraken token auth)', () => {
  test('validate wraps the bare account; errors come back as payload.… and land on the bare path', async () => {
    const account = seedAccount();
    const bad = { ...account, external_account_number: 'CMD-V2-BAD', customers: [{ ...account.customers[0], landline: 'abcde' }] };
    const o = await send(v2, { action: 'validate', kind: 'account', doc: bad });
    assert.equal(o.level, 'error');
    assert.ok(
      o.findings.some((f) => f.path === 'customers.0.landline'),
      JSON.stringify(o.findings),
    );
    const ok = await send(v2, { action: 'validate', kind: 'account', doc: account });
    assert.equal(ok.level, 'success', ok.message);
  });

  test('create (dry run) is scheduled, then polled to DRY_RUN_SUCCEEDED', async () => {
    const doc = { ...seedAccount(), external_account_number: 'CMD-V2-1' };
    const p = plan(v2, { action: 'create-dry-run', kind: 'account', doc });
    const client = clientFor(v2);
    const scheduled = describeResult(p, v2.name, await callKraken(client, p.call), doc);
    assert.equal(scheduled.poll, true, scheduled.message);
    const statuses: string[] = [];
    const polled = await client.pollImportStatus(p.poll!.importSupplierCode, p.poll!.externalIdentifier, {
      intervalMs: 50,
      onProgress: (e) => e.status && statuses.push(e.status),
    });
    assert.ok(polled.ok, polled.ok ? '' : polled.message);
    const o = describeImportStatus(polled.data, p.identity, `Kraken (${v2.name})`);
    assert.equal(o.level, 'success');
    assert.match(o.message, /^Dry run succeeded in Kraken \(Sandbox v2\): CMD-V2-1 \(TENTACLE_ENERGY\) would import/);
    assert.ok(statuses.length >= 1);
  });
});
