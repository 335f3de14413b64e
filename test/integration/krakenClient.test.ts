/**
 * The Kraken HTTP client against the local sandbox over real HTTP on 127.0.0.1, plus the pure helpers (error
 * normalisation, redaction, URL rules). No fixed sleeps: progress is followed through the sandbox's request hook,
 * the client's progress events and the import-status polling itself.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { inspect } from 'node:util';
import type { AddressInfo } from 'node:net';
import {
  checkBaseUrl,
  isDryRunSuccess,
  isLoopbackHost,
  KrakenClient,
  normaliseErrors,
  alreadyImportedAccount,
  redact,
  redactText,
  REDACTED,
  type KrakenClientOptions,
  type KrakenEnvironment,
  type KrakenResult,
  type ProgressEvent,
} from '../../core/src/kraken';
import { SANDBOX_HEADER, startSandbox, type RequestLogEntry, type SandboxHandle, type SandboxOptions } from '../../sandbox/src';
import { parseSandboxArgs } from '../../sandbox/src/cli';
import { createKrakenService } from '../../core/src/service';
import { smallAccount } from '../fixtures/smallAccount';

const KEY = 'sk_test_kraken_SECRET_7f3a9c21';
const SUPPLIER = 'TENTACLE_ENERGY';
const PATH = {
  validate: '/v1/data-import/validate-account/',
  stage: '/v1/data-import/account-import-process/create-or-update/',
  create: '/v1/data-import/account-import-process/process/',
  validateV2: '/v2/data-import/accounts/validate/',
  createV2: '/v2/data-import/accounts/',
  graphql: '/v1/graphql/',
};
const FAST_RETRY = { baseDelayMs: 2, maxDelayMs: 20 };

/** A small valid German account (the language service finds no errors in it: asserted below). */
const account = (ext = 'EXT-1', extra: Record<string, unknown> = {}) => smallAccount(ext, { supplier: SUPPLIER, extra });

function badAccount(ext = 'EXT-BAD'): Record<string, unknown> {
  const a = account(ext);
  delete a.import_supplier;
  (a.customers as Array<Record<string, unknown>>)[0].date_of_birth = '1997-13-45';
  return a;
}

let sb: SandboxHandle;
const sandboxLog: string[] = [];
let onRequest: ((e: RequestLogEntry) => void) | undefined;

async function sandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  return startSandbox({
    port: 0,
    apiKey: KEY,
    processingMs: 300,
    createDelayMs: 0,
    log: (l) => sandboxLog.push(l),
    onRequest: (e) => onRequest?.(e),
    ...options,
  });
}

function env(s: SandboxHandle, over: Partial<KrakenEnvironment> = {}): KrakenEnvironment {
  return { name: 'sandbox', baseUrl: s.url, flow: 'v1', importSupplier: SUPPLIER, operationsTeam: 'A', ...over };
}

const clientLog: string[] = [];
/** `key: null` = no key stored. */
function client(
  s: SandboxHandle = sb,
  over: Partial<KrakenEnvironment> = {},
  key: string | null = KEY,
  opts: KrakenClientOptions = {},
): KrakenClient {
  return new KrakenClient(env(s, over), async () => key ?? undefined, {
    retry: FAST_RETRY,
    log: (l) => clientLog.push(l),
    timeoutMs: 5000,
    ...opts,
  });
}

function ok<T>(r: KrakenResult<T>): T {
  if (!r.ok) assert.fail(`expected success, got ${r.reason}: ${r.message}`);
  return r.data;
}

function failed<T>(r: KrakenResult<T>) {
  if (r.ok) assert.fail(`expected a failure, got ${JSON.stringify(r.data)}`);
  return r;
}

function requests(path: string, method = 'POST'): RequestLogEntry[] {
  return sb.state.requestsTo(path, method).filter((r) => r.path === path);
}

before(async () => {
  sb = await sandbox();
});

after(async () => {
  await sb.close();
});

beforeEach(() => {
  sb.state.reset();
  sb.faults.clear();
  onRequest = undefined;
});

// ---------------------------------------------------------------- pure helpers

