/**
 * Kraken's declared validators about dates, periods, overlaps, gaps and the clock (docs/validators.md): for each one
 * checked locally, a payload built from the contract fixtures passes exactly at the boundary and one minimal change
 * fails it, as an error at Kraken's path with Kraken's code in data.krakenCode; a contract that does not declare the
 * validator on that schema reports nothing. The clock is injected: no test depends on the date.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { au, auAccount, bundled, findingsOf, gb, type Json, seed, uk } from '../declared';

const RULE_CODES = new Set([
  'period-lists',
  'contribution-periods',
  'eepa-periods',
  'ordered-dates',
  'future-dates',
  'day-of-month',
  'agreement-before-supply-start',
  'date-order',
  'billed-to-date',
  'statement-order',
]);

/** `severity code path krakenCode` of this family's findings. */
const found = findingsOf(RULE_CODES);

const MP0 = 'supply_addresses.0.meter_points.0';
const MP1 = 'supply_addresses.0.meter_points.1';

describe('the fixtures give no finding of these rules', () => {
  it('GB, AU and the bundled seed', () => {
    assert.deepEqual(found(gb, uk()), []);
    assert.deepEqual(found(au, auAccount()), []);
    assert.deepEqual(found(bundled, seed()), []);
  });
});

describe('tax exemptions (overlapping_effective_dates_for_tax_exemptions, multiple_open_ended_tax_exemptions)', () => {
  const withExemptions = (second: Json): Json => {
    const a = uk();
    a.supply_addresses[0].meter_points[0].ccl_exemptions = [
      { effective_from: '2019-01-01', effective_to: '2019-06-01', rate: '0.5' },
      { rate: '0.5', ...second },
    ];
    return a;
  };
  it('one ending the day the next starts passes; a day earlier overlaps', () => {
    assert.deepEqual(found(gb, withExemptions({ effective_from: '2019-06-01' })), []);
    assert.deepEqual(found(gb, withExemptions({ effective_from: '2019-05-31' })), [
      `error period-lists ${MP0}.ccl_exemptions.1.effective_from overlapping_effective_dates_for_tax_exemptions`,
    ]);
  });
  it('two open-ended exemptions', () => {
    const bad = withExemptions({ effective_from: '2019-06-01' });
    delete bad.supply_addresses[0].meter_points[0].ccl_exemptions[0].effective_to;
    assert.deepEqual(found(gb, bad), [
      `error period-lists ${MP0}.ccl_exemptions.1 multiple_open_ended_tax_exemptions`,
      `error period-lists ${MP0}.ccl_exemptions.1.effective_from overlapping_effective_dates_for_tax_exemptions`,
    ]);
  });
  it('AU does not declare them: nothing', () => {
    const a = auAccount();
    a.supply_addresses[0].meter_points[0].ccl_exemptions = [
      { effective_from: '2019-01-01', rate: '0.5' },
      { effective_from: '2019-02-01', rate: '0.5' },
    ];
    assert.deepEqual(found(au, a), []);
  });
});

/** GB declares the AQ validators on GasMeterPoint only: the schema view must pick the GAS branch of a meter point. */
describe('AQ history (gaps_or_overlaps_in_aq_history, multiple_open_ended_aqs_in_meterpoint_aq_history)', () => {
  it("the fixture's entries start the day after the previous ends; a day's gap fails", () => {
    const bad = uk();
    bad.supply_addresses[0].meter_points[1].aq_history[1].effective_to = '2018-12-30';
    assert.deepEqual(found(gb, bad), [`error period-lists ${MP1}.aq_history.0.effective_from gaps_or_overlaps_in_aq_history`]);
  });
  it('starting on the day the previous ends is an overlap', () => {
    const bad = uk();
    bad.supply_addresses[0].meter_points[1].aq_history[0].effective_from = '2018-12-31';
    assert.deepEqual(found(gb, bad), [`error period-lists ${MP1}.aq_history.0.effective_from gaps_or_overlaps_in_aq_history`]);
  });
  it('two open-ended entries', () => {
    const bad = uk();
    delete bad.supply_addresses[0].meter_points[1].aq_history[2].effective_to;
    assert.deepEqual(found(gb, bad), [`error period-lists ${MP1}.aq_history.2 multiple_open_ended_aqs_in_meterpoint_aq_history`]);
  });
});

