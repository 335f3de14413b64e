import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createKrakenService, type Diagnostic } from '../../core/src/service';
import { detectKind } from '../../core/src/service/kinds';
import { parseDocument } from '../../core/src/service/parse';
import { fixture, rangeOf, REPO_ROOT, seedAccount, SHARED } from '../helpers';

const service = createKrakenService();
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');
const byCode = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);

/** Every JSON object embedded in a scraped documentation page. */
function jsonObjectsIn(text: string): unknown[] {
  const found: unknown[] = [];
  for (let i = text.indexOf('{'); i !== -1;) {
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let k = i; k < text.length; k++) {
      const c = text[k];
      if (inString) {
        if (c === '\\') k++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        end = k;
        break;
      }
    }
    let parsed: unknown;
    try {
      parsed = end === -1 ? undefined : JSON.parse(text.slice(i, end + 1));
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) {
      found.push(parsed);
      i = text.indexOf('{', end + 1);
    } else i = text.indexOf('{', i + 1);
  }
  return found;
}

describe('the seed examples', () => {
  const fixtures = readdirSync(path.join(REPO_ROOT, 'test/fixtures/seeds')).filter((f) => f.endsWith('.json'));

  it('the fixtures are the example payloads of the documentation pages, unchanged', () => {
    const pages = readdirSync(path.join(SHARED, 'seeds')).filter((f) => f.endsWith('.txt'));
    const documented = pages.flatMap((p) => jsonObjectsIn(readFileSync(path.join(SHARED, 'seeds', p), 'utf8')));
    for (const f of fixtures) {
      const value = JSON.parse(fixture(`seeds/${f}`));
      assert.ok(
        documented.some((d) => JSON.stringify(d) === JSON.stringify(value)),
        `${f} is not an example payload of the seed pages`,
      );
    }
    assert.equal(fixtures.length, 7);
  });

  const expectedKinds: Record<string, string> = {
    'seed-account.json': 'account',
    'seed-create-request.json': 'account-v1-create',
    'seed-notes.json': 'notes',
    'seed-transactions.json': 'transactions',
    'seed-statements.json': 'statements',
    'seed-payment-instruction.json': 'payment-instruction',
    'seed-business-payment-instruction.json': 'business-payment-instruction',
  };
  for (const f of Object.keys(expectedKinds)) {
    it(`${f} is detected as ${expectedKinds[f]} and has no errors`, () => {
      const result = service.validate(fixture(`seeds/${f}`));
      assert.equal(result.detection.kind, expectedKinds[f]);
      assert.equal(result.detection.source, 'content');
      assert.deepEqual(errors(result.diagnostics), []);
    });
  }

  it('the seed account wrapped for the v2 endpoints has no errors either', () => {
    const account = seedAccount();
    const validate = service.validate(JSON.stringify({ payload: account }));
    assert.equal(validate.detection.kind, 'account-v2-validate');
    assert.deepEqual(errors(validate.diagnostics), []);
    const create = service.validate(JSON.stringify({ payload: account, task_params: { is_dry_run: true } }));
    assert.equal(create.detection.kind, 'account-v2-create');
    assert.deepEqual(errors(create.diagnostics), []);
  });
});

