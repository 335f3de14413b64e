/**
 * Authoring features of the language service, called directly: completion, hover, quick fixes, definition and
 * references, symbols and folding, the payload templates, and the "New Payload… to zero errors" scenario.
 * Positions are marked in the fixture text (`|`, or `/*@name*\/` in fixture files) and stripped before use.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import snippetsFile from '../../snippets/kraken-import.json';
import { payloadTemplates, snippetBody } from '../../core/src/service/payloadTemplates';
import { createKrakenService, type CompletionItem, type Diagnostic } from '../../core/src/service';
import { rewriteDate } from '../../core/src/service/codeActions';
import { createContractSchemaSet } from '../../core/src/service/contract/schemaSet';
import { snippetToPlainText } from '../../core/src/service/completion';
import { pathAtOffset } from '../../core/src/service/cursor';
import { detectKind } from '../../core/src/service/kinds';
import { DocumentSchemaSet, type JsonSchema } from '../../core/src/service/schemas';
import { LineIndex } from '../../core/src/service/text';
import {
  acceptItem,
  applyEdits,
  expandSnippet,
  fixtureText,
  marked,
  newAccountToZeroErrors,
  REPO_ROOT,
  type AuthoringDriver,
} from './authoringScenario';

process.env.TZ = 'Europe/Berlin';
const NOW = new Date(2024, 4, 17, 9, 30, 5); // 17 May 2024, 09:30:05 in Berlin (UTC+2)
const service = createKrakenService();

/** The range of the n-th occurrence of `needle` in `text`. */
function rangeIn(text: string, needle: string, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at !== -1, `"${needle}" #${occurrence} not in text`);
  }
  return new LineIndex(text).range(at, at + needle.length);
}

