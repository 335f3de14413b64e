/**
 * Kraken's required-if, not-both and structure validators (required-if, account-structure; docs/validators.md):
 * for each, the contract fixtures pass, a payload exactly at the boundary passes, and a minimal change fails it with
 * Kraken's code at Kraken's path. Under the bundled schemas, and where the contract does not declare the validator on
 * that schema, nothing is reported. The clock is injected.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { au, auAccount, bundled, findingsOf, gb, type Json, seed, uk } from '../declared';

const RULE_CODES = new Set(['required-if', 'account-structure']);

const found = findingsOf(RULE_CODES);

describe('the contract fixtures and the seed give no finding of these rules', () => {
  it('GB, AU, bundled seed', () => {
    assert.deepEqual(found(gb, uk()), []);
    assert.deepEqual(found(au, auAccount()), []);
    assert.deepEqual(found(bundled, seed()), []);
  });
});

/** Passes with `pass` applied to a fresh fixture, fails with `fail` with exactly `expected`. */
function boundary(service: typeof gb, base: () => Json, pass: (d: Json) => void, fail: (d: Json) => void, expected: string[]) {
  const ok = base();
  pass(ok);
  assert.deepEqual(found(service, ok), [], 'the boundary passes');
  const bad = base();
  pass(bad);
  fail(bad);
  assert.deepEqual(found(service, bad), expected);
}

const E = (path: string, code: string, rule = 'required-if') => `error ${rule} ${path} ${code}`;
const A = (path: string, code: string) => E(path, code, 'account-structure');
const elecPoint = (d: Json) => d.supply_addresses[0].meter_points[0];
const gasPoint = (d: Json) => d.supply_addresses[0].meter_points[1];

describe('required-if: payment schedules (GB and AU PaymentSchedule)', () => {
  it('debt_repayment_missing_end_date: a zero element needs no end date, a non-zero one does', () => {
    boundary(
      gb,
      uk,
      (d) => {
        d.payment_schedules[1].debt_repayment_element = '0.00';
      },
      (d) => {
        d.payment_schedules[1].debt_repayment_element = '0.01';
      },
      [E('payment_schedules.1.debt_repayment_end_date', 'debt_repayment_missing_end_date')],
    );
    // The fixture's first schedule gives both.
    assert.equal(uk().payment_schedules[0].debt_repayment_end_date, '2020-03-26');
  });

  it('invalid_payment_schedule_to_exempt_from_payment_adequacy: REGULAR may be exempt, BILL may not', () => {
    boundary(
      au,
      auAccount,
      (d) => Object.assign(d.payment_schedules[1], { trigger: 'REGULAR', exempt_from_payment_adequacy: true }),
      (d) => {
        d.payment_schedules[1].trigger = 'BILL';
        delete d.payment_schedules[1].day_of_month;
        delete d.payment_schedules[1].frequency;
      },
      [E('payment_schedules.1.exempt_from_payment_adequacy', 'invalid_payment_schedule_to_exempt_from_payment_adequacy')],
    );
  });

  it('standalone_payment_request_method_code_unexpected: MANUAL passes, DD fails', () => {
    boundary(
      gb,
      uk,
      (d) => Object.assign(d.payment_schedules[1], { means: 'MANUAL', standalone_payment_request_method_code: 'X' }),
      (d) => {
        d.payment_schedules[1].means = 'DD';
      },
      [E('payment_schedules.1.standalone_payment_request_method_code', 'standalone_payment_request_method_code_unexpected')],
    );
  });
});

describe('required-if: account billing options', () => {
  it('account_billing_options_period_data_required: without industry billing both period fields are needed', () => {
    boundary(
      gb,
      uk,
      (d) => {
        d.account_type = 'BUSINESS';
        d.account_billing_options = { use_industry_billing: false, period_start_day: 1, period_length: 'MONTHLY' };
      },
      (d) => {
        d.account_billing_options.period_length = '';
      },
      [
        E('account_billing_options.period_length', 'account_billing_options_period_data_required'),
        A('account_billing_options.period_length', 'business_account_missing_billing_options'),
      ],
    );
  });

  it('account_billing_options_period_start_month_required (AU): MONTHLY x1 needs no month, x2 does, QUARTERLY does', () => {
    const opts = { use_industry_billing: false, period_start_day: 1, period_length: 'MONTHLY', period_length_multiplier: 1 };
    boundary(
      au,
      auAccount,
      (d) => (d.account_billing_options = { ...opts }),
      (d) => (d.account_billing_options.period_length_multiplier = 2),
      [E('account_billing_options.period_start_month', 'account_billing_options_period_start_month_required')],
    );
    boundary(
      au,
      auAccount,
      (d) => (d.account_billing_options = { ...opts, period_length: 'QUARTERLY', period_start_month: 3 }),
      (d) => delete d.account_billing_options.period_start_month,
      [E('account_billing_options.period_start_month', 'account_billing_options_period_start_month_required')],
    );
  });
});

