/**
 * The migration rules (core/src/service/rules), through the service facade: hits and misses per rule with the
 * documents' test vectors, exact codes, severities, paths and some exact ranges and messages; the seed payloads;
 * mutated copies of the seed account; severity overrides; documents that are huge or deeply nested.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createKrakenService, ruleCatalogue, type Diagnostic } from '../../core/src/service';
import { REPO_ROOT } from '../helpers';

const REPO = REPO_ROOT;
const SEEDS = path.join(REPO, 'test', 'fixtures', 'seeds');
const service = createKrakenService();

/** The rule codes (schema findings have their own tests). */
const RULE_CODES = new Set(ruleCatalogue().map((r) => r.code));

function seedText(name: string): string {
  return readFileSync(path.join(SEEDS, name), 'utf8');
}

type Json = any;
function seed(name = 'seed-account.json'): Json {
  return JSON.parse(seedText(name));
}
const text = (v: unknown) => JSON.stringify(v, null, 2);

function validate(t: string, config: Parameters<typeof createKrakenService>[0] = {}): Diagnostic[] {
  return (Object.keys(config).length ? createKrakenService(config) : service).validate(t).diagnostics;
}
const byCode = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);
const ruleFindings = (ds: Diagnostic[]) => ds.filter((d) => RULE_CODES.has(d.code));
/** `severity code path` of each rule finding, for compact assertions. */
const summary = (ds: Diagnostic[]) => ruleFindings(ds).map((d) => `${d.severity} ${d.code} ${d.path}`);

/** The seed account changed by `change`, validated; only the findings of `code`. */
function mutated(change: (account: Json) => void, code: string, name = 'seed-account.json'): { t: string; found: Diagnostic[] } {
  const account = seed(name);
  change(account);
  const t = text(account);
  return { t, found: byCode(validate(t), code) };
}

/** The 0-based LSP range of the `occurrence`-th match of `needle` in `t`. */
function rangeOf(t: string, needle: string, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = t.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`"${needle}" (occurrence ${occurrence}) not in text`);
  }
  const pos = (offset: number) => {
    const before = t.slice(0, offset);
    return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(at), end: pos(at + needle.length) };
}

/** The range of `value` where it follows `before` (the `occurrence`-th time), e.g. a value after its key. */
function rangeAfter(t: string, before: string, value: string, occurrence = 0) {
  const whole = rangeOf(t, before + value, occurrence);
  return { start: { line: whole.end.line, character: whole.end.character - value.length }, end: whole.end };
}

/** A GB account: an electricity and a gas meter point with the documents' MPAN and MPRN. */
function ukAccount(): Json {
  return {
    import_supplier: 'TENTACLE_ENERGY',
    billing_address1: '1 High Street',
    billing_postcode: 'AB1 2CD',
    customers: [{ given_name: 'Ada', family_name: 'Lovelace', mobile: '07123456789', landline: '02072343456' }],
    supply_addresses: [
      {
        supply_address1: '1 High Street',
        supply_postcode: 'AB1 2CD',
        customer_at_supply_address_from_date: '2022-01-01',
        meter_points: [
          { supply_type: 'ELECTRICITY', identifier: '1200060176720', mpid: 'ABCD', supply_start_date: '2022-01-01' },
          { supply_type: 'GAS', identifier: '9353824109', mpid: 'ABCD', supply_start_date: '2022-01-01' },
        ],
      },
    ],
  };
}

/** The seed account's first supply point (gas) and second (electricity). */
const SP0 = 'supply_addresses.0.supply_points.0';
const SP1 = 'supply_addresses.0.supply_points.1';

describe('rule catalogue', () => {
  it('codes are unique kebab-case, docs are one line, and a warning says why it is not an error', () => {
    const rules = ruleCatalogue();
    assert.equal(new Set(rules.map((r) => r.code)).size, rules.length);
    for (const r of rules) {
      assert.match(r.code, /^[a-z]+(?:-[a-z0-9]+)*$/, r.code);
      assert.ok(r.doc.length > 20 && !r.doc.includes('\n'), `${r.code}: one-line doc`);
      if (r.severity === 'warning') assert.match(r.doc, /A warning:|warning/i, `${r.code}: a warning says why`);
    }
    assert.deepEqual(rules.map((r) => `${r.code} ${r.severity}`).sort(), [
      'account-structure error',
      'agreement-before-supply-start error',
      'amount-sum error',
      'balance-sum error',
      'billed-to-date error',
      'billing-document-identifier error',
      'contribution-periods error',
      'count-limit error',
      'customer-family-name error',
      'date-in-future error',
      'date-order error',
      'day-of-month error',
      'decimal-amount error',
      'document-path error',
      'domestic-business-fields error',
      'eepa-periods error',
      'field-format error',
      'fields-exclusive error',
      'future-dates error',
      'iban-check warning',
      'ledger-code-reference warning',
      'ledger-identifier-reference warning',
      'life-support-contact error',
      'malo-check-digit warning',
      'market-partner-check-digit warning',
      'melo-format warning',
      'mpan-check-digit warning',
      'mprn-check-digit warning',
      'no-duplicates error',
      'note-content error',
      'number-precision warning',
      'occupier-name error',
      'ordered-dates error',
      'payment-schedule-overlap error',
      'period-lists error',
      'phone-number error',
      'prepay-reference-number error',
      'prm-format warning',
      'reference-exclusive error',
      'required-if error',
      'required-when error',
      'statement-dates error',
      'statement-order error',
      'transfer-reading-meter warning',
      'uniform-values error',
      'unique-children error',
      'unique-ids error',
    ]);
  });
});

