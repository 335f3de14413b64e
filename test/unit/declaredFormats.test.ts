/**
 * Kraken's declared field-format validators, checked locally (docs/validators.md): field-format (a table of formats
 * the contracts state exactly), occupier-name, billing-document-identifier, prepay-reference-number and the phone
 * validators (phone-number). For each: the contract fixture passes at the boundary, one minimal change fails it as an
 * error at Kraken's path with Kraken's code; a contract that does not declare the validator there says nothing; the
 * bundled (German) schemas keep their behaviour. The clock is injected; no test depends on the date.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { validatorKey } from '../../core/src/service/contract/validators';
import { declaredOfDocument } from '../../core/src/service/validate';
import { au, auAccount, bundled, findingsOf, gb, type Json, seed, type Service, uk, GB, AU } from '../declared';

const RULE_CODES = new Set([
  'life-support-contact',
  'field-format',
  'occupier-name',
  'billing-document-identifier',
  'prepay-reference-number',
  'phone-number',
]);

const found = findingsOf(RULE_CODES);
const diagnostics = (service: Service, doc: Json) =>
  service.validate(JSON.stringify(doc, null, 2)).diagnostics.filter((d) => RULE_CODES.has(d.code));

/**
 * Validators declared on a discriminated branch are seen only where the schema navigator (core/src/service/schemaNav.ts)
 * picks the branch from the payload: a SUPPLY_CHARGE transaction is EnergySupplyCharge, an AU meter point with
 * supply_type EMBEDDED_WATER is EmbeddedWaterMeterPoint (its discriminator is optional in the contract).
 */
describe('the schema view picks the discriminated branch that declares the validator', () => {
  it('GB: a SUPPLY_CHARGE transaction', () => {
    const d = declaredOfDocument(GB, 'account', { current_statement_transactions: [{ type: 'SUPPLY_CHARGE' }] });
    assert.equal(d?.(['current_statement_transactions', 0])?.names.has(validatorKey('Validate line item number of units')), true);
    const credit = declaredOfDocument(GB, 'account', { current_statement_transactions: [{ type: 'CREDIT' }] });
    assert.equal(
      credit?.(['current_statement_transactions', 0])?.names.has(validatorKey('Validate line item number of units')) ?? false,
      false,
    );
  });
  it('AU: an EMBEDDED_WATER meter point', () => {
    const d = declaredOfDocument(AU, 'account', { supply_addresses: [{ meter_points: [{ supply_type: 'EMBEDDED_WATER' }] }] });
    assert.equal(d?.(['supply_addresses', 0, 'meter_points', 0])?.names.has(validatorKey('Validate installation id')), true);
  });
});

/** A copy of `base()` changed by `change`. */
function changed(base: () => Json, change: (a: Json) => void): Json {
  const a = base();
  change(a);
  return a;
}

describe('the contract fixtures and the seed give no finding of these rules', () => {
  it('GB, AU and the bundled seed', () => {
    assert.deepEqual(found(gb, uk()), []);
    assert.deepEqual(found(au, auAccount()), []);
    assert.deepEqual(found(bundled, seed()), []);
  });

  it('the bundled schemas: the new checks stay silent on values a contract would reject', () => {
    const s = changed(seed, (a) => {
      a.customers[0].given_name = 'The';
      a.customers[0].family_name = 'Occupier';
      a.billing_email = 'blackhole+1@kraken.tech';
      a.tax_year = '2018-19';
    });
    assert.deepEqual(found(bundled, s), []);
  });
});