describe('required-if: payment adequacy, FiT, hardship, concession cards, complaints', () => {
  const change = {
    average_monthly_charge: 1,
    average_monthly_elec_charge: 1,
    average_monthly_gas_charge: 0,
    balance_adjustment: 0,
    created_at: '2019-01-01T00:00:00Z',
    current_balance: 0,
    existing_direct_debit_payment: 1,
    new_direct_debit: 1,
    target_balance: 0,
  };
  it('payment adequacy: applied_at alone passes; both, or neither, fail', () => {
    const base = () => {
      const d = uk();
      delete d.last_payment_review_date;
      d.payment_adequacy_changes = [{ ...change, applied_at: '2019-01-02T00:00:00Z' }];
      return d;
    };
    boundary(
      gb,
      base,
      () => {},
      (d) => (d.payment_adequacy_changes[0].should_not_be_applied_reason = 'too small'),
      [E('payment_adequacy_changes.0.should_not_be_applied_reason', 'payment_adequacy_should_not_have_been_applied')],
    );
    boundary(
      gb,
      base,
      () => {},
      (d) => delete d.payment_adequacy_changes[0].applied_at,
      [E('payment_adequacy_changes.0.should_not_be_applied_reason', 'payment_adequacy_missing_reason')],
    );
  });

  it('payment_instruction_details_incomplete: BACS needs vendor_name and instruction_reference; CHEQUE does not', () => {
    boundary(
      gb,
      uk,
      (d) => (d.fit = { payment_method: 'BACS', vendor_name: 'STRIPE', instruction_reference: 'R1', installations: [], meters: [] }),
      (d) => delete d.fit.instruction_reference,
      [E('fit.instruction_reference', 'payment_instruction_details_incomplete')],
    );
    const cheque = uk();
    cheque.fit = { payment_method: 'CHEQUE', installations: [], meters: [] };
    assert.deepEqual(found(gb, cheque), []);
  });

  it('AU payment plan with is_hardship: additional_information and its four fields', () => {
    const plan = {
      debt_amount: '10.00',
      initial_schedule_type: 'DIRECT_DEBIT',
      is_hardship: true,
      next_payment_date: '2019-09-01',
      number_of_remaining_instalments: 3,
      ongoing_amount: '5.00',
      payment_frequency: 'MONTHLY',
      payment_frequency_multiplier: 1,
      plan_type: 'MIGRATION_DEBT_PLAN',
      additional_information: {
        first_payment_date: '2019-08-01',
        plan_start_date: '2019-07-01',
        plan_requested_by: 'SELF_IDENTIFIED',
        hardship_circumstance: 'OTHER',
      },
    };
    boundary(
      au,
      auAccount,
      (d) => (d.payment_plans = [structuredClone(plan)]),
      (d) => delete d.payment_plans[0].additional_information.plan_requested_by,
      [E('payment_plans.0.additional_information.plan_requested_by', 'field_required_for_hardship')],
    );
    boundary(
      au,
      auAccount,
      (d) => (d.payment_plans = [structuredClone(plan)]),
      (d) => delete d.payment_plans[0].additional_information,
      [E('payment_plans.0.additional_information', 'missing_additional_info')],
    );
    const notHardship = auAccount();
    notHardship.payment_plans = [{ ...structuredClone(plan), is_hardship: false, additional_information: undefined }];
    assert.deepEqual(found(au, notHardship), []);
  });

  it('AU hardship agreement: an exit_reason needs the end_date', () => {
    const agreement = { hardship_entry_reason: 'SELF_IDENTIFIED', hardship_type: 'OTHER', start_date: '2019-01-01' };
    boundary(
      au,
      auAccount,
      (d) => (d.hardship_agreements = [{ ...agreement, exit_reason: 'CUSTOMER_REQUEST', end_date: '2019-06-01' }]),
      (d) => delete d.hardship_agreements[0].end_date,
      [E('hardship_agreements.0.end_date', 'hardship_agreement_end_date_not_set_with_exit_reason')],
    );
  });

  it('AU concession card: FAIL needs validation_failure_reason', () => {
    const card = { applies_from_date: '2019-01-01', card_number: '123', card_type: 'OTHER', validation_source: 'API' };
    boundary(
      au,
      auAccount,
      (d) => (d.customers[0].concession_cards = [{ ...card, validation_status: 'FAIL', validation_failure_reason: 'expired' }]),
      (d) => delete d.customers[0].concession_cards[0].validation_failure_reason,
      [E('customers.0.concession_cards.0.validation_failure_reason', 'validation_failure_reason_required')],
    );
  });

  it('complaints: one official field needs the other two; an eight week letter needs the CHSR letter', () => {
    const complaint = {
      complainant_email: 'a@example.com',
      complainant_name: 'A',
      complaint_contacts: [],
      created_at: '2019-01-01T00:00:00Z',
      has_chsr_letter_been_sent: true,
      has_eight_week_letter_been_sent: true,
      subtype_of_complaint: 'X',
      type_of_complaint: 'Y',
      official_reference_number: 'R',
      official_entity: 'OMBUDSMAN',
      official_status: 'OPEN',
    };
    boundary(
      gb,
      uk,
      (d) => (d.complaints = [{ ...complaint }]),
      (d) => {
        delete d.complaints[0].official_entity;
        delete d.complaints[0].official_status;
      },
      [
        E('complaints.0.official_entity', 'official_complaint_field_missing'),
        E('complaints.0.official_status', 'official_complaint_field_missing'),
      ],
    );
    boundary(
      au,
      auAccount,
      (d) => (d.complaints = [{ ...complaint }]),
      (d) => (d.complaints[0].has_chsr_letter_been_sent = false),
      [E('complaints.0.has_chsr_letter_been_sent', 'chsr_letter_not_sent')],
    );
  });
});