describe('consecutive periods (gaps_or_overlaps_in_periods, zero_length_periods)', () => {
  const withCapacity = (to: string, nextFrom: string): Json => {
    const a = uk();
    a.supply_addresses[0].meter_points[0].capacity_values = [
      { effective_from_date: '2019-02-01', value: '2' },
      { effective_from_date: '2019-01-01', effective_to_date: to, value: '1' },
    ];
    a.supply_addresses[0].meter_points[0].capacity_values[0].effective_from_date = nextFrom;
    return a;
  };
  it('the next starting on the day the previous ends passes; a day later is a gap', () => {
    assert.deepEqual(found(gb, withCapacity('2019-02-01', '2019-02-01')), []);
    assert.deepEqual(found(gb, withCapacity('2019-02-01', '2019-02-02')), [
      `error period-lists ${MP0}.capacity_values.0.effective_from_date gaps_or_overlaps_in_periods`,
    ]);
  });
  it('a period ending on the day it starts', () => {
    assert.deepEqual(found(gb, withCapacity('2019-01-01', '2019-01-01')), [
      `error period-lists ${MP0}.capacity_values.1.effective_to_date zero_length_periods`,
    ]);
  });
});

describe('configuration periods start in the past (configuration_period_starts_in_future, latest_configuration_period_not_open_ended)', () => {
  const withPeriods = (from: string, lastTo?: string): Json => {
    const a = uk();
    a.supply_addresses[0].meter_points[0].configuration_periods = [
      { effective_from_date: '2019-01-01', effective_to_date: from },
      { effective_from_date: from, ...(lastTo ? { effective_to_date: lastTo } : {}) },
    ];
    return a;
  };
  it('the latest "today" anywhere passes; the day after is in the future', () => {
    assert.deepEqual(found(gb, withPeriods('2025-06-02')), []);
    assert.deepEqual(found(gb, withPeriods('2025-06-03')), [
      `error future-dates ${MP0}.configuration_periods.1.effective_from_date configuration_period_starts_in_future`,
    ]);
  });
  it('the latest period with an end date', () => {
    assert.deepEqual(found(gb, withPeriods('2020-01-01', '2021-01-01')), [
      `error future-dates ${MP0}.configuration_periods.1.effective_to_date latest_configuration_period_not_open_ended`,
    ]);
  });
});

describe('supply dates not in the future (future_supply_end_date, future_supply_start_date)', () => {
  it('a supply end on the latest "today" passes; the day after fails', () => {
    const ok = uk();
    ok.supply_addresses[0].meter_points[0].supply_end_date = '2025-06-02';
    assert.deepEqual(found(gb, ok), []);
    const bad = uk();
    bad.supply_addresses[0].meter_points[0].supply_end_date = '2025-06-03';
    assert.deepEqual(found(gb, bad), [`error future-dates ${MP0}.supply_end_date future_supply_end_date`]);
  });
  it('a billable meter point starting tomorrow', () => {
    const bad = uk();
    bad.supply_addresses[0].meter_points[1].supply_start_date = '2025-06-03';
    bad.supply_addresses[0].meter_points[1].agreements = [];
    assert.deepEqual(found(gb, bad), [`error future-dates ${MP1}.supply_start_date future_supply_start_date`]);
  });
  it('AU does not declare them: nothing', () => {
    const a = auAccount();
    a.supply_addresses[0].meter_points[0].supply_end_date = '2099-01-01';
    assert.deepEqual(found(au, a), []);
  });
});

describe('historical statement period end not in the future (historical_statement_period_end_in_future)', () => {
  it("GB account and AU ledger closing dates (GB's schema has no ledgers: not read there)", () => {
    const ok = uk();
    ok.last_statement_closing_date = '2025-06-02';
    assert.deepEqual(found(gb, ok), []);
    const bad = uk();
    bad.last_statement_closing_date = '2025-06-03';
    assert.deepEqual(found(gb, bad), ['error future-dates last_statement_closing_date historical_statement_period_end_in_future']);
    const ledger = uk();
    ledger.ledgers[0].last_statement_closing_date = '2025-06-03';
    ledger.ledgers[0].last_statement_issue_date = '2025-06-03';
    assert.deepEqual(found(gb, ledger), []);
    const a = auAccount();
    a.ledgers[0].last_statement_closing_date = '2025-06-03';
    a.ledgers[0].last_statement_issue_date = '2025-06-03';
    assert.deepEqual(found(au, a), ['error future-dates ledgers.0.last_statement_closing_date historical_statement_period_end_in_future']);
  });
});

