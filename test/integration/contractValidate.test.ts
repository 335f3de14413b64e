/**
 * Validating against a Kraken instance's own contract (the EDF GB and Origin AU served contracts in
 * /work/shared/kraken-openapi): the CLI (`validate --contract`, `contract info`), exact findings at exact ranges,
 * bare and wrapped v2 bodies, kinds a contract lacks, Django REST Framework's input coercion on contract schemas,
 * the compiled-validator cache, fetching a contract URL (ETag, 304, credentials on 401, offline from the cache),
 * and hover/completion on contract fields.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createKrakenService, type Diagnostic, type KindId } from '../../core/src/service';
import { createContractSchemaSet, type ContractCache } from '../../core/src/service/contract/schemaSet';
import { fixture, REPO_ROOT, SHARED } from '../helpers';
import { applyEdits } from '../unit/authoringScenario';

const OPENAPI_DIR = process.env.KRAKEN_OPENAPI_DIR ?? path.join(SHARED, 'kraken-openapi');
const GB_FILE = path.join(OPENAPI_DIR, 'edf-gb.openapi.yml');
const AU_FILE = path.join(OPENAPI_DIR, 'origin-au.openapi.yml');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

const cacheDir = mkdtempSync(path.join(tmpdir(), 'kraken-import-contract-test-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI without blocking this process (the test's HTTP server must keep answering). */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, KRAKEN_IMPORT_CACHE_DIR: cacheDir, KRAKEN_API_KEY: '', ...env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface JsonReport {
  file: string;
  kind: string | null;
  shape?: string;
  diagnostics: Array<{ severity: string; code: string; path: string; message: string; range: Diagnostic['range'] }>;
}