describe('required-if: GB meter points and meters', () => {
  it('smart_refusal_reason_given_for_interest: NOT_INTERESTED with a reason passes (the fixture), INTERESTED fails', () => {
    boundary(
      gb,
      uk,
      () => {},
      (d) => (elecPoint(d).smart_refusal_interest.type = 'INTERESTED'),
      [E('supply_addresses.0.meter_points.0.smart_refusal_interest.refusal_reason', 'smart_refusal_reason_given_for_interest')],
    );
  });

  it('agents_and_mpids_to_appoint_provided: agents alone pass, with mop_to_appoint fail', () => {
    boundary(
      gb,
      uk,
      (d) => (elecPoint(d).agents = { mop_contract: { agent_mpid: 'ABCD' } }),
      (d) => (elecPoint(d).mop_to_appoint = 'ABCD'),
      [E('supply_addresses.0.meter_points.0.mop_to_appoint', 'agents_and_mpids_to_appoint_provided')],
    );
  });

  it('both_landlord_details_and_property_administrators_provided (GB and AU supply addresses)', () => {
    boundary(
      gb,
      uk,
      () => {},
      (d) => (d.supply_addresses[0].landlord_details = { given_name: 'L' }),
      [E('supply_addresses.0.property_administrators', 'both_landlord_details_and_property_administrators_provided')],
    );
    boundary(
      au,
      auAccount,
      () => {},
      (d) => (d.supply_addresses[0].landlord_details = { given_name: 'L' }),
      [E('supply_addresses.0.property_administrators', 'both_landlord_details_and_property_administrators_provided')],
    );
  });

  it('prepay and smart fields only on prepay and smart meters (the fixture gas meter is both)', () => {
    boundary(
      gb,
      uk,
      () => {},
      (d) => (gasPoint(d).meters[0].is_prepay = false),
      [E('supply_addresses.0.meter_points.1.meters.0.prepay_details', 'prepay_details_on_non_prepay_meter')],
    );
    boundary(
      gb,
      uk,
      (d) => (gasPoint(d).meters[0].smart_device_id = '01-23'),
      (d) => (gasPoint(d).meters[0].smart_type = 'NONE'),
      [E('supply_addresses.0.meter_points.1.meters.0.smart_device_id', 'smart_details_provided_for_non_smart_meter')],
    );
  });

  it("transfer readings name one of the electricity meter's registers, exactly", () => {
    boundary(
      gb,
      uk,
      () => {},
      (d) => (elecPoint(d).meters[0].transfer_readings[0].register_id = '01'),
      [E('supply_addresses.0.meter_points.0.meters.0.transfer_readings.0.register_id', 'reading_register_id_not_recognised')],
    );
    boundary(
      gb,
      uk,
      () => {},
      (d) => delete elecPoint(d).meters[0].transfer_readings[0].register_id,
      [E('supply_addresses.0.meter_points.0.meters.0.transfer_readings.0.register_id', 'reading_without_register_id')],
    );
  });

  it('registers_missing_for_active_electricity_meter: a removed meter needs none, an active one does', () => {
    boundary(
      gb,
      uk,
      (d) => {
        const m = elecPoint(d).meters[0];
        delete m.registers;
        delete m.transfer_readings;
        delete m.reading_history;
        m.removed_on = '2019-07-01';
        // Without an active meter the point would need one (meter_point_with_no_meters) unless it gives its class.
        elecPoint(d).measurement_class = 'A';
      },
      (d) => delete elecPoint(d).meters[0].removed_on,
      [E('supply_addresses.0.meter_points.0.meters.0.registers', 'registers_missing_for_active_electricity_meter')],
    );
  });
});

