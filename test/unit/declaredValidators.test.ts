/**
 * Kraken's declared validators, checked locally (docs/validators.md): for each implemented validator, the contract
 * fixture built from the contract's own examples passes exactly at the boundary (equal dates where "not before"
 * allows them, balances that add up), and one minimal change fails it, as an error at Kraken's path with Kraken's
 * code in data.krakenCode. Under the bundled schemas the same rules keep the severities their docs give.
 * The clock is injected (ValidationConfig.now): no test depends on the date.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { certainlyInFuture, leadingDay, longPast } from '../../core/src/service/rules/dateInFuture';
import { formatDecimal, parseDecimal } from '../../core/src/service/rules/decimal';
import { au, auAccount, bundled, findingsOf, gb, type Json, NOW, seed, uk } from '../declared';

const RULE_CODES = new Set([
  'date-order',
  'date-in-future',
  'customer-family-name',
  'agreement-before-supply-start',
  'balance-sum',
  'payment-schedule-overlap',
  'fields-exclusive',
  'statement-dates',
  'unique-children',
  'domestic-business-fields',
  'required-when',
]);

/** `severity code path krakenCode` of the declared-validator rules' findings. */
const found = findingsOf(RULE_CODES);

describe("the contract fixtures (from the contracts' examples) pass every implemented validator", () => {
  it('GB and AU: no finding of these rules', () => {
    assert.deepEqual(found(gb, uk()), []);
    assert.deepEqual(found(au, auAccount()), []);
  });
});

describe('transaction_in_future (Validate transaction date, on every transaction type)', () => {
  it('GB account transaction: the latest "today" anywhere passes, the day after fails', () => {
    // GB declares transactions on the account (EnergyAccount.current_statement_transactions), not in ledgers.
    const withTransaction = (date: string) => {
      const a = uk();
      a.current_statement_transactions = [
        { transaction_id: '9', transaction_date: date, amount: '1.00', type: 'CHARGE', reason: 'DEFAULT' },
      ];
      return a;
    };
    assert.deepEqual(found(gb, withTransaction('2025-06-02')), []);
    assert.deepEqual(found(gb, withTransaction('2025-06-03')), [
      'error date-in-future current_statement_transactions.0.transaction_date transaction_in_future',
    ]);
  });

  it("AU: a transaction dated 2099 (the issue's example) is an error with Kraken's code", () => {
    const bad = auAccount();
    bad.ledgers[0].current_statement_transactions[1].transaction_date = '2099-01-01';
    assert.deepEqual(found(au, bad), [
      'error date-in-future ledgers.0.current_statement_transactions.1.transaction_date transaction_in_future',
    ]);
  });

  it('the transactions endpoint (Transactions schema, discriminated by type)', () => {
    const doc = {
      import_supplier: 'EDF',
      external_account_number: 'A-1',
      transactions: [{ transaction_id: 't1', transaction_date: '2099-12-31', amount: '1.00', type: 'CHARGE', reason: 'DEFAULT' }],
    };
    assert.deepEqual(found(gb, doc, 'transactions'), ['error date-in-future transactions.0.transaction_date transaction_in_future']);
  });

  it('bundled schemas: a warning (the seed pages do not state it), no Kraken code', () => {
    const bad = seed();
    bad.ledgers[0].current_statement_transactions[0].transaction_date = '2099-01-01';
    assert.deepEqual(found(bundled, bad), ['warning date-in-future ledgers.0.current_statement_transactions.0.transaction_date -']);
  });

  it('"future" only when after today in every time zone', () => {
    assert.equal(certainlyInFuture('2025-06-02', NOW), false);
    assert.equal(certainlyInFuture('2025-06-03', NOW), true);
    assert.equal(certainlyInFuture('2025-06-01T12:00:01Z', NOW), true);
    assert.equal(certainlyInFuture('2025-06-01T12:00:00Z', NOW), false);
    assert.equal(certainlyInFuture('2025-06-02T01:00:00', NOW), false); // local time: may be now in UTC+14
    assert.equal(certainlyInFuture('2025-06-02T02:00:01', NOW), true);
  });

  it('a value on a day long past is skipped by its first ten characters only where it cannot be in the future', () => {
    const past = longPast(NOW.getTime());
    assert.equal(past, 20250529); // NOW is 2025-06-01T12:00Z: three days before, in UTC
    assert.equal(leadingDay('2025-05-29T23:59:59-23:59'), 20250529);
    assert.equal(leadingDay(' 2025-05-29'), -1);
    assert.equal(leadingDay('2025-5-29'), -1);
    // Every day from a week before NOW to two days after, at the latest time and the widest zones either way: a value
    // the fast path skips (its day at most `past`) is never one certainlyInFuture calls future.
    let skipped = 0;
    for (let d = -7; d <= 2; d++) {
      const day = new Date(NOW.getTime() + d * 86_400_000).toISOString().slice(0, 10);
      for (const v of [
        day,
        `${day}T23:59:59`,
        `${day}T23:59:59.999999`,
        `${day}T23:59:59-23:59`,
        `${day}T23:59:59+23:59`,
        `${day} 23:59:59Z`,
      ]) {
        const fast = leadingDay(v) !== -1 && leadingDay(v) <= past;
        if (fast) skipped++;
        if (fast) assert.equal(certainlyInFuture(v, NOW), false, v);
      }
    }
    assert.equal(skipped, 5 * 6);
  });
});