describe('schema findings on mutated copies of the seed account', () => {
  function mutate(change: (a: Record<string, any>) => void) {
    const account = seedAccount();
    change(account);
    const text = JSON.stringify(account, null, 2);
    return { text, diagnostics: service.validate(text).diagnostics };
  }

  it('a wrong enum value: on the value, with the nearest allowed value', () => {
    const { text, diagnostics } = mutate((a) => (a.sales_channel = 'direct'));
    const [d] = byCode(diagnostics, 'invalid-enum');
    assert.equal(d.path, 'sales_channel');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, '"direct"'));
    assert.match(d.message, /^"direct" is not a valid sales channel; did you mean "DIRECT"\? Allowed: DIRECT, PRICE_COMPARISON/);
    assert.equal((d.data as { suggestion: string }).suggestion, 'DIRECT');
  });

  it('an unknown property: a warning on its key, with the nearest known name', () => {
    const { text, diagnostics } = mutate((a) => (a.customers[0].famly_name = 'Goethe'));
    const [d] = byCode(diagnostics, 'unknown-property');
    assert.equal(d.path, 'customers.0.famly_name');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, rangeOf(text, '"famly_name"'));
    assert.match(d.message, /Did you mean "family_name"\?$/);
    assert.deepEqual(d.tags, ['unnecessary']);
  });

  it("a missing property: at its own path (Kraken's attr), on the key of the object that lacks it", () => {
    const { text, diagnostics } = mutate((a) => delete a.supply_addresses[0].supply_points[0].melos[0].meters[0].meter_number);
    const [d] = byCode(diagnostics, 'missing-property');
    assert.equal(d.path, 'supply_addresses.0.supply_points.0.melos.0.meters.0.meter_number');
    // an array item has no key: the finding sits on its opening brace
    const meters = text.indexOf('"meters": [');
    const brace = text.indexOf('{', meters);
    const before = text.slice(0, brace);
    const line = before.split('\n').length - 1;
    const character = brace - (before.lastIndexOf('\n') + 1);
    assert.deepEqual(d.range, { start: { line, character }, end: { line, character: character + 1 } });
    assert.match(d.message, /^Missing required property "meter_number" in supply_addresses\.0\.supply_points\.0\.melos\.0\.meters\.0\./);
  });

  it('a missing property of a keyed object: on that key', () => {
    const account = seedAccount();
    account.customers[0].customer_preferences = { opted_into_sms: true };
    account.payment_instructions[0].bank_account = { account_number: '123' };
    const text = JSON.stringify(account, null, 2);
    const d = service
      .validate(text)
      .diagnostics.find((x) => x.code === 'missing-property' && x.path === 'payment_instructions.0.bank_account.account_holder');
    assert.ok(d, 'bank_account.account_holder is required');
    assert.deepEqual(d.range, rangeOf(text, '"bank_account"'));
  });

  it('a missing property at the root: on the opening brace', () => {
    const text = '  {"external_account_number": "A-1", "customers": []}';
    const [d] = byCode(service.validate(text).diagnostics, 'missing-property');
    assert.equal(d.path, 'import_supplier');
    assert.deepEqual(d.range, { start: { line: 0, character: 2 }, end: { line: 0, character: 3 } });
    assert.match(d.message, /"import_supplier"/);
  });

  it('a bad date: the expected format is named', () => {
    const { text, diagnostics } = mutate((a) => (a.customers[0].date_of_birth = '26.07.1997'));
    const [d] = byCode(diagnostics, 'invalid-format');
    assert.equal(d.path, 'customers.0.date_of_birth');
    assert.deepEqual(d.range, rangeOf(text, '"26.07.1997"'));
    assert.equal(d.message, '"26.07.1997" is not a valid date of birth: expected a date as YYYY-MM-DD, e.g. 2022-01-31.');
  });

  it('dates Django accepts are not errors (single-digit month, space separator, no zone)', () => {
    const { diagnostics } = mutate((a) => {
      a.customers[0].date_of_birth = '1997-7-6';
      a.notes[0].created_at = '2018-10-10 10:20';
    });
    assert.deepEqual(byCode(diagnostics, 'invalid-format'), []);
  });

  it('DRF coercion: a number for a decimal string is a hint, a boolean for a string is an error', () => {
    const { text, diagnostics } = mutate((a) => {
      a.ledgers[0].ledger_balance = 20.5;
      a.customers[0].title = true;
    });
    // (20.5 also breaks the ledger's balance formula: a balance-sum warning on the same value)
    const hint = diagnostics.find((d) => d.path === 'ledgers.0.ledger_balance' && d.severity === 'hint');
    assert.equal(hint?.code, 'number-as-string');
    assert.equal(hint?.severity, 'hint');
    assert.deepEqual(hint?.range, rangeOf(text, '20.5'));
    assert.match(hint!.message, /send the string "20.5"/);
    const error = diagnostics.find((d) => d.path === 'customers.0.title');
    assert.equal(error?.code, 'invalid-type');
    assert.equal(error?.severity, 'error');
    assert.equal(error?.message, '"title" must be a string (or null), not the boolean true.');
  });

  it('DRF coercion: numeric strings for integers and "true" for booleans are hints; null for a non-nullable field is an error', () => {
    const { diagnostics } = mutate((a) => {
      a.payment_schedules[0].day_of_month = '5';
      a.unknown_occupier = 'false';
      a.customers[0].given_name = null;
    });
    assert.equal(diagnostics.find((d) => d.path === 'payment_schedules.0.day_of_month')?.code, 'string-as-number');
    assert.equal(diagnostics.find((d) => d.path === 'unknown_occupier')?.code, 'string-as-boolean');
    const nul = diagnostics.find((d) => d.path === 'customers.0.given_name');
    assert.equal(nul?.code, 'null-not-allowed');
    assert.equal(nul?.severity, 'error');
  });

  it('a transaction with an unknown type: one finding listing the allowed types', () => {
    const { text, diagnostics } = mutate((a) => (a.ledgers[0].current_statement_transactions[0].type = 'REFUND'));
    const found = diagnostics.filter((d) => d.path === 'ledgers.0.current_statement_transactions.0.type');
    assert.equal(found.length, 1);
    assert.equal(found[0].code, 'invalid-enum');
    assert.deepEqual(found[0].range, rangeOf(text, '"REFUND"'));
    assert.match(found[0].message, /Allowed: .*CHARGE.*REPAYMENT/);
  });

  it('a transaction branch: a PAYMENT reports only the PAYMENT branch', () => {
    const { diagnostics } = mutate((a) => delete a.ledgers[0].current_statement_transactions[1].transaction_date);
    const found = diagnostics.filter((d) => d.path.startsWith('ledgers.0.current_statement_transactions.1'));
    assert.deepEqual(
      found.map((d) => [d.code, d.path]),
      [['missing-property', 'ledgers.0.current_statement_transactions.1.transaction_date']],
    );
    assert.match(found[0].message, /"transaction_date"/);
  });

  it('the cap: at most maxFindings, then one "N more" finding', () => {
    const capped = createKrakenService({ maxFindings: 3 });
    const customer = { given_name: 'A', family_name: 'B', x1: 1, x2: 2, x3: 3, x4: 4, x5: 5 };
    const result = capped.validate(JSON.stringify({ import_supplier: 'X', customers: [customer] }, null, 2));
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['unknown-property', 'unknown-property', 'unknown-property', 'too-many-findings'],
    );
    assert.deepEqual(
      result.diagnostics.slice(0, 3).map((d) => d.path),
      ['customers.0.x1', 'customers.0.x2', 'customers.0.x3'],
    );
    assert.equal(result.omitted, 2);
    assert.equal(result.diagnostics[3].message, '2 more findings not shown (the limit is 3 per document; see krakenImport.maxFindings).');
  });

  it('severity overrides: off removes a code, another severity replaces the default', () => {
    const account = seedAccount();
    account.customers[0].extra_field = 1;
    const text = JSON.stringify(account, null, 2);
    assert.equal(
      byCode(createKrakenService({ rules: { 'unknown-property': 'off' } }).validate(text).diagnostics, 'unknown-property').length,
      0,
    );
    assert.equal(
      byCode(createKrakenService({ rules: { 'unknown-property': 'error' } }).validate(text).diagnostics, 'unknown-property')[0].severity,
      'error',
    );
  });
});