describe('contribution agreements and their periods', () => {
  const withAgreements = (): Json => {
    const a = uk();
    a.contribution_agreements = [
      {
        scheme: 'S',
        amount: '1.00',
        interval: 'MONTHLY',
        active_period_start_date: '2019-01-01',
        active_period_end_date: '2019-06-01',
        periods: [
          { start_date: '2019-01-01', end_date: '2019-03-31' },
          { start_date: '2019-04-01', end_date: '2019-06-01' },
        ],
      },
      { scheme: 'S', amount: '1.00', interval: 'MONTHLY', active_period_start_date: '2019-06-01' },
    ];
    return a;
  };
  it('periods filling the active period exactly, agreements one after the other: pass (GB and AU)', () => {
    assert.deepEqual(found(gb, withAgreements()), []);
    const a = auAccount();
    a.contribution_agreements = withAgreements().contribution_agreements;
    assert.deepEqual(found(au, a), []);
  });
  it('overlapping agreements of one scheme (overlapping_contribution_agreements); another scheme passes', () => {
    const bad = withAgreements();
    bad.contribution_agreements[1].active_period_start_date = '2019-05-31';
    assert.deepEqual(found(gb, bad), [
      'error period-lists contribution_agreements.1.active_period_start_date overlapping_contribution_agreements',
    ]);
    bad.contribution_agreements[1].scheme = 'T';
    assert.deepEqual(found(gb, bad), []);
  });
  it('a period outside the active period, overlapping periods', () => {
    const early = withAgreements();
    early.contribution_agreements[0].periods[0].start_date = '2018-12-31';
    assert.deepEqual(found(gb, early), [
      'error contribution-periods contribution_agreements.0.periods.0.start_date invalid_contribution_period_start_date',
    ]);
    const late = withAgreements();
    late.contribution_agreements[0].periods[1].end_date = '2019-06-02';
    assert.deepEqual(found(gb, late), [
      'error contribution-periods contribution_agreements.0.periods.1.end_date invalid_contribution_period_end_date',
    ]);
    const overlap = withAgreements();
    overlap.contribution_agreements[0].periods[1].start_date = '2019-03-30';
    assert.deepEqual(found(gb, overlap), [
      'error contribution-periods contribution_agreements.0.periods.1.start_date overlapping_contribution_periods',
    ]);
  });
});