describe('customer_family_name_required (Validate customer family name)', () => {
  it("a DOMESTIC account: a family name passes; none, or an empty one, is an error at the field's own path", () => {
    const ok = uk();
    ok.customers[0].family_name = 'X';
    assert.deepEqual(found(gb, ok), []);
    const missing = uk();
    delete missing.customers[0].family_name;
    assert.deepEqual(found(gb, missing), ['error customer-family-name customers.0.family_name customer_family_name_required']);
    const empty = uk();
    empty.customers[0].family_name = '';
    assert.deepEqual(found(gb, empty), ['error customer-family-name customers.0.family_name customer_family_name_required']);
  });

  it('a BUSINESS account is exempt; without account_type (AU fixture) a warning', () => {
    const business = uk();
    business.account_type = 'BUSINESS';
    delete business.customers[0].family_name;
    assert.deepEqual(found(gb, business), []);
    const noType = auAccount();
    delete noType.customers[2].family_name;
    assert.deepEqual(found(au, noType), ['warning customer-family-name customers.2.family_name customer_family_name_required']);
  });

  it("the missing field's range is the customer object's opening brace", () => {
    const missing = uk();
    delete missing.customers[0].family_name;
    const text = JSON.stringify(missing, null, 2);
    const d = gb.validate(text).diagnostics.find((x) => x.code === 'customer-family-name')!;
    const brace = text.indexOf('{', text.indexOf('"customers"'));
    const line = text.slice(0, brace).split('\n').length - 1;
    const character = brace - (text.lastIndexOf('\n', brace - 1) + 1);
    assert.deepEqual(d.range, { start: { line, character }, end: { line, character: character + 1 } });
  });

  it('not checked under the bundled schemas', () => {
    const s = seed();
    delete s.customers[0].family_name;
    assert.deepEqual(found(bundled, s), []);
  });
});

describe('agreement_start_date_before_supply_start_date (on GB meter points)', () => {
  it('an agreement starting on the supply start date passes; a day earlier fails', () => {
    const ok = uk();
    const mp = ok.supply_addresses[0].meter_points[0];
    mp.agreements[0].effective_from = mp.supply_start_date;
    assert.deepEqual(found(gb, ok), []);
    const bad = uk();
    bad.supply_addresses[0].meter_points[0].agreements[0].effective_from = '2018-12-31';
    assert.deepEqual(found(gb, bad), [
      'error agreement-before-supply-start supply_addresses.0.meter_points.0.agreements.0.effective_from agreement_start_date_before_supply_start_date',
    ]);
  });

  it('bundled schemas: a warning on a German supply point', () => {
    const s = seed();
    const sp = s.supply_addresses[0].supply_points[0];
    sp.agreements[0].effective_from = '2020-12-31';
    sp.supply_start_date = '2021-01-01';
    assert.deepEqual(found(bundled, s), [
      'warning agreement-before-supply-start supply_addresses.0.supply_points.0.agreements.0.effective_from -',
    ]);
  });
});