describe('errors.ts: Kraken error bodies', () => {
  test('standardized shape', () => {
    const body = {
      detail: 'Could not validate account data.',
      code: 'account_failed_validation',
      errors: [
        { detail: 'abcde is not a valid phone number', code: 'invalid_phone_number', attr: 'customers.0.landline' },
        { detail: 'Something about the account.', code: 'invalid', attr: 'non_field_errors' },
        { detail: 'No attr at all.', code: 'x', attr: null },
      ],
    };
    assert.deepEqual(normaliseErrors(body), [
      { attr: 'customers.0.landline', code: 'invalid_phone_number', detail: 'abcde is not a valid phone number' },
      { attr: '', code: 'invalid', detail: 'Something about the account.' },
      { attr: '', code: 'x', detail: 'No attr at all.' },
    ]);
  });

  test('DRF nested objects and per-item lists', () => {
    assert.deepEqual(normaliseErrors({ customers: { '0': { landline: ['abcde is not a valid phone number'] } } }), [
      { attr: 'customers.0.landline', detail: 'abcde is not a valid phone number' },
    ]);
    assert.deepEqual(
      normaliseErrors({
        billing_address: { postcode: ['postcode field is required.'] },
        transactions: [{}, { reason: ['Not a valid string.', 'Second.'] }],
      }),
      [
        { attr: 'billing_address.postcode', detail: 'postcode field is required.' },
        { attr: 'transactions.1.reason', detail: 'Not a valid string.' },
        { attr: 'transactions.1.reason', detail: 'Second.' },
      ],
    );
    assert.deepEqual(normaliseErrors({ statements: { '0': { non_field_errors: ['Duplicate.'] } } }), [
      { attr: 'statements.0', detail: 'Duplicate.' },
    ]);
  });

  test('non_field_errors as a list beside context fields (v1 already imported)', () => {
    const body = {
      external_account_number: 'EXTERNAL-1234',
      kraken_account_number: 'A-E8981832',
      non_field_errors: ['The account import process with the account number EXTERNAL-1234 has already been imported.'],
    };
    assert.deepEqual(normaliseErrors(body), [{ attr: '', detail: body.non_field_errors[0] }]);
    assert.deepEqual(alreadyImportedAccount(body), { imported: true, krakenAccountNumber: 'A-E8981832' });
  });

  test('non_field_errors as an object (v2 already imported) and {code, detail, domain}', () => {
    const imported = {
      non_field_errors: {
        detail: 'The account import process with the account number 1234567890 has already been imported.',
        code: 'account_import_process_already_imported',
      },
      account_id: 'A-12345678',
    };
    assert.deepEqual(normaliseErrors(imported), [
      { attr: '', code: 'account_import_process_already_imported', detail: imported.non_field_errors.detail },
    ]);
    assert.deepEqual(alreadyImportedAccount(imported), { imported: true, krakenAccountNumber: 'A-12345678' });
    assert.deepEqual(
      normaliseErrors({ code: 'import_process_failed_validation', detail: 'Import process validation failed.', domain: 'import_process' }),
      [{ attr: '', code: 'import_process_failed_validation', detail: 'Import process validation failed.' }],
    );
    assert.deepEqual(normaliseErrors({ non_field_errors: [{ detail: 'A.', code: 'a' }, 'B.'] }), [
      { attr: '', code: 'a', detail: 'A.' },
      { attr: '', detail: 'B.' },
    ]);
  });

  test('plain strings, JSON strings, error_detail bodies, empty bodies', () => {
    assert.deepEqual(normaliseErrors('Account would successfully import. Rolled back due to Dry Run.'), [
      { attr: '', detail: 'Account would successfully import. Rolled back due to Dry Run.' },
    ]);
    assert.deepEqual(normaliseErrors('{"detail":"Not found.","code":"not_found"}'), [
      { attr: '', code: 'not_found', detail: 'Not found.' },
    ]);
    assert.deepEqual(
      normaliseErrors({
        status: 'TRANSACTION_IMPORT_ERROR',
        error_detail: 'Transaction is not within the open statement period.',
        transaction_data: { transaction_id: '1' },
      }),
      [{ attr: '', code: 'TRANSACTION_IMPORT_ERROR', detail: 'Transaction is not within the open statement period.' }],
    );
    assert.deepEqual(normaliseErrors({ error_detail: 'Vendor says no.', external_account_number: 'E', reference: 'R' }), [
      { attr: '', detail: 'Vendor says no.' },
    ]);
    assert.deepEqual(
      normaliseErrors([{ error_detail: 'Account not found for EXTERNAL-1234.', import_supplier_code: 'T', external_account_number: 'E' }]),
      [{ attr: '', detail: 'Account not found for EXTERNAL-1234.' }],
    );
    assert.deepEqual(normaliseErrors(''), []);
    assert.deepEqual(normaliseErrors(undefined), []);
    assert.deepEqual(normaliseErrors({ detail: 'Authentication credentials were not provided.', code: 'not_authenticated' }), [
      { attr: '', code: 'not_authenticated', detail: 'Authentication credentials were not provided.' },
    ]);
  });

  test('the v1 dry-run success is recognised in either form', () => {
    assert.ok(isDryRunSuccess({ detail: 'Account would successfully import. Rolled back due to Dry Run.', code: '400' }));
    assert.ok(isDryRunSuccess('Account would successfully import. Rolled back due to Dry Run.'));
    assert.ok(isDryRunSuccess({ non_field_errors: ['Account would successfully import. Rolled back due to Dry Run.'] }));
    assert.ok(!isDryRunSuccess({ detail: 'Could not validate account data.' }));
  });
});

describe('redact.ts: personal data', () => {
  test('values of personal keys and email/phone/IBAN-looking strings are replaced; the rest stays', () => {
    const input = account('EXT-R', {
      notes: [{ body: 'Call +49 174 1721223 or mail johann@example.de; IBAN DE89 3704 0044 0532 0130 00. Reading 1234.02 on 2021-05-13.' }],
      payment_instructions: [
        {
          vendor: 'GOCARDLESS',
          type: 'DIRECT_DEBIT',
          bank_account: { account_holder: 'John Doe', account_number: '123456789', iban: 'GB82WEST12345698765432' },
        },
      ],
      account_number: 'A-E8981832',
    });
    const copy = JSON.parse(JSON.stringify(input));
    const r = redact(input) as any;
    assert.deepEqual(input, copy, 'the input is not modified');
    assert.equal(r.customers[0].given_name, REDACTED);
    assert.equal(r.customers[0].family_name, REDACTED);
    assert.equal(r.customers[0].email, REDACTED);
    assert.equal(r.customers[0].mobile, REDACTED);
    assert.equal(r.customers[0].date_of_birth, REDACTED);
    assert.equal(r.billing_address1, REDACTED);
    assert.equal(r.billing_postcode, REDACTED);
    assert.equal(r.supply_addresses[0].supply_address1, REDACTED);
    assert.equal(r.supply_addresses[0].supply_postcode, REDACTED);
    assert.equal(r.payment_instructions[0].bank_account.account_holder, REDACTED);
    assert.equal(r.payment_instructions[0].bank_account.account_number, REDACTED);
    assert.equal(r.payment_instructions[0].bank_account.iban, REDACTED);
    // Not personal: identifiers, dates of supply, amounts, codes, the Kraken account number.
    assert.equal(r.external_account_number, 'EXT-R');
    assert.equal(r.supply_addresses[0].supply_points[0].identifier, '50203829715');
    assert.equal(r.supply_addresses[0].supply_points[0].supply_start_date, '2021-01-01');
    assert.equal(r.ledgers[0].ledger_balance, '-10.00');
    assert.equal(r.account_number, 'A-E8981832');
    assert.equal(r.payment_instructions[0].vendor, 'GOCARDLESS');
    const note: string = r.notes[0].body;
    assert.ok(!note.includes('johann@example.de') && !note.includes('1721223') && !note.includes('DE89'), note);
    assert.ok(note.includes('1234.02') && note.includes('2021-05-13'), note);
    assert.deepEqual(redact(input, { show: true }), input);
  });

  test('redactText on free text', () => {
    assert.equal(redactText('mail a.b@c.de now'), `mail ${REDACTED} now`);
    assert.equal(redactText('tel 07123 456789'), `tel ${REDACTED}`);
    assert.equal(redactText('IBAN GB82WEST12345698765432!'), `IBAN ${REDACTED}!`);
    assert.equal(
      redactText('MPAN 1013004420117 on 2024-01-31T10:00:00+01:00, amount 71.00'),
      'MPAN 1013004420117 on 2024-01-31T10:00:00+01:00, amount 71.00',
    );
    assert.equal(redactText('a.b@c.de', { show: true }), 'a.b@c.de');
  });

  test("redactText: a personal field's value is redacted wherever the same text repeats it", () => {
    // The summary of a rejected send quotes the first error, whose message may name the value twice.
    const summary =
      'Kraken (local) rejected EXTERNAL-2001: 4 errors (first: customers.0.landline: "abcde" is not a phone number: Kraken rejects it with "abcde is not a valid phone number". (invalid_phone_number))';
    assert.equal(
      redactText(summary),
      `Kraken (local) rejected EXTERNAL-2001: 4 errors (first: customers.0.landline: "${REDACTED}" is not a phone number: Kraken rejects it with "${REDACTED} is not a valid phone number". (invalid_phone_number))`,
    );
    // A short value is redacted only where it is quoted after its path (elsewhere it would take unrelated words).
    assert.equal(
      redactText('customers.0.given_name: "Al" is too short: Al must be 3 characters'),
      `customers.0.given_name: "${REDACTED}" is too short: Al must be 3 characters`,
    );
    // Not a personal field: nothing changes.
    assert.equal(
      redactText('supply_start_date: "2021-02-30" is not a date: 2021-02-30'),
      'supply_start_date: "2021-02-30" is not a date: 2021-02-30',
    );
  });
});