describe('required-if: AU contracts and billing address', () => {
  it('contract_versions_does_not_include_current: the earliest version applies from valid_from_date', () => {
    const contract = {
      identifier: 'C1',
      signed_at_date: '2019-01-01',
      valid_from_date: '2019-02-01',
      versions: [
        { applicable_at_date: '2020-02-01', terms: [] },
        { applicable_at_date: '2019-02-01', terms: [] },
      ],
    };
    boundary(
      au,
      auAccount,
      (d) => (d.account_contracts = [structuredClone(contract)]),
      (d) => (d.account_contracts[0].valid_from_date = '2019-01-31'),
      [E('account_contracts.0.versions.1.applicable_at_date', 'contract_versions_does_not_include_current')],
    );
  });

  it('field_required_for_aus_billing_address: country AU needs locality, administrative_area and postal_code', () => {
    const address = { country: 'AU', locality: 'Sydney', administrative_area: 'NSW', postal_code: '2000', street_address: '1 X St' };
    const base = () => {
      const d = auAccount();
      for (const k of Object.keys(d)) if (/^billing_(address\d|postcode)$/.test(k)) delete d[k];
      d.billing_address = { ...address };
      return d;
    };
    boundary(
      au,
      base,
      () => {},
      (d) => (d.billing_address.postal_code = ''),
      [E('billing_address.postal_code', 'field_required_for_aus_billing_address')],
    );
    const abroad = base();
    abroad.billing_address = { country: 'NZ', street_address: '1 X St' };
    assert.deepEqual(found(au, abroad), []);
  });
});

describe('account-structure: what an account of a type may hold', () => {
  it('portfolio_lead_has_a_supply_address and system_account_has_a_supply_address', () => {
    const lead = uk();
    lead.is_portfolio_lead = true;
    assert.deepEqual(found(gb, lead), [A('supply_addresses', 'portfolio_lead_has_a_supply_address')]);
    delete lead.supply_addresses;
    assert.deepEqual(found(gb, lead), []);
    const system = auAccount();
    system.account_type = 'SYSTEM';
    assert.deepEqual(found(au, system), [A('supply_addresses', 'system_account_has_a_supply_address')]);
    system.account_type = 'BUSINESS';
    assert.deepEqual(found(au, system), []);
  });

  it('business_supply_type_on_domestic_account and tax_exemptions_provided_for_domestic_account (GB)', () => {
    const exemption = (d: Json) => (elecPoint(d).vat_exemptions = [{ start_date: '2019-01-01', percentage: '100' }]);
    boundary(
      gb,
      uk,
      (d) => {
        d.account_type = 'BUSINESS';
        exemption(d);
      },
      (d) => (d.account_type = 'DOMESTIC'),
      [A('supply_addresses.0.meter_points.0.vat_exemptions', 'tax_exemptions_provided_for_domestic_account')],
    );
    const certificates = uk();
    elecPoint(certificates).supply_type = 'ROCS_EXPORT_CERTIFICATES';
    assert.ok(
      found(gb, certificates).includes(A('supply_addresses.0.meter_points.0.supply_type', 'business_supply_type_on_domestic_account')),
    );
    certificates.account_type = 'BUSINESS';
    assert.deepEqual(found(gb, certificates), []);
  });

  it('AU portfolio lead: ONLINE communication, payment terms applied to the portfolio only by the lead', () => {
    const terms = { number_of_days_to_pay: 14, valid_from: '2019-01-01' };
    const lead = () => {
      const d = auAccount();
      delete d.supply_addresses;
      d.is_portfolio_lead = true;
      d.payment_terms = { ...terms, apply_to_portfolio: true };
      return d;
    };
    boundary(
      au,
      lead,
      () => {},
      (d) => (d.communication_preference = 'PRINT'),
      [A('communication_preference', 'invalid_portfolio_lead_communication_preference')],
    );
    boundary(
      au,
      lead,
      () => {},
      (d) => (d.payment_terms.apply_to_portfolio = false),
      [A('payment_terms.apply_to_portfolio', 'invalid_apply_to_portfolio')],
    );
    boundary(
      au,
      auAccount,
      (d) => (d.payment_terms = { ...terms }),
      (d) => (d.payment_terms.apply_to_portfolio = true),
      [A('payment_terms.apply_to_portfolio', 'invalid_apply_to_portfolio')],
    );
  });
});