describe('date pairs the contract declares (start_date_later_than_end_date, start_date_same_as_end_date)', () => {
  it('AU payment instruction: valid_to equal to valid_from passes, a day before is an error (was a warning)', () => {
    const ok = auAccount();
    ok.payment_instructions[1].valid_to = ok.payment_instructions[1].valid_from;
    assert.deepEqual(found(au, ok), []);
    const bad = auAccount();
    bad.payment_instructions[1].valid_to = '2022-06-14';
    assert.deepEqual(found(au, bad), ['error date-order payment_instructions.1.valid_to start_date_later_than_end_date']);
  });

  it('GB account campaign: expiry_date must be strictly later than start_date ("not before or equal to")', () => {
    const ok = uk();
    ok.account_campaigns[0].start_date = '2020-01-01';
    ok.account_campaigns[0].expiry_date = '2020-01-02';
    assert.deepEqual(found(gb, ok), []);
    const equal = uk();
    equal.account_campaigns[0].start_date = '2020-01-01';
    equal.account_campaigns[0].expiry_date = '2020-01-01';
    assert.deepEqual(found(gb, equal), ['error date-order account_campaigns.0.expiry_date start_date_same_as_end_date']);
  });

  it('a pair the schema does not declare is a warning, without a Kraken code (GB meter point supply dates are declared)', () => {
    const declared = uk();
    declared.supply_addresses[0].meter_points[0].supply_end_date = '2018-12-31';
    assert.deepEqual(found(gb, declared), [
      'error date-order supply_addresses.0.meter_points.0.supply_end_date start_date_later_than_end_date',
    ]);
  });
});

describe('balances (exact decimals; payments and credits add, charges and repayments subtract)', () => {
  it("AU ledger: 20 - 10 + 20 + 20 = 50 passes; 50.01 fails both the ledger formula and the ledgers' total", () => {
    const bad = auAccount();
    bad.ledgers[0].ledger_balance = '50.01';
    assert.deepEqual(found(au, bad), [
      'error balance-sum transfer_balance ledger_balances_not_equal_to_transfer_balance',
      'error balance-sum ledgers.0.ledger_balance balance_mismatch_on_ledger_balance',
    ]);
  });

  it('AU ledger: the historical statement transactions sum to last_statement_balance', () => {
    const bad = auAccount();
    bad.ledgers[0].historical_statement_transactions[0].type = 'CHARGE'; // -10 + 10 = 0, not 20
    assert.deepEqual(found(au, bad), [
      'error balance-sum ledgers.0.last_statement_balance historical_statement_transactions_balance_mismatch',
    ]);
  });

  it("GB: transfer_balance is the ledgers' total", () => {
    const bad = uk();
    bad.transfer_balance = '29.99';
    assert.deepEqual(found(gb, bad), ['error balance-sum transfer_balance ledger_balances_not_equal_to_transfer_balance']);
  });

  it('the seed account balances (GAS -10.00 +20 +20 -10 = 20.00, ELECTRICITY 10.00 -5 +15 +25 = 45.00); a cent off is a bundled warning', () => {
    assert.deepEqual(found(bundled, seed()), []);
    const bad = seed();
    bad.ledgers[1].ledger_balance = '45.01';
    assert.deepEqual(found(bundled, bad), ['warning balance-sum ledgers.1.ledger_balance -']);
  });

  it('decimal arithmetic is exact', () => {
    assert.equal(parseDecimal('0.1')! + parseDecimal('0.2')!, parseDecimal('0.3'));
    assert.equal(formatDecimal(parseDecimal('-10.00')! + parseDecimal('20')!), '10.00');
    assert.equal(parseDecimal('1e3'), undefined);
  });
});

describe('payment schedules per ledger_code group (payment_schedule_date_overlaps, multiple_open_ended_payment_schedules)', () => {
  const base = (): Json => {
    const a = uk();
    a.payment_schedules = [
      { amount: '60.00', day_of_month: 2, frequency: 'MONTHLY', means: 'DD', start_date: '2018-01-01', end_date: '2019-01-01' },
      { amount: '70.00', day_of_month: 2, frequency: 'MONTHLY', means: 'DD', start_date: '2019-01-01' },
    ];
    return a;
  };
  it('one ending the day the next starts passes', () => {
    assert.deepEqual(found(gb, base()), []);
  });
  it('starting a day before the first ends overlaps', () => {
    const bad = base();
    bad.payment_schedules[1].start_date = '2018-12-31';
    assert.deepEqual(found(gb, bad), ['error payment-schedule-overlap payment_schedules.1.start_date payment_schedule_date_overlaps']);
  });
  it('the same start date', () => {
    const bad = base();
    bad.payment_schedules[1].start_date = '2018-01-01';
    assert.deepEqual(found(gb, bad), ['error payment-schedule-overlap payment_schedules.1.start_date payment_schedule_date_overlaps']);
  });
  it('two open-ended schedules; a debt repayment plan does not count', () => {
    const bad = base();
    delete bad.payment_schedules[0].end_date;
    assert.deepEqual(found(gb, bad), [
      'error payment-schedule-overlap payment_schedules.1 multiple_open_ended_payment_schedules',
      'error payment-schedule-overlap payment_schedules.1.start_date payment_schedule_date_overlaps',
    ]);
    const plan = base();
    delete plan.payment_schedules[0].end_date;
    plan.payment_schedules[0].is_debt_repayment_plan = true;
    assert.deepEqual(found(gb, plan), []);
  });
});