describe('transport rules', () => {
  test('HTTPS only, except loopback hosts; a refused URL sends nothing', async () => {
    assert.equal(checkBaseUrl('https://api.oeg-kraken.energy'), undefined);
    assert.equal(checkBaseUrl('http://127.0.0.1:8787'), undefined);
    assert.equal(checkBaseUrl('http://localhost:8787'), undefined);
    assert.equal(checkBaseUrl('http://[::1]:8787'), undefined);
    assert.match(checkBaseUrl('http://api.oeg-kraken.energy')!, /HTTPS/);
    assert.match(checkBaseUrl('ftp://api.oeg-kraken.energy')!, /https/);
    assert.match(checkBaseUrl('not a url')!, /not a URL/);
    assert.match(checkBaseUrl('https://user:pw@api.example.energy')!, /user name or password/);
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', 'api.localhost']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['10.0.0.1', '128.0.0.1', 'localhost.example.com', 'api.oeg-kraken.energy', '0.0.0.0'])
      assert.ok(!isLoopbackHost(h), h);

    let asked = 0;
    const c = new KrakenClient({ name: 'remote', baseUrl: 'http://api.example-kraken.energy', flow: 'v1' }, async () => {
      asked++;
      return KEY;
    });
    const r = failed(await c.validateAccount(account()));
    assert.equal(r.reason, 'config');
    assert.equal(r.attempts, 0);
    assert.match(r.message, /Refusing .* plain http/);
    assert.equal(asked, 0, 'the key is not even read');
    assert.match(KrakenClient.checkEnvironment({ name: 'x', baseUrl: 'http://10.1.2.3', flow: 'v2' })!, /HTTPS/);
  });

  test('the test account is valid for our language service (precondition of the sandbox tests)', () => {
    const errors = createKrakenService()
      .validate(JSON.stringify(account()), { kind: 'account' })
      .diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(
      errors.map((e) => `${e.code} ${e.path} ${e.message}`),
      [],
    );
  });
});

// ---------------------------------------------------------------- sandbox