function complete(src: string, options: { kind?: 'account' | 'transactions'; retriggerCommand?: string; snippets?: boolean } = {}) {
  const m = marked(src);
  return { ...m, items: service.complete(m.text, m.at, { now: NOW, ...options }).items };
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const errorsOf = (text: string) => service.validate(text).diagnostics.filter((d) => d.severity === 'error');

// ---------------------------------------------------------------------------------------------------------------

describe('pathAtOffset', () => {
  const at = (src: string) => {
    const m = marked(src);
    const loc = pathAtOffset(m.text, m.offset);
    return {
      at: loc.at,
      path: loc.path,
      missingCommaAt: loc.missingCommaAt,
      valueFollows: loc.valueFollows,
      colonFollows: loc.colonFollows,
      token: loc.token && m.text.slice(loc.token.start, loc.token.end),
    };
  };
  it('tells keys from values, in arrays, and through broken text', () => {
    assert.deepEqual(at('{ "a": 1, | }'), {
      at: 'key',
      path: [''],
      missingCommaAt: undefined,
      valueFollows: false,
      colonFollows: false,
      token: undefined,
    });
    assert.deepEqual(at('{ "a": 1 "b|" }'), {
      at: 'key',
      path: ['b'],
      missingCommaAt: 8,
      valueFollows: false,
      colonFollows: false,
      token: '"b"',
    });
    assert.deepEqual(at('{ "a": "x|'), {
      at: 'value',
      path: ['a'],
      missingCommaAt: undefined,
      valueFollows: false,
      colonFollows: false,
      token: '"x',
    });
    assert.deepEqual(at('{ "a|": 1 }'), {
      at: 'key',
      path: ['a'],
      missingCommaAt: undefined,
      valueFollows: false,
      colonFollows: true,
      token: '"a"',
    });
    assert.deepEqual(at('{ "l": [ {}, {} | ] }'), {
      at: 'value',
      path: ['l', 2],
      missingCommaAt: 15,
      valueFollows: false,
      colonFollows: false,
      token: undefined,
    });
    assert.deepEqual(at('{ "l": [ | "x" ] }'), {
      at: 'value',
      path: ['l', 0],
      missingCommaAt: undefined,
      valueFollows: true,
      colonFollows: false,
      token: undefined,
    });
    assert.deepEqual(at('{ "a": tr| }'), {
      at: 'value',
      path: ['a'],
      missingCommaAt: undefined,
      valueFollows: false,
      colonFollows: false,
      token: 'tr',
    });
    assert.deepEqual(at('{ "o": { | "b": 1 } }'), {
      at: 'key',
      path: ['o', ''],
      missingCommaAt: undefined,
      valueFollows: true,
      colonFollows: false,
      token: undefined,
    });
    assert.deepEqual(at('{ "a": "b" } |'), {
      at: 'none',
      path: [],
      missingCommaAt: undefined,
      valueFollows: false,
      colonFollows: false,
      token: undefined,
    });
  });
});

describe('completion: properties', () => {
  it('offers what the object may still take, required first, with a value skeleton (inside an open string)', () => {
    const { items, text } = complete(
      '{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { "type": "CHARGE", "amount": "1", "tra| } ] } ] }',
      { retriggerCommand: 'editor.action.triggerSuggest' },
    );
    const range = rangeIn(text, '"tra');
    const sorted = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    assert.deepEqual(labels(sorted), [
      'transaction_id',
      'transaction_date',
      'reason', // required (type and amount are there)
      'billing_document_identifier',
      'display_note',
      'note',
      'reference',
      'tax_items',
      'to_prepay_meter_serial_number',
    ]);
    assert.deepEqual(sorted[1], {
      label: 'transaction_date',
      kind: 10,
      detail: 'string (date) · required',
      documentation: {
        kind: 'markdown',
        value: 'The date the transaction happened (YYYY-MM-DD). It cannot be in the future.\n\nRequired.',
      },
      sortText: 'a0002',
      filterText: '"transaction_date"',
      insertTextFormat: 2,
      command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
      textEdit: { range, newText: '"transaction_date": "$1"' },
    });
    const taxItems = items.find((i) => i.label === 'tax_items')!;
    assert.equal(taxItems.textEdit!.newText, '"tax_items": [$1]');
  });

  it('carries a command only when the client names one (other editors have no editor.action.triggerSuggest)', () => {
    const { items } = complete(
      '{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { "type": "CHARGE", "amount": "1", "tra| } ] } ] }',
    );
    assert.ok(items.length > 5);
    assert.deepEqual(
      items.filter((i) => i.command),
      [],
    );
    const named = complete(
      '{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { "type": "CHARGE", "amount": "1", "tra| } ] } ] }',
      { retriggerCommand: 'my.suggest' },
    );
    assert.deepEqual(named.items.find((i) => i.label === 'reason')!.command, { title: 'Suggest', command: 'my.suggest' });
  });

  it('without snippet support: plain text, placeholders resolved to their defaults', () => {
    const { items, text } = complete(
      '{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { "type": "CHARGE", "amount": "1", "tra| } ] } ] }',
      { snippets: false },
    );
    const date = items.find((i) => i.label === 'transaction_date')!;
    assert.equal(date.insertTextFormat, 1);
    assert.deepEqual(date.textEdit, { range: rangeIn(text, '"tra'), newText: '"transaction_date": ""' });
    assert.equal(items.find((i) => i.label === 'tax_items')!.textEdit!.newText, '"tax_items": []');
    assert.ok(
      items.every((i) => i.insertTextFormat === 1 && !/\$\{?\d/.test(i.textEdit!.newText)),
      'no snippet syntax left',
    );
    assert.equal(
      snippetToPlainText('{"a": "${1:Jo\\}hann}", "b": ${2|X,Y|}, "c": $3, "d": "\\$4", "e": ${5:{"n": ${6:1}}}}'),
      '{"a": "Jo}hann", "b": X, "c": , "d": "$4", "e": {"n": 1}}',
    );
  });

  it('an enum value after a lone quote typed before an existing comma replaces the quote and keeps the comma: one comma', () => {
    const src = '{\n  "import_supplier": "X",\n  "sales_channel": "|,\n  "customers": []\n}';
    const { items, text, at } = complete(src);
    const direct = items.find((i) => i.label === '"DIRECT"')!;
    const line = text.split('\n')[2];
    assert.deepEqual(direct.textEdit, { range: { start: { line: 2, character: at.character - 1 }, end: at }, newText: '"DIRECT"' });
    const applied = text.split('\n');
    applied[2] =
      line.slice(0, direct.textEdit!.range.start.character) + direct.textEdit!.newText + line.slice(direct.textEdit!.range.end.character);
    assert.equal(applied[2], '  "sales_channel": "DIRECT",');
    // With spaces before the comma, and at the end of the object (nothing follows: no comma to keep or add).
    const spaced = complete('{ "import_supplier": "X",\n "sales_channel": "|  ,\n "customers": [] }');
    assert.deepEqual(spaced.items.find((i) => i.label === '"DIRECT"')!.textEdit, {
      range: { start: { line: 1, character: spaced.at.character - 1 }, end: spaced.at },
      newText: '"DIRECT"',
    });
    // Before the next property without a comma, the comma is added.
    const noComma = complete('{ "import_supplier": "X",\n "sales_channel": "|\n "customers": [] }');
    assert.equal(noComma.items.find((i) => i.label === '"DIRECT"')!.textEdit!.newText, '"DIRECT",');
    const last = complete('{ "import_supplier": "X",\n "sales_channel": "|\n}');
    assert.deepEqual(last.items.find((i) => i.label === '"DIRECT"')!.textEdit, {
      range: { start: { line: 1, character: last.at.character - 1 }, end: last.at },
      newText: '"DIRECT"',
    });
  });

  it('adds the comma the previous property lacks (broken fixture) and one after when a property follows', () => {
    const m = marked(fixtureText('authoring/account-unfinished.json'));
    const items = service.complete(m.text, m.marks['missing-comma-key'], { now: NOW }).items;
    const family = items.find((i) => i.label === 'family_name')!;
    const johann = rangeIn(m.text, '"Johann"');
    assert.deepEqual(family.additionalTextEdits, [{ range: { start: johann.end, end: johann.end }, newText: ',' }]);
    assert.deepEqual(family.textEdit, { range: rangeIn(m.text, '""', 0), newText: '"family_name": "$1"' });
    assert.ok(!items.some((i) => i.label === 'given_name'), 'given_name is already there');

    const { items: before, at } = complete('{ "import_supplier": "X", "customers": [ { | "given_name": "A" } ] }');
    const email = before.find((i) => i.label === 'email')!;
    assert.deepEqual(email.textEdit, { range: { start: at, end: at }, newText: '"email": "$1",' });
    assert.equal(email.additionalTextEdits, undefined);
  });

  it('renames a key without touching its value when a colon follows', () => {
    const { items, text } = complete('{ "import_supplier": "X", "customers": [ { "fam|": "Goethe" } ] }');
    assert.deepEqual(items.find((i) => i.label === 'family_name')!.textEdit, { range: rangeIn(text, '"fam"'), newText: '"family_name"' });
  });

  it("follows the discriminator: a transaction without type offers type (required) first and every branch's fields", () => {
    const { items } = complete('{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { | } ] } ] }');
    const sorted = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    assert.equal(sorted[0].label, 'type');
    assert.equal(sorted[0].detail, 'string · required');
    assert.equal(sorted[0].textEdit!.newText, '"type": "$1"');
    assert.ok(labels(items).includes('payment_type') && labels(items).includes('line_items') && labels(items).includes('reason'));
    const { items: supply } = complete(
      '{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { "type": "SUPPLY_CHARGE", | } ] } ] }',
    );
    const required = supply.filter((i) => i.detail?.endsWith('required')).map((i) => i.label);
    assert.deepEqual(required, ['transaction_id', 'transaction_date', 'amount', 'product_code', 'line_items']);
    assert.ok(!labels(supply).includes('reason'), 'a SUPPLY_CHARGE takes no reason');
  });

  it('works inside the v2 wrapper (the account under "payload") and offers nothing in a file that is not a payload', () => {
    const { items } = complete('{ "payload": { "import_supplier": "X", "customers": [ { "given_name": "A", | } ] } }');
    assert.ok(labels(items).includes('family_name'));
    assert.deepEqual(complete('{ "name": "my-package", "version": "1.0.0", | }').items, []);
  });
});

describe('completion: values', () => {
  it('offers enum values with their descriptions, replacing an open string and adding the missing comma after it', () => {
    const m = marked(fixtureText('authoring/account-unfinished.json'));
    const items = service.complete(m.text, m.marks['open-enum'], { now: NOW }).items;
    assert.equal(items.length, 22);
    assert.deepEqual(items[0], {
      label: '"DIRECT"',
      kind: 20,
      insertTextFormat: 1,
      documentation: { kind: 'markdown', value: 'Signed up directly with the supplier (website, app). The default.' },
      sortText: 'c0000',
      textEdit: { range: rangeIn(m.text, '"DI'), newText: '"DIRECT",' },
    });
    assert.equal(items[21].label, '""');
  });

  it("offers the document's ledgers for a payment schedule's ledger_code, not the schema examples", () => {
    const m = marked(fixtureText('authoring/account-unfinished.json'));
    const items = service.complete(m.text, m.marks['schedule-ledger'], { now: NOW }).items;
    assert.deepEqual(
      items.map((i) => [i.label, i.kind, i.detail, i.textEdit!.newText]),
      [
        ['"GAS_LEDGER"', 18, 'ledger in this document', '"GAS_LEDGER"'],
        ['"ELECTRICITY_LEDGER"', 18, 'ledger in this document', '"ELECTRICITY_LEDGER"'],
      ],
    );
    assert.deepEqual(items[0].documentation, { kind: 'markdown', value: 'Ledger `GAS_LEDGER` · 1 transaction' });
    assert.deepEqual(items[0].textEdit!.range, rangeIn(m.text, '""', 1));
  });

  it("offers the meters of the same supply point for a transfer reading, and the account's supply points for ledger identifiers", () => {
    const m = marked(fixtureText('authoring/account-unfinished.json'));
    const items = service.complete(m.text, m.marks['transfer-meter'], { now: NOW }).items;
    assert.deepEqual(labels(items), ['"G123456"']);
    assert.deepEqual(items[0].textEdit, {
      range: { start: m.marks['transfer-meter'], end: m.marks['transfer-meter'] },
      newText: '"G123456"',
    });

    const two = `{ "import_supplier": "X", "supply_addresses": [ { "supply_points": [
      { "identifier": "50203829715", "melos": [ { "meters": [ { "meter_number": "G1" } ] } ], "transfer_readings": [] },
      { "identifier": "60203829716", "melos": [ { "meters": [ { "meter_number": "E1" }, { "meter_number": "E2" } ] } ], "transfer_readings": [ { "meter_number": "|" } ] } ] } ],
      "ledgers": [ { "identifiers": [ "50203829715" ] } ] }`;
    assert.deepEqual(labels(complete(two).items), ['"E1"', '"E2"']);
    const ids = complete(two.replace('"|"', '""').replace('[ "50203829715" ]', '[ "50203829715", | ]')).items;
    assert.deepEqual(labels(ids), ['"60203829716"'], 'the identifier already listed is not offered again');
    const whole = complete(two.replace('"|"', '""').replace('"identifiers": [ "50203829715" ]', '"identifiers": |')).items;
    assert.deepEqual(labels(whole).slice(0, 2), ['["50203829715"]', '["60203829716"]']);
  });

  it('offers today for a date and now for a date-time, in the format Kraken reads', () => {
    const date = complete('{ "import_supplier": "X", "customers": [ { "date_of_birth": "|" } ] }').items;
    assert.deepEqual(
      date.slice(0, 1).map((i) => [i.label, i.detail]),
      [['"2024-05-17"', 'today']],
    );
    const dateTime = complete('{ "import_supplier": "X", "notes": [ { "created_at": | } ] }').items;
    assert.deepEqual(
      dateTime.slice(0, 2).map((i) => [i.label, i.detail]),
      [
        ['"2024-05-17T09:30:05+02:00"', 'now'],
        ['"2024-05-17T00:00:00+02:00"', 'today, midnight'],
      ],
    );
  });

  it('leaves a space after the ":" or "," that triggered it', () => {
    const { items, at } = complete('{ "import_supplier": "X", "customers": [], "unknown_occupier":| }');
    assert.deepEqual(items[0].textEdit, { range: { start: at, end: at }, newText: ' true' });
    const key = complete('{ "import_supplier": "X", "customers": [ { "given_name": "A",| } ] }');
    assert.equal(key.items.find((i) => i.label === 'family_name')!.textEdit!.newText, ' "family_name": "$1"');
  });

  it('offers booleans, null, and instance-specific examples marked as such', () => {
    assert.deepEqual(labels(complete('{ "import_supplier": "X", "unknown_occupier": | }').items), ['true', 'false', 'null']);
    const supplier = complete('{ "import_supplier": "|", "customers": [] }').items;
    assert.deepEqual(
      supplier.map((i) => [i.label, i.detail]),
      [
        ['"TENTACLE_ENERGY"', 'example · configured per Kraken instance'],
        ['"TENTACLE_UTILITIES"', 'example · configured per Kraken instance'],
      ],
    );
  });
});

describe('completion: array items as snippets', () => {
  const account = (list: string) =>
    complete(`{ "import_supplier": "X", ${list} }`)
      .items.filter((i) => i.kind === 15)
      .map((i) => i.label);
  it('offers a customer, address, supply point, meter, register, reading, ledger, transaction of each type, note, payment instruction and schedule', () => {
    assert.deepEqual(account('"customers": [ | ]'), ['customer']);
    assert.deepEqual(account('"supply_addresses": [ | ]'), ['supply address']);
    assert.deepEqual(account('"supply_addresses": [ { "supply_points": [ | ] } ]'), ['supply point (MaLo)']);
    assert.deepEqual(account('"supply_addresses": [ { "meter_points": [ | ] } ]'), [
      'meter point (GB electricity)',
      'meter point (GB gas)',
    ]);
    assert.deepEqual(account('"supply_addresses": [ { "supply_points": [ { "melos": [ { "meters": [ | ] } ] } ] } ]'), ['meter']);
    assert.deepEqual(
      account('"supply_addresses": [ { "supply_points": [ { "melos": [ { "meters": [ { "registers": [ | ] } ] } ] } ] } ]'),
      ['register'],
    );
    assert.deepEqual(
      account(
        '"supply_addresses": [ { "supply_points": [ { "melos": [ { "meters": [ { "registers": [ { "readings": [ | ] } ] } ] } ] } ] } ]',
      ),
      ['reading'],
    );
    assert.deepEqual(account('"ledgers": [ | ]'), ['ledger']);
    assert.deepEqual(account('"ledgers": [ { "historical_statement_transactions": [ | ] } ]'), [
      'CHARGE transaction',
      'CREDIT transaction',
      'PAYMENT transaction',
      'REPAYMENT transaction',
      'SUPPLY_CHARGE transaction',
    ]);
    assert.deepEqual(account('"notes": [ | ]'), ['note', 'note with attachment']);
    assert.deepEqual(account('"payment_instructions": [ | ]'), ['payment instruction']);
    assert.deepEqual(account('"payment_schedules": [ | ]'), ['payment schedule']);
  });

  it('inserts the snippet body with placeholders, a comma before it when the previous item lacks one, and a {} with the required fields', () => {
    const { items, text } = complete(
      '{ "import_supplier": "X", "payment_schedules": [ { "means": "DD", "start_date": "2022-01-01" } | ] }',
    );
    const schedule = items.find((i) => i.label === 'payment schedule')!;
    assert.equal(
      schedule.textEdit!.newText,
      '{\n\t"amount": "${1:20.00}",\n\t"ledger_code": "${2:GAS_LEDGER}",\n\t"day_of_month": ${3:5},\n\t"frequency": "${4|MONTHLY,QUARTERLY,WEEKLY,FORTNIGHTLY,FOUR_WEEKLY,ANNUALLY,SIX_MONTHLY|}",\n\t"means": "${5|DD,CARD,MANUAL,PAYMENT_SLIP|}",\n\t"start_date": "${6:2022-01-01}"\n}',
    );
    const previousEnd = rangeIn(text, '"2022-01-01" }').end;
    assert.deepEqual(schedule.additionalTextEdits, [{ range: { start: previousEnd, end: previousEnd }, newText: ',' }]);
    assert.deepEqual(
      items.find((i) => i.label === '{}')!,
      {
        label: '{}',
        kind: 9,
        detail: 'with start_date, means',
        insertTextFormat: 2,
        sortText: 'g0001',
        textEdit: { range: schedule.textEdit!.range, newText: '{\n\t"start_date": "$1",\n\t"means": "$2"\n}' },
        additionalTextEdits: schedule.additionalTextEdits,
      },
    );
    const after = acceptItem(text, schedule);
    assert.deepEqual(JSON.parse(after).payment_schedules[1], {
      amount: '20.00',
      ledger_code: 'GAS_LEDGER',
      day_of_month: 5,
      frequency: 'MONTHLY',
      means: 'DD',
      start_date: '2022-01-01',
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('hover', () => {
  const hover = (src: string, schemaSet?: DocumentSchemaSet) => {
    const m = marked(src);
    const s = schemaSet ? createKrakenService({ schemaSet }) : service;
    return { ...m, hover: s.hover(m.text, m.at, schemaSet ? { kind: 'account' } : {}) };
  };

  it('shows description, type, required or not, example and the checks that apply', () => {
    const { hover: h, text } = hover(
      '{ "import_supplier": "X", "ledgers": [ { "ledger_code": "GAS_LEDGER" } ], "payment_schedules": [ { "ledger_co|de": "GAS_LEDGER", "means": "DD", "start_date": "2022-01-01" } ] }',
    );
    assert.deepEqual(h, {
      contents: {
        kind: 'markdown',
        value: [
          '**`ledger_code`** · string · optional',
          'Code of the Kraken ledger type the schedule belongs to. Ledger types are configured per instance and the code must exist.',
          'Values are configured per Kraken instance: the examples are not a complete list',
          'Example: `"GAS_LEDGER"`',
          'Checks: `ledger-code-reference`',
        ].join('\n\n'),
      },
      range: rangeIn(text, '"ledger_code"', 1),
    });
  });

  it("on an enum value: that value's meaning first, then every allowed value with its description", () => {
    const { hover: h, text } = hover(
      '{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { "type": "RE|PAYMENT", "transaction_id": "1", "transaction_date": "2022-01-01", "amount": "1.00" } ] } ] }',
    );
    const value = h!.contents.value;
    assert.ok(
      value.startsWith('**`type`** · string · required\n\n`"REPAYMENT"`: Money paid back to the customer, i.e. a refund.\n\n'),
      value,
    );
    assert.ok(
      value.includes(
        'Allowed values:\n- `"CHARGE"` — A one-off charge that increases what the customer owes (fees, imported debit balances). Needs a reason.\n- `"CREDIT"`',
      ),
    );
    assert.ok(value.endsWith('Checks: `missing-property`, `invalid-enum`'), value);
    assert.deepEqual(h!.range, rangeIn(text, '"REPAYMENT"'));
  });

  it('shows the format of date fields and the decimal-string checks of amounts, inside the chosen transaction branch', () => {
    const { hover: h } = hover(
      '{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { "type": "CHARGE", "am|ount": "1" } ] } ] }',
    );
    assert.match(h!.contents.value, /^\*\*`amount`\*\* · string · required\n\nThe transaction amount in the currency's major unit/);
    assert.match(h!.contents.value, /Checks: `missing-property`, `invalid-pattern`, `number-as-string`, `decimal-amount`$/);
    const { hover: date } = hover('{ "import_supplier": "X", "customers": [ { "date_of_bi|rth": "" } ] }');
    assert.match(date!.contents.value, /Format: `date` \(a date as YYYY-MM-DD, e\.g\. 2022-01-31\)/);
  });

  it('lists the error codes Kraken may raise when an instance contract is in force (x-kraken-errors)', () => {
    const contract: JsonSchema = {
      type: 'object',
      properties: {
        import_supplier: { type: 'string', description: 'Import supplier code.' },
        sales_channel: {
          type: 'string',
          enum: ['DIRECT'],
          description: 'How the customer was acquired.',
          'x-kraken-errors': ['invalid_choice', 'sales_channel_not_allowed'],
        },
      },
    };
    const set = new DocumentSchemaSet('contract', 'test contract', { 'account.json': contract }, { account: 'account.json' });
    const { hover: h } = hover('{ "import_supplier": "X", "sales_chan|nel": "DIRECT" }', set);
    assert.match(h!.contents.value, /\n\nKraken may raise: `invalid_choice`, `sales_channel_not_allowed`$/);
    const { hover: bundled } = hover('{ "import_supplier": "X", "sales_chan|nel": "DIRECT" }');
    assert.doesNotMatch(bundled!.contents.value, /Kraken may raise/);
  });

  it("on a served contract (EDF GB): the contract's transaction branches, its HTML descriptions as Markdown, its error codes", () => {
    const file = path.join(process.env.KRAKEN_OPENAPI_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'kraken-openapi'), 'edf-gb.openapi.yml');
    const { schemaSet } = createContractSchemaSet(readFileSync(file, 'utf8'), file);
    const gb = createKrakenService({ schemaSet });
    const types = marked('{ "import_supplier": "X", "transactions": [ { "type": "|" } ] }');
    assert.deepEqual(labels(gb.complete(types.text, types.at).items), [
      '"CREDIT"',
      '"CHARGE"',
      '"PAYMENT"',
      '"REPAYMENT"',
      '"SUPPLY_CHARGE"',
    ]);
    const charge = marked('{ "import_supplier": "X", "transactions": [ { "type": "CHARGE", | } ] }');
    assert.deepEqual(
      gb
        .complete(charge.text, charge.at)
        .items.filter((i) => i.detail?.endsWith('required'))
        .map((i) => i.label),
      ['amount', 'reason', 'transaction_date', 'transaction_id'],
    );
    const amount = marked('{ "import_supplier": "X", "transactions": [ { "type": "CHARGE", "amo|unt": "1" } ] }');
    const text = gb.hover(amount.text, amount.at)!.contents.value;
    assert.ok(
      text.startsWith(
        '**`amount`** · string (decimal) · required\n\nThe amount of the transaction. e.g. if the customer has a consumption charge worth 23.43, this equates to a transaction of type `CHARGE` of 23.43.',
      ),
      text,
    );
    const email = marked('{ "import_supplier": "X", "external_account_number": "A", "customers": [ { "ema|il": "" } ] }');
    assert.match(
      gb.hover(email.text, email.at)!.contents.value,
      /\n\nKraken may raise: `possible_test_email_address`, `internal_email_address`$/,
    );
  });

  it('says nothing outside a payload and on the root', () => {
    assert.equal(hover('{ "na|me": "x" }').hover, null);
    assert.equal(hover('|{ "import_supplier": "X", "customers": [] }').hover, null);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('quick fixes', () => {
  const fixes = (text: string, code: string, only?: string[]) => {
    const d = service.validate(text).diagnostics.filter((x) => x.code === code);
    assert.ok(d.length, `no ${code} finding in ${text}`);
    return { d, actions: service.codeActions(text, d[0].range, [d[0]], only ? { only } : {}) };
  };
  const titles = (a: Array<{ title: string }>) => a.map((x) => x.title);

  it("adds the missing required properties with placeholders, in the object's layout, and fixes the finding", () => {
    const text = '{\n  "import_supplier": "X",\n  "payment_schedules": [\n    {\n      "amount": "20.00"\n    }\n  ]\n}';
    const { d, actions } = fixes(text, 'missing-property');
    const end = rangeIn(text, '"20.00"').end;
    assert.equal(d.length, 2);
    assert.deepEqual(actions, [
      {
        title: 'Add missing required properties: start_date, means',
        kind: 'quickfix',
        diagnostics: [d[0]],
        isPreferred: true,
        edits: [{ range: { start: end, end }, newText: ',\n      "start_date": "",\n      "means": ""' }],
      },
    ]);
    // Both findings share the one fix.
    assert.equal(service.codeActions(text, d[0].range, d).length, 1);
    const fixed = applyEdits(text, actions[0].edits);
    assert.ok(!service.validate(fixed).diagnostics.some((x) => x.code === 'missing-property'));
  });

  it('fills an empty object, nested required objects included, never inventing identifiers', () => {
    const text = '{ "import_supplier": "X", "payment_instructions": [ {} ] }';
    const { actions } = fixes(text, 'missing-property');
    const inside = { line: 0, character: text.indexOf('{}') + 1 };
    assert.deepEqual(actions[0].edits, [
      { range: { start: inside, end: inside }, newText: '\n  "vendor": "",\n  "type": "",\n  "reference": ""\n' },
    ]);
    assert.deepEqual(JSON.parse(applyEdits(text, actions[0].edits)).payment_instructions[0], { vendor: '', type: '', reference: '' });
  });

  it('replaces an enum value with the nearest allowed one', () => {
    const text = '{ "import_supplier": "X", "customers": [], "sales_channel": "DIRCT" }';
    const { d, actions } = fixes(text, 'invalid-enum');
    assert.deepEqual(actions, [
      {
        title: 'Change to "DIRECT"',
        kind: 'quickfix',
        diagnostics: [d[0]],
        isPreferred: true,
        edits: [{ range: rangeIn(text, '"DIRCT"'), newText: '"DIRECT"' }],
      },
    ]);
  });

  it('turns a JSON number amount into a decimal string, one or all', () => {
    const text =
      '{ "import_supplier": "X", "customers": [], "transfer_balance": 12.50, "payment_schedules": [ { "amount": 20.0, "means": "DD", "start_date": "2022-01-01" } ] }';
    const { d, actions } = fixes(text, 'number-as-string');
    assert.deepEqual(titles(actions), ['Write 12.50 as the string "12.50"', 'Write all numbers as decimal strings (2)']);
    assert.deepEqual(actions[0].edits, [{ range: rangeIn(text, '12.50'), newText: '"12.50"' }]);
    assert.deepEqual(actions[1].edits, [
      { range: rangeIn(text, '12.50'), newText: '"12.50"' },
      { range: rangeIn(text, '20.0'), newText: '"20.0"' },
    ]);
    assert.equal(actions[1].diagnostics![0], d[0]);
  });

  it('rewrites an unambiguous date into ISO form, and only then', () => {
    const text = '{ "import_supplier": "X", "customers": [ { "date_of_birth": "26.07.1997" } ] }';
    const { actions } = fixes(text, 'invalid-format');
    assert.deepEqual(titles(actions), ['Rewrite as "1997-07-26"']);
    assert.deepEqual(actions[0].edits, [{ range: rangeIn(text, '"26.07.1997"'), newText: '"1997-07-26"' }]);
    assert.deepEqual(fixes(text.replace('26.07.1997', '05/06/1997'), 'invalid-format').actions, [], '05/06/1997 could be 5 June or 6 May');
    const cases: Array<[string, 'date' | 'date-time', string | undefined]> = [
      ['26.07.1997', 'date', '1997-07-26'],
      ['1997/07/26', 'date', '1997-07-26'],
      ['26/07/1997', 'date', '1997-07-26'],
      ['07/26/1997', 'date', '1997-07-26'],
      ['07/06/1997', 'date', undefined],
      ['26 July 1997', 'date', '1997-07-26'],
      ['26. Juli 1997', 'date', '1997-07-26'],
      ['Jul 26, 1997', 'date', '1997-07-26'],
      ['3. März 2021', 'date', '2021-03-03'],
      ['Jänner 5, 2021', 'date', '2021-01-05'],
      ['26.07.97', 'date', undefined],
      ['31.02.1997', 'date', undefined],
      ['13.05.2021 02:00', 'date-time', '2021-05-13T02:00:00'],
      ['13.05.2021 02:00:07+0200', 'date-time', '2021-05-13T02:00:07+02:00'],
      ['13.05.2021 00:00', 'date', '2021-05-13'],
      ['13.05.2021 02:00', 'date', undefined],
    ];
    for (const [input, format, expected] of cases) assert.equal(rewriteDate(input, format), expected, `${input} (${format})`);
  });

  it('removes an unknown property (its whole line) or renames it to the suggested one', () => {
    const text =
      '{\n  "import_supplier": "X",\n  "customers": [\n    {\n      "given_name": "A",\n      "emial": "a@example.com",\n      "shoe_size": 42\n    }\n  ]\n}';
    const unknown = service.validate(text).diagnostics.filter((x) => x.code === 'unknown-property');
    const [emial, shoe] = unknown;
    assert.deepEqual(titles(service.codeActions(text, emial.range, [emial])), ['Rename to "email"', 'Remove unknown property "emial"']);
    const remove = service.codeActions(text, shoe.range, [shoe]);
    assert.deepEqual(
      remove.map((a) => [a.title, a.isPreferred]),
      [['Remove unknown property "shoe_size"', true]],
    );
    assert.equal(
      applyEdits(text, remove[0].edits),
      '{\n  "import_supplier": "X",\n  "customers": [\n    {\n      "given_name": "A",\n      "emial": "a@example.com"\n    }\n  ]\n}',
    );
    const removeEmial = service.codeActions(text, emial.range, [emial])[1];
    assert.equal(applyEdits(text, removeEmial.edits), text.replace('      "emial": "a@example.com",\n', ''));
  });

  it('removes comments and trailing commas, one or all, and the fix-all source action applies every safe fix', () => {
    const text =
      '{\n  // migrated from SAP\n  "import_supplier": "X",\n  "sales_channel": "direct", /* lower case */\n  "customers": [ { "given_name": "A", }, ],\n  "transfer_balance": 1.5\n}';
    const comment = service.validate(text).diagnostics.filter((x) => x.code === 'comment');
    assert.deepEqual(titles(service.codeActions(text, comment[0].range, [comment[0]])), ['Remove comment', 'Remove all comments (2)']);
    assert.deepEqual(service.codeActions(text, comment[0].range, [comment[0]])[0].edits, [
      { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, newText: '' },
    ]);
    const comma = service.validate(text).diagnostics.filter((x) => x.code === 'trailing-comma');
    assert.equal(comma.length, 2);
    assert.deepEqual(titles(service.codeActions(text, comma[0].range, [comma[0]])), [
      'Remove trailing comma',
      'Remove all trailing commas (2)',
    ]);
    const fixAll = service.codeActions(text, comment[0].range, [], { only: ['source.fixAll'] });
    assert.deepEqual(titles(fixAll), ['Fix all safe Kraken Import findings']);
    assert.equal(fixAll[0].kind, 'source.fixAll.krakenImport');
    assert.equal(
      applyEdits(text, fixAll[0].edits),
      '{\n  "import_supplier": "X",\n  "sales_channel": "DIRECT",\n  "customers": [ { "given_name": "A" } ],\n  "transfer_balance": "1.5"\n}',
    );
    assert.deepEqual(
      service.codeActions(text, comment[0].range, [comment[0]], { only: ['source.fixAll'] }).map((a) => a.kind),
      ['source.fixAll.krakenImport'],
      'no quick fixes when only fix-all is asked for',
    );
  });

  it('changes a wrong ledger_code to a ledger of the document (nearest first)', () => {
    const text =
      '{ "import_supplier": "X", "ledgers": [ { "ledger_code": "GAS_LEDGER" }, { "ledger_code": "ELECTRICITY_LEDGER" } ], "payment_schedules": [ { "ledger_code": "GAS_LEDGR", "means": "DD", "start_date": "2022-01-01" } ] }';
    const { actions } = fixes(text, 'ledger-code-reference');
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred ?? false, a.edits]),
      [
        ['Change ledger_code to "GAS_LEDGER"', true, [{ range: rangeIn(text, '"GAS_LEDGR"'), newText: '"GAS_LEDGER"' }]],
        ['Change ledger_code to "ELECTRICITY_LEDGER"', false, [{ range: rangeIn(text, '"GAS_LEDGR"'), newText: '"ELECTRICITY_LEDGER"' }]],
      ],
    );
  });

  it('never fixes a check digit or invents an identifier', () => {
    const seed = fixtureText('seeds/seed-account.json');
    const malo = service
      .validate(seed)
      .diagnostics.filter((x) => x.code === 'malo-check-digit' || x.code === 'market-partner-check-digit' || x.code === 'iban-check');
    assert.ok(malo.length >= 2);
    for (const d of malo) assert.deepEqual(service.codeActions(seed, d.range, [d]), [], d.code);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('definition and references', () => {
  const m = marked(fixtureText('authoring/account-refs.json'));
  const at = (mark: string) => m.marks[mark];
  const valueRange = (mark: string, value: string) => ({
    start: { line: at(mark).line, character: at(mark).character - 1 },
    end: { line: at(mark).line, character: at(mark).character + value.length + 1 },
  });

  it('ledger codes: from a payment instruction or schedule to the ledger, and back', () => {
    assert.deepEqual(service.definition(m.text, at('schedule-ledger')), [valueRange('ledger-gas', 'GAS_LEDGER')]);
    assert.deepEqual(service.definition(m.text, at('instruction-ledger')), [valueRange('ledger-gas', 'GAS_LEDGER')]);
    assert.deepEqual(service.references(m.text, at('ledger-gas'), false), [
      valueRange('instruction-ledger', 'GAS_LEDGER'),
      valueRange('schedule-ledger', 'GAS_LEDGER'),
    ]);
    assert.deepEqual(service.references(m.text, at('schedule-ledger'), true), [
      valueRange('ledger-gas', 'GAS_LEDGER'),
      valueRange('instruction-ledger', 'GAS_LEDGER'),
      valueRange('schedule-ledger', 'GAS_LEDGER'),
    ]);
  });

  it('meter numbers: a transfer reading names the meter of its own supply point', () => {
    assert.deepEqual(service.definition(m.text, at('reading-gas')), [valueRange('meter-gas', 'M-1')]);
    assert.deepEqual(service.definition(m.text, at('reading-elec')), [valueRange('meter-elec', 'M-1')]);
    assert.deepEqual(service.references(m.text, at('meter-elec'), true), [
      valueRange('meter-elec', 'M-1'),
      valueRange('reading-elec', 'M-1'),
    ]);
  });

  it("supply point identifiers: a ledger's identifiers name the supply point", () => {
    assert.deepEqual(service.definition(m.text, at('ledger-id')), [valueRange('sp-gas', '50203829715')]);
    assert.deepEqual(service.references(m.text, at('sp-gas'), false), [valueRange('ledger-id', '50203829715')]);
  });

  it('transaction and statement ids: every use of the id', () => {
    assert.deepEqual(service.references(m.text, at('txn-1'), true), [valueRange('txn-1', '1'), valueRange('txn-1-again', '1')]);
    assert.deepEqual(service.definition(m.text, at('txn-1-again')), [valueRange('txn-1', '1'), valueRange('txn-1-again', '1')]);
    assert.deepEqual(service.definition(m.text, at('statement')), [valueRange('statement', 'S-1')]);
  });

  it('nothing on other values and keys', () => {
    const pos = { line: 1, character: 25 }; // "TENTACLE_ENERGY"
    assert.deepEqual(service.definition(m.text, pos), []);
    assert.deepEqual(service.references(m.text, pos), []);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('document symbols and folding', () => {
  it('names supply points, ledgers, transactions, customers and the rest readably', () => {
    const seed = fixtureText('seeds/seed-account.json');
    const result = service.symbols(seed);
    assert.equal(result.limitReached, false);
    const find = (name: string) => result.items.find((s) => s.name === name)!;
    const addresses = find('supply_addresses');
    assert.equal(addresses.detail, '1 item');
    assert.equal(addresses.children![0].name, 'Supply address An der Elbe 2 · 21635');
    const points = addresses.children![0].children!.find((s) => s.name === 'supply_points')!;
    assert.deepEqual(
      points.children!.map((s) => s.name),
      ['Supply point 50203829715 · GAS', 'Supply point 60203829716 · ELECTRICITY'],
    );
    assert.equal(points.children![0].kind, 19);
    const ledgers = find('ledgers').children!;
    assert.deepEqual(
      ledgers.map((s) => s.name),
      ['Ledger GAS_LEDGER · 3 transactions', 'Ledger ELECTRICITY_LEDGER · 3 transactions'],
    );
    assert.deepEqual(
      ledgers[0].children!.find((s) => s.name === 'current_statement_transactions')!.children!.map((s) => s.name),
      ['Transaction 1 · REPAYMENT · 10.00', 'Transaction 2 · PAYMENT · 20.00', 'Transaction 3 · CREDIT · 20.00'],
    );
    assert.equal(find('customers').children![0].name, 'Customer Johann Goethe');
    assert.equal(find('payment_instructions').children![0].name, 'Payment instruction DIRECT_DEBIT · GOCARDLESS · GAS_LEDGER');
    const meters = points.children![0].children!.find((s) => s.name === 'melos')!.children![0].children!.find((s) => s.name === 'meters')!;
    assert.equal(meters.children![0].name, 'Meter G123456 · EHZ');
    const importSupplier = find('import_supplier');
    assert.deepEqual(importSupplier, {
      name: 'import_supplier',
      kind: 15,
      detail: '"TENTACLE_ENERGY"',
      range: rangeIn(seed, '"import_supplier": "TENTACLE_ENERGY"'),
      selectionRange: rangeIn(seed, '"import_supplier"'),
    });
  });

  it('stops at 5000 symbols and says so', () => {
    const big = JSON.stringify({ import_supplier: 'X', notes: Array.from({ length: 3000 }, (_, i) => ({ body: `note ${i}` })) });
    const result = service.symbols(big);
    assert.equal(result.limitReached, true);
    assert.equal(result.limit, 5000);
    let count = 0;
    const walk = (xs: typeof result.items) =>
      xs.forEach((s) => {
        count++;
        if (s.children) walk(s.children);
      });
    walk(result.items);
    assert.equal(count, 5000);
    assert.equal(service.symbols(fixtureText('seeds/seed-account.json')).limitReached, false);
  });

  it('folds objects, arrays and comments, leaving the closing bracket visible, also in broken text', () => {
    const text =
      '{\n  "customers": [\n    {\n      "given_name": "A"\n    }\n  ],\n  /* a\n     b */\n  "ledgers": [\n    {\n      "ledger_code": "G"\n';
    assert.deepEqual(service.foldingRanges(text), {
      items: [
        { startLine: 1, endLine: 4, kind: 'array' },
        { startLine: 2, endLine: 3, kind: 'object' },
        { startLine: 6, endLine: 7, kind: 'comment' },
      ],
      limitReached: false,
      limit: 5000,
    });
    const big = JSON.stringify({ notes: Array.from({ length: 6000 }, () => ({ body: 'x' })) }, null, 1);
    const folded = service.foldingRanges(big);
    assert.equal(folded.limitReached, true);
    assert.equal(folded.items.length, 5000);
    assert.deepEqual(folded.items[0], { startLine: 0, endLine: big.split('\n').length - 2, kind: 'object' });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('payload templates ("New Payload…" and snippets)', () => {
  const templates = payloadTemplates();

  it('has one per kind, and per market for the account bodies; each is a payload of its kind once expanded', () => {
    assert.deepEqual(
      templates.map((t) => `${t.kind}${t.market ? `/${t.market}` : ''}`),
      [
        'account/DE',
        'account-v2-validate/DE',
        'account-v2-create/DE',
        'account/GB',
        'account-v2-validate/GB',
        'account-v2-create/GB',
        'account-v1-create',
        'notes',
        'transactions',
        'statements',
        'payment-instruction',
        'business-payment-instruction',
      ],
    );
    for (const t of templates) {
      const { text, cursor } = expandSnippet(t.body);
      const value = JSON.parse(text);
      assert.equal(detectKind(value).kind, t.kind, t.label);
      assert.ok(cursor !== undefined && cursor > 0, `${t.label}: the cursor lands on a placeholder`);
    }
  });

  it('every payload kind has a snippet in snippets/kraken-import.json, and the v2 bodies New Payload builds are those snippets', () => {
    const entries = Object.values(snippetsFile as Record<string, { prefix: string; body: string[] }>);
    const kinds = entries.map((e) => detectKind(JSON.parse(expandSnippet(e.body.join('\n')).text)).kind).sort();
    assert.deepEqual(kinds, [
      'account',
      'account',
      'account-v1-create',
      'account-v2-create',
      'account-v2-validate',
      'business-payment-instruction',
      'notes',
      'payment-instruction',
      'statements',
      'transactions',
    ]);
    assert.equal(
      templates.find((t) => t.kind === 'account-v2-validate' && t.market === 'DE')!.body,
      snippetBody('kraken-account-v2-validate'),
    );
    assert.equal(templates.find((t) => t.kind === 'account-v2-create' && t.market === 'DE')!.body, snippetBody('kraken-account-v2-create'));
  });

  it('invents no identifiers: identifier placeholders are empty', () => {
    for (const t of templates) {
      const value = JSON.parse(expandSnippet(t.body).text);
      const ids: string[] = [];
      const walk = (v: unknown, key = '') => {
        if (Array.isArray(v)) v.forEach((x) => walk(x, key));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
        else if (/identifier|external_account_number|mpid/.test(key)) ids.push(String(v));
      };
      walk(value);
      assert.ok(
        ids.every((id) => id === ''),
        `${t.label}: ${ids}`,
      );
    }
  });
});

describe('new account from "New Payload…" to zero errors', () => {
  const driver: AuthoringDriver = {
    errors: async (text) => errorsOf(text),
    complete: async (text, position) => service.complete(text, position, { now: NOW }).items,
    quickFixes: async (text, d) => service.codeActions(text, d.range, [d as Diagnostic]).filter((a) => a.kind === 'quickfix'),
  };

  it('with completion and quick fixes alone', async () => {
    const template = payloadTemplates().find((t) => t.kind === 'account' && t.market === 'DE')!;
    assert.ok(errorsOf(expandSnippet(template.body).text).length > 0, 'the template needs filling in');
    const log = await newAccountToZeroErrors(driver, template.body);
    assert.deepEqual(log.steps.slice(0, 9), [
      'complete import_supplier: "TENTACLE_ENERGY"',
      'complete supply point identifier: "50203829715"',
      'complete a ledger: ledger',
      'complete the ledger code: "GAS_LEDGER"',
      'complete the ledger\'s supply point (a supply point of the document): "50203829715"',
      'complete a payment schedule: payment schedule',
      'complete the schedule\'s ledger (a ledger of the document): "GAS_LEDGER"',
      'complete a transaction: {}',
      'complete the transaction type: "CHARGE"',
    ]);
    const rest = log.steps.slice(9);
    assert.ok(
      rest.includes('fix missing-property: Add missing required properties: transaction_id, transaction_date, amount, reason'),
      rest.join('\n'),
    );
    assert.ok(rest.filter((s) => s === 'complete invalid-format: "2024-05-17"').length >= 3, rest.join('\n'));
    assert.equal(rest[rest.length - 1], 'no errors');
    assert.deepEqual(errorsOf(log.text), []);
    const account = JSON.parse(log.text);
    assert.equal(account.supply_addresses[0].customer_at_supply_address_from_date, '2024-05-17');
    assert.deepEqual(account.ledgers[0].current_statement_transactions[0].type, 'CHARGE');
    assert.equal(account.ledgers[0].current_statement_transactions[0].transaction_date, '2024-05-17');
    assert.equal(account.payment_schedules[0].ledger_code, 'GAS_LEDGER');
  });
});