describe('AU contract terms: tax adjustments, contracted volumes, EEPA export volumes', () => {
  const withTerms = (terms: Json[]): Json => {
    const a = auAccount();
    a.account_contracts = [
      {
        identifier: 'C-1',
        signed_at_date: '2019-01-01',
        valid_from_date: '2019-01-01',
        versions: [{ applicable_at_date: '2019-01-01', terms }],
      },
    ];
    return a;
  };
  const adjustment = (from: string, extra: Json = {}): Json => ({
    supply_point_external_identifier: '4103445577',
    adjustment_type: 'EXEMPTION',
    tax_category: 'GST',
    qualifying_usage: '1',
    effective_from_date: from,
    ...extra,
  });
  it('tax adjustments (overlapping_tax_adjustments)', () => {
    const term = (second: Json): Json => ({
      term_type: 'TAX_ADJUSTMENT_CONFIGURATION',
      adjustments: [adjustment('2019-01-01', { effective_to_date: '2019-06-01' }), second],
    });
    assert.deepEqual(found(au, withTerms([term(adjustment('2019-06-01'))])), []);
    assert.deepEqual(
      found(au, withTerms([term(adjustment('2019-06-01', { adjustment_type: 'REDUCTION', effective_from_date: '2019-05-01' }))])),
      [],
    );
    assert.deepEqual(found(au, withTerms([term(adjustment('2019-05-31'))])), [
      'error period-lists account_contracts.0.versions.0.terms.0.adjustments.1.effective_from_date overlapping_tax_adjustments',
    ]);
  });
  it('contracted volume periods per market (overlapping_contracted_volume_periods)', () => {
    const period = (market: string, from: string, to: string): Json => ({
      market_name: market,
      unit: 'MWh',
      value: '1',
      valid_from_date: from,
      valid_to_date: to,
    });
    const term = (second: Json): Json => ({
      term_type: 'CONTRACTED_VOLUME_CONFIGURATION',
      periods: [period('AUS_GAS', '2019-01-01', '2019-06-01'), second],
    });
    assert.deepEqual(found(au, withTerms([term(period('AUS_GAS', '2019-06-01', '2019-12-31'))])), []);
    assert.deepEqual(found(au, withTerms([term(period('AUS_ELECTRICITY', '2019-05-01', '2019-12-31'))])), []);
    assert.deepEqual(found(au, withTerms([term(period('AUS_GAS', '2019-05-31', '2019-12-31'))])), [
      'error period-lists account_contracts.0.versions.0.terms.0.periods.1.valid_from_date overlapping_contracted_volume_periods',
    ]);
  });
  it('EEPA periods (invalid_eepa_export_contracted_volume): general periods, a supply point in two overlapping periods', () => {
    const period = (points: string[] | null, from: string, to: string): Json => ({
      supply_point_external_identifiers: points,
      unit: 'MWh',
      value: '1',
      valid_from_date: from,
      valid_to_date: to,
    });
    const term = (periods: Json[]): Json => ({ term_type: 'EEPA_EXPORT_CONTRACTED_VOLUME', periods });
    const first = period(['4103445577'], '2019-01-01', '2019-06-01');
    assert.deepEqual(
      found(au, withTerms([term([first, period(['4103445577'], '2019-06-01', '2019-12-31'), period(null, '2019-01-01', '2019-12-31')])])),
      [],
    );
    assert.deepEqual(found(au, withTerms([term([first, period(['4103445577', 'X'], '2019-05-31', '2019-12-31')])])), [
      'error eepa-periods account_contracts.0.versions.0.terms.0.periods.1.valid_from_date invalid_eepa_export_contracted_volume',
    ]);
    assert.deepEqual(found(au, withTerms([term([period(null, '2019-01-01', '2019-06-01'), period(null, '2019-05-31', '2019-12-31')])])), [
      'error eepa-periods account_contracts.0.versions.0.terms.0.periods.1.valid_from_date invalid_eepa_export_contracted_volume',
    ]);
  });
});