describe('field-format: Validate delivery point identifier (invalid_delivery_point_identifier)', () => {
  it('AU: capital letters and digits pass (surrounding spaces trimmed); a small letter fails, at the field', () => {
    const ok = changed(auAccount, (a) => {
      a.customers[0].address.delivery_point_identifier = ' AB123456789 ';
      a.billing_delivery_point_identifier = 'Z9';
    });
    assert.deepEqual(found(au, ok), []);
    const bad = changed(auAccount, (a) => {
      a.customers[0].address.delivery_point_identifier = '5123456a';
      a.billing_delivery_point_identifier = '5123 4567';
    });
    assert.deepEqual(found(au, bad), [
      'error field-format customers.0.address.delivery_point_identifier invalid_delivery_point_identifier',
      'error field-format billing_delivery_point_identifier invalid_delivery_point_identifier',
    ]);
  });

  it('GB: the legacy supply address and the billing address', () => {
    const ok = changed(uk, (a) => {
      a.billing_delivery_point_identifier = 'W1F9DE1A';
      a.supply_addresses[0].supply_delivery_point_identifier = 'W1F9DE1B';
    });
    assert.deepEqual(found(gb, ok), []);
    const bad = changed(uk, (a) => {
      a.supply_addresses[0].supply_delivery_point_identifier = 'W1F-9DE';
    });
    assert.deepEqual(found(gb, bad), [
      'error field-format supply_addresses.0.supply_delivery_point_identifier invalid_delivery_point_identifier',
    ]);
    assert.match(diagnostics(gb, bad)[0]!.message, /"W1F-9DE" is not accepted: it has characters other than capital letters and digits/);
  });
});

describe('field-format: Validate the portfolio number (invalid_portfolio_number)', () => {
  const withNumber = (n: string) =>
    changed(uk, (a) => {
      a.supply_addresses[0].meter_points[0].agreements[0].intermediary = { portfolio_number: n };
    });
  it('"P-" and exactly 8 uppercase letters or digits pass; 7, 9 or lower case fail', () => {
    assert.deepEqual(found(gb, withNumber('P-1A2B3C4D')), []);
    for (const bad of ['P-1A2B3C4', 'P-1A2B3C4D5', 'P-1a2b3c4d', 'P1A2B3C4D']) {
      assert.deepEqual(
        found(gb, withNumber(bad)),
        ['error field-format supply_addresses.0.meter_points.0.agreements.0.intermediary.portfolio_number invalid_portfolio_number'],
        bad,
      );
    }
  });
});

describe('field-format: Validate tax year format (incorrect_format_for_tax_year)', () => {
  it('GB: the fixture\'s "2017/18" passes; "2017/2018" and "2017-18" fail; the AU contract does not declare it', () => {
    assert.deepEqual(found(gb, uk()), []);
    const bad = changed(uk, (a) => {
      a.warm_home_discount[0].tax_year = '2017/2018';
    });
    assert.deepEqual(found(gb, bad), ['error field-format warm_home_discount.0.tax_year incorrect_format_for_tax_year']);
    const dash = changed(uk, (a) => (a.warm_home_discount[0].tax_year = '2017-18'));
    assert.deepEqual(found(gb, dash), ['error field-format warm_home_discount.0.tax_year incorrect_format_for_tax_year']);
    const inAu = changed(auAccount, (a) => (a.warm_home_discount = [{ tax_year: '2017-18' }]));
    assert.deepEqual(found(au, inAu), []);
  });
});

describe('field-format: Validate value contains only alphabetic capitals (value_must_be_alphabetic_caps)', () => {
  it('AU structured street address: "ABC" passes; "Ab" and "A1" fail', () => {
    const set = (prefix: string, suffix: string) =>
      changed(auAccount, (a) => {
        Object.assign(a.customers[0].address.structured_street_address, {
          postal_delivery_number_prefix: prefix,
          postal_delivery_number_value: 12,
          postal_delivery_number_suffix: suffix,
        });
      });
    assert.deepEqual(found(au, set('ABC', 'Z')), []);
    assert.deepEqual(found(au, set('Ab', 'A1')), [
      'error field-format customers.0.address.structured_street_address.postal_delivery_number_prefix value_must_be_alphabetic_caps',
      'error field-format customers.0.address.structured_street_address.postal_delivery_number_suffix value_must_be_alphabetic_caps',
    ]);
  });
});