describe('account-structure: fields the account needs when others are given', () => {
  it('historical statement transactions need last_statement_closing_date or a last_billed_to_date', () => {
    const transaction = { transaction_id: '9', transaction_date: '2019-01-05', amount: '1.00', type: 'CHARGE', reason: 'DEFAULT' };
    boundary(
      gb,
      uk,
      (d) => (d.historical_statement_transactions = [transaction]),
      (d) => delete d.last_billed_to_date,
      [
        A(
          'historical_statement_transactions',
          'historical_statement_transactions_without_last_statement_closing_date_or_last_billed_to_date',
        ),
      ],
    );
    // A last_billed_to_date on a supply point counts.
    const below = uk();
    below.historical_statement_transactions = [transaction];
    elecPoint(below).last_billed_to_date = below.last_billed_to_date;
    delete below.last_billed_to_date;
    assert.deepEqual(found(gb, below), []);
  });

  it('next_bill_to_date_not_provided_for_quarterly_billing (GB): QUARTERLY without industry billing', () => {
    boundary(
      gb,
      uk,
      (d) => {
        d.account_type = 'BUSINESS';
        d.account_billing_options = { use_industry_billing: false, period_start_day: 1, period_length: 'QUARTERLY' };
      },
      (d) => delete d.next_bill_due_date,
      [A('next_bill_due_date', 'next_bill_to_date_not_provided_for_quarterly_billing')],
    );
  });

  it('business_account_missing_billing_options (GB): a BUSINESS account giving options gives both period fields', () => {
    boundary(
      gb,
      uk,
      (d) => {
        d.account_type = 'BUSINESS';
        d.account_billing_options = { period_start_day: 1, period_length: 'MONTHLY' };
      },
      (d) => delete d.account_billing_options.period_start_day,
      [A('account_billing_options.period_start_day', 'business_account_missing_billing_options')],
    );
  });

  it('account_contracts_without_supply_points (AU)', () => {
    const contract = { identifier: 'C1', signed_at_date: '2019-01-01', valid_from_date: '2019-02-01' };
    boundary(
      au,
      auAccount,
      (d) => (d.account_contracts = [contract]),
      (d) => delete d.supply_addresses,
      [A('account_contracts', 'account_contracts_without_supply_points')],
    );
  });

  it('billing_address_not_provided (GB): billing_address1 and billing_postcode unless an occupier account', () => {
    boundary(
      gb,
      uk,
      () => {},
      (d) => delete d.billing_postcode,
      [A('billing_postcode', 'billing_address_not_provided')],
    );
    const occupier = uk();
    delete occupier.billing_postcode;
    occupier.account_type = 'DOMESTIC_OCCUPIER';
    assert.deepEqual(found(gb, occupier), []);
  });
});