/** `severity code path @ line:col-line:col` (1-based, as the CLI's text output prints positions). */
function row(d: JsonReport['diagnostics'][number]): string {
  const { start, end } = d.range;
  return `${d.severity} ${d.code} ${d.path} @ ${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
}

function reportFor(reports: JsonReport[], name: string): JsonReport {
  const r = reports.find((x) => x.file.endsWith(name));
  assert.ok(r, `a report for ${name}`);
  return r;
}

describe('kraken-import validate --contract (the CLI on the instance contracts)', () => {
  let gb: CliRun;
  let au: CliRun;
  before(async () => {
    [gb, au] = await Promise.all([
      cli([
        'validate',
        '--format',
        'json',
        '--contract',
        GB_FILE,
        'test/fixtures/contract/uk-account.json',
        'test/fixtures/contract/uk-account-mistakes.json',
        'test/fixtures/contract/uk-account-v2-validate.json',
        'test/fixtures/seeds/seed-business-payment-instruction.json',
      ]),
      cli([
        'validate',
        '--format',
        'json',
        '--contract',
        AU_FILE,
        'test/fixtures/contract/au-account.json',
        'test/fixtures/contract/au-account-mistakes.json',
      ]),
    ]);
  });

  test('GB: the corrected contract example is clean; the copy with mistakes gets exactly its mistakes, at exact ranges', (t) => {
    t.diagnostic(gb.stderr.trim());
    assert.equal(gb.code, 1, gb.stderr);
    const reports = JSON.parse(gb.stdout) as JsonReport[];
    assert.deepEqual(reportFor(reports, 'uk-account.json').diagnostics.map(row), []);
    const mistakes = reportFor(reports, 'uk-account-mistakes.json');
    assert.equal(mistakes.kind, 'account');
    assert.deepEqual(mistakes.diagnostics.map(row), [
      'error invalid-enum import_supplier @ 2:22-2:33', // "EDF_PAYGG"
      'error too-long external_account_number @ 3:30-3:171', // 139 characters, maxLength 128
      'hint string-as-boolean unknown_occupier @ 4:23-4:27', // "no": DRF reads it as false
      'error invalid-type customers.0.given_name @ 7:21-7:25', // true where a string is declared
      'error invalid-format customers.0.date_of_birth @ 12:24-12:36', // "11/01/1989"
      'error invalid-type customers.0.title @ 13:16-15:8', // an object where a string is declared
      'hint string-as-number customers.0.credit_score @ 27:23-27:28', // "742" for an integer
      'warning deprecated customers.0.customer_preferences @ 28:7-28:29', // x-use-instead: consents
      'error null-not-allowed billing_name @ 33:19-33:23', // not nullable
      'error missing-property supply_addresses.0.meter_points.0.mpid @ 54:9-54:10', // no mpid: Kraken's attr, on the meter point's brace
      'error out-of-range supply_addresses.0.meter_points.0.meters.0.registers.0.number_of_digits @ 74:39-74:41', // 16 > 15
      // 12.5 is not the ledgers' total (30.00): EnergyAccount declares "Validate that the sum of ledger balances
      // equals the transfer balance" (ledger_balances_not_equal_to_transfer_balance)
      'error balance-sum transfer_balance @ 203:23-203:27',
      'hint number-as-string transfer_balance @ 203:23-203:27', // 12.5 for a decimal string
      'error invalid-enum account_campaigns.0.slug @ 328:15-328:30', // not configured on the instance
    ]);
    const byCode = (code: string) => mistakes.diagnostics.find((d) => d.code === code)!.message;
    assert.match(
      byCode('invalid-enum'),
      /^"EDF_PAYGG" is not a valid import supplier; did you mean "EDF_PAYG"\? Allowed: EDF_SHELL_ACCOUNT, /,
    );
    assert.match(
      byCode('missing-property'),
      /^Missing required property "mpid" in supply_addresses\.0\.meter_points\.0\. \(The Market Participant ID \(MPID\) for this meter point\.\)$/,
    );
    assert.match(byCode('deprecated'), /use "consents" instead/);
    assert.match(gb.stderr, /contract: Kraken v1 from .*edf-gb\.openapi\.yml \(sha256 a9e31dc81d6c, 8 kinds\)/);
  });

  test('GB: bare and wrapped v2 bodies are both accepted, and the report says which shape it found', () => {
    const reports = JSON.parse(gb.stdout) as JsonReport[];
    const bare = reportFor(reports, 'uk-account.json');
    const wrapped = reportFor(reports, 'uk-account-v2-validate.json');
    assert.equal(bare.kind, 'account');
    assert.match(
      bare.shape!,
      /^shape: a bare account, validated as EnergyAccount \(the body of POST \/v1\/data-import\/validate-account\/\); accepted bare for \/v2\/data-import\/accounts\/validate\/ too/,
    );
    assert.equal(wrapped.kind, 'account-v2-validate');
    assert.match(
      wrapped.shape!,
      /^shape: the \{payload\} wrapper the contract declares for POST \/v2\/data-import\/accounts\/validate\/ \(ValidateAccount\)/,
    );
    assert.deepEqual(wrapped.diagnostics.map(row), []);
  });

  test('GB: a kind the contract lacks is said so, not checked against the bundled schema', () => {
    const r = reportFor(JSON.parse(gb.stdout) as JsonReport[], 'seed-business-payment-instruction.json');
    assert.equal(r.kind, 'business-payment-instruction');
    const schemaOrContract = r.diagnostics.filter((d) => !/check-digit|iban|phone/.test(d.code));
    assert.deepEqual(
      schemaOrContract.map((d) => `${d.severity} ${d.code} ${d.path}`),
      ['warning no-contract-endpoint '],
    );
    assert.match(
      schemaOrContract[0].message,
      /^This instance's contract has no business-payment-instruction endpoint \(POST \/v1\/data-import\/business-payment-instruction\/create\/\)/,
    );
  });

  test('AU: the corrected example is clean; the copy with mistakes gets exactly its mistakes, at exact ranges', (t) => {
    t.diagnostic(au.stderr.trim());
    assert.equal(au.code, 1, au.stderr);
    const reports = JSON.parse(au.stdout) as JsonReport[];
    assert.deepEqual(reportFor(reports, 'au-account.json').diagnostics.map(row), []);
    const mistakes = reportFor(reports, 'au-account-mistakes.json');
    assert.deepEqual(mistakes.diagnostics.map(row), [
      'error invalid-enum import_supplier @ 2:22-2:29', // "ORIGN"
      'error invalid-type customers.0.email @ 11:16-11:21', // false where a string is declared
      'hint number-as-string customers.0.address.postal_code @ 22:24-22:28', // 3000 for a string
      'hint string-as-number customers.0.address.structured_street_address.house_number_1 @ 25:29-25:33', // "11" for an integer
      'error invalid-enum customers.1.deceased @ 40:19-40:28', // "Reportd"
      'error invalid-format date_of_sale @ 66:19-66:31', // month 13
      'error invalid-enum supply_addresses.0.meter_points.0.supply_type @ 95:26-95:38', // the discriminator tag
      'hint number-as-string transfer_balance @ 179:23-179:25', // 50 for a decimal string
    ]);
    const messages = mistakes.diagnostics.map((d) => d.message);
    assert.ok(
      messages.includes(
        '"ELECTRICTY" is not a valid supply type; did you mean "ELECTRICITY"? Allowed: ELECTRICITY, EMBEDDED_ELECTRICITY, EMBEDDED_WATER, GAS, UNMETERED_GAS, EMBEDDED_GAS, SOLAR_PPA, UNMETERED_ELECTRICITY.',
      ),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) =>
        /^"Reportd" is not a valid deceased; did you mean "Reported"\? Allowed: Reported, Confirmed, "" \(empty\)\.$/.test(m),
      ),
      messages.join('\n'),
    );
  });
});

describe('kraken-import contract info', () => {
  test('GB and AU: kinds, endpoints, field and enum counts, load and compile times', async (t) => {
    const [gb, au] = await Promise.all([cli(['contract', 'info', GB_FILE]), cli(['contract', 'info', AU_FILE])]);
    for (const r of [gb, au]) {
      assert.equal(r.code, 0, r.stderr);
      t.diagnostic(
        r.stdout
          .split('\n')
          .filter((l) => /^(load|compile):/.test(l))
          .join('\n'),
      );
    }
    assert.match(
      gb.stdout,
      /^Kraken v1 — .*edf-gb\.openapi\.yml\nsha256 a9e31dc81d6c57aadb3fbd2d4d24c2705a042a3a8b91b19a3b64d0ac6caff54f\n16 paths, 139 schemas, 758 fields, 113 enums, compiled in \d+ ms\n/,
    );
    const kindRows = (text: string) =>
      text
        .split('\n')
        .filter((l) => /^[a-z0-9-]+ +POST /.test(l))
        .map((l) => l.split(/ {2,}/).map((c) => c.trim()));
    assert.deepEqual(kindRows(gb.stdout), [
      ['account', 'POST /v1/data-import/validate-account/', 'EnergyAccount', '656', '99', '0'],
      ['account-v2-validate', 'POST /v2/data-import/accounts/validate/', 'ValidateAccount', '657', '99', '1'],
      ['account-v2-create', 'POST /v2/data-import/accounts/', 'ScheduleAccountCreation', '661', '99', '1'],
      ['account-v1-create', 'POST /v1/data-import/account-import-process/process/', 'ProcessAccountImportProcess', '4', '1', '0'],
      ['notes', 'POST /v1/data-import/notes/create/', 'AccountNote', '12', '1', '1'],
      ['transactions', 'POST /v1/data-import/transactions/create/', 'Transactions', '75', '13', '1'],
      ['statements', 'POST /v1/data-import/historical-statements/create/', 'HistoricalStatements', '10', '1', '1'],
      ['payment-instruction', 'POST /v1/data-import/payment-instruction/create/', 'LegacyPaymentInstruction', '9', '3', '1'],
    ]);
    assert.deepEqual(
      kindRows(au.stdout).map((r) => [r[0], r[1], r[2]]),
      [
        ['account', 'POST /v1/data-import/validate-account/', 'OriginAccount'],
        ['account-v2-validate', 'POST /v2/data-import/accounts/validate/', 'ValidateAccount'],
        ['account-v2-create', 'POST /v2/data-import/accounts/', 'ScheduleAccountCreation'],
        ['account-v1-create', 'POST /v1/data-import/account-import-process/process/', 'ProcessAccountImportProcess'],
        ['notes', 'POST /v1/data-import/notes/create/', 'AccountNote'],
        ['transactions', 'POST /v1/data-import/transactions/create/', 'Transactions'],
        ['statements', 'POST /v1/data-import/historical-statements/create/', 'HistoricalStatements'],
        ['payment-instruction', 'POST /v1/data-import/payment-instruction/create/', 'LegacyPaymentInstruction'],
        ['business-payment-instruction', 'POST /v1/data-import/business-payment-instruction/create/', 'BusinessPaymentInstruction'],
      ],
    );
    assert.match(au.stdout, /\n16 paths, 209 schemas, \d+ fields, \d+ enums, compiled in \d+ ms\n/);
    for (const r of [gb, au]) {
      assert.match(
        r.stdout,
        /\nload: read \/.*\.openapi\.yml; (parsed in \d+ ms, converted in \d+ ms|conversion read from the cache in \d+ ms)\n/,
      );
      assert.match(
        r.stdout,
        /\ncompile: account \d+ ms \((compiled|from cache(, V8 code cache (used|made))?)\), account-v2-validate \d+ ms/,
      );
    }
  });

  test("a cached validator's V8 code cache: made by the first process that loads the code, used by the next", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kraken-v8-cache-'));
    try {
      const args = ['validate', '--contract', GB_FILE, '--format', 'json', 'test/fixtures/contract/uk-account-mistakes.json'];
      const run = async () => {
        const r = await cli(args, { KRAKEN_IMPORT_CACHE_DIR: dir });
        return { stdout: r.stdout, account: /validators: account \d+ ms \(([^)]*)\)/.exec(r.stderr)?.[1] };
      };
      const first = await run();
      assert.equal(first.account, 'compiled');
      const second = await run();
      assert.equal(second.account, 'from cache, V8 code cache made');
      const codeCaches = readdirSync(path.join(dir, 'compiled')).filter((f) => f.endsWith('.v8'));
      assert.equal(codeCaches.length, 1);
      const third = await run();
      assert.equal(third.account, 'from cache, V8 code cache used');
      // A code cache V8 refuses (another Node, a damaged file) is made again; the code loads as before.
      writeFileSync(path.join(dir, 'compiled', codeCaches[0]), 'not a code cache');
      const fourth = await run();
      assert.equal(fourth.account, 'from cache, V8 code cache made');
      assert.ok(statSync(path.join(dir, 'compiled', codeCaches[0])).size > 10_000, 'a real code cache was written again');
      for (const r of [second, third, fourth]) assert.equal(r.stdout, first.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('usage errors: no contract, bundled, a missing file', async () => {
    assert.equal((await cli(['contract', 'info'])).code, 2);
    assert.match((await cli(['contract', 'info', 'bundled'])).stderr, /not "bundled"/);
    const missing = await cli(['contract', 'info', 'no/such/contract.yml']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read the contract .*no\/such\/contract\.yml: no such file/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// In-process: the service on contract schema sets (built once per contract, with an in-memory validator cache).

function memoryCache(): ContractCache & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return { entries, read: (k) => entries.get(k), write: (k, v) => void entries.set(k, v) };
}

const gbText = readFileSync(GB_FILE, 'utf8');
const auText = readFileSync(AU_FILE, 'utf8');
const gbCache = memoryCache();
const GB = createContractSchemaSet(gbText, GB_FILE, { cache: gbCache, buildId: 'test' });
const AU = createContractSchemaSet(auText, AU_FILE, { buildId: 'test' });
const gbService = createKrakenService({ schemaSet: GB.schemaSet });
const auService = createKrakenService({ schemaSet: AU.schemaSet });

function ukAccount(): Record<string, any> {
  return JSON.parse(fixture('contract/uk-account.json'));
}
function auAccount(): Record<string, any> {
  return JSON.parse(fixture('contract/au-account.json'));
}

/** Findings at one path: `severity code`. */
function at(service: typeof gbService, doc: unknown, dotted: string, kind: KindId = 'account'): string[] {
  const result = service.validate(JSON.stringify(doc, null, 2), { kind });
  // The probes change transfer_balance, which then no longer equals the ledgers' total: that finding (balance-sum)
  // is the validator tests' concern, not the coercion's.
  return result.diagnostics.filter((d) => d.path === dotted && d.code !== 'balance-sum').map((d) => `${d.severity} ${d.code}`);
}

describe("Django REST Framework's input coercion, on contract schemas (docs/contract.md, one test per row)", () => {
  // [row, contract, field (path in the fixture), value sent, what we report]
  type Row = [string, 'GB' | 'AU', string, unknown, string[]];
  const rows: Row[] = [
    ['1 decimal string ← JSON number that fits the pattern', 'GB', 'transfer_balance', 12.5, ['hint number-as-string']],
    ['2 decimal string ← JSON number beyond max digits', 'GB', 'transfer_balance', 12345678901.5, ['error invalid-pattern']],
    ['3 string ← JSON number', 'GB', 'billing_name', 42, ['hint number-as-string']],
    ['4 string ← boolean', 'GB', 'customers.0.given_name', true, ['error invalid-type']],
    ['5a string ← object', 'GB', 'customers.0.title', { value: 'Mr' }, ['error invalid-type']],
    ['5b string ← array', 'GB', 'billing_name', ['The', 'Jabłońskis'], ['error invalid-type']],
    [
      '6a integer ← numeric string (AU house_number_1 "11")',
      'AU',
      'supply_addresses.0.supply_address.structured_street_address.house_number_1',
      '11',
      ['hint string-as-number'],
    ],
    ['6b integer ← numeric string with ".0"', 'GB', 'customers.0.credit_score', '742.0', ['hint string-as-number']],
    ['7a integer ← string with a fraction', 'GB', 'customers.0.credit_score', '742.5', ['error invalid-type']],
    ['7b integer ← JSON number with a fraction', 'GB', 'customers.0.credit_score', 742.5, ['error invalid-type']],
    ['8a integer ← other string', 'GB', 'customers.0.credit_score', 'high', ['error invalid-type']],
    ['8b integer ← boolean', 'GB', 'customers.0.credit_score', true, ['error invalid-type']],
    ['8c integer ← object', 'GB', 'customers.0.credit_score', { score: 742 }, ['error invalid-type']],
    ['9a boolean ← "no"', 'GB', 'unknown_occupier', 'no', ['hint string-as-boolean']],
    ['9b boolean ← "True"', 'GB', 'supply_addresses.0.is_landlord', 'True', ['hint string-as-boolean']],
    ['9c boolean ← 1', 'GB', 'supply_addresses.0.is_landlord', 1, ['hint string-as-boolean']],
    ['10 boolean ← other string', 'GB', 'supply_addresses.0.is_landlord', 'maybe', ['error invalid-type']],
    ['11 not nullable ← null', 'GB', 'billing_name', null, ['error null-not-allowed']],
    ['12 nullable ← null', 'GB', 'customers.0.title', null, []],
  ];
  for (const [name, which, dotted, value, expected] of rows) {
    test(name, () => {
      const doc = which === 'GB' ? ukAccount() : auAccount();
      const parts = dotted.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      let node: any = doc;
      for (const p of parts.slice(0, -1)) node = node[p];
      node[parts[parts.length - 1]] = value;
      assert.deepEqual(at(which === 'GB' ? gbService : auService, doc, dotted), expected);
    });
  }

  test('the rows are in docs/contract.md', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'contract.md'), 'utf8');
    for (const code of ['number-as-string', 'invalid-pattern', 'invalid-type', 'string-as-number', 'string-as-boolean', 'null-not-allowed'])
      assert.ok(doc.includes(`\`${code}\``), code);
    const tableRows = doc.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    assert.equal(tableRows.length, 12);
  });
});

