/**
 * The decisions behind "send the open document to Kraken" (client/src/commands/*.ts, no `vscode`): environments,
 * which endpoint and body for which kind and flow (v2 wrapping), Kraken's answers -> message text and findings
 * (dry-run 400 -> success, already imported -> the account number, per-item statuses -> findings on
 * `transactions.N`), confirmations, path tracking, the redacted response log, and package.json contributions.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  baseUrlProblem,
  environmentStatus,
  EXAMPLE_ENVIRONMENT,
  isLoopbackHost,
  parseEnvironments,
  pickActiveEnvironment,
  secretKeyFor,
  type EnvironmentSetting,
} from '../../core/src/send/environments';
import { CONTEXT_KEYS, KRAKEN_COMMANDS } from '../../core/src/send/ids';
import {
  describeImportStatus,
  describeResult,
  describeStatusFailure,
  errorsToFindings,
  findValuePath,
  itemFindings,
} from '../../core/src/send/outcome';
import {
  accountIdentity,
  availableActions,
  codeLensActions,
  dateProblem,
  DEFAULT_TRANSACTION_OPTIONS,
  endpointOf,
  operationsTeamFor,
  planRequest,
  type PlanInput,
  type RequestPlan,
} from '../../core/src/send/plan';
import { confirmationFor } from '../../core/src/send/safety';
import { callKraken, type KrakenCalls } from '../../core/src/send/call';
import { firstLineRange, formatResponseEntry, place, relocate, ResponseHistory, type ResponseEntry } from '../../core/src/send/tracking';
import type { ImportStatusData, ItemResult, KrakenFailure, KrakenResult } from '../../core/src/kraken/types';
import { REPO_ROOT, fixture, seedAccount } from '../helpers';

const V1: EnvironmentSetting = { ...EXAMPLE_ENVIRONMENT, flow: 'v1', production: false, auth: 'api-key-header' };
const V2: EnvironmentSetting = {
  ...V1,
  name: 'DE test',
  baseUrl: 'https://api.example-kraken.energy',
  flow: 'v2',
  operationsTeam: undefined,
};
const PROD: EnvironmentSetting = { ...V1, name: 'Production DE', baseUrl: 'https://api.oeg-kraken.energy', production: true };

function plan(input: Partial<PlanInput> & Pick<PlanInput, 'action' | 'kind' | 'doc'>): RequestPlan {
  const r = planRequest({ env: V1, ...input });
  if (!r.ok) throw new Error(`expected a plan, got: ${r.reason}`);
  return r.plan;
}

function failure(f: Partial<KrakenFailure> & Pick<KrakenFailure, 'reason'>): KrakenFailure {
  return { ok: false, message: '', errors: [], attempts: 1, ...f };
}

function success<T>(data: T, status = 200, body: unknown = {}): KrakenResult<T> {
  return { ok: true, status, data, body, attempts: 1 };
}

// ------------------------------------------------------------------ environments

describe('environments', () => {
  test('the example entry (the local sandbox) parses without problems and is not production', () => {
    const { environments, problems } = parseEnvironments([EXAMPLE_ENVIRONMENT]);
    assert.deepEqual(problems, []);
    assert.equal(environments.length, 1);
    assert.deepEqual(environments[0], { ...EXAMPLE_ENVIRONMENT, contract: undefined });
    assert.equal(environments[0]!.production, false);
  });

  test('HTTPS only, plain http only to loopback addresses', () => {
    assert.equal(baseUrlProblem('https://api.oeg-kraken.energy'), undefined);
    assert.equal(baseUrlProblem('http://127.0.0.1:8787'), undefined);
    assert.equal(baseUrlProblem('http://localhost:8787'), undefined);
    assert.equal(baseUrlProblem('http://[::1]:8787'), undefined);
    assert.match(baseUrlProblem('http://api.oeg-kraken.energy')!, /only allowed to a loopback address/);
    assert.match(baseUrlProblem('http://10.0.0.5:8787')!, /loopback/);
    assert.match(baseUrlProblem('ftp://example.com')!, /unsupported protocol/);
    assert.match(baseUrlProblem('https://user:pw@api.example.com')!, /credentials/);
    assert.match(baseUrlProblem('not a url')!, /not a URL/);
    assert.ok(isLoopbackHost('127.8.9.10'));
    assert.ok(!isLoopbackHost('128.0.0.1'));
    assert.ok(!isLoopbackHost('127.0.0.1.example.com'));
  });

  test('an unknown field is a problem naming it; a "production" that is not a boolean counts as production', () => {
    const { environments, problems } = parseEnvironments([
      { name: 'a', baseUrl: 'https://a.example.com', prodution: true },
      { name: 'b', baseUrl: 'https://b.example.com', production: 'false' },
      { name: 'c', baseUrl: 'https://c.example.com', production: false },
    ]);
    assert.deepEqual(
      environments.map((e) => [e.name, e.production]),
      [
        ['a', false],
        ['b', true],
        ['c', false],
      ],
    );
    assert.deepEqual(problems, [
      'krakenImport.environments[0] ("a"): unknown field "prodution" (name, baseUrl, flow, importSupplier, operationsTeam, production, contract, auth)',
      'krakenImport.environments[1] ("b"): "production" must be true or false; treated as true',
    ]);
  });

  test('bad entries are skipped with a reason; a key in settings is reported without echoing it', () => {
    const secret = 'sk_live_do_not_echo_me';
    const { environments, problems } = parseEnvironments([
      { name: 'ok', baseUrl: 'https://api.example.com/', flow: 'v2', apiKey: secret },
      { name: 'ok', baseUrl: 'https://other.example.com', flow: 'v1' },
      { name: 'plain', baseUrl: 'http://api.example.com', flow: 'v1' },
      { name: 'flowless', baseUrl: 'https://x.example.com', flow: 'v3' },
      { baseUrl: 'https://x.example.com' },
      'nope',
    ]);
    assert.deepEqual(
      environments.map((e) => [e.name, e.baseUrl, e.flow, e.auth]),
      [['ok', 'https://api.example.com', 'v2', 'api-key-header']],
    );
    assert.equal(problems.length, 6);
    assert.ok(problems.some((p) => /"apiKey" field is ignored/.test(p)));
    assert.ok(!problems.join('\n').includes(secret));
    assert.deepEqual(parseEnvironments('x').problems, ['krakenImport.environments must be a list']);
    assert.deepEqual(parseEnvironments(undefined), { environments: [], problems: [] });
  });

  test('the stored key is bound to the name and the base URL', () => {
    assert.equal(secretKeyFor(V1), 'krakenImport.apiKey/Local sandbox@http://127.0.0.1:8787');
    assert.equal(secretKeyFor({ name: 'Local sandbox', baseUrl: 'http://127.0.0.1:8787/' }), secretKeyFor(V1));
    assert.notEqual(secretKeyFor({ name: 'Local sandbox', baseUrl: 'https://evil.example.com' }), secretKeyFor(V1));
  });

  test('active environment: the named one, else the first; status text flags production', () => {
    assert.equal(pickActiveEnvironment([V1, PROD], 'Production DE'), PROD);
    assert.equal(pickActiveEnvironment([V1, PROD], 'gone'), V1);
    assert.equal(pickActiveEnvironment([], 'x'), undefined);
    assert.match(environmentStatus(PROD).text, /warning.*Production DE/);
    assert.equal(environmentStatus(PROD).production, true);
    assert.match(environmentStatus(undefined).text, /no environment/);
  });
});

// ------------------------------------------------------------------ plans

describe('which actions and endpoints for which kind', () => {
  test('actions per kind and flow', () => {
    assert.deepEqual(availableActions('account', 'v1'), ['validate', 'stage', 'create-dry-run', 'create', 'registration-flows']);
    assert.deepEqual(availableActions('account', 'v2'), ['validate', 'create-dry-run', 'create', 'registration-flows']);
    assert.deepEqual(codeLensActions('account', 'v1'), ['validate', 'stage', 'create-dry-run', 'create']);
    assert.deepEqual(availableActions('account-v1-create', 'v1'), ['create-dry-run', 'create', 'registration-flows']);
    assert.deepEqual(availableActions('account-v1-create', 'v2'), ['registration-flows']);
    for (const k of ['notes', 'transactions', 'statements', 'payment-instruction', 'business-payment-instruction']) {
      assert.deepEqual(availableActions(k, 'v1'), [k]);
      assert.deepEqual(availableActions(k, 'v2'), [k]);
    }
    assert.deepEqual(availableActions(null, 'v1'), []);
  });

  test('post-import kinds go to their endpoint with the document as the body', () => {
    const cases: Array<[string, string, string]> = [
      ['notes', 'seeds/seed-notes.json', 'POST /v1/data-import/notes/create/'],
      ['statements', 'seeds/seed-statements.json', 'POST /v1/data-import/historical-statements/create/'],
      ['payment-instruction', 'seeds/seed-payment-instruction.json', 'POST /v1/data-import/payment-instruction/create/'],
      [
        'business-payment-instruction',
        'seeds/seed-business-payment-instruction.json',
        'POST /v1/data-import/business-payment-instruction/create/',
      ],
    ];
    for (const [kind, file, endpoint] of cases) {
      const doc = JSON.parse(fixture(file));
      const p = plan({ action: kind as PlanInput['action'], kind, doc });
      assert.equal(endpointOf(p.call), endpoint);
      assert.equal((p.call as { body: unknown }).body, doc);
      assert.equal(p.mapPath('notes.1.body'), 'notes.1.body');
    }
  });

  test('transactions carry the URL options (Kraken defaults: both true)', () => {
    const doc = JSON.parse(fixture('seeds/seed-transactions.json'));
    const p = plan({ action: 'transactions', kind: 'transactions', doc });
    assert.deepEqual(p.call.method === 'postTransactions' && p.call.options, DEFAULT_TRANSACTION_OPTIONS);
    const q = plan({
      action: 'transactions',
      kind: 'transactions',
      doc,
      transactionOptions: { check_previously_added: false, force_add_to_current_statement: true },
    });
    assert.equal(
      endpointOf(q.call),
      'POST /v1/data-import/transactions/create/?check_previously_added=false&force_add_to_current_statement=true',
    );
    assert.equal(q.itemsPath, 'transactions');
  });

  test('v1: validate and stage send the bare account; a v2-shaped document is unwrapped and paths map back', () => {
    const account = seedAccount();
    const p = plan({ action: 'validate', kind: 'account', doc: account });
    assert.deepEqual(p.call, { method: 'validateAccount', body: account });
    assert.equal(p.mapPath('customers.0.landline'), 'customers.0.landline');
    const wrapped = { payload: account };
    const s = plan({ action: 'stage', kind: 'account-v2-validate', doc: wrapped });
    assert.deepEqual(s.call, { method: 'stageAccount', body: account });
    assert.equal(s.mapPath('customers.0.landline'), 'payload.customers.0.landline');
  });

  test('v2 validate wraps a bare account in {payload} (the contract), and sends a {payload} document as it is', () => {
    const account = seedAccount();
    const p = plan({ action: 'validate', kind: 'account', doc: account, env: V2 });
    assert.equal(p.call.method, 'validateAccountV2');
    assert.deepEqual(p.call.method === 'validateAccountV2' && p.call.body, { payload: account });
    assert.equal(endpointOf(p.call), 'POST /v2/data-import/accounts/validate/');
    // Kraken may answer relative to the body (payload.…) or to the account: both land on the bare document's path.
    assert.equal(p.mapPath('payload.customers.0.landline'), 'customers.0.landline');
    assert.equal(p.mapPath('customers.0.landline'), 'customers.0.landline');
    assert.equal(p.mapPath('payload'), '');

    const q = plan({ action: 'validate', kind: 'account-v2-validate', doc: { payload: account }, env: V2 });
    assert.deepEqual(q.call.method === 'validateAccountV2' && q.call.body, { payload: account });
    assert.equal(q.mapPath('payload.customers.0.landline'), 'payload.customers.0.landline');
    assert.equal(q.mapPath('customers.0.landline'), 'payload.customers.0.landline');
  });

  test('v2 create wraps a bare account in {payload, task_params}; dry run through task_params.is_dry_run', () => {
    const account = seedAccount();
    const dry = plan({ action: 'create-dry-run', kind: 'account', doc: account, env: V2 });
    assert.deepEqual(dry.call.method === 'createAccountV2' && dry.call.body, { payload: account, task_params: { is_dry_run: true } });
    assert.equal(dry.dryRun, true);
    assert.equal(dry.createsAccount, false);
    assert.deepEqual(dry.poll, { importSupplierCode: 'TENTACLE_ENERGY', externalIdentifier: 'EXTERNAL-1234' });
    const real = plan({ action: 'create', kind: 'account', doc: account, env: V2 });
    assert.deepEqual(real.call.method === 'createAccountV2' && real.call.body.task_params, { is_dry_run: false });
    assert.equal(real.createsAccount, true);
    assert.equal(real.mapPath('task_params.schedule_window_start'), null, 'task_params we generated has no place in a bare document');

    // A {payload, task_params} document keeps its schedule window; the command decides the dry run.
    const doc = { payload: account, task_params: { is_dry_run: true, schedule_window_start: '2030-01-01T00:00:00Z' } };
    const fromDoc = plan({ action: 'create', kind: 'account-v2-create', doc, env: V2 });
    assert.deepEqual(fromDoc.call.method === 'createAccountV2' && fromDoc.call.body, {
      payload: account,
      task_params: { is_dry_run: false, schedule_window_start: '2030-01-01T00:00:00Z' },
    });
    assert.equal(fromDoc.createsAccount, true);
    assert.equal(fromDoc.mapPath('task_params.schedule_window_start'), 'task_params.schedule_window_start');
    assert.equal(fromDoc.mapPath('customers.0.email'), 'payload.customers.0.email');
  });

  test('callKraken hands the v2 create to the client as payload + task_params, and everything else unchanged', async () => {
    const calls: unknown[][] = [];
    const rec =
      (name: string) =>
      async (...args: unknown[]) => {
        calls.push([name, ...args.slice(0, -1)]);
        return success({}) as never;
      };
    const fake = Object.fromEntries(
      [
        'validateAccount',
        'stageAccount',
        'createAccountV1',
        'validateAccountV2',
        'createAccountV2',
        'postNotes',
        'postTransactions',
        'postStatements',
        'postPaymentInstruction',
        'postBusinessPaymentInstruction',
        'sendRegistrationFlows',
      ].map((n) => [n, rec(n)]),
    ) as unknown as KrakenCalls;
    const account = seedAccount();
    const doc = { payload: account, task_params: { is_dry_run: false, schedule_window_end: null } };
    await callKraken(fake, plan({ action: 'create-dry-run', kind: 'account-v2-create', doc, env: V2 }).call);
    assert.deepEqual(calls.pop(), ['createAccountV2', account, { is_dry_run: true, schedule_window_end: null }]);
    await callKraken(fake, plan({ action: 'registration-flows', kind: 'account', doc: account, supplyStartDate: '2024-02-29' }).call);
    assert.deepEqual(calls.pop(), ['sendRegistrationFlows', 'TENTACLE_ENERGY', 'EXTERNAL-1234', { supply_start_date: '2024-02-29' }]);
    await callKraken(fake, plan({ action: 'registration-flows', kind: 'account', doc: account, supplyStartDate: '' }).call);
    assert.deepEqual(calls.pop(), ['sendRegistrationFlows', 'TENTACLE_ENERGY', 'EXTERNAL-1234', {}]);
  });

  test('v1 create: external_account_number and import_supplier_code from the document, the team, dry_run', () => {
    const account = seedAccount();
    const p = plan({ action: 'create-dry-run', kind: 'account', doc: account, operationsTeam: 'A' });
    assert.deepEqual(p.call, {
      method: 'createAccountV1',
      body: { external_account_number: 'EXTERNAL-1234', import_supplier_code: 'TENTACLE_ENERGY', operations_team_name: 'A', dry_run: true },
    });
    assert.equal(p.createsAccount, false);
    assert.equal(plan({ action: 'create', kind: 'account', doc: account, operationsTeam: 'A' }).createsAccount, true);
    // Kraken's create errors map back to the document's own fields; the team has no place in an account.
    assert.equal(p.mapPath('import_supplier_code'), 'import_supplier');
    assert.equal(p.mapPath('external_account_number'), 'external_account_number');
    assert.equal(p.mapPath('operations_team_name'), null);
    assert.equal(p.mapPath('customers.0.landline'), 'customers.0.landline', 'create re-runs validation on the staged account');

    const missing = planRequest({ action: 'create', kind: 'account', doc: account, env: V1 });
    assert.equal(missing.ok, false);
    assert.match(!missing.ok ? missing.reason : '', /operations team/i);
    const noNumber = planRequest({
      action: 'create',
      kind: 'account',
      doc: { import_supplier: 'X', customers: [] },
      env: V1,
      operationsTeam: 'A',
    });
    assert.match(!noNumber.ok ? noNumber.reason : '', /external_account_number/);
  });

  test('v1 create request document: team from the document first, then the environment, then the remembered one', () => {
    const req = JSON.parse(fixture('seeds/seed-create-request.json'));
    assert.equal(operationsTeamFor('account-v1-create', req, { operationsTeam: 'ENV' }, 'REMEMBERED'), 'A');
    assert.equal(operationsTeamFor('account', seedAccount(), { operationsTeam: 'ENV' }, 'REMEMBERED'), 'ENV');
    assert.equal(operationsTeamFor('account', seedAccount(), {}, 'REMEMBERED'), 'REMEMBERED');
    assert.equal(operationsTeamFor('account', seedAccount(), {}, undefined), undefined);
    const p = plan({ action: 'create', kind: 'account-v1-create', doc: req, operationsTeam: 'A' });
    assert.equal(p.mapPath('operations_team_name'), 'operations_team_name');
    assert.equal(p.mapPath('import_supplier_code'), 'import_supplier_code');
    assert.equal(p.mapPath('customers.0.landline'), null);
    const v2 = planRequest({ action: 'create', kind: 'account-v1-create', doc: req, env: V2, operationsTeam: 'A' });
    assert.match(!v2.ok ? v2.reason : '', /v1 create request/);
  });

  test('stage does not exist in v2; the reason says so', () => {
    const r = planRequest({ action: 'stage', kind: 'account', doc: seedAccount(), env: V2 });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /no staging/);
  });

  test('identity of each kind', () => {
    assert.deepEqual(accountIdentity('account-v2-create', { payload: { import_supplier: 'S', external_account_number: 'E' } }), {
      importSupplier: 'S',
      externalAccountNumber: 'E',
      paths: { importSupplier: 'payload.import_supplier', externalAccountNumber: 'payload.external_account_number' },
    });
    const bpi = accountIdentity('business-payment-instruction', JSON.parse(fixture('seeds/seed-business-payment-instruction.json')));
    assert.equal(bpi.externalBusinessIdentifier, 'EXTERNAL-1234');
    assert.equal(bpi.importSupplier, 'TENTACLE_UTILITIES');
  });

  test('registration flows: supply_start_date optional, checked as a date', () => {
    assert.equal(dateProblem('2024-02-29'), undefined);
    assert.match(dateProblem('2023-02-29')!, /not a calendar date/);
    assert.match(dateProblem('01/02/2024')!, /YYYY-MM-DD/);
    const r = planRequest({ action: 'registration-flows', kind: 'account', doc: seedAccount(), env: V1, supplyStartDate: '2024-13-01' });
    assert.match(!r.ok ? r.reason : '', /supply_start_date/);
    const p = plan({ action: 'registration-flows', kind: 'account', doc: seedAccount(), supplyStartDate: '2024-03-01' });
    assert.equal(
      endpointOf(p.call),
      'POST /v1/data-import/send-registration-flows/TENTACLE_ENERGY/EXTERNAL-1234/?supply_start_date=2024-03-01',
    );
  });
});

// ------------------------------------------------------------------ outcomes

describe('Kraken answers -> messages and findings', () => {
  const account = seedAccount();

  test('v1 dry-run success (a 400 from Kraken) is shown as a success', () => {
    const p = plan({ action: 'create-dry-run', kind: 'account', doc: account, operationsTeam: 'A' });
    const r = success({ outcome: 'dry-run-succeeded' as const, message: '' }, 400, {
      detail: 'Account would successfully import. Rolled back due to Dry Run.',
      code: '400',
    });
    const o = describeResult(p, 'Local sandbox', r);
    assert.equal(o.level, 'success');
    assert.equal(
      o.message,
      'Dry run succeeded: EXTERNAL-1234 (TENTACLE_ENERGY) would import into Kraken (Local sandbox). Kraken rolled it back; nothing was created.',
    );
    assert.deepEqual(o.findings, []);
    assert.equal(o.replacesDiagnostics, true, 'a successful call clears the Kraken diagnostics');
  });

  test('already imported shows the existing Kraken account number (v1 create, v2 create, stage)', () => {
    const p = plan({ action: 'create', kind: 'account', doc: account, operationsTeam: 'A' });
    const o = describeResult(
      p,
      'Local sandbox',
      success({ outcome: 'already-imported' as const, krakenAccountNumber: 'A-E8981832', message: '' }, 400),
    );
    assert.equal(
      o.message,
      'EXTERNAL-1234 (TENTACLE_ENERGY) has already been imported into Kraken (Local sandbox) as Kraken account A-E8981832.',
    );
    assert.equal(o.krakenAccountNumber, 'A-E8981832');
    const v2 = plan({ action: 'create', kind: 'account', doc: account, env: V2 });
    const o2 = describeResult(
      v2,
      'DE test',
      success({ outcome: 'already-imported' as const, dryRun: false, krakenAccountNumber: 'A-12345678', message: '' }, 400),
    );
    assert.match(o2.message, /as Kraken account A-12345678\.$/);
    assert.equal(o2.poll, undefined, 'nothing to poll');
    const stage = plan({ action: 'stage', kind: 'account', doc: account });
    const o3 = describeResult(
      stage,
      'Local sandbox',
      failure({ reason: 'already-imported', status: 400, krakenAccountNumber: 'A-E8981832' }),
    );
    assert.match(o3.message, /already been imported into Kraken \(Local sandbox\) as Kraken account A-E8981832/);
  });

  test('stage says whether it staged (201) or updated (200)', () => {
    const p = plan({ action: 'stage', kind: 'account', doc: account });
    assert.match(
      describeResult(p, 'S', success({ outcome: 'staged' as const }, 201)).message,
      /Staged EXTERNAL-1234 \(TENTACLE_ENERGY\).*201: staged for the first time/,
    );
    assert.match(describeResult(p, 'S', success({ outcome: 'updated' as const }, 200)).message, /Updated the staged data.*200/);
  });

  test('v1 create success names the new account; v2 create asks to poll', () => {
    const p = plan({ action: 'create', kind: 'account', doc: account, operationsTeam: 'A' });
    const o = describeResult(p, 'S', success({ outcome: 'created' as const, krakenAccountNumber: 'A-E8981832', message: '' }, 201));
    assert.equal(o.message, 'Created Kraken account A-E8981832 from EXTERNAL-1234 (TENTACLE_ENERGY) in Kraken (S).');
    const v2 = plan({ action: 'create-dry-run', kind: 'account', doc: account, env: V2 });
    const s = describeResult(v2, 'DE test', success({ outcome: 'scheduled' as const, dryRun: true, message: '' }, 201));
    assert.equal(s.poll, true);
    assert.match(s.message, /scheduled the dry-run import/);
  });

  test('field errors land on document paths (through the v2 wrapping), non-field errors on the first line', () => {
    const p = plan({ action: 'validate', kind: 'account', doc: account, env: V2 });
    const r = failure({
      reason: 'invalid',
      status: 400,
      errors: [
        { attr: 'payload.customers.0.landline', code: 'invalid_phone_number', detail: 'abcde is not a valid phone number' },
        { attr: '', code: 'account_failed_validation', detail: 'Could not validate account data.' },
        { attr: 'task_params.is_dry_run', detail: 'Must be a boolean.' },
      ],
    });
    const o = describeResult(p, 'DE test', r);
    assert.equal(o.level, 'error');
    assert.equal(o.replacesDiagnostics, true);
    assert.deepEqual(o.findings, [
      { path: 'customers.0.landline', severity: 'error', message: 'abcde is not a valid phone number', code: 'invalid_phone_number' },
      { path: null, severity: 'error', message: 'Could not validate account data.', code: 'account_failed_validation' },
      { path: null, severity: 'error', message: 'task_params.is_dry_run: Must be a boolean.' },
    ]);
    assert.match(
      o.message,
      /Kraken \(DE test\) rejected EXTERNAL-1234 \(TENTACLE_ENERGY\): 3 errors \(first: payload\.customers\.0\.landline: abcde/,
    );
  });

  test('transport, auth and server trouble leave the diagnostics alone and offer what helps', () => {
    const p = plan({ action: 'validate', kind: 'account', doc: account });
    const unauth = describeResult(p, 'S', failure({ reason: 'unauthorized', status: 401, message: 'Enter the key again.' }));
    assert.equal(unauth.replacesDiagnostics, false);
    assert.deepEqual(unauth.followUps, ['set-api-key']);
    assert.deepEqual(describeResult(p, 'S', failure({ reason: 'no-api-key' })).followUps, ['set-api-key']);
    const create = plan({ action: 'create', kind: 'account', doc: account, env: V2 });
    const unknown = describeResult(create, 'S', failure({ reason: 'outcome-unknown', message: 'Dropped.' }));
    assert.equal(unknown.level, 'warning');
    assert.deepEqual(unknown.followUps, ['check-status']);
    assert.match(unknown.message, /may or may not have been processed/);
    assert.equal(describeResult(p, 'S', failure({ reason: 'cancelled', message: 'did not validate.' })).level, 'info');
    assert.match(describeResult(p, 'S', failure({ reason: 'rate-limited', status: 429 })).message, /busy \(HTTP 429\)/);
    const notes = plan({ action: 'notes', kind: 'notes', doc: JSON.parse(fixture('seeds/seed-notes.json')) });
    // The reader's message already says why (answers.ts notImported); the outcome adds only where and the status.
    assert.equal(
      describeResult(notes, 'S', failure({ reason: 'not-found', status: 404, message: 'No account.' })).message,
      'Kraken (S): not found (HTTP 404): No account.',
    );
  });

  test('per-item transaction statuses become findings on transactions.N (created items need none)', () => {
    const doc = JSON.parse(fixture('seeds/seed-transactions.json'));
    const p = plan({ action: 'transactions', kind: 'transactions', doc });
    const items: ItemResult[] = [
      { index: 0, path: 'transactions.0', status: 'TRANSACTION_ADDED_TO_ACCOUNT', outcome: 'created' },
      { index: 1, path: 'transactions.1', status: 'TRANSACTION_ALREADY_EXISTS', outcome: 'exists' },
      {
        index: 3,
        path: 'transactions.3',
        status: 'TRANSACTION_IMPORT_ERROR',
        outcome: 'error',
        detail: 'Transaction is not within the open statement period.',
      },
      { index: -1, path: '', status: 'SOMETHING_NEW', outcome: 'unknown' },
    ];
    const o = describeResult(p, 'S', success({ items, created: 1, existing: 1, failed: 1 }, 201));
    assert.equal(o.level, 'warning');
    assert.equal(
      o.message,
      'Transactions for EXTERNAL-1234 (TENTACLE_ENERGY) in Kraken (S): 1 added, 1 already existed, 1 failed, 1 with another status',
    );
    assert.deepEqual(
      o.findings.map((f) => [f.path, f.severity, f.code]),
      [
        ['transactions.1', 'information', 'TRANSACTION_ALREADY_EXISTS'],
        ['transactions.3', 'error', 'TRANSACTION_IMPORT_ERROR'],
        [null, 'warning', 'SOMETHING_NEW'],
      ],
    );
    assert.match(
      o.findings[1]!.message,
      /TRANSACTION_IMPORT_ERROR — the transaction could not be imported: Transaction is not within the open statement period\./,
    );
  });

  test('a 400 TRANSACTION_IMPORT_ERROR: one finding on the item, not a second one on the first line', () => {
    const doc = JSON.parse(fixture('seeds/seed-transactions.json'));
    const p = plan({ action: 'transactions', kind: 'transactions', doc });
    const item: ItemResult = {
      index: 0,
      path: 'transactions.0',
      status: 'TRANSACTION_IMPORT_ERROR',
      outcome: 'error',
      detail: 'UnableToCreateTransaction',
    };
    const o = describeResult(
      p,
      'S',
      failure({
        reason: 'invalid',
        status: 400,
        items: [item],
        errors: [{ attr: 'transactions.0', code: 'TRANSACTION_IMPORT_ERROR', detail: 'UnableToCreateTransaction' }],
      }),
    );
    assert.deepEqual(
      o.findings.map((f) => f.path),
      ['transactions.0'],
    );
  });

  test('notes: NOTE_ALREADY_EXISTS on notes.N; all created is a success', () => {
    const doc = JSON.parse(fixture('seeds/seed-notes.json'));
    const p = plan({ action: 'notes', kind: 'notes', doc });
    const o = describeResult(
      p,
      'S',
      success({
        items: [
          { index: 0, path: 'notes.0', status: 'NOTE_CREATION_SUCCESS', outcome: 'created' as const },
          { index: 1, path: 'notes.1', status: 'NOTE_ALREADY_EXISTS', outcome: 'exists' as const },
        ],
        created: 1,
        existing: 1,
        failed: 0,
      }),
    );
    assert.equal(o.level, 'success');
    assert.equal(o.message, 'Notes for EXTERNAL-1234 (TENTACLE_ENERGY) in Kraken (S): 1 created, 1 already existed');
    assert.deepEqual(
      o.findings.map((f) => [f.path, f.severity]),
      [['notes.1', 'information']],
    );
  });

  test('registration flows: REGISTRATION_FLOW_ERROR goes on the meter point whose identifier is the mpxn', () => {
    const doc = {
      import_supplier: 'TENTACLE_ENERGY',
      external_account_number: 'EXTERNAL-1234',
      customers: [{ mobile: '3406086401' }],
      supply_addresses: [{ meter_points: [{ mpan: '1013004420117' }, { mprn: '3406086401' }] }],
    };
    const p = plan({ action: 'registration-flows', kind: 'account', doc, supplyStartDate: '' });
    const items: ItemResult[] = [
      {
        index: 0,
        path: '',
        status: 'REGISTRATION_FLOW_SUCCESS',
        outcome: 'created',
        data: { mpxn: '1013004420117', status: 'REGISTRATION_FLOW_SUCCESS' },
      },
      {
        index: 1,
        path: '',
        status: 'REGISTRATION_FLOW_ERROR',
        outcome: 'error',
        detail: 'TEN not current supplier',
        data: { mpxn: '3406086401', status: 'REGISTRATION_FLOW_ERROR' },
      },
      { index: 2, path: '', status: 'REGISTRATION_FLOW_ERROR', outcome: 'error', detail: 'x', data: { mpxn: '999' } },
    ];
    const o = describeResult(p, 'S', success({ items, created: 1, existing: 0, failed: 2 }), doc);
    assert.deepEqual(
      o.findings.map((f) => f.path),
      ['supply_addresses.0.meter_points.1', null],
    );
    assert.match(o.findings[0]!.message, /^3406086401: REGISTRATION_FLOW_ERROR — .*: TEN not current supplier$/);
    assert.match(o.message, /Registration flows .*: 1 sent, 2 failed/);
    assert.equal(findValuePath(doc, '3406086401'), 'customers.0.mobile', 'without preferred keys, the first match');
  });

  test('v2 import status: final statuses, latest_error on the first line, unknown statuses are said so', () => {
    const id = accountIdentity('account', account);
    const base: ImportStatusData = { status: 'PROCESSED', phase: 'succeeded', final: true, krakenIdentifier: 'A-1', latestError: null };
    assert.match(
      describeImportStatus(base, id, 'Kraken (S)').message,
      /^Imported EXTERNAL-1234 \(TENTACLE_ENERGY\) into Kraken \(S\): Kraken A-1/,
    );
    const dry = describeImportStatus({ ...base, status: 'DRY_RUN_SUCCEEDED', krakenIdentifier: null }, id, 'Kraken (S)');
    assert.equal(dry.level, 'success');
    assert.match(dry.message, /Dry run succeeded/);
    const err = describeImportStatus(
      {
        ...base,
        status: 'DRY_RUN_ERRORED',
        phase: 'failed',
        krakenIdentifier: null,
        latestError: { code: 'some_error_code', detail: 'A detailed error message', domain: 'account_import' },
      },
      id,
      'Kraken (S)',
    );
    assert.equal(err.level, 'error');
    assert.match(err.message, /ended DRY_RUN_ERRORED: A detailed error message \(some_error_code\)/);
    assert.deepEqual(err.findings, [
      {
        path: null,
        severity: 'error',
        message: 'Import DRY_RUN_ERRORED: A detailed error message (some_error_code)',
        code: 'some_error_code',
      },
    ]);
    const pending = describeImportStatus({ ...base, status: 'IN_PROGRESS', phase: 'pending', final: false }, id, 'Kraken (S)');
    assert.equal(pending.replacesDiagnostics, false);
    assert.match(
      describeImportStatus({ ...base, status: 'QUEUED', phase: 'unknown', final: false }, id, 'Kraken (S)').message,
      /does not know/,
    );
    const nf = describeStatusFailure(failure({ reason: 'not-found', status: 404, message: 'No import process.' }), id, 'v2', 'S');
    assert.equal(nf.replacesDiagnostics, false);
    assert.match(nf.message, /not found \(HTTP 404\): No import process\./);
  });

  test('errorsToFindings and itemFindings alone', () => {
    assert.deepEqual(
      errorsToFindings([{ attr: 'a.0.b', detail: 'x' }], (p) => `payload.${p}`),
      [{ path: 'payload.a.0.b', severity: 'error', message: 'x' }],
    );
    const p = plan({ action: 'notes', kind: 'notes', doc: JSON.parse(fixture('seeds/seed-notes.json')) });
    assert.deepEqual(
      itemFindings([{ index: -1, path: '', status: 'NOTE_ALREADY_EXISTS', outcome: 'exists' }], p, {}).map((f) => f.path),
      [null],
    );
  });
});

// ------------------------------------------------------------------ safety

describe('confirmations', () => {
  const account = seedAccount();

  test('a non-dry-run create asks, naming the environment and the account', () => {
    const c = confirmationFor(plan({ action: 'create', kind: 'account', doc: account, operationsTeam: 'A' }), V1);
    assert.ok(c);
    assert.equal(c.message, 'Create EXTERNAL-1234 (TENTACLE_ENERGY) in Kraken environment "Local sandbox"?');
    assert.match(c.detail, /Environment: Local sandbox — http:\/\/127\.0\.0\.1:8787/);
    assert.match(c.detail, /Operations team: A/);
    assert.match(c.detail, /not a dry run/);
    assert.equal(c.confirmLabel, 'Create in Local sandbox');
    assert.ok(confirmationFor(plan({ action: 'create', kind: 'account', doc: account, env: V2 }), V2));
  });

  test('dry runs, validation and post-import go without asking outside production', () => {
    assert.equal(confirmationFor(plan({ action: 'create-dry-run', kind: 'account', doc: account, operationsTeam: 'A' }), V1), undefined);
    assert.equal(confirmationFor(plan({ action: 'validate', kind: 'account', doc: account }), V1), undefined);
    assert.equal(
      confirmationFor(plan({ action: 'notes', kind: 'notes', doc: JSON.parse(fixture('seeds/seed-notes.json')) }), V1),
      undefined,
    );
  });

  test('any call to a production environment asks, even a validation', () => {
    const c = confirmationFor(plan({ action: 'validate', kind: 'account', doc: account, env: PROD }), PROD);
    assert.ok(c);
    assert.equal(c.message, 'Validate EXTERNAL-1234 (TENTACLE_ENERGY) in Kraken environment "Production DE" (PRODUCTION)?');
    assert.match(c.detail, /marked production/);
    const t = confirmationFor(
      plan({ action: 'transactions', kind: 'transactions', doc: JSON.parse(fixture('seeds/seed-transactions.json')), env: PROD }),
      PROD,
    );
    assert.match(t!.detail, /check_previously_added=true, force_add_to_current_statement=true/);
  });

  test("a different import supplier than the environment's is pointed out", () => {
    const c = confirmationFor(
      plan({ action: 'create', kind: 'account', doc: { ...account, import_supplier: 'OTHER' }, operationsTeam: 'A' }),
      V1,
    );
    assert.match(c!.detail, /The document's import supplier is OTHER; the environment's is TENTACLE_ENERGY\./);
  });
});

// ------------------------------------------------------------------ tracking and the response log

describe('findings follow their path; the response log is redacted', () => {
  const at = (line: number) => ({ start: { line, character: 2 }, end: { line, character: 9 } });
  const first = firstLineRange('{');

  test('placement: a path that exists, one that does not (nearest ancestor), none (first line)', () => {
    const f = { path: 'customers.0.landline', severity: 'error' as const, message: 'm' };
    assert.deepEqual(place(f, { range: at(5), exact: true }, first), { ...f, existed: true, range: at(5) });
    assert.deepEqual(place(f, { range: at(3), exact: false }, first), { ...f, existed: false, range: at(3) });
    assert.deepEqual(place({ ...f, path: null }, undefined, first).range, first);
    assert.deepEqual(first, { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } });
  });

  test('relocation: moves with its path, drops when the path disappears, keeps when the server cannot answer', () => {
    const f = place({ path: 'customers.0.landline', severity: 'error', message: 'm' }, { range: at(5), exact: true }, first);
    assert.deepEqual(relocate(f, { range: at(7), exact: true }, first)?.range, at(7));
    assert.equal(relocate(f, { range: at(3), exact: false }, first), undefined);
    assert.equal(relocate(f, null, first), f);
    const missing = place(
      { path: 'customers.0.given_name', severity: 'error', message: 'required' },
      { range: at(3), exact: false },
      first,
    );
    assert.deepEqual(relocate(missing, { range: at(4), exact: false }, first)?.range, at(4), 'a missing field stays on its ancestor');
    assert.deepEqual(relocate(missing, { range: at(6), exact: true }, first)?.range, at(6), 'and moves onto the field once it is typed');
    const nonField = place({ path: null, severity: 'error', message: 'x' }, undefined, first);
    assert.deepEqual(relocate(nonField, undefined, firstLineRange('{ "a": 1 }'))?.range?.end, { line: 0, character: 10 });
  });

  test('the response log shows formatted JSON with personal data redacted unless asked', () => {
    const entry: ResponseEntry = {
      at: '2026-01-01T00:00:00Z',
      environment: 'Local sandbox',
      request: 'POST /v1/data-import/validate-account/',
      action: 'Validate with Kraken',
      account: 'EXTERNAL-1234 (TENTACLE_ENERGY)',
      ok: false,
      status: 400,
      reason: 'invalid',
      message: 'rejected: johann@example.com is not valid',
      body: { customers: { '0': { email: ['johann@example.com is not valid'] } }, given_name: 'Johann' },
    };
    const redacted = formatResponseEntry(entry, false);
    assert.ok(!redacted.includes('johann@example.com'));
    assert.ok(!redacted.includes('Johann'));
    assert.match(
      redacted,
      /^POST \/v1\/data-import\/validate-account\/ — Validate with Kraken — EXTERNAL-1234 \(TENTACLE_ENERGY\) — Local sandbox — HTTP 400\n/,
    );
    assert.match(redacted, /\n {2}"customers": \{\n/);
    const shown = formatResponseEntry(entry, true);
    assert.ok(shown.includes('johann@example.com'));
    assert.ok(shown.includes('"given_name": "Johann"'));
  });

  test('the history keeps the last N per document', () => {
    const h = new ResponseHistory(2);
    const e = (n: number) => ({ at: String(n) }) as ResponseEntry;
    h.add('a', e(1));
    h.add('a', e(2));
    h.add('a', e(3));
    h.add('b', e(4));
    assert.deepEqual(
      h.get('a').map((x) => x.at),
      ['2', '3'],
    );
    assert.deepEqual(
      h.get('b').map((x) => x.at),
      ['4'],
    );
    h.delete('a');
    assert.deepEqual(h.get('a'), []);
  });
});

// ------------------------------------------------------------------ contributions

describe('package.json contributions and module boundaries', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

  test('every command id is contributed, in category "Kraken Import", and sending commands need a trusted workspace', () => {
    const contributed = new Map<string, { category?: string; enablement?: string }>(
      pkg.contributes.commands.map((c: { command: string }) => [c.command, c]),
    );
    for (const id of Object.values(KRAKEN_COMMANDS)) {
      const c = contributed.get(id);
      assert.ok(c, `${id} is contributed`);
      assert.equal(c.category, 'Kraken Import');
    }
    for (const id of [
      KRAKEN_COMMANDS.validate,
      KRAKEN_COMMANDS.stage,
      KRAKEN_COMMANDS.create,
      KRAKEN_COMMANDS.createDryRun,
      KRAKEN_COMMANDS.sendPostImport,
      KRAKEN_COMMANDS.registrationFlows,
      KRAKEN_COMMANDS.sendToKraken,
      KRAKEN_COMMANDS.checkStatus,
    ]) {
      assert.match(contributed.get(id)!.enablement ?? '', /isWorkspaceTrusted/, id);
    }
    const title = pkg.contributes.menus['editor/title'].map((m: { command: string }) => m.command);
    assert.ok(title.includes(KRAKEN_COMMANDS.sendToKraken));
    const whens = [...pkg.contributes.menus['editor/title'], ...pkg.contributes.menus.commandPalette]
      .map((m: { when?: string }) => m.when ?? '')
      .join(' ');
    for (const key of [
      CONTEXT_KEYS.canValidate,
      CONTEXT_KEYS.canStage,
      CONTEXT_KEYS.canCreate,
      CONTEXT_KEYS.canPostImport,
      CONTEXT_KEYS.canRegistrationFlows,
      CONTEXT_KEYS.canSend,
    ]) {
      assert.ok(whens.includes(key), `${key} is used in a when clause`);
    }
  });

  test('settings: the environments default is the sandbox example, nothing secret; untrusted workspaces limited', () => {
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(props['krakenImport.environments'].default, [EXAMPLE_ENVIRONMENT]);
    assert.deepEqual(parseEnvironments(props['krakenImport.environments'].default).problems, []);
    assert.equal(props['krakenImport.environments'].items.additionalProperties, false);
    assert.ok(!('apiKey' in props['krakenImport.environments'].items.properties));
    assert.equal(props['krakenImport.showPersonalData'].default, false);
    assert.equal(props['krakenImport.activeEnvironment'].type, 'string');
    assert.equal(props['krakenImport.requestTimeoutSeconds'].default, 60);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.description);
    const pattern = new RegExp(props['krakenImport.environments'].items.properties.baseUrl.pattern);
    assert.ok(pattern.test('http://127.0.0.1:8787') && pattern.test('https://api.x.energy') && !pattern.test('http://api.x.energy'));
  });

  test('the decision modules do not import vscode', () => {
    const dir = path.join(REPO_ROOT, 'client', 'src', 'commands');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      assert.ok(!/from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(text), `${name} imports vscode`);
    }
  });
});