describe('syntax: Kraken takes strict JSON', () => {
  it('a comment is an error on the comment', () => {
    const text = '{\n  "import_supplier": "X", // legacy id\n  "customers": []\n}';
    const [d] = service.validate(text).diagnostics;
    assert.equal(d.code, 'comment');
    assert.deepEqual(d.range, rangeOf(text, '// legacy id'));
  });

  it('a trailing comma is an error on the comma', () => {
    const text = '{\n  "import_supplier": "X",\n  "customers": [],\n}';
    const ds = service.validate(text).diagnostics;
    assert.deepEqual(
      ds.map((d) => d.code),
      ['trailing-comma'],
    );
    assert.deepEqual(ds[0].range, { start: { line: 2, character: 17 }, end: { line: 2, character: 18 } });
  });

  it('a missing comma is an error where the comma belongs, and required-property noise is held back', () => {
    const text = '{\n  "external_account_number": "A-1"\n  "customers": []\n}';
    const ds = service.validate(text).diagnostics;
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [['syntax-error', 2, 2]],
    );
    assert.equal(ds[0].message, 'Expected a comma between these values.');
  });

  it('a duplicate key is a warning on the ignored occurrence that names the kept one', () => {
    const text = '{\n  "import_supplier": "A",\n  "customers": [],\n  "import_supplier": "B"\n}';
    const ds = service.validate(text).diagnostics;
    assert.equal(ds.length, 1);
    assert.equal(ds[0].code, 'duplicate-key');
    assert.equal(ds[0].severity, 'warning');
    assert.deepEqual(ds[0].range, rangeOf(text, '"import_supplier"', 0));
    assert.match(ds[0].message, /Kraken keeps only the last value \(line 4\)/);
  });

  it('a BOM is an error at the start; the rest is still checked', () => {
    const ds = service.validate('\ufeff{"import_supplier": "X", "customers": [], "sales_channel": "direct"}').diagnostics;
    assert.deepEqual(
      ds.map((d) => d.code),
      ['bom', 'invalid-enum'],
    );
    assert.deepEqual(ds[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } });
  });
  it('a syntactically broken value gets only its syntax finding, not one about what it was misread as', () => {
    const text = '{"import_supplier": "X", "customers": [], "ledgers": [{"ledger_balance": 0050}]}';
    const ds = service.validate(text).diagnostics;
    assert.deepEqual(
      ds.map((d) => d.code),
      ['leading-zero'],
    );
    assert.deepEqual(ds[0].range, rangeOf(text, '0050'));
  });
});