describe('the sandbox says it is not Kraken', () => {
  test('banner on start and a header on every answer', async () => {
    assert.ok(
      sandboxLog.some((l) => /SANDBOX/.test(l) && /NOT KRAKEN/.test(l)),
      sandboxLog.join('\n'),
    );
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${sb.url}/v1/data-import/validate-account/`, resolve).on('error', reject),
    );
    res.resume();
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers[SANDBOX_HEADER.toLowerCase()]), /not Kraken/);
  });

  test('CLI arguments and KRAKEN_SANDBOX_API_KEY', () => {
    assert.deepEqual(parseSandboxArgs(['--port', '0', '--api-key', 'k1', '--processing-ms=50'], {}), {
      apiKey: 'k1',
      port: 0,
      processingMs: 50,
    });
    assert.equal(parseSandboxArgs([], { KRAKEN_SANDBOX_API_KEY: 'from-env' }).apiKey, 'from-env');
    assert.throws(() => parseSandboxArgs(['--port'], {}), /--port/);
    assert.throws(() => parseSandboxArgs(['--nope'], {}), /sandbox has no option --nope/);
    // Each bound is reachable, however many digits it has; one past it is refused.
    assert.equal(parseSandboxArgs(['--token-ttl-ms', '2147483647'], {}).tokenTtlMs, 2 ** 31 - 1);
    assert.throws(() => parseSandboxArgs(['--token-ttl-ms', '2147483648'], {}), /--token-ttl-ms takes a whole number from 1 to 2147483647/);
    assert.throws(() => parseSandboxArgs(['--token-ttl-ms', '9'.repeat(30)], {}), /not "9{30}"/);
  });
});

describe('v1 flow: validate → stage → create', () => {
  test('validate: 200, and 400 with field errors placed by attr', async () => {
    const c = client();
    assert.deepEqual(ok(await c.validateAccount(account())), { valid: true });
    const r = failed(await c.validateAccount(badAccount()));
    assert.equal(r.reason, 'invalid');
    assert.equal(r.status, 400);
    assert.ok(
      r.errors.some((e) => e.attr === 'import_supplier' && e.code === 'required'),
      JSON.stringify(r.errors),
    );
    assert.ok(
      r.errors.some((e) => e.attr === 'customers.0.date_of_birth'),
      JSON.stringify(r.errors),
    );
    assert.match(r.message, /customers\.0\.date_of_birth/);
    assert.equal(requests(PATH.validate).length, 2, '400 is not retried');
  });

  test('stage: 201 staged, then 200 updated', async () => {
    const c = client();
    assert.equal(ok(await c.stageAccount(account())).outcome, 'staged');
    const again = ok(await c.stageAccount(account()));
    assert.deepEqual(again, { outcome: 'updated', importSupplier: SUPPLIER, externalAccountNumber: 'EXT-1' });
  });

  test('create: dry run (Kraken 400 → success), create, already imported (with the account number), stage after import', async () => {
    const c = client();
    ok(await c.stageAccount(account()));
    const dry = ok(
      await c.createAccountV1({
        external_account_number: 'EXT-1',
        import_supplier_code: SUPPLIER,
        operations_team_name: 'A',
        dry_run: true,
      }),
    );
    assert.equal(dry.outcome, 'dry-run-succeeded');
    assert.equal(sb.state.imported.size, 0, 'the dry run created nothing');
    const created = ok(
      await c.createAccountV1({ external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' }),
    );
    assert.equal(created.outcome, 'created');
    assert.match(created.krakenAccountNumber!, /^A-[0-9A-F]{8}$/);
    const again = ok(
      await c.createAccountV1({ external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' }),
    );
    assert.equal(again.outcome, 'already-imported');
    assert.equal(again.krakenAccountNumber, created.krakenAccountNumber);
    const restage = failed(await c.stageAccount(account()));
    assert.equal(restage.reason, 'already-imported');
    assert.equal(restage.krakenAccountNumber, created.krakenAccountNumber);
  });

  test("create on an account that was not staged → Kraken's error in plain words", async () => {
    const r = failed(
      await client().createAccountV1({
        external_account_number: 'NEVER-STAGED',
        import_supplier_code: SUPPLIER,
        operations_team_name: 'A',
      }),
    );
    assert.equal(r.reason, 'invalid');
    assert.deepEqual(
      r.errors.map((e) => [e.attr, e.code]),
      [['', 'import_process_does_not_exist']],
    );
    assert.match(r.message, /stage the account first/);
  });
});

describe('v2 flow: validate → create → status', () => {
  test('validate with {payload} and with a bare account', async () => {
    const c = client(sb, { flow: 'v2' });
    ok(await c.validateAccountV2({ payload: account() }));
    ok(await c.validateAccountV2(account()));
    const r = failed(await c.validateAccountV2({ payload: badAccount() }));
    assert.ok(
      r.errors.some((e) => e.attr === 'payload.customers.0.date_of_birth'),
      JSON.stringify(r.errors),
    );
  });

  test('dry run: scheduled, followed to DRY_RUN_SUCCEEDED through PENDING and IN_PROGRESS; nothing imported', async () => {
    const c = client(sb, { flow: 'v2' });
    const r = ok(await c.createAccountV2(account('EXT-V2'), { is_dry_run: true }));
    assert.deepEqual([r.outcome, r.dryRun], ['scheduled', true]);
    const seen: string[] = [];
    const final = ok(
      await c.pollImportStatus(SUPPLIER, 'EXT-V2', {
        intervalMs: 10,
        maxIntervalMs: 20,
        onProgress: (e) => e.kind === 'status' && seen.push(e.status!),
      }),
    );
    assert.equal(final.status, 'DRY_RUN_SUCCEEDED');
    assert.equal(final.phase, 'succeeded');
    assert.ok(final.final);
    // In order, each at most once, ending with the final status; at least one status before it was observed.
    const order = ['PENDING', 'IN_PROGRESS', 'DRY_RUN_SUCCEEDED'];
    assert.deepEqual(
      seen,
      order.filter((s) => seen.includes(s)),
      seen.join(','),
    );
    assert.ok(seen.length >= 2, seen.join(','));
    assert.equal(seen.at(-1), 'DRY_RUN_SUCCEEDED');
    assert.equal(sb.state.imported.size, 0);
  });

  test('create: PROCESSED with the Kraken identifier; again → already imported with that account number', async () => {
    const c = client(sb, { flow: 'v2' });
    ok(await c.createAccountV2(account('EXT-V2'), { is_dry_run: false }));
    const body = JSON.parse(JSON.stringify(sb.state.processes.get(`${SUPPLIER}\u0000EXT-V2`)!.payload));
    assert.equal(body.external_account_number, 'EXT-V2');
    const final = ok(await c.pollImportStatus(SUPPLIER, 'EXT-V2', { intervalMs: 10, maxIntervalMs: 20 }));
    assert.equal(final.status, 'PROCESSED');
    assert.match(final.krakenIdentifier!, /^A-/);
    const again = ok(await c.createAccountV2(account('EXT-V2'), { is_dry_run: false }));
    assert.equal(again.outcome, 'already-imported');
    assert.equal(again.krakenAccountNumber, final.krakenIdentifier);
    assert.equal(requests(PATH.createV2).length, 2);
  });

  test('task_params are sent as given; an invalid payload → import_process_failed_validation', async () => {
    const c = client(sb, { flow: 'v2' });
    const r = failed(await c.createAccountV2(badAccount(), { is_dry_run: false }));
    assert.equal(r.reason, 'invalid');
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ['import_process_failed_validation'],
    );
    const past = failed(
      await c.createAccountV2(account('EXT-W'), {
        is_dry_run: false,
        schedule_window_start: '2001-01-01T00:00:00Z',
        schedule_window_end: null,
      }),
    );
    assert.ok(
      past.errors.some((e) => e.attr === 'task_params.schedule_window_start' && e.code === 'schedule_window_start_in_past'),
      JSON.stringify(past.errors),
    );
  });

  test('an import that errors: phase failed with latest_error', async () => {
    sb.faults.add({
      match: PATH.createV2,
      method: 'POST',
      importOutcome: 'ERRORED',
      latestError: { code: 'some_error_code', detail: 'A detailed error message' },
    });
    const c = client(sb, { flow: 'v2' });
    ok(await c.createAccountV2(account('EXT-E'), { is_dry_run: false }));
    const final = ok(await c.pollImportStatus(SUPPLIER, 'EXT-E', { intervalMs: 10, maxIntervalMs: 20 }));
    assert.equal(final.status, 'ERRORED');
    assert.equal(final.phase, 'failed');
    assert.deepEqual(final.latestError, { code: 'some_error_code', detail: 'A detailed error message', domain: 'account_import' });
  });

  test('status of an unknown import process → not-found in plain words', async () => {
    const r = failed(await client().importStatus(SUPPLIER, 'NOPE'));
    assert.equal(r.reason, 'not-found');
    assert.equal(r.status, 404);
    assert.match(r.message, /no import process for NOPE .*not been created yet/);
  });

  test('unknown statuses are treated defensively', async () => {
    sb.faults.add({
      match: '/v2/data-import/accounts/TENTACLE_ENERGY/EXT-U/',
      status: 200,
      body: { status: 'QUEUED_FOR_MARS', kraken_identifier: null, latest_error: null },
      times: 0,
    });
    const events: ProgressEvent[] = [];
    const r = failed(
      await client().pollImportStatus(SUPPLIER, 'EXT-U', {
        intervalMs: 1,
        maxIntervalMs: 2,
        maxUnknown: 3,
        onProgress: (e) => events.push(e),
      }),
    );
    assert.equal(r.reason, 'unexpected');
    assert.match(r.message, /QUEUED_FOR_MARS/);
    assert.ok(events.some((e) => e.kind === 'status' && /does not know/.test(e.message)));
    assert.equal(requests('/v2/data-import/accounts/TENTACLE_ENERGY/EXT-U/', 'GET').length, 3);
  });

  test('polling stops on cancel, saying the import goes on', async () => {
    const c = client(sb, { flow: 'v2' });
    ok(await c.createAccountV2(account('EXT-C'), { is_dry_run: false }));
    const ac = new AbortController();
    const r = failed(
      await c.pollImportStatus(SUPPLIER, 'EXT-C', {
        intervalMs: 5000,
        signal: ac.signal,
        onProgress: (e) => e.kind === 'waiting' && ac.abort(),
      }),
    );
    assert.equal(r.reason, 'cancelled');
    assert.match(r.message, /goes on in Kraken/);
  });
});

describe('post-import endpoints', () => {
  function imported(ext = 'EXT-P'): string {
    return sb.state.importAccount(SUPPLIER, ext, account(ext)).krakenAccountNumber;
  }

  test('notes: created, then NOTE_ALREADY_EXISTS per item with its index', async () => {
    imported();
    const body = {
      import_supplier: SUPPLIER,
      external_account_number: 'EXT-P',
      notes: [{ body: 'First.' }, { body: 'Second.', created_at: '2020-02-01T12:00:00Z' }],
    };
    const first = ok(await client().postNotes(body));
    assert.deepEqual([first.created, first.existing], [2, 0]);
    assert.deepEqual(
      first.items.map((i) => [i.index, i.path, i.status]),
      [
        [0, 'notes.0', 'NOTE_CREATION_SUCCESS'],
        [1, 'notes.1', 'NOTE_CREATION_SUCCESS'],
      ],
    );
    const second = ok(await client().postNotes({ ...body, notes: [body.notes[1], { body: 'Third.' }] }));
    assert.deepEqual(
      second.items.map((i) => [i.index, i.status, i.outcome]),
      [
        [0, 'NOTE_ALREADY_EXISTS', 'exists'],
        [1, 'NOTE_CREATION_SUCCESS', 'created'],
      ],
    );
  });

  test('transactions: added, TRANSACTION_ALREADY_EXISTS, TRANSACTION_IMPORT_ERROR on its item; URL flags sent', async () => {
    imported();
    const tx = (id: string, date: string) => ({
      transaction_id: id,
      transaction_date: date,
      amount: '10.00',
      type: 'CHARGE',
      reason: 'IMPORTED_CHARGE',
    });
    const body = {
      import_supplier: SUPPLIER,
      external_account_number: 'EXT-P',
      transactions: [tx('1', '2022-03-01'), tx('2', '2021-06-01')],
    };
    const refused = failed(await client().postTransactions(body, { force_add_to_current_statement: false }));
    assert.equal(refused.reason, 'invalid');
    assert.deepEqual(
      refused.items!.map((i) => [i.index, i.path, i.status, i.detail]),
      [[1, 'transactions.1', 'TRANSACTION_IMPORT_ERROR', 'Transaction is not within the open statement period.']],
    );
    assert.deepEqual(refused.errors, [
      { attr: 'transactions.1', code: 'TRANSACTION_IMPORT_ERROR', detail: 'Transaction is not within the open statement period.' },
    ]);
    assert.equal(requests('/v1/data-import/transactions/create/')[0].query, '?force_add_to_current_statement=false');

    const added = ok(await client().postTransactions(body, { check_previously_added: true }));
    assert.deepEqual([added.created, added.existing, added.failed], [2, 0, 0]);
    const again = ok(await client().postTransactions({ ...body, transactions: [tx('3', '2022-04-01'), tx('1', '2022-03-01')] }));
    assert.deepEqual(
      again.items.map((i) => [i.index, i.status]),
      [
        [0, 'TRANSACTION_ADDED_TO_ACCOUNT'],
        [1, 'TRANSACTION_ALREADY_EXISTS'],
      ],
    );
  });

  test('statements, payment instruction, registration flows', async () => {
    const number = imported();
    const statements = {
      import_supplier: SUPPLIER,
      external_account_number: 'EXT-P',
      statements: [{ statement_id: '1', bill_period_from_date: '2022-01-01', bill_period_to_date: '2022-01-31' }],
    };
    assert.equal(ok(await client().postStatements(statements)).statements.length, 1);
    const dup = failed(await client().postStatements(statements));
    assert.deepEqual(
      dup.errors.map((e) => e.attr),
      ['statements.0.statement_id'],
    );

    const pi = ok(
      await client().postPaymentInstruction({
        import_supplier: SUPPLIER,
        external_account_number: 'EXT-P',
        vendor: 'STRIPE',
        instruction_reference: 'REF-1',
        type: 'CARD',
      }),
    );
    assert.deepEqual(pi, { krakenAccountNumber: number, reference: 'REF-1' });

    const flows = ok(await client().sendRegistrationFlows(SUPPLIER, 'EXT-P', { supply_start_date: '2030-01-01' }));
    assert.deepEqual(
      flows.items.map((i) => [i.index, i.status]),
      [[0, 'REGISTRATION_FLOW_SUCCESS']],
    );
    assert.equal(requests('/v1/data-import/send-registration-flows/TENTACLE_ENERGY/EXT-P/')[0].query, '?supply_start_date=2030-01-01');
    const again = ok(await client().sendRegistrationFlows(SUPPLIER, 'EXT-P'));
    assert.deepEqual(
      again.items.map((i) => [i.status, i.outcome, i.detail]),
      [['REGISTRATION_FLOW_ERROR', 'error', 'Registration flows were already sent for this meter point.']],
    );
    const missing = failed(await client().sendRegistrationFlows(SUPPLIER, 'NOT-THERE'));
    assert.equal(missing.reason, 'not-found');
    assert.match(missing.message, /Account not found for NOT-THERE/);
  });

  test('business payment instruction: 404 for an unknown business, 201 once it exists', async () => {
    const body = {
      import_supplier_code: SUPPLIER,
      external_business_identifier: 'BIZ-1',
      vendor: 'STRIPE',
      reference: 'REF-B',
      type: 'CARD',
    };
    const r = failed(await client().postBusinessPaymentInstruction(body));
    assert.equal(r.reason, 'not-found');
    assert.match(r.message, /BIZ-1/);
    sb.state.addBusiness(SUPPLIER, 'BIZ-1');
    assert.deepEqual(ok(await client().postBusinessPaymentInstruction(body)), { externalBusinessIdentifier: 'BIZ-1', reference: 'REF-B' });
  });

  test('post-import on an account that is staged but not imported → not-found in plain words', async () => {
    const c = client();
    ok(await c.stageAccount(account('EXT-S')));
    const r = failed(await c.postNotes({ import_supplier: SUPPLIER, external_account_number: 'EXT-S', notes: [{ body: 'x' }] }));
    assert.equal(r.reason, 'not-found');
    assert.match(r.message, /EXT-S .*not found.*once the account has been imported — staging it is not enough/);
    const t = failed(await c.postTransactions({ import_supplier: SUPPLIER, external_account_number: 'EXT-S', transactions: [] }));
    assert.equal(t.reason, 'not-found');
  });
});

describe('retry rules', () => {
  test('a flaky 500 is retried with backoff and succeeds', async () => {
    sb.faults.add({ match: PATH.validate, status: 500, times: 2 });
    const events: ProgressEvent[] = [];
    const r = await client().validateAccount(account(), { onProgress: (e) => events.push(e) });
    ok(r);
    assert.equal(r.attempts, 3);
    assert.equal(requests(PATH.validate).length, 3);
    assert.equal(events.filter((e) => e.kind === 'retry').length, 2);
    assert.match(events.find((e) => e.kind === 'retry')!.message, /answered 500.*retry 1 of 3/);
  });

  test('a persistent 5xx gives up after the bounded retries', async () => {
    sb.faults.add({ match: PATH.validate, status: 503, times: 0 });
    const r = failed(await client().validateAccount(account()));
    assert.equal(r.reason, 'server-error');
    assert.equal(r.attempts, 4);
    assert.equal(requests(PATH.validate).length, 4);
  });

  test('400 is never retried', async () => {
    sb.faults.add({ match: PATH.stage, status: 400, body: { detail: 'Migration paused.', code: 'import_supplier_migration_not_ongoing' } });
    const r = failed(await client().stageAccount(account()));
    assert.equal(r.reason, 'invalid');
    assert.equal(r.attempts, 1);
    assert.equal(requests(PATH.stage).length, 1);
    assert.deepEqual(r.errors, [{ attr: '', code: 'import_supplier_migration_not_ongoing', detail: 'Migration paused.' }]);
  });

  test('429 on create: waited (Retry-After) and retried, reported through progress', async () => {
    ok(await client().stageAccount(account()));
    sb.faults.add({ match: PATH.create, status: 429, retryAfter: 0, times: 2 });
    const events: ProgressEvent[] = [];
    const r = await client().createAccountV1(
      { external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' },
      { onProgress: (e) => events.push(e) },
    );
    assert.equal(ok(r).outcome, 'created');
    assert.deepEqual(
      requests(PATH.create).map((e) => e.status),
      [429, 429, 201],
    );
    const limited = events.filter((e) => e.kind === 'rate-limited');
    assert.equal(limited.length, 2);
    assert.match(limited[0].message, /busy \(429/);
  });

  test('the concurrency limit: a second create while one is processing gets 429 and is retried', async () => {
    const limited = await sandbox({ concurrencyLimit: 1, createDelayMs: 30, retryAfterSeconds: 0 });
    try {
      const c = client(limited, {}, KEY, { retry: { ...FAST_RETRY, rateLimitRetries: 30 } });
      ok(await c.stageAccount(account('EXT-A')));
      ok(await c.stageAccount(account('EXT-B')));
      const events: ProgressEvent[] = [];
      const [a, b] = await Promise.all([
        c.createAccountV1({ external_account_number: 'EXT-A', import_supplier_code: SUPPLIER, operations_team_name: 'A' }),
        c.createAccountV1(
          { external_account_number: 'EXT-B', import_supplier_code: SUPPLIER, operations_team_name: 'A' },
          { onProgress: (e) => events.push(e) },
        ),
      ]);
      assert.equal(ok(a).outcome, 'created');
      assert.equal(ok(b).outcome, 'created');
      const statuses = limited.state.requestsTo(PATH.create).map((e) => e.status);
      assert.ok(statuses.includes(429), statuses.join(','));
      assert.ok(events.some((e) => e.kind === 'rate-limited'));
    } finally {
      await limited.close();
    }
  });

  test('429 storm: gives up after the bounded retries, saying nothing was processed', async () => {
    sb.faults.add({ match: PATH.create, status: 429, retryAfter: 0, times: 0 });
    const r = failed(
      await client(sb, {}, KEY, { retry: { ...FAST_RETRY, rateLimitRetries: 3 } }).createAccountV1({
        external_account_number: 'EXT-1',
        import_supplier_code: SUPPLIER,
        operations_team_name: 'A',
      }),
    );
    assert.equal(r.reason, 'rate-limited');
    assert.equal(requests(PATH.create).length, 4);
    assert.match(r.message, /Nothing was processed/);
  });

  test('a create answered 502 (gateway) is not repeated: outcome unknown; 500 on create is retried', async () => {
    ok(await client().stageAccount(account()));
    sb.faults.add({ match: PATH.create, status: 502 });
    const r = failed(
      await client().createAccountV1({ external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' }),
    );
    assert.equal(r.reason, 'outcome-unknown');
    assert.equal(requests(PATH.create).length, 1);
    sb.faults.add({ match: PATH.create, status: 500 });
    assert.equal(
      ok(await client().createAccountV1({ external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' }))
        .outcome,
      'created',
    );
    assert.deepEqual(
      requests(PATH.create).map((e) => e.status),
      [502, 500, 201],
    );
  });

  test('faults over the HTTP control endpoint', async () => {
    const post = (path: string, body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${sb.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    assert.equal(await post('/__sandbox/faults', { match: PATH.validate, status: 500, times: 1 }), 201);
    assert.equal(await post('/__sandbox/faults', { match: PATH.validate }), 400, 'a fault without effect is refused');
    const r = await client().validateAccount(account());
    ok(r);
    assert.deepEqual(
      requests(PATH.validate).map((e) => e.status),
      [500, 200],
    );
  });
});

describe('auth', () => {
  test('kraken-token: one token for several calls; a 401 → signed in again once', async () => {
    const c = client();
    ok(await c.validateAccount(account()));
    ok(await c.validateAccount(account()));
    assert.equal(sb.state.tokenGrants.length, 1);
    assert.ok(requests(PATH.validate).every((e) => e.auth === 'jwt'));
    sb.state.revokeTokens();
    const events: ProgressEvent[] = [];
    ok(await c.validateAccount(account(), { onProgress: (e) => events.push(e) }));
    assert.deepEqual(
      requests(PATH.validate).map((e) => e.status),
      [200, 200, 401, 200],
    );
    assert.equal(sb.state.tokenGrants.length, 2);
    assert.ok(events.some((e) => e.kind === 'auth' && /signing in again/.test(e.message)));
  });

  test('authorizationHeader(): the header other requests to the instance (its contract) send', async () => {
    const token = await client().authorizationHeader();
    assert.ok(token && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token), 'a JWT from obtainKrakenToken');
    assert.equal(sb.state.tokenGrants.length, 1);
    assert.equal(await client(sb, { auth: 'api-key-header' }).authorizationHeader(), `Token ${KEY}`);
    assert.equal(await client(sb, {}, null).authorizationHeader(), undefined);
    assert.equal(await client(sb, {}, 'wrong-key-123').authorizationHeader(), undefined);
  });

  test('a 401 that persists after one refresh → unauthorized, asking for the key', async () => {
    sb.faults.add({ match: PATH.validate, status: 401, times: 0 });
    const r = failed(await client().validateAccount(account()));
    assert.equal(r.reason, 'unauthorized');
    assert.match(r.message, /did not accept the API key.*Enter the key/);
    assert.equal(requests(PATH.validate).length, 2);
    assert.equal(sb.state.tokenGrants.length, 2);
  });

  test('a token close to expiry is renewed before use (with the refresh token)', async () => {
    const short = await sandbox({ tokenTtlMs: 30_000 });
    try {
      const c = client(short);
      ok(await c.validateAccount(account()));
      ok(await c.validateAccount(account()));
      assert.deepEqual(
        short.state.tokenGrants.map((g) => g.via),
        ['APIKey', 'refreshToken'],
      );
      assert.ok(short.state.requestsTo(PATH.validate).every((e) => e.status === 200));
    } finally {
      await short.close();
    }
  });

  test('a wrong key → unauthorized; no key → no-api-key and nothing sent', async () => {
    const wrong = failed(await client(sb, {}, 'wrong-key-123').validateAccount(account()));
    assert.equal(wrong.reason, 'unauthorized');
    assert.match(wrong.message, /KT-CT-1139/);
    assert.equal(requests(PATH.validate).length, 0);
    const none = failed(await client(sb, {}, null).validateAccount(account()));
    assert.equal(none.reason, 'no-api-key');
    assert.match(none.message, /No API key is stored for the Kraken environment "sandbox"/);
    assert.equal(sb.state.requests.length, 1, 'only the refused token request');
  });

  test('api-key-header: Authorization: Token <key>; a 401 is not retried', async () => {
    const c = client(sb, { auth: 'api-key-header' });
    ok(await c.validateAccount(account()));
    assert.equal(requests(PATH.validate)[0].auth, 'api-key');
    assert.equal(sb.state.tokenGrants.length, 0);
    const r = failed(await client(sb, { auth: 'api-key-header' }, 'wrong-key-123').validateAccount(account()));
    assert.equal(r.reason, 'unauthorized');
    assert.equal(r.attempts, 1);
  });

  test('the API key never appears in messages, results, thrown objects or log lines', async () => {
    clientLog.length = 0;
    const results: unknown[] = [];
    const c = client();
    // A server that echoes the key in its error body.
    sb.faults.add({
      match: PATH.stage,
      status: 400,
      body: { detail: `Key ${KEY} is not allowed to stage.`, code: 'nope', errors: [{ attr: 'x', code: 'y', detail: `echo ${KEY}` }] },
    });
    results.push(await c.stageAccount(account()));
    sb.faults.add({ match: PATH.validate, status: 500, body: `internal error for ${KEY}`, times: 0 });
    results.push(await c.validateAccount(account()));
    sb.faults.clear();
    results.push(await client(sb, {}, `${KEY}-wrong`).validateAccount(account()));
    results.push(await client(sb, { auth: 'api-key-header' }, `${KEY}-wrong`).validateAccount(account()));
    results.push(await new KrakenClient({ name: 'x', baseUrl: 'http://example.com', flow: 'v1' }, async () => KEY).validateAccount({}));
    results.push(
      await new KrakenClient(env(sb), async () => {
        throw new Error(`secret store broke with ${KEY}`);
      }).validateAccount({}),
    );
    const closed = await closedPort();
    results.push(
      await client({ url: `http://127.0.0.1:${closed}` } as SandboxHandle, {}, KEY, { retry: { retries: 0 } }).validateAccount({}),
    );
    const text = [
      ...results.map((r) => JSON.stringify(r)),
      ...results.map((r) => inspect(r, { depth: 20 })),
      inspect(c, { depth: 20, showHidden: true }),
      JSON.stringify(c),
      ...clientLog,
    ].join('\n');
    assert.ok(!text.includes(KEY), 'the key leaked');
    assert.ok(results.every((r) => (r as { ok: boolean }).ok === false));
    assert.ok(text.includes('[secret]'), 'the echoed key was scrubbed, not dropped silently');
  });

  test('log lines carry method, path and status but no bodies', async () => {
    clientLog.length = 0;
    ok(await client().validateAccount(account()));
    assert.ok(
      clientLog.some((l) => /POST \/v1\/data-import\/validate-account\/ → 200/.test(l)),
      clientLog.join('\n'),
    );
    assert.ok(!clientLog.join('\n').includes('johann@example.de'));
    assert.ok(!clientLog.join('\n').includes('Goethe'));
  });
});