describe('contract schema sets', () => {
  test('the wrapped v2 body: findings inside the payload are located under payload.*', () => {
    const bad = ukAccount();
    bad.import_supplier = 'EDF_PAYGG';
    bad.transfer_balance = 12.5;
    const text = JSON.stringify({ payload: bad }, null, 2);
    const result = gbService.validate(text);
    assert.equal(result.detection.kind, 'account-v2-validate');
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`),
      [
        'error invalid-enum payload.import_supplier',
        // a rule under the wrapper: the contract's account schema declares the ledgers-total check (see above)
        'error balance-sum payload.transfer_balance',
        'hint number-as-string payload.transfer_balance',
      ],
    );
  });

  test('an AU meter point without supply_type that no shape accepts: one finding naming the tag, and what every shape reports', () => {
    // Without the tag the point may take any of the 8 shapes; ajv reported each shape's misses (98 errors here).
    const cache = memoryCache();
    const fresh = AU.schemaSet;
    createContractSchemaSet(auText, AU_FILE, { cache, buildId: 'tagless' }).schemaSet.validatorFor('account');
    const cached = createContractSchemaSet(auText, AU_FILE, { cache, buildId: 'tagless' }).schemaSet;
    const probe = (edit: (mp: Record<string, any>) => void) => {
      const doc = auAccount();
      edit(doc.supply_addresses[0].meter_points[0]);
      const text = JSON.stringify(doc, null, 2);
      const rows = [fresh, cached].map((set) =>
        createKrakenService({ schemaSet: set })
          .validate(text)
          .diagnostics.filter((d) => d.code !== 'balance-sum')
          .map((d) => `${d.severity} ${d.code} ${d.path} @ ${d.range.start.line + 1}:${d.range.start.character + 1}`),
      );
      assert.deepEqual(rows[1], rows[0], 'standalone code from the cache reports the same');
      return rows[0];
    };
    const mp = 'supply_addresses.0.meter_points.0';
    // supply_start_date is required by every shape: an error whichever Kraken applies.
    assert.deepEqual(
      probe((m) => delete m.supply_start_date),
      [`error missing-property ${mp}.supply_start_date @ 94:9`, `error no-matching-shape ${mp} @ 94:9`],
    );
    const doc = auAccount();
    delete doc.supply_addresses[0].meter_points[0].supply_start_date;
    const text = JSON.stringify(doc, null, 2);
    const finding = auService.validate(text).diagnostics.find((d) => d.code === 'no-matching-shape')!;
    // Its quick fixes add the tag, one per value, as the point's first property; none is preferred.
    const actions = auService.codeActions(text, finding.range, [finding]);
    assert.deepEqual(
      actions.map((a) => `${a.title}${a.isPreferred ? ' (preferred)' : ''}`),
      [
        'ELECTRICITY',
        'EMBEDDED_ELECTRICITY',
        'EMBEDDED_WATER',
        'GAS',
        'UNMETERED_GAS',
        'EMBEDDED_GAS',
        'SOLAR_PPA',
        'UNMETERED_ELECTRICITY',
      ].map((v) => `Add "supply_type": "${v}"`),
    );
    const tagged = applyEdits(text, actions[0].edits);
    assert.equal(tagged, text.replace('\n          "mpxn"', '\n          "supply_type": "ELECTRICITY",\n          "mpxn"'));
    assert.deepEqual(
      auService
        .validate(tagged)
        .diagnostics.filter((d) => d.code !== 'balance-sum')
        .map((d) => `${d.severity} ${d.code} ${d.path}`),
      [`error missing-property ${mp}.supply_start_date`],
      'the chosen shape says what it needs',
    );
    assert.equal(
      finding.message,
      'Item 0 of meter points has no "supply_type", so it may take any of the 8 shapes Kraken\'s contract gives it, and it ' +
        'matches none. Add "supply_type" (ELECTRICITY, EMBEDDED_ELECTRICITY, EMBEDDED_WATER, GAS, UNMETERED_GAS, ' +
        'EMBEDDED_GAS, SOLAR_PPA, UNMETERED_ELECTRICITY) to choose one: the errors then say what that shape needs. ' +
        'Errors every shape reports are shown as well.',
    );
    // A date no shape reads: the summary and the format error (every shape declares the date).
    assert.deepEqual(
      probe((m) => (m.supply_start_date = '2019-13-01')),
      [`error no-matching-shape ${mp} @ 94:9`, `error invalid-format ${mp}.supply_start_date @ 96:32`],
    );
    // A number where every shape wants text: Kraken converts it first, so the summary is only a warning.
    assert.deepEqual(
      probe((m) => (m.mpxn = 4103445577)),
      [`warning no-matching-shape ${mp} @ 94:9`, `hint number-as-string ${mp}.mpxn @ 95:19`],
    );
    // With the tag the shape is chosen: its own errors, no summary.
    assert.deepEqual(
      probe((m) => {
        m.supply_type = 'ELECTRICITY';
        delete m.supply_start_date;
      }),
      [`error missing-property ${mp}.supply_start_date @ 94:9`],
    );
    // Accepted by a shape: nothing.
    assert.deepEqual(
      probe(() => undefined),
      [],
    );
    assert.deepEqual(
      cached.timings.compile.map((c) => c.from),
      ['cache'],
    );
  });

  test('without v1 account endpoints the bare account validates against the v2 payload schema', () => {
    const v2only = gbText
      .replace(/\n {2}\/v1\/data-import\/validate-account\/:\n/, '\n  /v1/data-import/validate-account-removed/:\n')
      .replace(
        /\n {2}\/v1\/data-import\/account-import-process\/create-or-update\/:\n/,
        '\n  /v1/data-import/create-or-update-removed/:\n',
      );
    const set = createContractSchemaSet(v2only, 'gb-v2-only').schemaSet;
    assert.deepEqual(set.contract.kinds.account?.endpoint, { method: 'POST', path: '/v2/data-import/accounts/validate/' });
    assert.match(set.describe('account')!, /validated as EnergyAccount \(the "payload" of POST \/v2\/data-import\/accounts\/validate\/\)/);
    const service = createKrakenService({ schemaSet: set });
    const bad = ukAccount();
    bad.import_supplier = 'EDF_PAYGG';
    assert.deepEqual(at(service, bad, 'import_supplier'), ['error invalid-enum']);
  });

  test('standalone validator code from the cache gives the same findings as a fresh compile', (t) => {
    const text = fixture('contract/uk-account-mistakes.json');
    const fresh = gbService.validate(text).diagnostics;
    assert.ok(
      [...gbCache.entries.keys()].some((k) => k.startsWith('validator-')),
      'the compiled validator was cached',
    );
    const started = performance.now();
    const again = createContractSchemaSet(gbText, GB_FILE, { cache: gbCache, buildId: 'test' });
    const loadMs = performance.now() - started;
    const fromCache = createKrakenService({ schemaSet: again.schemaSet }).validate(text).diagnostics;
    assert.equal(again.timings.from, 'cache');
    assert.deepEqual(
      again.schemaSet.timings.compile.map((c) => [c.kind, c.from]),
      [['account', 'cache']],
    );
    assert.deepEqual(fromCache, fresh);
    const first = GB.schemaSet.timings.compile.find((c) => c.kind === 'account')!;
    t.diagnostic(`GB first: parse ${GB.timings.parseMs} ms, convert ${GB.timings.convertMs} ms, account validator compiled ${first.ms} ms`);
    t.diagnostic(
      `GB from cache: conversion ${again.timings.cacheMs} ms (create ${loadMs.toFixed(0)} ms), account validator loaded ${again.schemaSet.timings.compile[0].ms} ms`,
    );
    // Another build never reuses the entries.
    const otherBuild = createContractSchemaSet(gbText, GB_FILE, { cache: gbCache, buildId: 'another build' });
    assert.equal(otherBuild.timings.from, 'converted');
  });

  test('a corrupt cache entry is ignored: compiled again, findings unchanged', () => {
    const cache = memoryCache();
    const first = createContractSchemaSet(gbText, GB_FILE, { cache, buildId: 'corrupt' });
    first.schemaSet.validatorFor('notes');
    for (const k of cache.entries.keys()) cache.entries.set(k, k.startsWith('validator-') ? 'module.exports = require("fs")' : '{not json');
    const second = createContractSchemaSet(gbText, GB_FILE, { cache, buildId: 'corrupt' });
    assert.equal(second.timings.from, 'converted');
    assert.ok(second.schemaSet.validatorFor('notes'));
    assert.deepEqual(
      second.schemaSet.timings.compile.map((c) => c.from),
      ['compiled'],
    );
  });

  test('hover on a contract field: its description, enum descriptions and the error codes Kraken may raise', () => {
    const text = fixture('contract/uk-account.json');
    const position = (needle: string) => {
      const offset = text.indexOf(needle) + 1;
      const before = text.slice(0, offset);
      return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
    };
    const accountType = gbService.hover(text, position('"account_type"'))?.contents.value ?? '';
    assert.match(accountType, /The type of account to be created\./);
    assert.match(accountType, /`"DOMESTIC_THIRD_PARTY_BILLED"` — Domestic Third Party Billed/);
    const postcode = gbService.hover(text, position('"billing_postcode"'))?.contents.value ?? '';
    assert.match(postcode, /Account billing address postcode\./);
    assert.match(postcode, /Kraken may raise: `invalid_postcode`/);
  });

  test("completion offers the instance's enum values", () => {
    const text = fixture('contract/uk-account.json').replace('"import_supplier": "EDF"', '"import_supplier": ""');
    const offset = text.indexOf('"import_supplier": "') + '"import_supplier": "'.length;
    const before = text.slice(0, offset);
    const list = gbService.complete(text, { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) });
    const labels = list.items.map((i) => i.label.replace(/^"|"$/g, ''));
    assert.deepEqual(labels, [
      'EDF_SHELL_ACCOUNT',
      'EDF _DEENERGISED',
      'EDF_SME_PAYG',
      'EDF_PAYG',
      'EDF_TERMED',
      'EDF_FIT',
      'EDF_AUTO_TOPUP',
      'EDF_DEENERGISED',
      'EDF_NEW_CONNECTIONS',
      'EDFSME',
      'EDFSME_MULTISITE',
      'EDF_SMEPAYG',
      'OPUS',
      'EDF',
      'UTILITA',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A contract URL: served from 127.0.0.1, fetched, revalidated with its ETag, then used offline from the cache.

describe('a contract URL: fetch, ETag, credentials, offline from the cache', () => {
  const ETAG = '"gb-contract-1"';
  const requests: Array<{ url: string; ifNoneMatch?: string; authorization?: string }> = [];
  let server: http.Server;
  let base: string;
  before(async () => {
    server = http.createServer((req, res) => {
      const entry = { url: req.url ?? '', ifNoneMatch: req.headers['if-none-match'], authorization: req.headers.authorization };
      requests.push(entry);
      if (req.url === '/slow/data-import/schema/') return; // never answers
      if (req.url === '/private/data-import/schema/' && req.headers.authorization !== 'Token test-key') {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"detail":"Authentication credentials were not provided."}');
        return;
      }
      if (req.headers['if-none-match'] === ETAG) {
        res.writeHead(304, { ETag: ETAG }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/vnd.oai.openapi; charset=utf-8', ETag: ETAG }).end(gbText);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())));

  test('KRAKEN_IMPORT_TIMEOUT bounds the fetch, in seconds; a value that is no timeout is exit 2 before any request', async () => {
    requests.length = 0;
    const url = `${base}/slow/data-import/schema/`;
    const bad = await cli(['contract', 'info', url], { KRAKEN_IMPORT_TIMEOUT: '5000ms' });
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /^kraken-import: KRAKEN_IMPORT_TIMEOUT \(the contract fetch\) takes a number of seconds from 1 to 3600, not "5000ms"\n/,
    );
    assert.equal(requests.length, 0);
    const slow = await cli(['contract', 'info', url], { KRAKEN_IMPORT_TIMEOUT: '1' });
    assert.equal(slow.code, 2, slow.stderr);
    assert.match(slow.stderr, /within 1 s/);
    assert.deepEqual(
      requests.map((r) => r.url),
      ['/slow/data-import/schema/'],
    );
  });

  test('credentials only when the instance asks for them (401), from KRAKEN_API_KEY', async () => {
    requests.length = 0;
    const url = `${base}/private/data-import/schema/`;
    const denied = await cli(['contract', 'info', url]);
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /the instance asks for credentials \(HTTP 401\); set KRAKEN_API_KEY/);
    const ok = await cli(['contract', 'info', url], { KRAKEN_API_KEY: 'test-key' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /fetched .* \(with credentials\)/);
    assert.deepEqual(
      requests.map((r) => r.authorization),
      [undefined, undefined, 'Token test-key'],
    );
  });

  test('fetched once, 304 with If-None-Match the next time, then offline: the cached copy, and its age', async (t) => {
    requests.length = 0;
    const url = `${base}/data-import/schema/`;
    const args = ['validate', '--format', 'json', '--contract', url, 'test/fixtures/contract/uk-account-mistakes.json'];
    const first = await cli(args);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, new RegExp(`kraken-import: fetched ${url.replace(/[/.]/g, '\\$&')}\\n`));
    assert.deepEqual(
      requests.map((r) => [r.url, r.ifNoneMatch, r.authorization]),
      [['/data-import/schema/', undefined, undefined]],
    );
    const findings = (JSON.parse(first.stdout) as JsonReport[])[0].diagnostics.map(row);
    assert.equal(findings.length, 14); // the 14 of the mistakes test above

    const second = await cli(args);
    assert.match(second.stderr, /is unchanged \(304 Not Modified\): using the cached copy/);
    assert.deepEqual(requests[1], { url: '/data-import/schema/', ifNoneMatch: ETAG, authorization: undefined });
    assert.deepEqual((JSON.parse(second.stdout) as JsonReport[])[0].diagnostics.map(row), findings);

    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections?.();
    const offline = await cli(args);
    t.diagnostic(offline.stderr.trim());
    assert.equal(offline.code, 1, offline.stderr);
    assert.match(
      offline.stderr,
      /cannot fetch http:\/\/127\.0\.0\.1:\d+\/data-import\/schema\/: Connection refused by 127\.0\.0\.1:\d+: nothing is listening there .*\. Using the cached copy fetched \d+ seconds? ago \(\d{4}-\d\d-\d\dT[\d:.]+Z\)\./,
    );
    assert.deepEqual((JSON.parse(offline.stdout) as JsonReport[])[0].diagnostics.map(row), findings);

    const explicit = await cli([...args, '--offline']);
    assert.match(explicit.stderr, /: offline\. Using the cached copy fetched/);
  });

  test('plain http to a host that is not loopback is refused before any request', async () => {
    const r = await cli(['contract', 'info', 'http://example.com/data-import/schema/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /plain http is only allowed to a loopback host, not example\.com: use https/);
  });
});