describe('dates ordered within one object (ordered-dates)', () => {
  it('payment adequacy change applied before it was created (payment_adequacy_invalid_dates)', () => {
    const withChange = (applied: string): Json => {
      const a = uk();
      a.payment_adequacy_changes = [
        {
          created_at: '2019-01-01T10:00:00Z',
          applied_at: applied,
          average_monthly_charge: 0,
          average_monthly_elec_charge: 0,
          average_monthly_gas_charge: 0,
          balance_adjustment: 0,
          current_balance: 0,
          existing_direct_debit_payment: 0,
          new_direct_debit: 0,
          target_balance: 0,
        },
      ];
      return a;
    };
    assert.deepEqual(found(gb, withChange('2019-01-01T10:00:00Z')), []);
    assert.deepEqual(found(gb, withChange('2019-01-01T09:59:59Z')), [
      'error ordered-dates payment_adequacy_changes.0.applied_at payment_adequacy_invalid_dates',
    ]);
  });
  it('debt repayment ending after the schedule (debt_repayment_end_date_after_schedule_end_date)', () => {
    const ok = uk();
    ok.payment_schedules[0].end_date = '2020-03-26'; // debt_repayment_end_date 2020-03-26
    assert.deepEqual(found(gb, ok), []);
    const bad = uk();
    bad.payment_schedules[0].end_date = '2020-03-25';
    assert.deepEqual(found(gb, bad), [
      'error ordered-dates payment_schedules.0.debt_repayment_end_date debt_repayment_end_date_after_schedule_end_date',
    ]);
  });
  it('an instalment outside the schedule (payment_instalments_date_outside_of_payment_schedule_active_period)', () => {
    const withInstalment = (date: string): Json => {
      const a = uk();
      a.payment_schedules[1].trigger = 'PLAN';
      a.payment_schedules[1].end_date = '2018-12-31';
      a.payment_schedules[1].instalments = [
        { amount: '30.00', payment_date: '2018-01-01' },
        { amount: '30.00', payment_date: date },
      ];
      return a;
    };
    assert.deepEqual(found(gb, withInstalment('2018-12-31')), []);
    assert.deepEqual(found(gb, withInstalment('2019-01-01')), [
      'error ordered-dates payment_schedules.1.instalments.1.payment_date payment_instalments_date_outside_of_payment_schedule_active_period',
    ]);
  });
  it('AU concession card dates (invalid_concession_cards_dates): equal dates pass', () => {
    const withCard = (expiry: string): Json => {
      const a = auAccount();
      a.customers[0].concession_cards = [
        {
          card_number: '1',
          card_type: 'OTHER',
          validation_source: 'MANUAL',
          validation_status: 'PASS',
          card_issue_date: '2019-01-01',
          applies_from_date: '2019-01-01',
          applies_to_date: '2020-01-01',
          card_expiry_date: expiry,
        },
      ];
      return a;
    };
    assert.deepEqual(found(au, withCard('2020-01-01')), []);
    assert.deepEqual(found(au, withCard('2019-12-31')), [
      'error ordered-dates customers.0.concession_cards.0.card_expiry_date invalid_concession_cards_dates',
    ]);
  });
  it('AU payment plan dates (invalid_next_payment_date, invalid_first_payment_date)', () => {
    const withPlan = (last: string, first: string): Json => {
      const a = auAccount();
      a.payment_plans = [
        {
          debt_amount: '10',
          initial_schedule_type: 'DIRECT_DEBIT',
          is_hardship: false,
          next_payment_date: '2019-02-01',
          last_payment_date: last,
          number_of_remaining_instalments: 1,
          ongoing_amount: '0',
          payment_frequency: 'MONTHLY',
          payment_frequency_multiplier: 1,
          plan_type: 'MIGRATION_DEBT_PLAN',
          additional_information: { plan_start_date: '2019-01-01', first_payment_date: first },
        },
      ];
      return a;
    };
    assert.deepEqual(found(au, withPlan('2019-02-01', '2019-01-01')), []);
    assert.deepEqual(found(au, withPlan('2019-01-31', '2019-01-01')), [
      'error ordered-dates payment_plans.0.last_payment_date invalid_next_payment_date',
    ]);
    assert.deepEqual(found(au, withPlan('2019-02-01', '2018-12-31')), [
      'error ordered-dates payment_plans.0.additional_information.first_payment_date invalid_first_payment_date',
    ]);
  });
  it('AU net emissions (from_time_not_after_to_time)', () => {
    const withEmissions = (to: string): Json => {
      const a = auAccount();
      a.statements[0].net_emissions = [{ from_time: '2019-06-01T00:00:00Z', to_time: to, kg_co2_net_emissions: '1' }];
      return a;
    };
    assert.deepEqual(found(au, withEmissions('2019-06-01T00:00:00Z')), []);
    assert.deepEqual(found(au, withEmissions('2019-05-31T23:59:59Z')), [
      'error ordered-dates statements.0.net_emissions.0.to_time from_time_not_after_to_time',
    ]);
  });
  it('GB declares no payment plans: nothing', () => {
    const a = uk();
    a.payment_plans = [{ next_payment_date: '2019-02-01', last_payment_date: '2019-01-01' }];
    assert.deepEqual(found(gb, a), []);
  });
});