describe('mutually exclusive fields (fields_are_mutually_exclusive and friends)', () => {
  it('customer_preferences with consents on a customer; either alone passes', () => {
    const one = uk();
    one.customers[0].consents = [{ type: 'MARKETING', value: 'ACCEPTED' }];
    assert.deepEqual(
      found(gb, one).filter((f) => f.includes('fields-exclusive')),
      [],
    );
    const both = uk();
    both.customers[0].consents = [{ type: 'MARKETING', value: 'ACCEPTED' }];
    both.customers[0].customer_preferences = { opted_into_sms: true };
    assert.deepEqual(found(gb, both), ['error fields-exclusive customers.0.consents fields_are_mutually_exclusive']);
  });

  it('the billing_address object with legacy billing_address1: billing_address_new_style_and_legacy', () => {
    const bad = uk();
    bad.billing_address = { address_line_1: '1 High St' };
    assert.deepEqual(found(gb, bad), ['error fields-exclusive billing_address1 billing_address_new_style_and_legacy']);
  });

  it('payment_adequacy_changes with last_payment_review_date', () => {
    const bad = uk();
    bad.payment_adequacy_changes = [{}];
    bad.payment_adequacy_changes[0] = { created_at: '2019-01-01T00:00:00Z' };
    assert.deepEqual(
      found(gb, bad).filter((f) => f.includes('fields-exclusive')),
      ['error fields-exclusive last_payment_review_date payment_adequacy_changes_and_last_payment_review_date_provided'],
    );
  });
});

describe('statement dates (AU ledgers, GB/AU accounts)', () => {
  it('AU: a historical transaction on the closing date passes; the day after fails', () => {
    const ok = auAccount();
    ok.ledgers[0].historical_statement_transactions[1].transaction_date = '2019-07-31';
    assert.deepEqual(found(au, ok), []);
    const bad = auAccount();
    bad.ledgers[0].historical_statement_transactions[1].transaction_date = '2019-08-01';
    assert.deepEqual(found(au, bad), [
      'error statement-dates ledgers.0.historical_statement_transactions.1.transaction_date historical_statement_transaction_after_last_statement_closing_date',
    ]);
  });

  it("AU: a current transaction before the closing date fails (and before the account's last_billed_to_date)", () => {
    const bad = auAccount();
    bad.ledgers[0].current_statement_transactions[2].transaction_date = '2019-07-30';
    assert.deepEqual(found(au, bad), [
      'error statement-dates ledgers.0.current_statement_transactions.2.transaction_date current_statement_transaction_before_last_billed_to_date',
      'error statement-dates ledgers.0.current_statement_transactions.2.transaction_date current_statement_transaction_before_last_statement_closing_date',
    ]);
  });

  it('AU: last_statement_issue_date equal to the closing date passes, a day before fails', () => {
    const ok = auAccount();
    ok.ledgers[0].last_statement_issue_date = '2019-07-31';
    assert.deepEqual(found(au, ok), []);
    const bad = auAccount();
    bad.ledgers[0].last_statement_issue_date = '2019-07-30';
    assert.deepEqual(found(au, bad), [
      'error statement-dates ledgers.0.last_statement_issue_date last_statement_issued_before_closing_date',
    ]);
  });

  it('AU: a non-zero last_statement_balance without a closing date', () => {
    const bad = auAccount();
    delete bad.ledgers[0].last_statement_closing_date;
    assert.deepEqual(found(au, bad), [
      'error statement-dates ledgers.0.last_statement_closing_date historical_statement_without_last_statement_closing_date',
    ]);
  });
});