describe('the seed payloads', () => {
  const files = readdirSync(SEEDS).filter((f) => f.endsWith('.json'));

  it('no seed payload gets an error', () => {
    assert.equal(files.length, 7);
    for (const f of files) {
      const ds = validate(seedText(f));
      assert.deepEqual(
        ds.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path}`),
        [],
        f,
      );
    }
  });

  it('the German account gets exactly the warnings its dummy identifiers earn', () => {
    const t = seedText('seed-account.json');
    const ds = validate(t);
    assert.deepEqual(summary(ds), [
      `warning market-partner-check-digit ${SP0}.previous_supplier_id`,
      `warning market-partner-check-digit ${SP0}.meter_operators.0.code`,
      `warning malo-check-digit ${SP1}.identifier`,
      `warning market-partner-check-digit ${SP1}.meter_operators.0.code`,
      `warning market-partner-check-digit ${SP1}.network_operators.0.code`,
      `warning market-partner-check-digit ${SP1}.transmission_system_operators.0.code`,
      'warning iban-check payment_instructions.0.bank_account.iban',
    ]);
    const iban = byCode(ds, 'iban-check')[0]!;
    assert.deepEqual(iban.range, rangeOf(t, '"GB82WEST12345698765431"'));
    assert.equal(
      iban.message,
      'IBAN "GB82WEST12345698765431" is not valid: its check digits do not match the rest (mod 97-10): a character is mistyped or swapped somewhere. Take the IBAN from the customer\'s bank details again; it is not corrected here.',
    );
    const malo = byCode(ds, 'malo-check-digit')[0]!;
    assert.deepEqual(malo.range, rangeOf(t, '"60203829716"'));
    assert.deepEqual(malo.range.start, { line: 172, character: 24 });
    // 9870075000009 passes BDEW §8.1 and 0454567890121 passes GS1: not reported.
    assert.ok(!byCode(ds, 'market-partner-check-digit').some((d) => /9870075000009|0454567890121/.test(d.message)));
  });

  it('the other seeds get no rule findings', () => {
    for (const f of files.filter((f) => f !== 'seed-account.json')) assert.deepEqual(summary(validate(seedText(f))), [], f);
  });

  it('the account inside the v2 wrappers is checked with paths under payload', () => {
    const t = text({ payload: seed() });
    const ds = validate(t);
    assert.equal(service.validate(t).detection.kind, 'account-v2-validate');
    const malo = byCode(ds, 'malo-check-digit');
    assert.deepEqual(
      malo.map((d) => d.path),
      [`payload.${SP1}.identifier`],
    );
    assert.deepEqual(malo[0]!.range, rangeOf(t, '"60203829716"'));
    const create = validate(text({ payload: seed(), task_params: { is_dry_run: true } }));
    assert.equal(byCode(create, 'iban-check')[0]?.path, 'payload.payment_instructions.0.bank_account.iban');
  });
});

describe('date-order', () => {
  it('an agreement that ends before it starts is an error on the end date', () => {
    const { t, found } = mutated((a) => (a.supply_addresses[0].supply_points[0].agreements[0].effective_to = '2021-06-30'), 'date-order');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(found[0]!.path, `${SP0}.agreements.0.effective_to`);
    assert.deepEqual(found[0]!.range, rangeOf(t, '"2021-06-30"'));
    assert.equal(
      found[0]!.message,
      'effective_to (2021-06-30) is before effective_from (2022-01-01): a period cannot end before it starts. Correct one of the two dates.',
    );
  });

  it('supply dates are an error; German operator, meter, register and conversion periods a warning', () => {
    const { found } = mutated((a) => {
      const sp = a.supply_addresses[0].supply_points[0];
      sp.supply_end_date = '2020-12-31';
      sp.meter_operators[0].valid_to = '2020-01-01T00:00:00Z';
      sp.balancing_periods[0].valid_to = '2020-01-01T00:00:00';
      sp.gas_supply_point_load_profiles[0].valid_to = '2020-01-01T00:00:00';
      const meter = sp.melos[0].meters[0];
      meter.active_to = '2020-01-01T00:00:00Z';
      meter.registers[0].active_to = '2020-01-01T00:00:00Z';
      meter.conversion_factors[0].active_to_date = '2020-01-01';
    }, 'date-order');
    assert.deepEqual(
      found.map((d) => `${d.severity} ${d.path}`),
      [
        `error ${SP0}.supply_end_date`,
        `warning ${SP0}.melos.0.meters.0.active_to`,
        `warning ${SP0}.melos.0.meters.0.registers.0.active_to`,
        `warning ${SP0}.melos.0.meters.0.conversion_factors.0.active_to_date`,
        `warning ${SP0}.balancing_periods.0.valid_to`,
        `warning ${SP0}.meter_operators.0.valid_to`,
        `warning ${SP0}.gas_supply_point_load_profiles.0.valid_to`,
      ],
    );
  });

  it('bill periods and move-out dates are warnings; payment schedules errors', () => {
    const { found } = mutated((a) => {
      a.statements[0].bill_period_to_date = '2020-12-31';
      a.supply_addresses[0].customer_at_supply_address_to_date = '2021-12-31';
      a.payment_schedules[0].end_date = '2021-12-31';
    }, 'date-order');
    assert.deepEqual(
      found.map((d) => `${d.severity} ${d.path}`),
      [
        'warning supply_addresses.0.customer_at_supply_address_to_date',
        'warning statements.0.bill_period_to_date',
        'error payment_schedules.0.end_date',
      ],
    );
  });

  it('equal dates, open ends and uncertain mixes of date, local and zoned times are not reported', () => {
    const { found } = mutated((a) => {
      const sp = a.supply_addresses[0].supply_points[0];
      sp.agreements[0].effective_to = '2022-01-01'; // same day: not "before"
      // local midnight vs 23:00 UTC the day before: in Berlin that is the same instant, so not certainly wrong
      sp.balancing_periods[0].valid_to = '2020-12-31T23:00:00Z';
      // the same day
      sp.melos[0].meters[0].conversion_factors[0].active_to_date = '2021-01-01';
    }, 'date-order');
    assert.deepEqual(found, []);
    const far = mutated(
      (a) => (a.supply_addresses[0].supply_points[0].balancing_periods[0].valid_to = '2020-12-01T00:00:00Z'),
      'date-order',
    );
    assert.deepEqual(
      far.found.map((d) => d.path),
      [`${SP0}.balancing_periods.0.valid_to`],
    );
  });

  it("a note's unpin_at before its created_at is an error; dates inside metadata are the customer's data", () => {
    const notes = seed('seed-notes.json');
    notes.notes[1].unpin_at = '2020-01-01T12:00:00Z';
    notes.notes[0].created_at = '2020-07-01T12:00:00Z'; // unpin_at 2020-06-01 of the pinned note: before
    const found = byCode(validate(text(notes)), 'date-order');
    assert.deepEqual(
      found.map((d) => `${d.severity} ${d.path}`),
      ['error notes.0.unpin_at', 'error notes.1.unpin_at'],
    );
    assert.match(found[0]!.message, /^unpin_at \(2020-06-01T12:00:00Z\) is before created_at \(2020-07-01T12:00:00Z\): Kraken requires/);
    const meta = mutated((a) => (a.metadata[0].value = { start_date: '2022-01-02', end_date: '2022-01-01' }), 'date-order');
    assert.deepEqual(meta.found, []);
  });

  it("the v2 create task window and a transactions payload's line items", () => {
    const create = validate(
      text({
        payload: seed(),
        task_params: { schedule_window_start: '2026-01-02T10:00:00Z', schedule_window_end: '2026-01-01T10:00:00Z' },
      }),
    );
    assert.deepEqual(summary(byCode(create, 'date-order')), ['error date-order task_params.schedule_window_end']);
    const tx = seed('seed-transactions.json');
    tx.transactions[5].line_items[0].end_date = '2019-09-01';
    assert.deepEqual(summary(byCode(validate(text(tx)), 'date-order')), ['error date-order transactions.5.line_items.0.end_date']);
  });
});

describe('ledger-code-reference', () => {
  it('a payment instruction or schedule naming no ledger of the account', () => {
    const { t, found } = mutated((a) => {
      a.payment_instructions[0].ledger_code = 'WATER_LEDGER';
      a.payment_schedules[1].ledger_code = 'ELECTRICITY_LEDGER';
    }, 'ledger-code-reference');
    assert.deepEqual(summary(found), ['warning ledger-code-reference payment_instructions.0.ledger_code']);
    assert.deepEqual(found[0]!.range, rangeOf(t, '"WATER_LEDGER"'));
    assert.equal(
      found[0]!.message,
      'ledger_code "WATER_LEDGER" names no ledger of this account (ledgers: GAS_LEDGER, ELECTRICITY_LEDGER).',
    );
  });
});

describe('ledger-identifier-reference', () => {
  it("a ledger identifier that is none of the account's supply points", () => {
    const { t, found } = mutated((a) => a.ledgers[1].identifiers.push('60203829714'), 'ledger-identifier-reference');
    assert.deepEqual(summary(found), ['warning ledger-identifier-reference ledgers.1.identifiers.1']);
    assert.deepEqual(found[0]!.range, rangeOf(t, '"60203829714"'));
    assert.equal(
      found[0]!.message,
      'Ledger identifier "60203829714" names no supply point of this account (its supply points: "50203829715", "60203829716"). A ledger lists the identifiers of its own supply points: correct the identifier or add the supply point.',
    );
  });

  it('GB meter points count, surrounding spaces do not, and a payload without supply points is not checked', () => {
    const uk = ukAccount();
    uk.ledgers = [{ ledger_code: 'ELECTRICITY_LEDGER', identifiers: ['1200060176720', ' 9353824109 ', '1013004420117'] }];
    assert.deepEqual(summary(byCode(validate(text(uk)), 'ledger-identifier-reference')), [
      'warning ledger-identifier-reference ledgers.0.identifiers.2',
    ]);
    const none = mutated((a) => delete a.supply_addresses[0].supply_points, 'ledger-identifier-reference');
    assert.deepEqual(none.found, []);
  });
});

describe('transfer-reading-meter', () => {
  it("a reading for another supply point's meter, and for an unknown meter", () => {
    const { t, found } = mutated((a) => {
      a.supply_addresses[0].supply_points[0].transfer_readings[0].meter_number = 'E123456';
      a.supply_addresses[0].supply_points[1].transfer_readings[0].meter_number = 'X999';
    }, 'transfer-reading-meter');
    assert.deepEqual(summary(found), [
      `warning transfer-reading-meter ${SP0}.transfer_readings.0.meter_number`,
      `warning transfer-reading-meter ${SP1}.transfer_readings.0.meter_number`,
    ]);
    assert.deepEqual(found[1]!.range, rangeOf(t, '"X999"'));
    assert.equal(
      found[0]!.message,
      `Transfer reading for meter "E123456", which is not a meter of this supply point (its meters: "G123456"). It is a meter of another supply point ("60203829716", ${SP1}): move the reading there or correct the number.`,
    );
    assert.match(found[1]!.message, /Correct the number or add the meter under melos\[\]\.meters\[\]\.$/);
  });

  it('a supply point that lists no meters is not checked', () => {
    const { found } = mutated((a) => {
      delete a.supply_addresses[0].supply_points[0].melos;
      a.supply_addresses[0].supply_points[0].transfer_readings[0].meter_number = 'X1';
    }, 'transfer-reading-meter');
    assert.deepEqual(found, []);
  });
});

describe('unique-ids', () => {
  it('a transaction_id repeated in another ledger is an error naming the first', () => {
    const { t, found } = mutated((a) => (a.ledgers[1].current_statement_transactions[2].transaction_id = '2'), 'unique-ids');
    assert.deepEqual(summary(found), ['error unique-ids ledgers.1.current_statement_transactions.2.transaction_id']);
    assert.deepEqual(found[0]!.range, rangeAfter(t, '"transaction_id": ', '"2"', 1));
    assert.equal(
      found[0]!.message,
      'transaction_id "2" is used more than once; the first is at ledgers.0.current_statement_transactions.1.transaction_id. Kraken requires transaction ids to be unique within a payload (duplicate_transaction_ids): give each transaction its own id.',
    );
  });

  it('account-level and ledger lists share one scope; a number and the same text are the same id', () => {
    const { found } = mutated((a) => {
      a.historical_statement_transactions = [
        { transaction_id: 4, transaction_date: '2021-12-01', amount: '1.00', type: 'CREDIT', reason: 'X' },
      ];
    }, 'unique-ids');
    // The account-level list comes after ledgers in the document, so it is the repeat.
    assert.deepEqual(summary(found), ['error unique-ids historical_statement_transactions.0.transaction_id']);
  });

  it('in a transactions payload', () => {
    const tx = seed('seed-transactions.json');
    tx.transactions[3].transaction_id = '1';
    const found = byCode(validate(text(tx)), 'unique-ids');
    assert.deepEqual(summary(found), ['error unique-ids transactions.3.transaction_id']);
    assert.match(found[0]!.message, /the first is at transactions\.0\.transaction_id/);
  });

  it('statement ids, meter numbers and supply points: warnings; GB meter points: errors', () => {
    const { found } = mutated((a) => {
      a.statements[1].statement_id = '1';
      a.supply_addresses[0].supply_points[1].melos[0].meters[0].meter_number = 'G123456';
      a.supply_addresses[0].supply_points[1].identifier = '50203829715';
    }, 'unique-ids');
    assert.deepEqual(summary(found), [
      `warning unique-ids ${SP1}.identifier`,
      `warning unique-ids ${SP1}.melos.0.meters.0.meter_number`,
      'warning unique-ids statements.1.statement_id',
    ]);
    const uk = ukAccount();
    uk.supply_addresses[0].meter_points[1].identifier = '1200060176720';
    const dup = byCode(validate(text(uk)), 'unique-ids');
    assert.deepEqual(summary(dup), ['error unique-ids supply_addresses.0.meter_points.1.identifier']);
    assert.match(dup[0]!.message, /duplicate_meter_points_provided/);
    const statements = seed('seed-statements.json');
    statements.statements.push({ ...statements.statements[0] });
    assert.deepEqual(summary(byCode(validate(text(statements)), 'unique-ids')), ['warning unique-ids statements.1.statement_id']);
  });

  it('a metering location shared by two supply points may repeat its meters', () => {
    const { found } = mutated((a) => {
      const [gas, power] = a.supply_addresses[0].supply_points;
      power.melos.push(JSON.parse(JSON.stringify(gas.melos[0])));
    }, 'unique-ids');
    assert.deepEqual(found, []);
  });
});

describe('note-content', () => {
  it('a note with neither body nor document_paths is an error on the note (the schema no longer reports it)', () => {
    const notes = seed('seed-notes.json');
    notes.notes[0] = { is_pinned: true };
    const t = text(notes);
    const ds = validate(t);
    assert.deepEqual(byCode(ds, 'no-matching-shape'), []);
    const found = byCode(ds, 'note-content');
    assert.deepEqual(summary(found), ['error note-content notes.0']);
    assert.deepEqual(found[0]!.range.start, rangeOf(t, '{\n      "is_pinned"').start);
    assert.equal(
      found[0]!.message,
      'This note has neither a body nor document_paths: Kraken rejects it (note_body_or_document_path_not_found). Add the text of the note as "body", attach documents with "document_paths", or remove the note.',
    );
  });

  it('a body or documents alone is enough; empty ones are a warning', () => {
    const ok = mutated((a) => (a.notes = [{ document_paths: [{ document_path: 'a/b.pdf' }] }, { body: 'x' }]), 'note-content');
    assert.deepEqual(ok.found, []);
    const empty = mutated((a) => (a.notes = [{ body: '  ', document_paths: [] }]), 'note-content');
    assert.deepEqual(summary(empty.found), ['warning note-content notes.0']);
    assert.match(empty.found[0]!.message, /its body is blank and its document_paths list is empty/);
  });
});

describe('reference-exclusive', () => {
  it('both references: an error on instruction_reference (the schema oneOf is gone)', () => {
    const pi = seed('seed-payment-instruction.json');
    pi.reference = 'ALSO-A-REFERENCE';
    const t = text(pi);
    const ds = validate(t);
    assert.deepEqual(byCode(ds, 'no-matching-shape'), []);
    const found = byCode(ds, 'reference-exclusive');
    assert.deepEqual(summary(found), ['error reference-exclusive instruction_reference']);
    assert.deepEqual(found[0]!.range, rangeOf(t, '"instruction_reference"'));
  });

  it('neither reference: an error on the payload', () => {
    const pi = seed('seed-payment-instruction.json');
    delete pi.instruction_reference;
    const t = text(pi);
    const found = byCode(validate(t), 'reference-exclusive');
    assert.deepEqual(summary(found), ['error reference-exclusive ']);
    assert.deepEqual(found[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } });
    assert.match(found[0]!.message, /^Missing the reference at the vendor: give "reference"/);
    const one = seed('seed-payment-instruction.json');
    delete one.instruction_reference;
    one.reference = 'R';
    assert.deepEqual(byCode(validate(text(one)), 'reference-exclusive'), []);
  });
});

describe('document-path', () => {
  it('a URL or local disk path is an error; a leading slash, ".." or a backslash a warning', () => {
    const { t, found } = mutated((a) => {
      a.statements[0].statement_path = 's3://tentacle-production-files/EXTERNAL-1234/a.pdf';
      a.statements[1].statement_path = '/EXTERNAL-1234/b.pdf';
      a.notes = [
        { body: 'n', document_paths: [{ document_path: 'https://example.com/c.pdf' }, { document_path: 'C:\\docs\\d.pdf' }] },
        {
          body: 'm',
          document_paths: [
            { document_path: 'a/../e.pdf' },
            { document_path: 'docs\\f.pdf' },
            { document_path: 'some/path/to/a/document.pdf' },
          ],
        },
      ];
    }, 'document-path');
    assert.deepEqual(summary(found), [
      'error document-path statements.0.statement_path',
      'warning document-path statements.1.statement_path',
      'error document-path notes.0.document_paths.0.document_path',
      'error document-path notes.0.document_paths.1.document_path',
      'warning document-path notes.1.document_paths.0.document_path',
      'warning document-path notes.1.document_paths.1.document_path',
    ]);
    assert.deepEqual(found[0]!.range, rangeOf(t, '"s3://tentacle-production-files/EXTERNAL-1234/a.pdf"'));
    assert.match(
      found[0]!.message,
      /^"s3:\/\/tentacle-production-files\/EXTERNAL-1234\/a\.pdf" is a URL \(s3:\/\/\), not a path: Kraken expects the path relative to the root folder/,
    );
  });

  it('in notes and statements payloads', () => {
    const notes = seed('seed-notes.json');
    notes.notes[1].document_paths[0].document_path = '/some/path/to/a/document.pdf';
    assert.deepEqual(summary(byCode(validate(text(notes)), 'document-path')), [
      'warning document-path notes.1.document_paths.0.document_path',
    ]);
    const statements = seed('seed-statements.json');
    statements.statements[0].statement_path = 'https://bucket.s3.amazonaws.com/path/to/statement-1.pdf';
    assert.deepEqual(summary(byCode(validate(text(statements)), 'document-path')), ['error document-path statements.0.statement_path']);
  });
});

describe('decimal-amount', () => {
  it("a decimal with no digit passes the pattern but is an error; a comma is the schema pattern's error", () => {
    const { t, found } = mutated((a) => {
      a.ledgers[0].current_statement_transactions[0].amount = '';
      a.ledgers[0].ledger_balance = '-';
      a.ledgers[1].current_statement_transactions[0].amount = '10,50';
    }, 'decimal-amount');
    assert.deepEqual(summary(found), [
      'error decimal-amount ledgers.0.ledger_balance',
      'error decimal-amount ledgers.0.current_statement_transactions.0.amount',
    ]);
    assert.deepEqual(found[1]!.range, rangeAfter(t, '"amount": ', '""'));
    assert.equal(
      found[1]!.message,
      'amount is "", which is not a number: Kraken rejects it ("A valid number is required."). Give the value as a decimal string such as "10.50", or leave the property out if it is optional.',
    );
    const pattern = byCode(validate(t), 'invalid-pattern');
    assert.deepEqual(
      pattern.map((d) => d.path),
      ['ledgers.1.current_statement_transactions.0.amount'],
    );
  });

  it('in transactions (line items) and statements payloads', () => {
    const tx = seed('seed-transactions.json');
    tx.transactions[5].line_items[0].net_amount = '.';
    assert.deepEqual(summary(byCode(validate(text(tx)), 'decimal-amount')), [
      'error decimal-amount transactions.5.line_items.0.net_amount',
    ]);
    const payments = seed();
    payments.payment_schedules[0].amount = '';
    assert.deepEqual(summary(byCode(validate(text(payments)), 'decimal-amount')), ['error decimal-amount payment_schedules.0.amount']);
  });

  it('German agreement params with a decimal comma are a warning', () => {
    const { t, found } = mutated((a) => {
      a.supply_addresses[0].supply_points[0].agreements[0].params.unit_rate_per_kwh = '0,1025';
      a.supply_addresses[0].supply_points[1].agreements[0].params.network_charges.eeg_charge_annual = '1.195,00';
    }, 'decimal-amount');
    assert.deepEqual(summary(found), [
      `warning decimal-amount ${SP0}.agreements.0.params.unit_rate_per_kwh`,
      `warning decimal-amount ${SP1}.agreements.0.params.network_charges.eeg_charge_annual`,
    ]);
    assert.deepEqual(found[0]!.range, rangeOf(t, '"0,1025"'));
  });
});

describe('number-precision', () => {
  /** The seed account with `literal` written as the raw JSON value of `field` of the first ledger. */
  function withNumber(literal: string, set: (a: Json, marker: string) => void): { t: string; found: Diagnostic[] } {
    const a = seed();
    set(a, '__NUMBER__');
    const t = text(a).replace('"__NUMBER__"', literal);
    return { t, found: byCode(validate(t), 'number-precision') };
  }

  it('a decimal that a double cannot hold is quoted exactly as written', () => {
    const { t, found } = withNumber('1.0000000000000000001', (a, m) => (a.ledgers[0].ledger_balance = m));
    assert.deepEqual(summary(found), ['warning number-precision ledgers.0.ledger_balance']);
    assert.deepEqual(found[0]!.range, rangeOf(t, '1.0000000000000000001'));
    assert.equal(
      found[0]!.message,
      '1.0000000000000000001 cannot be held exactly as a JSON number: Kraken (and most JSON tools) read it as 1, so the value changes without an error. If every digit matters, write it as the string "1.0000000000000000001".',
    );
  });

  it('numbers that round-trip are fine, however written', () => {
    for (const literal of ['0.30000000000000004', '20.0', '1e2', '1.5E-7', '-0', '9007199254740991', '123456789.123']) {
      assert.deepEqual(withNumber(literal, (a, m) => (a.ledgers[0].ledger_balance = m)).found, [], literal);
    }
  });

  it('integers beyond 2^53: what JavaScript reads instead, for identifiers too', () => {
    const big = withNumber('9007199254740993', (a, m) => (a.supply_addresses[0].supply_points[0].previous_supplier_id = m));
    assert.deepEqual(summary(big.found), [`warning number-precision ${SP0}.previous_supplier_id`]);
    assert.equal(
      big.found[0]!.message,
      '9007199254740993 is beyond 2^53 (9007199254740991): JavaScript and many JSON tools read it as 9007199254740992, a different identifier. Kraken reads integers exactly, but the tools on the way do not: write it as the string "9007199254740993". kraken-import does not send the payload as it is: it would go out as 9007199254740992.',
    );
    const exact = withNumber('9007199254740992', (a, m) => (a.metadata[0].value = { n: m }));
    assert.deepEqual(summary(exact.found), ['warning number-precision metadata.0.value.n']);
    // 2^53 itself is written back as it is: sent unchanged, so the message does not say otherwise.
    assert.match(
      exact.found[0]!.message,
      /its neighbours read as the same number\. .*the tools on the way may not: write it as the string "9007199254740992"\.$/,
    );
  });

  it('numbers out of range of a double', () => {
    const { found } = withNumber('1e400', (a, m) => (a.ledgers[0].ledger_balance = m));
    assert.match(found[0]!.message, /read it as Infinity/);
  });
});

describe('phone-number', () => {
  it('"abcde" is an error quoting Kraken\'s own message', () => {
    const { t, found } = mutated((a) => (a.customers[0].landline = 'abcde'), 'phone-number');
    assert.deepEqual(summary(found), ['error phone-number customers.0.landline']);
    assert.deepEqual(found[0]!.range, rangeOf(t, '"abcde"'));
    assert.equal(
      found[0]!.message,
      '"abcde" is not a phone number (there is no phone number in it): Kraken rejects it with "abcde is not a valid phone number". Enter the customer\'s number, best in international form (+, country code, number), or "" if there is none.',
    );
  });

  it('numbers not valid for their country are warnings; the seed number, national numbers of the market and "" are fine', () => {
    const { found } = mutated((a) => {
      const c = a.customers[0];
      c.mobile = '+4912';
      c.landline = '030 12345678'; // valid German landline, read as DE because of the MaLo-IDs
      c.alternative_phone_numbers = [
        { phone_number: '0123' },
        { phone_number: '' },
        { phone_number: '+999 123456' },
        { phone_number: 'n/a' },
      ];
    }, 'phone-number');
    assert.deepEqual(summary(found), [
      'warning phone-number customers.0.mobile',
      'warning phone-number customers.0.alternative_phone_numbers.0.phone_number',
      'warning phone-number customers.0.alternative_phone_numbers.2.phone_number',
      'error phone-number customers.0.alternative_phone_numbers.3.phone_number',
    ]);
    assert.match(found[1]!.message, /^"0123" is not a valid DE phone number \(read as DE because the supply points are German/);
    assert.match(found[2]!.message, /the digits after \+ are not a country calling code/);
  });

  it('national numbers: GB meter points and billing_address.country say the country; without one they are not checked', () => {
    assert.deepEqual(byCode(validate(text(ukAccount())), 'phone-number'), []);
    const fr = ukAccount();
    delete fr.billing_address1;
    delete fr.billing_postcode;
    fr.billing_address = { country: 'FR', postal_code: '75001' };
    fr.customers[0].mobile = '0612345678';
    fr.customers[0].landline = '07123456789'; // a GB mobile: not a French number
    assert.deepEqual(summary(byCode(validate(text(fr)), 'phone-number')), ['warning phone-number customers.0.landline']);
    const unknown = { import_supplier: 'X', customers: [{ given_name: 'A', family_name: 'B', mobile: '0123', landline: 'abcde' }] };
    assert.deepEqual(summary(byCode(validate(text(unknown)), 'phone-number')), ['error phone-number customers.0.landline']);
  });
});

describe('iban-check', () => {
  it("the documents' valid IBANs pass; other countries, lengths and characters are warnings", () => {
    const { found } = mutated((a) => {
      a.payment_instructions[0].bank_account.iban = 'GB82 WEST 1234 5698 7654 32';
      a.payment_instructions.push(
        {
          vendor: 'V',
          reference: 'R1',
          type: 'DIRECT_DEBIT',
          bank_account: { account_holder: 'J', account_number: '1', iban: 'DE89370400440532013000' },
        },
        {
          vendor: 'V',
          reference: 'R2',
          type: 'DIRECT_DEBIT',
          bank_account: { account_holder: 'J', account_number: '1', iban: 'DE8937040044053201300' },
        },
        {
          vendor: 'V',
          reference: 'R3',
          type: 'DIRECT_DEBIT',
          bank_account: { account_holder: 'J', account_number: '1', iban: 'XX89370400440532013000' },
        },
        { vendor: 'V', reference: 'R4', type: 'DIRECT_DEBIT', bank_account: { account_holder: 'J', account_number: '1', iban: '' } },
      );
    }, 'iban-check');
    assert.deepEqual(summary(found), [
      'warning iban-check payment_instructions.2.bank_account.iban',
      'warning iban-check payment_instructions.3.bank_account.iban',
    ]);
    assert.match(found[0]!.message, /IBAN for DE must be 22 characters; this has 21/);
    assert.match(found[1]!.message, /XX is not a country code in the IBAN registry/);
  });
});

describe('market identifiers', () => {
  it("malo-check-digit: the documents' vectors, a leading zero, separators; other shapes are left alone", () => {
    const ids: Array<[string, string | null]> = [
      ['41373559241', null],
      ['74018657187', null],
      ['41373559242', 'its check digit (the last digit) does not match the first ten digits (BDEW procedure)'],
      ['12345678901', 'its check digit (the last digit) does not match the first ten digits (BDEW procedure)'],
      ['01373559241', 'MaLo-IDs never start with 0'],
      ['46147259228742', null], // a French PRM
      ['1200060176720', null], // an MPAN
      ['5020382971', null], // ten digits: not obviously a MaLo-ID
    ];
    for (const [id, reason] of ids) {
      const { found } = mutated((a) => (a.supply_addresses[0].supply_points[1].identifier = id), 'malo-check-digit');
      if (reason === null) assert.deepEqual(found, [], id);
      else {
        assert.deepEqual(summary(found), [`warning malo-check-digit ${SP1}.identifier`], id);
        assert.ok(found[0]!.message.startsWith(`MaLo-ID "${id}" is not valid: ${reason}`), found[0]!.message);
      }
    }
    const spaced = mutated((a) => (a.supply_addresses[0].supply_points[0].identifier = '502 038 297 15'), 'malo-check-digit');
    assert.match(spaced.found[0]!.message, /looks like a MaLo-ID written with separators/);
  });

  it('melo-format: the German structure, only where the schema pattern passes', () => {
    const { found } = mutated((a) => {
      a.supply_addresses[0].supply_points[0].melos[0].melo_number = 'AT0012345678901234567890123456789';
      a.supply_addresses[0].supply_points[1].melos[0].melo_number = 'DE7001468231X0123456789KLMNOPQRST';
    }, 'melo-format');
    assert.deepEqual(summary(found), [`warning melo-format ${SP0}.melos.0.melo_number`, `warning melo-format ${SP1}.melos.0.melo_number`]);
    assert.match(found[0]!.message, /German MeLo-IDs start with DE; this starts with 'AT'/);
    assert.match(found[1]!.message, /found 'X' at position 13/);
    const short = mutated((a) => (a.supply_addresses[0].supply_points[0].melos[0].melo_number = 'DE123'), 'melo-format');
    assert.deepEqual(short.found, []); // the schema's invalid-pattern error covers it
  });

  it('market-partner-check-digit: real BDEW codes and a GLN pass', () => {
    const { found } = mutated((a) => {
      const [gas, power] = a.supply_addresses[0].supply_points;
      gas.previous_supplier_id = '4006381333931';
      gas.meter_operators[0].code = '9904292000003';
      power.meter_operators[0].code = '9903829000006';
      power.network_operators[0].code = '9900357000003';
      power.transmission_system_operators[0].code = '9900123456789';
    }, 'market-partner-check-digit');
    assert.deepEqual(summary(found), [`warning market-partner-check-digit ${SP1}.transmission_system_operators.0.code`]);
    assert.equal(
      found[0]!.message,
      'Market partner ID "9900123456789" fails both check-digit procedures (BDEW/DVGW and GS1 GLN): a digit is probably mistyped. Take the code from the BDEW/DVGW code list (bdew-codes.de) or the partner\'s master data; it is not corrected here.',
    );
  });

  it('mpan-check-digit and mprn-check-digit on GB meter points, by supply type', () => {
    assert.deepEqual(summary(validate(text(ukAccount()))), []);
    const uk = ukAccount();
    uk.supply_addresses[0].meter_points[0].identifier = '1200060176721';
    uk.supply_addresses[0].meter_points[1].identifier = '9353824108';
    uk.supply_addresses[0].meter_points.push(
      { supply_type: 'ELECTRICITY', identifier: '1013004420117', mpid: 'ABCD', supply_start_date: '2022-01-01' },
      { supply_type: 'GAS', identifier: '3406086401', mpid: 'ABCD', supply_start_date: '2022-01-01' },
      { supply_type: 'ELECTRICITY', identifier: '001234561200060176720', mpid: 'ABCD', supply_start_date: '2022-01-01' },
    );
    const t = text(uk);
    const ds = validate(t);
    assert.deepEqual(summary(ds), [
      'warning mpan-check-digit supply_addresses.0.meter_points.0.identifier',
      'warning mprn-check-digit supply_addresses.0.meter_points.1.identifier',
      'warning mpan-check-digit supply_addresses.0.meter_points.4.identifier',
    ]);
    assert.deepEqual(ds.find((d) => d.code === 'mpan-check-digit')!.range, rangeOf(t, '"1200060176721"'));
    assert.match(byCode(ds, 'mpan-check-digit')[1]!.message, /looks like a full 21-digit MPAN; Kraken expects the 13-digit core/);
  });

  it('the seed account turned into a GB one: its meter points are checked, its MaLo rules fall silent', () => {
    const { found } = mutated((a) => {
      delete a.supply_addresses[0].supply_points;
      a.supply_addresses[0].meter_points = ukAccount().supply_addresses[0].meter_points;
      a.supply_addresses[0].meter_points[0].identifier = '1200060176722';
      a.supply_addresses[0].meter_points[1].identifier = '93538241';
    }, 'mpan-check-digit');
    assert.deepEqual(summary(found), ['warning mpan-check-digit supply_addresses.0.meter_points.0.identifier']);
    const ds = validate(
      text(
        Object.assign(seed(), {
          supply_addresses: [
            {
              ...seed().supply_addresses[0],
              supply_points: undefined,
              meter_points: [{ supply_type: 'GAS', identifier: '93538241', mpid: 'ABCD', supply_start_date: '2022-01-01' }],
            },
          ],
        }),
      ),
    );
    assert.deepEqual(summary(ds.filter((d) => /check-digit|melo|prm/.test(d.code))), [
      'warning mprn-check-digit supply_addresses.0.meter_points.0.identifier',
    ]);
    assert.match(
      byCode(ds, 'mprn-check-digit')[0]!.message,
      /^MPRN "93538241" is not valid: its check digits \(the last two digits\) do not match the others/,
    );
  });

  it('prm-format: a 14-digit PRM passes; written with separators it is a warning', () => {
    const ok = mutated((a) => (a.supply_addresses[0].supply_points[0].identifier = '46147259228742'), 'prm-format');
    assert.deepEqual(ok.found, []);
    const { found } = mutated((a) => (a.supply_addresses[0].supply_points[0].identifier = '461 472 592 287 42'), 'prm-format');
    assert.deepEqual(summary(found), [`warning prm-format ${SP0}.identifier`]);
  });

  it('severity overrides: off removes a rule, error upgrades it', () => {
    const t = seedText('seed-account.json');
    assert.deepEqual(byCode(validate(t, { rules: { 'malo-check-digit': 'off' } }), 'malo-check-digit'), []);
    const upgraded = byCode(validate(t, { rules: { 'malo-check-digit': 'error' } }), 'malo-check-digit');
    assert.deepEqual(summary(upgraded), [`error malo-check-digit ${SP1}.identifier`]);
    const quiet = validate(t, { rules: { 'market-partner-check-digit': 'off', 'iban-check': 'hint' } });
    assert.deepEqual(summary(quiet), [
      `warning malo-check-digit ${SP1}.identifier`,
      'hint iban-check payment_instructions.0.bank_account.iban',
    ]);
  });
});

describe('big and deep documents', () => {
  it('nesting 100 000 levels deep stays linear (dates and numbers at the bottom are still found)', () => {
    const depth = 100_000;
    const t = `{"import_supplier":"X","metadata":[{"key":"k","value":1}],"business":${'{"a":'.repeat(depth)}{"start_date":"2022-01-02","end_date":"2022-01-01","n":1.0000000000000000001}${'}'.repeat(depth)}}`;
    const started = Date.now();
    const ds = service.validate(t).diagnostics;
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
    assert.deepEqual(
      ds.filter((d) => d.code === 'date-order' || d.code === 'number-precision').map((d) => [d.code, d.path.split('.').length]),
      [
        ['date-order', depth + 2],
        ['number-precision', depth + 2],
      ],
    );
  });

  it('a large account (thousands of transactions) is checked quickly', () => {
    const a = seed();
    const tx = a.ledgers[0].current_statement_transactions[0];
    a.ledgers[0].current_statement_transactions = Array.from({ length: 20_000 }, (_, i) => ({
      ...tx,
      transaction_id: String(i),
      amount: i % 2 ? 12.5 : '12.50',
    }));
    a.ledgers[0].current_statement_transactions[19_999].transaction_id = '7';
    const started = Date.now();
    const ds = service.validate(text(a)).diagnostics;
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    // Ledger 1's ids 4, 6 and 7 now repeat ids of ledger 0, and so does the last one.
    assert.deepEqual(summary(byCode(ds, 'unique-ids')), [
      'error unique-ids ledgers.0.current_statement_transactions.19999.transaction_id',
      'error unique-ids ledgers.1.current_statement_transactions.0.transaction_id',
      'error unique-ids ledgers.1.current_statement_transactions.1.transaction_id',
      'error unique-ids ledgers.1.current_statement_transactions.2.transaction_id',
    ]);
  });
});