describe('agreements before the supply start (both contracts)', () => {
  it('AU: the account-level validator (agreement_starting_before_meter_point_ssd); an agreement on the supply start date passes', () => {
    // AU meter points' supply_type is optional, so the contract's meter point branch is undecided and its own
    // validator is not active there; the account-level twin (OriginAccount) is.
    const ok = auAccount();
    ok.supply_addresses[0].meter_points[0].agreements[0].effective_from = '2019-01-01';
    assert.deepEqual(found(au, ok), []);
    const bad = auAccount();
    bad.supply_addresses[0].meter_points[0].agreements[0].effective_from = '2018-12-31';
    assert.deepEqual(found(au, bad), [
      `error agreement-before-supply-start ${MP0}.agreements.0.effective_from agreement_starting_before_meter_point_ssd`,
    ]);
  });
  it('GB: the meter point validator (agreement_start_date_before_supply_start_date)', () => {
    const bad = uk();
    bad.supply_addresses[0].meter_points[0].agreements[0].effective_from = '2018-12-31';
    assert.deepEqual(found(gb, bad), [
      `error agreement-before-supply-start ${MP0}.agreements.0.effective_from agreement_start_date_before_supply_start_date`,
    ]);
  });
  it('a date the calendar does not have is a format error only: no comparison made with it', () => {
    for (const wrong of ['2018-02-29', '2018-13-01', '2018-12-32T00:00:00Z']) {
      const bad = uk();
      bad.supply_addresses[0].meter_points[0].agreements[0].effective_from = wrong;
      assert.deepEqual(found(gb, bad), [], wrong);
    }
    const badStart = uk();
    badStart.supply_addresses[0].meter_points[0].supply_start_date = '2019-02-30';
    badStart.supply_addresses[0].meter_points[0].agreements[0].effective_from = '2019-02-01';
    assert.deepEqual(found(gb, badStart), []);
  });
});

describe('smart_read_cycle_day (invalid_day_of_month)', () => {
  it('31 passes, 32 and 0 fail', () => {
    const ok = uk();
    ok.smart_read_cycle_day = 31;
    assert.deepEqual(found(gb, ok), []);
    for (const v of [32, 0]) {
      const bad = uk();
      bad.smart_read_cycle_day = v;
      assert.deepEqual(found(gb, bad), ['error day-of-month smart_read_cycle_day invalid_day_of_month']);
    }
  });
});

describe('the v2 schedule window (schedule_window_start__after_end)', () => {
  it('equal times pass; an end before the start fails', () => {
    const doc = (end: string): Json => ({
      payload: uk(),
      task_params: { is_dry_run: true, schedule_window_start: '2025-06-05T10:00:00Z', schedule_window_end: end },
    });
    assert.deepEqual(found(gb, doc('2025-06-05T10:00:00Z'), 'account-v2-create'), []);
    assert.deepEqual(found(gb, doc('2025-06-05T09:00:00Z'), 'account-v2-create'), [
      'error date-order task_params.schedule_window_end schedule_window_start__after_end',
    ]);
  });
});

describe('readings on the last billed to date (transfer_reading_dates_must_match_last_billed_to_date, transfer_vend_read_date_must_match_last_billed_to_date)', () => {
  it("GB: the account's date applies; a transfer reading a day off fails", () => {
    const bad = uk();
    bad.supply_addresses[0].meter_points[0].meters[0].transfer_readings[0].reading_date = '2019-07-31';
    assert.deepEqual(found(gb, bad), [
      `error billed-to-date ${MP0}.meters.0.transfer_readings.0.reading_date transfer_reading_dates_must_match_last_billed_to_date`,
    ]);
  });
  it("AU: the register's date applies (2019-08-01 in the fixture); the reading on it passes, a day later fails", () => {
    const a = auAccount();
    delete a.last_billed_to_date;
    assert.deepEqual(found(au, a), []);
    a.supply_addresses[0].meter_points[0].meters[2].transfer_readings[0].reading_date = '2019-08-02';
    assert.deepEqual(found(au, a), [
      `error billed-to-date ${MP0}.meters.2.transfer_readings.0.reading_date transfer_reading_dates_must_match_last_billed_to_date`,
    ]);
  });
  it('GB prepay meter: transfer_vend_read_date the day before the last billed to date (the field says so; the fixture does)', () => {
    const withVend = (date: string): Json => {
      const a = uk();
      const meter = a.supply_addresses[0].meter_points[0].meters[0];
      meter.is_prepay = true;
      meter.prepay_details = { credit_balance: '1.00', debt_balance: '0.00', transfer_vend_read_date: date };
      return a;
    };
    assert.deepEqual(found(gb, withVend('2019-07-31')), []);
    assert.deepEqual(found(gb, withVend('2019-08-01')), [
      `error billed-to-date ${MP0}.meters.0.prepay_details.transfer_vend_read_date transfer_vend_read_date_must_match_last_billed_to_date`,
    ]);
  });
});