describe('field-format: Validate multiline max length (multiline_max_length_exceeded)', () => {
  const set = (name: string) =>
    changed(auAccount, (a) => {
      a.customers[0].address.structured_street_address.building_or_property_name = name;
    });
  const path = 'customers.0.address.structured_street_address.building_or_property_name';
  it('two lines of 30 characters pass; 31 characters on a line, or three lines, fail', () => {
    const thirty = 'X'.repeat(30);
    assert.deepEqual(found(au, set(`${thirty}\n${thirty}`)), []);
    assert.deepEqual(found(au, set(`${thirty}Y`)), [`error field-format ${path} multiline_max_length_exceeded`]);
    assert.deepEqual(found(au, set('A\nB\nC')), [`error field-format ${path} multiline_max_length_exceeded`]);
  });
  it('characters are counted as code points (an emoji is one)', () => {
    assert.deepEqual(found(au, set('😀'.repeat(30))), []);
  });
});

describe('field-format: Validate installation id (installation_id_should_be_integer)', () => {
  const water = (id: string) =>
    changed(auAccount, (a) => {
      const mp = a.supply_addresses[0].meter_points[0];
      Object.assign(mp, { supply_type: 'EMBEDDED_WATER', installation_id: id });
    });
  it('AU embedded water: digits pass; a letter fails; the range is not judged', () => {
    assert.deepEqual(found(au, water('0123456789')), []);
    assert.deepEqual(found(au, water('9999999999')), []);
    assert.deepEqual(found(au, water('01234567A9')), [
      'error field-format supply_addresses.0.meter_points.0.installation_id installation_id_should_be_integer',
    ]);
  });
  it('an electricity meter point (no such validator) with the same value: nothing', () => {
    const elec = changed(auAccount, (a) => (a.supply_addresses[0].meter_points[0].installation_id = '01234567A9'));
    assert.deepEqual(found(au, elec), []);
  });
});

describe('field-format: Validate line item units (line_item_units_must_be_two_values)', () => {
  const charge = (units: string[]) => ({
    transaction_id: '9',
    transaction_date: '2019-08-01',
    amount: '10.00',
    type: 'SUPPLY_CHARGE',
    product_code: 'P',
    line_items: [{ start_date: '2019-07-01', end_date: '2019-07-31', net_amount: '10.00', number_of_units: '20', units }],
  });
  it('GB: two readings pass; three, or one, fail at units', () => {
    const gbOk = changed(uk, (a) => (a.current_statement_transactions = [charge(['100', '120'])]));
    assert.deepEqual(found(gb, gbOk), []);
    const three = changed(uk, (a) => (a.current_statement_transactions = [charge(['100', '110', '120'])]));
    assert.deepEqual(found(gb, three), [
      'error field-format current_statement_transactions.0.line_items.0.units line_item_units_must_be_two_values',
    ]);
    const one = changed(uk, (a) => (a.current_statement_transactions = [charge(['100'])]));
    assert.deepEqual(found(gb, one), [
      'error field-format current_statement_transactions.0.line_items.0.units line_item_units_must_be_two_values',
    ]);
  });
  it('AU: in a ledger', () => {
    const bad = changed(auAccount, (a) => a.ledgers[0].current_statement_transactions.push(charge(['1', '2', '3'])));
    const i = bad.ledgers[0].current_statement_transactions.length - 1;
    assert.deepEqual(found(au, bad), [
      `error field-format ledgers.0.current_statement_transactions.${i}.line_items.0.units line_item_units_must_be_two_values`,
    ]);
  });
});

describe("field-format: Validate 'blackhole+' is not in billing email (billing_email_not_valid)", () => {
  it('GB and AU: "blackhole@…" passes; "blackhole+…" fails', () => {
    assert.deepEqual(
      found(
        gb,
        changed(uk, (a) => (a.billing_email = 'blackhole@kraken.tech')),
      ),
      [],
    );
    assert.deepEqual(
      found(
        gb,
        changed(uk, (a) => (a.billing_email = 'blackhole+42@kraken.tech')),
      ),
      ['error field-format billing_email billing_email_not_valid'],
    );
    assert.deepEqual(
      found(
        au,
        changed(auAccount, (a) => (a.billing_email = 'blackhole+42@kraken.tech')),
      ),
      ['error field-format billing_email billing_email_not_valid'],
    );
  });
});