describe('payload kinds', () => {
  it('a JSON file that is no payload gets no diagnostics', () => {
    for (const text of [
      '{"name": "my-package", "version": "1.0.0"}',
      '{"compilerOptions": {"strict": true}, // c\n}',
      '[1, 2]',
      '"text"',
      '',
      '   ',
    ]) {
      const result = service.validate(text);
      assert.equal(result.detection.kind, undefined, text);
      assert.deepEqual(result.diagnostics, [], text);
    }
  });

  it('associations pick the kind by glob and say why', () => {
    const associated = createKrakenService({ associations: { '**/notes/*.json': 'notes' } });
    const d = associated.detect('{}', '/work/migration/notes/a-1.json');
    assert.deepEqual(d, {
      kind: 'notes',
      source: 'association',
      reason: 'the file matches "**/notes/*.json" in krakenImport.payloadAssociations',
    });
    assert.equal(associated.detect('{}', '/work/migration/accounts/a-1.json').kind, undefined);
    const result = associated.validate('[]', { filePath: 'file:///w/notes/x.json' });
    assert.deepEqual(
      result.diagnostics.map((x) => x.code),
      ['not-an-object'],
    );
    assert.deepEqual(
      associated.validate('', { filePath: '/w/notes/x.json' }).diagnostics.map((x) => x.code),
      ['empty-document'],
    );
  });

  it('content detection reports its reason', () => {
    assert.equal(
      detectKind({ payload: {} }).reason,
      'a single top-level "payload" object (the v2 validate body as the contract declares it)',
    );
    assert.equal(detectKind({ import_supplier: 'X', customers: [] }).kind, 'account');
    assert.equal(detectKind({ import_supplier: 'X', external_account_number: 'E', notes: [] }).kind, 'notes');
    assert.equal(detectKind({ import_supplier: 'X', external_account_number: 'E', notes: [], customers: [] }).kind, 'account');
  });

  it('a v1 create request that lacks its account number is still one, and the schema says what it misses', () => {
    const text = '{\n  "import_supplier_code": "TENTACLE_ENERGY",\n  "dry_run": true\n}';
    const result = service.validate(text);
    assert.equal(result.detection.kind, 'account-v1-create');
    assert.equal(result.detection.reason, '"import_supplier_code" with only create-request fields (the v1 process body)');
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.severity, d.message.includes('external_account_number')]),
      [['missing-property', 'error', true]],
    );
    // Another field beside them is not a create request: a business payment instruction, or nothing known.
    assert.equal(detectKind({ import_supplier_code: 'X', external_business_identifier: 'B' }).kind, 'business-payment-instruction');
    assert.equal(detectKind({ import_supplier_code: 'X', customers: [] }).kind, 'account');
    // Without import_supplier_code the create-request fields are also an account's beginning: left to the user.
    assert.equal(detectKind({ external_account_number: 'E', operations_team_name: 'A' }).kind, undefined);
  });
});

describe('bad input never crashes and stays bounded', () => {
  it('nesting 100 000 levels deep', () => {
    const deep = '{"import_supplier": "X", "metadata": [{"key": "k", "value": ' + '['.repeat(100000) + ']'.repeat(100000) + '}]}';
    const result = service.validate(deep);
    assert.equal(result.detection.kind, 'account');
    assert.ok(result.diagnostics.some((d) => d.code === 'too-deep' && d.severity === 'error'));
    const broken = createKrakenService({ associations: { '*.json': 'account' } }).validate(deep.slice(0, -2), { filePath: 'deep.json' });
    assert.ok(broken.diagnostics.some((d) => d.code === 'syntax-error'));
  });

  it('binary data', () => {
    const result = createKrakenService({ associations: { '*.json': 'account' } }).validate('\u0000\u0001\u0002PNG', { filePath: 'x.json' });
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['binary'],
    );
  });

  it('parseDocument keeps the last duplicate like JSON.parse, and locates it', () => {
    const text = '{"a": 1, "a": {"b": 2}}';
    const parsed = parseDocument(text);
    assert.deepEqual(parsed.value, { a: { b: 2 } });
    assert.deepEqual(parsed.locator.locate(['a', 'b'], 'value'), { start: 20, end: 21, exact: true });
  });
});