describe('billed readings after the last billed to date (billed_reading_after_last_billed_to_date)', () => {
  it("AU: after both the supply point's and the register's date fails; on the later of them passes; one date alone is not checked", () => {
    const withReading = (date: string, pointDate?: string): Json => {
      const a = auAccount();
      const mp = a.supply_addresses[0].meter_points[0];
      if (pointDate) mp.last_billed_to_date = pointDate;
      mp.meters[2].reading_history[0].reading_date = date; // register 1: last_billed_to_date 2019-08-01
      return a;
    };
    assert.deepEqual(found(au, withReading('2019-08-01', '2019-07-01')), []);
    assert.deepEqual(found(au, withReading('2019-08-02', '2019-07-01')), [
      `error billed-to-date ${MP0}.meters.2.reading_history.0.reading_date billed_reading_after_last_billed_to_date`,
    ]);
    assert.deepEqual(found(au, withReading('2019-08-02')), []);
  });
});

describe('agreements cover the last billed to date (no_agreement_covering_last_billed_to_date)', () => {
  it('GB: an agreement starting on it passes; one starting the day after fails; a point whose supply starts later is not checked', () => {
    assert.deepEqual(found(gb, uk()), []);
    const bad = uk();
    bad.supply_addresses[0].meter_points[0].agreements[0].effective_from = '2019-08-02';
    bad.supply_addresses[0].meter_points[0].meters[0].transfer_readings[0].reading_date = '2019-08-01';
    assert.deepEqual(found(gb, bad), [`error billed-to-date ${MP0}.agreements no_agreement_covering_last_billed_to_date`]);
    bad.supply_addresses[0].meter_points[0].supply_start_date = '2019-08-02';
    assert.deepEqual(found(gb, bad), []);
  });
  it('AU does not declare it (its own "contracts cover last billed due date" is a verdict): nothing', () => {
    const a = auAccount();
    assert.deepEqual(found(au, a), []);
  });
});

describe('statement transaction order (historical_statement_transaction_after_current_statement_transaction, current_statement_transaction_before_current_statement_opening_date)', () => {
  const gbAccount = (historical: string, current: string): Json => {
    const a = uk();
    delete a.ledgers;
    a.last_statement_closing_date = '2019-07-31';
    a.historical_statement_transactions = [
      { transaction_id: 'h1', transaction_date: historical, amount: '10.00', type: 'PAYMENT', reason: 'ACCOUNT_CHARGE_PAYMENT' },
    ];
    a.current_statement_transactions = [
      { transaction_id: 'c1', transaction_date: current, amount: '10.00', type: 'PAYMENT', reason: 'ACCOUNT_CHARGE_PAYMENT' },
    ];
    return a;
  };
  it('GB: a historical transaction on the day of the earliest current one passes, a day later fails', () => {
    assert.deepEqual(found(gb, gbAccount('2019-08-01', '2019-08-01')), []);
    assert.deepEqual(found(gb, gbAccount('2019-08-02', '2019-08-01')), [
      'error statement-order historical_statement_transactions.0.transaction_date historical_statement_transaction_after_current_statement_transaction',
    ]);
  });
  it('GB: a current transaction on the closing date is before the opening date (the day after)', () => {
    assert.deepEqual(found(gb, gbAccount('2019-07-01', '2019-07-31')), [
      'error statement-order current_statement_transactions.0.transaction_date current_statement_transaction_before_current_statement_opening_date',
    ]);
  });
  it('AU ledger: historical after current', () => {
    const a = auAccount();
    a.ledgers[0].historical_statement_transactions[0].transaction_date = '2019-08-05';
    a.ledgers[0].last_statement_closing_date = '2019-08-05';
    a.ledgers[0].last_statement_issue_date = '2019-08-05';
    a.ledgers[0].current_statement_transactions.forEach((t: Json) => (t.transaction_date = '2019-08-06'));
    assert.deepEqual(found(au, a), []);
    a.ledgers[0].current_statement_transactions[0].transaction_date = '2019-08-05';
    assert.deepEqual(found(au, a), [
      'error statement-order ledgers.0.current_statement_transactions.0.transaction_date current_statement_transaction_before_current_statement_opening_date',
    ]);
    // Before the closing date: statement-dates' current_statement_transaction_before_last_statement_closing_date (declared on the ledger).
    a.ledgers[0].current_statement_transactions[0].transaction_date = '2019-08-04';
    assert.deepEqual(found(au, a), [
      'error statement-order ledgers.0.historical_statement_transactions.0.transaction_date historical_statement_transaction_after_current_statement_transaction',
    ]);
  });
});