describe('occupier-name: Validate that the customer\'s name is not "The Occupier" (customer_may_not_be_named_the_occupier)', () => {
  it('"The" + "Occupier" and family_name "The Occupier" fail at the customer; "Theo Occupier" passes', () => {
    assert.deepEqual(
      found(
        gb,
        changed(uk, (a) => Object.assign(a.customers[0], { given_name: 'Theo', family_name: 'Occupier' })),
      ),
      [],
    );
    assert.deepEqual(
      found(
        gb,
        changed(uk, (a) => Object.assign(a.customers[0], { given_name: 'The', family_name: 'Occupier' })),
      ),
      ['error occupier-name customers.0 customer_may_not_be_named_the_occupier'],
    );
    const alone = changed(auAccount, (a) => {
      delete a.customers[1].given_name;
      a.customers[1].family_name = ' The  Occupier ';
    });
    assert.deepEqual(found(au, alone), ['error occupier-name customers.1 customer_may_not_be_named_the_occupier']);
  });
});

describe('billing-document-identifier: Validate historical statement transaction billing document identifier', () => {
  it('AU ledger: the same identifier passes; a different one fails at that transaction', () => {
    const set = (ids: string[]) =>
      changed(auAccount, (a) =>
        a.ledgers[0].historical_statement_transactions.forEach((t: Json, i: number) => (t.billing_document_identifier = ids[i])),
      );
    assert.deepEqual(found(au, set(['DOC-1', 'DOC-1'])), []);
    assert.deepEqual(found(au, set(['DOC-1', 'DOC-2'])), [
      'error billing-document-identifier ledgers.0.historical_statement_transactions.1.billing_document_identifier historical_statement_billing_document_identifier_mismatch',
    ]);
  });
  it("GB: the account's historical_statement_transactions", () => {
    const tx = (id: string, doc: string) => ({
      transaction_id: id,
      transaction_date: '2018-08-05',
      amount: '10.00',
      type: 'PAYMENT',
      reason: 'ACCOUNT_CHARGE_PAYMENT',
      billing_document_identifier: doc,
    });
    const ok = changed(uk, (a) => (a.historical_statement_transactions = [tx('7', 'B1'), tx('8', 'B1')]));
    assert.deepEqual(found(gb, ok), []);
    const bad = changed(uk, (a) => (a.historical_statement_transactions = [tx('7', 'B1'), tx('8', 'B2')]));
    assert.deepEqual(found(gb, bad), [
      'error billing-document-identifier historical_statement_transactions.1.billing_document_identifier historical_statement_billing_document_identifier_mismatch',
    ]);
  });
});

describe('prepay-reference-number: Validate prepay customer reference number (invalid_prepay_customer_reference_number)', () => {
  const meter = (crn: string, prepay = true, mp = 0) =>
    changed(uk, (a) => {
      Object.assign(a.supply_addresses[0].meter_points[mp].meters[0], { is_prepay: prepay, prepay_customer_reference_number: crn });
    });
  it('GB electricity prepay meter: digits with spaces pass; a letter fails; gas meters and non-prepay meters are not judged', () => {
    assert.deepEqual(found(gb, meter(' 1234 5678 ')), []);
    assert.deepEqual(found(gb, meter('CRN-1234')), [
      'error prepay-reference-number supply_addresses.0.meter_points.0.meters.0.prepay_customer_reference_number invalid_prepay_customer_reference_number',
    ]);
    assert.deepEqual(found(gb, meter('CRN-1234', false)), []);
    assert.deepEqual(found(gb, meter('CRN-1234', true, 1)), []);
  });
});