describe('account-structure: references inside the payload', () => {
  const instruction = { instruction_identifier: 'I1', reference: 'R', type: 'DIRECT_DEBIT', vendor: 'STRIPE' };
  it('ledger_identifier and ACTIVE_NEW instruction_identifier name a ledger and an instruction of the payload', () => {
    const base = () => {
      const d = uk();
      d.ledgers[0].ledger_identifier = 'L1';
      d.payment_instructions = [{ ...instruction }];
      d.payment_preferences = [
        { type: 'ACTIVE_NEW', ledger_identifier: 'L1', instruction_reference_params: { instruction_identifier: 'I1' } },
      ];
      return d;
    };
    boundary(
      gb,
      base,
      () => {},
      (d) => (d.payment_preferences[0].ledger_identifier = 'L2'),
      [A('payment_preferences.0.ledger_identifier', 'invalid_payment_preference_ledger_identifier')],
    );
    boundary(
      gb,
      base,
      () => {},
      (d) => (d.payment_preferences[0].instruction_reference_params.instruction_identifier = 'I2'),
      [
        A(
          'payment_preferences.0.instruction_reference_params.instruction_identifier',
          'active_new_payment_preference_invalid_instruction_identifier',
        ),
      ],
    );
  });

  it("agreement_business_contract_identifier_not_declared: an agreement's identifier is one the business declares", () => {
    boundary(
      gb,
      uk,
      (d) => {
        d.business = { business_contract_identifiers: ['C1', 'C2'] };
        elecPoint(d).agreements[0].business_contract_identifier = 'C2';
      },
      (d) => (elecPoint(d).agreements[0].business_contract_identifier = 'C3'),
      [
        A(
          'supply_addresses.0.meter_points.0.agreements.0.business_contract_identifier',
          'agreement_business_contract_identifier_not_declared',
        ),
      ],
    );
  });

  it('AU concessions: one customer holds the cards and the credits; a primary place of residence needs a concession', () => {
    const card = {
      applies_from_date: '2019-01-01',
      card_number: '123',
      card_type: 'OTHER',
      validation_source: 'API',
      validation_status: 'PASS',
    };
    boundary(
      au,
      auAccount,
      (d) => {
        d.customers[0].concession_cards = [{ ...card }];
        d.customers[0].concession_credits_paid_current_year = '10.00';
        d.customers[1].concession_credits_paid_current_year = '0.00';
        d.supply_addresses[0].primary_place_of_residence_since = '2019-04-01';
      },
      (d) => (d.customers[1].concession_cards = [{ ...card }]),
      [A('customers.1.concession_cards', 'concession_cards_too_many_users')],
    );
    boundary(
      au,
      auAccount,
      (d) => (d.customers[0].concession_credits_paid_current_year = '10.00'),
      (d) => (d.customers[1].concession_cards = [{ ...card }]),
      [A('customers.0.concession_credits_paid_current_year', 'concession_credits_and_cards_too_many_users')],
    );
    boundary(
      au,
      auAccount,
      (d) => {
        d.supply_addresses[0].primary_place_of_residence_since = '2019-04-01';
        d.customers[2].manually_defined_eligibility_periods = [{ start_date: '2019-01-01' }];
      },
      (d) => delete d.customers[2].manually_defined_eligibility_periods,
      [
        A(
          'supply_addresses.0.primary_place_of_residence_since',
          'primary_place_of_residence_without_concession_card_or_credits_paid_or_rebate',
        ),
      ],
    );
  });
});

describe('silent where the contract does not declare the validator, and under the bundled schemas', () => {
  it('GB-only validators on an AU payload, AU-only ones on a GB payload, and the seed with the same mistakes', () => {
    // billing_address_not_provided is GB's (EnergyAccount); AU declares nothing of the kind.
    const au1 = auAccount();
    delete au1.billing_postcode;
    assert.deepEqual(found(au, au1), []);
    // validation_failure_reason_required is AU's (AusConcessionCard); GB customers have no concession cards.
    const gb1 = uk();
    gb1.customers[0].concession_cards = [{ card_number: '1', validation_status: 'FAIL' }];
    assert.deepEqual(found(gb, gb1), []);
    const seedDoc = seed();
    seedDoc.payment_schedules = [{ trigger: 'BILL', exempt_from_payment_adequacy: true, debt_repayment_element: '5.00', means: 'DD' }];
    seedDoc.is_portfolio_lead = true;
    seedDoc.supply_addresses = seedDoc.supply_addresses ?? [{}];
    assert.deepEqual(found(bundled, seedDoc), []);
  });
});