describe('no gaps before future payment schedules (payment_schedule_date_gaps)', () => {
  const withSchedules = (nextStart: string): Json => {
    const a = uk();
    a.payment_schedules[1].end_date = '2025-06-01';
    a.payment_schedules.push({ amount: '70.00', day_of_month: 2, frequency: 'MONTHLY', means: 'DD', start_date: nextStart });
    return a;
  };
  it('starting the day after the current one ends passes; two days after is a gap', () => {
    assert.deepEqual(found(gb, withSchedules('2025-06-02')), []);
    assert.deepEqual(found(au, { ...auAccount(), payment_schedules: withSchedules('2025-06-02').payment_schedules }), []);
    const a = withSchedules('2025-07-01');
    assert.deepEqual(found(gb, a), ['error future-dates payment_schedules.2.start_date payment_schedule_date_gaps']);
  });
  it('a gap before a past schedule does not count', () => {
    const a = uk();
    a.payment_schedules[1].end_date = '2019-01-01';
    a.payment_schedules.push({ amount: '70.00', day_of_month: 2, frequency: 'MONTHLY', means: 'DD', start_date: '2020-01-01' });
    assert.deepEqual(found(gb, a), []);
  });
});

describe('concession card next_validation_date in the future (invalid_concession_cards_dates)', () => {
  it('the latest "today" anywhere is still in the future somewhere; the earliest is not', () => {
    const withNext = (next: string): Json => {
      const a = auAccount();
      a.customers[0].concession_cards = [
        {
          card_number: '1',
          card_type: 'OTHER',
          validation_source: 'MANUAL',
          validation_status: 'PASS',
          applies_from_date: '2019-01-01',
          next_validation_date: next,
        },
      ];
      return a;
    };
    assert.deepEqual(found(au, withNext('2025-06-02')), []);
    assert.deepEqual(found(au, withNext('2025-06-01')), [
      'error ordered-dates customers.0.concession_cards.0.next_validation_date invalid_concession_cards_dates',
    ]);
  });
});

describe('a contract that does not declare the validator on that schema reports nothing', () => {
  it("AU: GB's capacity values, configuration periods, smart_read_cycle_day, prepay vend read, supply end dates", () => {
    const a = auAccount();
    const mp = a.supply_addresses[0].meter_points[0];
    mp.supply_type = 'ELECTRICITY';
    mp.capacity_values = [
      { effective_from_date: '2019-01-01', effective_to_date: '2019-01-01', value: '1' },
      { effective_from_date: '2019-03-01', value: '2' },
    ];
    mp.configuration_periods = [{ effective_from_date: '2099-01-01', effective_to_date: '2099-02-01' }];
    mp.meters[0].is_prepay = true;
    mp.meters[0].prepay_details = { credit_balance: '1', debt_balance: '0', transfer_vend_read_date: '2001-01-01' };
    a.smart_read_cycle_day = 40;
    assert.deepEqual(found(au, a), []);
  });
  it("GB: AU's concession cards, payment plans, net emissions and contract terms", () => {
    const a = uk();
    a.customers[0].concession_cards = [
      { card_issue_date: '2020-01-01', card_expiry_date: '2019-01-01', next_validation_date: '2001-01-01' },
    ];
    a.statements = [{ net_emissions: [{ from_time: '2019-06-01T00:00:00Z', to_time: '2019-05-01T00:00:00Z' }] }];
    a.account_contracts = [
      {
        versions: [
          {
            terms: [
              {
                term_type: 'CONTRACTED_VOLUME_CONFIGURATION',
                periods: [
                  { market_name: 'AUS_GAS', valid_from_date: '2019-01-01', valid_to_date: '2019-12-31' },
                  { market_name: 'AUS_GAS', valid_from_date: '2019-02-01', valid_to_date: '2019-12-31' },
                ],
              },
            ],
          },
        ],
      },
    ];
    assert.deepEqual(found(gb, a), []);
  });
});