async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('lost connections, timeouts, cancellation', () => {
  test('a create whose connection drops after sending → outcome unknown, never sent twice', async () => {
    ok(await client().stageAccount(account()));
    sb.faults.add({ match: PATH.create, drop: true });
    const r = failed(
      await client().createAccountV1({ external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' }),
    );
    assert.equal(r.reason, 'outcome-unknown');
    assert.match(r.message, /Outcome unknown.*Check the import status/);
    assert.equal(requests(PATH.create).length, 1, 'no second create');
    assert.equal(requests(PATH.create)[0].dropped, true);
    assert.equal(sb.state.imported.size, 1, 'the sandbox did process it: a repeat would have been a second create');
  });

  test('the same for a v2 create', async () => {
    sb.faults.add({ match: PATH.createV2, method: 'POST', drop: 'after' });
    const r = failed(await client(sb, { flow: 'v2' }).createAccountV2(account('EXT-D'), { is_dry_run: false }));
    assert.equal(r.reason, 'outcome-unknown');
    assert.equal(requests(PATH.createV2).length, 1);
    // Reading the status is how the user finds out.
    ok(await client().importStatus(SUPPLIER, 'EXT-D'));
  });

  test('a validate whose connection drops is simply repeated', async () => {
    sb.faults.add({ match: PATH.validate, drop: true });
    const r = await client().validateAccount(account());
    ok(r);
    assert.equal(r.attempts, 2);
  });

  test('connection refused: retried (nothing was sent), then a clear message — also for a create', async () => {
    const port = await closedPort();
    const dead = { url: `http://127.0.0.1:${port}` } as SandboxHandle;
    const r = failed(
      await client(dead, { auth: 'api-key-header' }, KEY, { retry: { ...FAST_RETRY, retries: 1 } }).createAccountV1({
        external_account_number: 'E',
        import_supplier_code: SUPPLIER,
      }),
    );
    assert.equal(r.reason, 'network');
    assert.equal(r.attempts, 2);
    assert.match(r.message, /Connection refused by 127\.0\.0\.1:\d+/);
  });

  test('timeouts: a slow validate times out with a clear message; a slow create is outcome unknown', async () => {
    sb.faults.add({ match: PATH.validate, delayMs: 3000 });
    // api-key-header: no token request that could itself time out under load.
    const r = failed(await client(sb, { auth: 'api-key-header' }, KEY, { timeoutMs: 150 }).validateAccount(account()));
    assert.equal(r.reason, 'timeout');
    assert.match(r.message, /No answer from 127\.0\.0\.1:\d+ within 150 ms/);
    assert.equal(requests(PATH.validate).length, 1);
    ok(await client().stageAccount(account()));
    sb.faults.add({ match: PATH.create, delayMs: 3000 });
    const c = failed(
      await client(sb, { auth: 'api-key-header' }).createAccountV1(
        { external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' },
        { timeoutMs: 150 },
      ),
    );
    assert.equal(c.reason, 'outcome-unknown');
    assert.equal(requests(PATH.create).length, 1);
  });

  test('cancellation through an AbortSignal: before sending, in flight, while waiting on a 429', async () => {
    const pre = new AbortController();
    pre.abort();
    const r0 = failed(await client().validateAccount(account(), { signal: pre.signal }));
    assert.equal(r0.reason, 'cancelled');
    assert.equal(sb.state.requests.length, 0);

    const inFlight = new AbortController();
    sb.faults.add({ match: PATH.validate, delayMs: 3000 });
    onRequest = (e) => e.path === PATH.validate && inFlight.abort();
    const r1 = failed(await client().validateAccount(account(), { signal: inFlight.signal }));
    assert.equal(r1.reason, 'cancelled');

    ok(await client().stageAccount(account()));
    const createAbort = new AbortController();
    sb.faults.add({ match: PATH.create, delayMs: 3000 });
    onRequest = (e) => e.path === PATH.create && createAbort.abort();
    const r2 = failed(
      await client().createAccountV1(
        { external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' },
        { signal: createAbort.signal },
      ),
    );
    assert.equal(r2.reason, 'outcome-unknown', 'a create cancelled in flight may have been processed');
    onRequest = undefined;

    const waiting = new AbortController();
    sb.faults.add({ match: PATH.create, status: 429, retryAfter: 30 });
    const r3 = failed(
      await client(sb, {}, KEY, { retry: { ...FAST_RETRY, maxDelayMs: 30_000 } }).createAccountV1(
        { external_account_number: 'EXT-1', import_supplier_code: SUPPLIER, operations_team_name: 'A' },
        { signal: waiting.signal, onProgress: (e) => e.kind === 'rate-limited' && waiting.abort() },
      ),
    );
    assert.equal(r3.reason, 'cancelled');
    assert.match(r3.message, /nothing was processed/);
  });
});