describe('account-structure: billable GB meter points (today from the injected clock, certain in every time zone)', () => {
  // NOW is 2025-06-01T12:00Z: 2025-05-31 is past everywhere; 2025-06-01 is not (UTC-12 is still on 2025-06-01 at 00:00).
  it('no_supply_point_on_supply: a point ending today may still be billable; all ended before today fails', () => {
    const ended = (day: string) => (d: Json) => {
      for (const p of d.supply_addresses[0].meter_points) {
        p.supply_end_date = day;
        for (const m of p.meters) m.transfer_readings.push({ ...m.transfer_readings[0], reading_date: day });
      }
    };
    boundary(gb, uk, ended('2025-06-01'), (d) => ended('2025-05-31')(d), [A('', 'no_supply_point_on_supply')]);
  });

  it('no_reading_on_supply_end_date: an ended point with meters needs a reading dated its end', () => {
    boundary(
      gb,
      uk,
      (d) => {
        elecPoint(d).supply_end_date = '2020-01-31';
        elecPoint(d).meters[0].reading_history.push({
          register_id: '1',
          reading_date: '2020-01-31',
          reading_value: '1100.00',
          reading_type: 'CUSTOMER',
        });
      },
      (d) => (elecPoint(d).supply_end_date = '2020-01-30'),
      [A('supply_addresses.0.meter_points.0.supply_end_date', 'no_reading_on_supply_end_date')],
    );
  });

  it('meter_point_with_no_meters: an open-ended point needs a meter without a past removed_on', () => {
    boundary(
      gb,
      uk,
      (d) => (gasPoint(d).meters[0].removed_on = '2025-06-02'),
      (d) => (gasPoint(d).meters[0].removed_on = '2025-05-31'),
      [A('supply_addresses.0.meter_points.1.meters', 'meter_point_with_no_meters')],
    );
  });
});

describe("a declared validator's finding names Kraken's code in its message, once", () => {
  it("appended where the message does not say it (validate.ts's report), not repeated where it does", () => {
    const messages = (doc: Json) =>
      gb
        .validate(JSON.stringify(doc, null, 2))
        .diagnostics.filter((d) => RULE_CODES.has(d.code))
        .map((d) => d.message);
    const ended = uk();
    elecPoint(ended).supply_end_date = '2020-01-30';
    assert.deepEqual(messages(ended), [
      'The meter point ended supply on 2020-01-30 but none of its meters has a reading dated that day ' +
        '(transfer_readings or reading_history): add the final reading. (Kraken: no_reading_on_supply_end_date)',
    ]);
    const schedule = uk();
    schedule.payment_schedules[1].debt_repayment_element = '0.01';
    const [required] = messages(schedule);
    assert.match(required, /\(debt_repayment_missing_end_date\)/);
    assert.equal(required.split('debt_repayment_missing_end_date').length, 2, required);
    // Under the bundled schemas the rule does not run, so no code is named.
    assert.deepEqual(found(bundled, ended), []);
  });
});

describe('account-structure: term_supply_type_mismatch (AU contract terms)', () => {
  it("a term's supply_type matches a supply point's; another one fails", () => {
    const fee = { term_type: 'TERMINATION_FEE', supply_type: 'ELECTRICITY', amount: '10.00' };
    const contract = {
      identifier: 'C1',
      signed_at_date: '2019-01-01',
      valid_from_date: '2019-02-01',
      versions: [{ applicable_at_date: '2019-02-01', terms: [fee] }],
    };
    boundary(
      au,
      auAccount,
      (d) => {
        d.supply_addresses[0].meter_points[0].supply_type = 'ELECTRICITY';
        d.account_contracts = [structuredClone(contract)];
      },
      (d) => (d.account_contracts[0].versions[0].terms[0].supply_type = 'GAS'),
      [A('account_contracts.0.versions.0.terms.0.supply_type', 'term_supply_type_mismatch')],
    );
  });
});

describe('required-if: multiple_non_dmex_meters_with_serial_number (GB meter points)', () => {
  it('a removed meter and its dummy exchange share a serial number; two current ones may not', () => {
    const dummy = (d: Json) => {
      const m = gasPoint(d).meters[0];
      gasPoint(d).meters = [
        { ...structuredClone(m), removed_on: '2019-05-01', installed_on: '2002-01-01' },
        { ...m, installed_on: '2019-05-02' },
      ];
    };
    boundary(gb, uk, dummy, (d) => delete gasPoint(d).meters[0].removed_on, [
      E('supply_addresses.0.meter_points.1.meters.1.meter_serial_number', 'multiple_non_dmex_meters_with_serial_number'),
    ]);
  });
});