describe('unique children (children_with_duplicate_values, duplicate_account_campaigns)', () => {
  it('GB account consents: two types pass, the same type twice fails on the second', () => {
    const ok = uk();
    ok.consents = [
      { type: 'A', value: 'ACCEPTED' },
      { type: 'B', value: 'ACCEPTED' },
    ];
    assert.deepEqual(found(gb, ok), []);
    const bad = uk();
    bad.consents = [
      { type: 'A', value: 'ACCEPTED' },
      { type: 'A', value: 'REJECTED' },
    ];
    assert.deepEqual(found(gb, bad), ['error unique-children consents.1.type children_with_duplicate_values']);
  });

  it('instalments: a repeated payment_date and payment_type pair', () => {
    const bad = uk();
    bad.payment_schedules[1].instalments = [
      { payment_date: '2019-01-01', payment_type: 'X', amount: '1.00' },
      { payment_date: '2019-01-01', payment_type: 'X', amount: '2.00' },
    ];
    assert.deepEqual(found(gb, bad), [
      'error unique-children payment_schedules.1.instalments.1.payment_date children_with_duplicate_values',
    ]);
  });
});

describe('domestic accounts carry no business fields; conditional requirements', () => {
  it('GB DOMESTIC with company_number: business_fields_provided_for_domestic_accounts; BUSINESS passes', () => {
    const bad = uk();
    bad.company_number = '01234567';
    assert.deepEqual(found(gb, bad), ['error domestic-business-fields company_number business_fields_provided_for_domestic_accounts']);
    bad.account_type = 'BUSINESS';
    assert.deepEqual(found(gb, bad), []);
  });

  it('a BALANCE-triggered schedule needs balance_threshold; a PLAN one instalments', () => {
    const ok = uk();
    Object.assign(ok.payment_schedules[1], { trigger: 'BALANCE', balance_threshold: '10.00' });
    assert.deepEqual(found(gb, ok), []);
    const bad = uk();
    bad.payment_schedules[1].trigger = 'BALANCE';
    assert.deepEqual(found(gb, bad), [
      'error required-when payment_schedules.1.balance_threshold balance_triggered_schedule_missing_threshold',
    ]);
    const plan = uk();
    plan.payment_schedules[1].trigger = 'PLAN';
    assert.deepEqual(found(gb, plan), ['error required-when payment_schedules.1.instalments payment_instalments_not_provided']);
  });

  it('a REGULAR schedule with a zero amount', () => {
    const bad = uk();
    Object.assign(bad.payment_schedules[1], { trigger: 'REGULAR', amount: '0.00' });
    assert.deepEqual(found(gb, bad), ['error required-when payment_schedules.1.amount zero_payment_schedule_amount']);
  });
});

describe('detection and discriminators (the issue\'s "skipped as not a Kraken payload" and "25+ errors")', () => {
  it('notes with import_supplier_code instead of import_supplier: detected as notes, missing import_supplier at its own path', () => {
    const text = JSON.stringify({
      import_supplier_code: 'TENTACLE_ENERGY',
      external_account_number: 'A-1',
      notes: [{ body: 'hi', created_at: '2020-01-01T00:00:00Z' }],
    });
    const r = bundled.validate(text);
    assert.equal(r.detection.kind, 'notes');
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`),
      ['error missing-property import_supplier', 'warning unknown-property import_supplier_code'],
    );
    assert.match(r.diagnostics[1].message, /Did you mean "import_supplier"\?/);
  });

  it('a JSON file with a "notes" list of strings and no Kraken identity is still not a Kraken payload', () => {
    assert.equal(bundled.validate(JSON.stringify({ notes: ['x'], title: 'my notes app' })).detection.kind, undefined);
  });

  it('a GB meter point without supply_type: one finding naming the choices and the likely branch', () => {
    const doc = uk();
    delete doc.supply_addresses[0].meter_points[0].supply_type;
    const ds = gb.validate(JSON.stringify(doc, null, 2)).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(
      ds.map((d) => `${d.code} ${d.path}`),
      ['missing-property supply_addresses.0.meter_points.0.supply_type'],
    );
    assert.equal(
      ds[0].message,
      'Missing required property "supply_type": one of ELECTRICITY, GAS. The fields given match "ELECTRICITY" best.',
    );
  });
});

describe('contract decimal patterns in words', () => {
  it('a GB transfer_balance with too many digits: the pattern said as digits and decimal places', () => {
    const doc = uk();
    doc.transfer_balance = '12345678901.5';
    const d = gb
      .validate(JSON.stringify(doc, null, 2))
      .diagnostics.find((x) => x.code === 'invalid-pattern' && x.path === 'transfer_balance');
    assert.ok(d, 'an invalid-pattern finding on transfer_balance');
    assert.match(
      d.message,
      /^"12345678901\.5" is not a valid transfer balance: Kraken expects a decimal number with at most 10 digits before the decimal point and at most \d+ decimal places?\.$/,
    );
  });
});