describe('phone-number under a contract (invalid_phone_number)', () => {
  it('AU: a mobile in the landline field, a fixed line in the mobile field, a short alternative number fail', () => {
    const bad = changed(auAccount, (a) => {
      a.customers[0].landline = '0488008221';
      a.customers[1].mobile = '0212345678';
      a.customers[2].alternative_phone_numbers = [{ phone_number: '0412345678' }, { phone_number: '0412345' }];
    });
    assert.deepEqual(found(au, bad), [
      'error phone-number customers.0.landline invalid_phone_number',
      'error phone-number customers.1.mobile invalid_phone_number',
      'error phone-number customers.2.alternative_phone_numbers.1.phone_number invalid_phone_number',
    ]);
    const ds = diagnostics(au, bad);
    assert.match(ds[0]!.message, /it is an Australian mobile number, not a landline/);
    assert.match(ds[1]!.message, /it is an Australian fixed-line number, not a mobile/);
  });

  it('AU: a foreign number fails the Australian validators; property administrators are read in AU', () => {
    const bad = changed(auAccount, (a) => {
      a.customers[0].mobile = '+447712354321';
      a.supply_addresses[0].property_administrators[0].landline = '021234567';
    });
    assert.deepEqual(found(au, bad), [
      'error phone-number customers.0.mobile invalid_phone_number',
      'error phone-number supply_addresses.0.property_administrators.0.landline invalid_phone_number',
    ]);
    assert.match(diagnostics(au, bad)[0]!.message, /it is a GB number, not an Australian one/);
  });

  it('GB (GB meter points): a number invalid in GB fails; a valid foreign number in international form passes', () => {
    const ok = changed(uk, (a) => {
      a.customers[0].landline = '+61280082213';
      a.customers[0].mobile = '';
    });
    assert.deepEqual(found(gb, ok), []);
    const bad = changed(uk, (a) => (a.customers[0].landline = '0207234345'));
    assert.deepEqual(found(gb, bad), ['error phone-number customers.0.landline invalid_phone_number']);
  });

  it('GB without meter points: the region is not certain, only "no number at all" carries the code', () => {
    const doc = changed(uk, (a) => {
      delete a.supply_addresses;
      a.customers[0].landline = 'abcde';
      a.customers[0].mobile = '0123';
    });
    assert.deepEqual(found(gb, doc), ['error phone-number customers.0.landline invalid_phone_number']);
  });

  it('bundled schemas: unchanged (a warning for a number invalid in the market, no Kraken code)', () => {
    const s = changed(seed, (a) => (a.customers[0].mobile = '0123'));
    assert.deepEqual(found(bundled, s), ['warning phone-number customers.0.mobile -']);
  });
});

describe('life-support-contact: Validate life support contact user email (missing_contact_user_email_or_phone)', () => {
  const withLifeSupport = (method: string, change: (a: Json) => void = () => {}, contact?: string) =>
    changed(auAccount, (a) => {
      a.supply_addresses[0].life_support = {
        life_support_date: '2019-01-01',
        life_support_equipment: 'OXYGEN_CONCENTRATOR',
        life_support_status: 'REGISTERED_MEDICAL_CONFIRMATION',
        registration_state: 'SUCESSFULLY_REGISTERED',
        preferred_contact_method: method,
        ...(contact ? { contact_user_email: contact } : {}),
      };
      change(a);
    });
  const noEmails = (a: Json) => a.customers.forEach((c: Json) => delete c.email);
  const noPhones = (a: Json) => a.customers.forEach((c: Json) => Object.assign(c, { mobile: '', landline: null }));
  const path = 'supply_addresses.0.life_support.preferred_contact_method';

  it('EMAIL_ADDRESS: one customer with an email passes; none fails', () => {
    assert.deepEqual(
      found(
        au,
        withLifeSupport('EMAIL_ADDRESS', (a) => a.customers.slice(0, 2).forEach((c: Json) => delete c.email)),
      ),
      [],
    );
    assert.deepEqual(found(au, withLifeSupport('EMAIL_ADDRESS', noEmails)), [
      `error life-support-contact ${path} missing_contact_user_email_or_phone`,
    ]);
  });

  it('PHONE: one landline passes; no mobile or landline fails; POSTAL_ADDRESS needs neither', () => {
    assert.deepEqual(
      found(
        au,
        withLifeSupport('PHONE', (a) => (noPhones(a), (a.customers[2].landline = '0212345678'))),
      ),
      [],
    );
    assert.deepEqual(found(au, withLifeSupport('PHONE', noPhones)), [
      `error life-support-contact ${path} missing_contact_user_email_or_phone`,
    ]);
    assert.deepEqual(
      found(
        au,
        withLifeSupport('POSTAL_ADDRESS', (a) => (noPhones(a), noEmails(a))),
      ),
      [],
    );
  });

  it('a contact_user_email is not judged (it may name a user already in Kraken)', () => {
    assert.deepEqual(found(au, withLifeSupport('PHONE', noPhones, 'carer@example.com')), []);
  });
});
