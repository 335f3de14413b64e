/**
 * Kraken's account-level structure validators: what an account of a given type may hold (supply addresses on a
 * portfolio lead or system account, business-only fields on a domestic one), fields the account needs when others
 * are given, and references inside the payload (payment preferences to ledgers and instructions, agreements to the
 * business's contract identifiers, concession cards to one customer).
 */
import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { listQuoted, quote } from './messages';
import { provided } from './provided';
import { nonZero } from './requiredIf';
import { isPlainDay } from './periodDates';
import { isRecord, selectObjects } from './select';
import type { Rule } from './types';
import { objectsOutsideMetadata } from './walk';

type Obj = Record<string, unknown>;

interface Hit {
  at: JsonPath;
  code: string;
  message: string;
  key?: boolean;
}

interface AccountCheck {
  validator: string;
  codes: readonly string[];
  judge(root: Obj, now: Date): Hit[];
}

/** A plain date before today in every time zone (UTC-12 is the latest to reach a day). */
function certainlyPast(v: unknown, now: Date): boolean {
  if (!isPlainDay(v)) return false;
  return v < new Date(now.getTime() - 12 * 3600_000).toISOString().slice(0, 10);
}

/** A plain date after today in every time zone (UTC+14 is the first to reach a day). */
function certainlyFuture(v: unknown, now: Date): boolean {
  if (!isPlainDay(v)) return false;
  return v > new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);
}

/** GB meter points (`supply_periods` ones are not judged: their periods are not read here). */
function gbPoints(root: Obj) {
  return selectObjects(root, 'supply_addresses[].meter_points[]').filter((p) => !('supply_periods' in p.value));
}

/** Billable for certain: open-ended, or ending after today everywhere. */
const billable = (p: Obj, now: Date): boolean =>
  p.supply_end_date === undefined || p.supply_end_date === null || certainlyFuture(p.supply_end_date, now);

function readingDates(point: Obj): Set<string> {
  const out = new Set<string>();
  for (const m of Array.isArray(point.meters) ? point.meters : [])
    for (const list of isRecord(m) ? [m.transfer_readings, m.reading_history] : [])
      for (const r of Array.isArray(list) ? list : [])
        if (isRecord(r) && typeof r.reading_date === 'string') out.add(r.reading_date.slice(0, 10));
  return out;
}

const isLead = (r: Obj): boolean => r.is_portfolio_lead === true || r.account_type === 'PORTFOLIO_LEAD';
/** Certainly not a portfolio lead: neither flag says so. */
const notLead = (r: Obj): boolean => r.is_portfolio_lead !== true && r.account_type !== 'PORTFOLIO_LEAD';

const BUSINESS_ONLY_SUPPLY_TYPES = new Set(['REGOS_EXPORT_CERTIFICATES', 'ROCS_EXPORT_CERTIFICATES']);
const TAX_EXEMPTIONS = ['vat_exemptions', 'ccl_exemptions'] as const;

/** The supply points of a payload with their paths: meter_points[] (GB, AU) and supply_points[] of each supply address. */
function points(root: Obj) {
  return [...selectObjects(root, 'supply_addresses[].meter_points[]'), ...selectObjects(root, 'supply_addresses[].supply_points[]')];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function noSupplyAddress(code: string, what: string, r: Obj): Hit[] {
  return provided(r.supply_addresses)
    ? [
        {
          at: ['supply_addresses'],
          code,
          key: true,
          message: `supply_addresses is given on ${what}: such an account has no supply address. Remove supply_addresses (the supply belongs to the accounts under it).`,
        },
      ]
    : [];
}

export const ACCOUNT_CHECKS: readonly AccountCheck[] = [
  {
    validator: 'Validate that a portfolio lead account has no supply address since it makes no sense for it to have one',
    codes: ['portfolio_lead_has_a_supply_address'],
    judge: (r) => (isLead(r) ? noSupplyAddress('portfolio_lead_has_a_supply_address', 'a portfolio lead account', r) : []),
  },
  {
    validator: 'Validate that a system account has no supply address',
    codes: ['system_account_has_a_supply_address'],
    judge: (r) => (r.account_type === 'SYSTEM' ? noSupplyAddress('system_account_has_a_supply_address', 'a SYSTEM account', r) : []),
  },
  {
    validator:
      'Validate that if historical statement transaction are provided then so is a last statement closing date or last billed to date',
    codes: ['historical_statement_transactions_without_last_statement_closing_date_or_last_billed_to_date'],
    judge: (r) => {
      if (!provided(r.historical_statement_transactions) || provided(r.last_statement_closing_date) || provided(r.last_billed_to_date))
        return [];
      // Any last_billed_to_date under the supply addresses (supply point, meter, register) counts.
      const { objects, paths } = objectsOutsideMetadata(r);
      const below = objects.some((o, i) => provided(o.last_billed_to_date) && paths[i].toPath()[0] === 'supply_addresses');
      return below
        ? []
        : [
            {
              at: ['historical_statement_transactions'],
              code: 'historical_statement_transactions_without_last_statement_closing_date_or_last_billed_to_date',
              key: true,
              message:
                'historical_statement_transactions are given without last_statement_closing_date or any last_billed_to_date: Kraken needs one of them to know when the last statement closed. Add last_statement_closing_date.',
            },
          ];
    },
  },
  {
    validator: 'Validate next bill due date provided for quarterly billing',
    codes: ['next_bill_to_date_not_provided_for_quarterly_billing'],
    judge: (r) => {
      const o = r.account_billing_options;
      if (!isRecord(o) || o.use_industry_billing !== false || o.period_length !== 'QUARTERLY' || provided(r.next_bill_due_date)) return [];
      return [
        {
          at: ['next_bill_due_date'],
          code: 'next_bill_to_date_not_provided_for_quarterly_billing',
          message:
            'next_bill_due_date is required because account_billing_options has use_industry_billing false and period_length QUARTERLY. Add next_bill_due_date.',
        },
      ];
    },
  },
  {
    validator: 'Validate that supply addresses and supply points are provided if account contracts are provided',
    codes: ['account_contracts_without_supply_points'],
    judge: (r) =>
      provided(r.account_contracts) && points(r).length === 0
        ? [
            {
              at: ['account_contracts'],
              code: 'account_contracts_without_supply_points',
              key: true,
              message:
                'account_contracts are given but supply_addresses holds no supply point: add the supply address with its supply points the contracts cover.',
            },
          ]
        : [],
  },
  {
    validator: 'Validate business account has account billing options with `period_start_day` and `period_length`',
    codes: ['business_account_missing_billing_options'],
    judge: (r) => {
      const o = r.account_billing_options;
      if (r.account_type !== 'BUSINESS' || !isRecord(o) || !provided(o) || o.use_industry_billing === true) return [];
      return ['period_start_day', 'period_length']
        .filter((f) => !provided(o[f]))
        .map((f) => ({
          at: ['account_billing_options', f],
          code: 'business_account_missing_billing_options',
          message: `account_billing_options.${f} is required on a BUSINESS account that gives account_billing_options (without them Kraken uses period_start_day 1 and MONTHLY). Add ${f}, or leave account_billing_options out.`,
        }));
    },
  },
  {
    validator: 'Validate that a domestic account does not have any business only supply points',
    codes: ['business_supply_type_on_domestic_account'],
    judge: (r) =>
      r.account_type !== 'DOMESTIC'
        ? []
        : points(r)
            .filter((p) => typeof p.value.supply_type === 'string' && BUSINESS_ONLY_SUPPLY_TYPES.has(p.value.supply_type))
            .map((p) => ({
              at: [...p.path, 'supply_type'],
              code: 'business_supply_type_on_domestic_account',
              message: `supply_type ${quote(p.value.supply_type as string)} is for business accounts only, and this account is DOMESTIC. Remove the supply point, or correct account_type.`,
            })),
  },
  {
    validator: 'Validate tax exemption for appropriate account type',
    codes: ['tax_exemptions_provided_for_domestic_account'],
    judge: (r) =>
      r.account_type !== 'DOMESTIC'
        ? []
        : points(r).flatMap((p) =>
            TAX_EXEMPTIONS.filter((f) => provided(p.value[f])).map((f) => ({
              at: [...p.path, f],
              code: 'tax_exemptions_provided_for_domestic_account',
              key: true,
              message: `${f} is given on a DOMESTIC account: tax exemptions apply only to business accounts. Remove ${f}, or correct account_type.`,
            })),
          ),
  },
  {
    validator: 'Validate portfolio lead communication preference',
    codes: ['invalid_portfolio_lead_communication_preference'],
    judge: (r) =>
      isLead(r) && r.communication_preference === 'PRINT'
        ? [
            {
              at: ['communication_preference'],
              code: 'invalid_portfolio_lead_communication_preference',
              message: 'communication_preference is PRINT on a portfolio lead account: a portfolio lead uses ONLINE. Set it to ONLINE.',
            },
          ]
        : [],
  },
  {
    validator: 'Validate payment terms apply to portfolio',
    codes: ['invalid_apply_to_portfolio'],
    judge: (r) => {
      const t = r.payment_terms;
      if (!isRecord(t)) return [];
      if (isLead(r) && t.apply_to_portfolio === false)
        return [
          {
            at: ['payment_terms', 'apply_to_portfolio'],
            code: 'invalid_apply_to_portfolio',
            message:
              'payment_terms.apply_to_portfolio is false on a portfolio lead account: a lead applies its payment terms to the portfolio. Set it to true.',
          },
        ];
      if (notLead(r) && t.apply_to_portfolio === true)
        return [
          {
            at: ['payment_terms', 'apply_to_portfolio'],
            code: 'invalid_apply_to_portfolio',
            message:
              'payment_terms.apply_to_portfolio is true on an account that is not a portfolio lead: only a lead account can apply terms to its portfolio. Set it to false.',
          },
        ];
      return [];
    },
  },
  {
    validator: 'Validate payment preference `ledger_identifier`',
    codes: ['invalid_payment_preference_ledger_identifier'],
    judge: (r) => {
      // Only judged when the payload lists ledgers: the contracts do not say what happens without them.
      if (!Array.isArray(r.ledgers)) return [];
      const known = selectObjects(r, 'ledgers[]').flatMap((l) => strings([l.value.ledger_identifier]));
      return selectObjects(r, 'payment_preferences[]')
        .filter((p) => typeof p.value.ledger_identifier === 'string' && !known.includes(p.value.ledger_identifier))
        .map((p) => ({
          at: [...p.path, 'ledger_identifier'],
          code: 'invalid_payment_preference_ledger_identifier',
          message: `ledger_identifier ${quote(p.value.ledger_identifier as string)} names no ledger of this payload (ledgers[].ledger_identifier: ${listQuoted(known)}). Correct it, or add the ledger.`,
        }));
    },
  },
  {
    validator: 'Validate that valid instruction_identifier provided for `ACTIVE_NEW` payment preference',
    codes: ['active_new_payment_preference_invalid_instruction_identifier'],
    judge: (r) => {
      const known = selectObjects(r, 'payment_instructions[]').flatMap((i) => strings([i.value.instruction_identifier]));
      return selectObjects(r, 'payment_preferences[]').flatMap((p) => {
        const params = p.value.instruction_reference_params;
        if (p.value.type !== 'ACTIVE_NEW' || !isRecord(params)) return [];
        const id = params.instruction_identifier;
        if (typeof id !== 'string' || known.includes(id)) return [];
        return [
          {
            at: [...p.path, 'instruction_reference_params', 'instruction_identifier'],
            code: 'active_new_payment_preference_invalid_instruction_identifier',
            message: `instruction_identifier ${quote(id)} of an ACTIVE_NEW payment preference names no payment instruction of this payload (payment_instructions[].instruction_identifier: ${listQuoted(known)}). Correct it, or add the instruction.`,
          },
        ];
      });
    },
  },
  {
    validator: 'Validate agreement business contract identifier is declared',
    codes: ['agreement_business_contract_identifier_not_declared'],
    judge: (r) => {
      const b = r.business;
      if (!isRecord(b)) return [];
      const declared = [...strings(b.business_contract_identifiers), ...strings([b.business_contract_identifier])];
      // Only judged when the account declares some: without any, missing_contract_identifier is the finding.
      if (declared.length === 0) return [];
      const out: Hit[] = [];
      const { objects, paths } = objectsOutsideMetadata(r);
      objects.forEach((o, i) => {
        const id = o.business_contract_identifier;
        if (typeof id !== 'string' || declared.includes(id)) return;
        const path = paths[i].toPath();
        if (path[path.length - 2] !== 'agreements') return;
        out.push({
          at: [...path, 'business_contract_identifier'],
          code: 'agreement_business_contract_identifier_not_declared',
          message: `The agreement's business_contract_identifier ${quote(id)} is not one the account declares (business.business_contract_identifiers: ${listQuoted(declared)}). Correct it, or declare it on the business.`,
        });
      });
      return out;
    },
  },
  {
    validator: 'Validate concession card and concession credids paid current year',
    codes: ['concession_cards_too_many_users', 'concession_credits_paid_too_many_users', 'concession_credits_and_cards_too_many_users'],
    judge: (r) => {
      const customers = selectObjects(r, 'customers[]');
      const cards = customers.filter((c) => provided(c.value.concession_cards));
      const credits = customers.filter((c) => nonZero(c.value.concession_credits_paid_current_year));
      const out: Hit[] = [];
      if (cards.length > 1)
        out.push({
          at: [...cards[1].path, 'concession_cards'],
          code: 'concession_cards_too_many_users',
          key: true,
          message: `concession_cards are given on ${cards.length} customers: only one customer of an account may hold concession cards.`,
        });
      if (credits.length > 1)
        out.push({
          at: [...credits[1].path, 'concession_credits_paid_current_year'],
          code: 'concession_credits_paid_too_many_users',
          key: true,
          message: `concession_credits_paid_current_year is given on ${credits.length} customers: only one customer of an account may have concession credits paid.`,
        });
      if (cards.length === 1 && credits.length === 1 && cards[0].value !== credits[0].value)
        out.push({
          at: [...credits[0].path, 'concession_credits_paid_current_year'],
          code: 'concession_credits_and_cards_too_many_users',
          key: true,
          message:
            'concession_credits_paid_current_year is given on a different customer from the one holding concession_cards: both belong to the same customer.',
        });
      return out;
    },
  },
  {
    validator: 'Validate billing address provided',
    codes: ['billing_address_not_provided'],
    judge: (r) => {
      const occupier = r.unknown_occupier === true || (typeof r.account_type === 'string' && r.account_type.includes('OCCUPIER'));
      if (occupier || provided(r.billing_address)) return [];
      return ['billing_address1', 'billing_postcode']
        .filter((f) => !provided(r[f]))
        .map((f) => ({
          at: [f],
          code: 'billing_address_not_provided',
          message: `${f} is required on an account that is not an occupier account (unknown_occupier is not true, account_type is not an OCCUPIER type). Add ${f}, or give billing_address.`,
        }));
    },
  },
  {
    validator: 'Validate primary place of residence without concession card or credits paid or manually defined eligibility periods',
    codes: ['primary_place_of_residence_without_concession_card_or_credits_paid_or_rebate'],
    judge: (r) => {
      const ppr = selectObjects(r, 'supply_addresses[]').find((a) => provided(a.value.primary_place_of_residence_since));
      if (!ppr) return [];
      const eligible = selectObjects(r, 'customers[]').some(
        (c) =>
          provided(c.value.concession_cards) ||
          provided(c.value.concession_credits_paid_current_year) ||
          provided(c.value.manually_defined_eligibility_periods),
      );
      return eligible
        ? []
        : [
            {
              at: [...ppr.path, 'primary_place_of_residence_since'],
              code: 'primary_place_of_residence_without_concession_card_or_credits_paid_or_rebate',
              key: true,
              message:
                'primary_place_of_residence_since is given but no customer has concession_cards, concession_credits_paid_current_year or manually_defined_eligibility_periods: only such a customer can have a primary place of residence. Remove it, or add the concession.',
            },
          ];
    },
  },
  {
    validator: 'Validate that at least one of the meter points needs billing',
    codes: ['no_supply_point_on_supply'],
    judge: (r, now) => {
      const pts = gbPoints(r);
      if (pts.length === 0 || pts.length !== selectObjects(r, 'supply_addresses[].meter_points[]').length) return [];
      if (!pts.every((p) => certainlyPast(p.value.supply_end_date, now))) return [];
      return [
        {
          at: [],
          code: 'no_supply_point_on_supply',
          message: `Every meter point of this account ended supply before today (supply_end_date): Kraken needs at least one billable meter point, open-ended or ending in the future.`,
        },
      ];
    },
  },
  {
    validator: 'Validate that all off supply meter points with meters have a final reading',
    codes: ['no_reading_on_supply_end_date'],
    judge: (r, now) =>
      gbPoints(r)
        .filter((p) => certainlyPast(p.value.supply_end_date, now) && provided(p.value.meters))
        .filter((p) => !readingDates(p.value).has(p.value.supply_end_date as string))
        .map((p) => ({
          at: [...p.path, 'supply_end_date'],
          code: 'no_reading_on_supply_end_date',
          message: `The meter point ended supply on ${p.value.supply_end_date as string} but none of its meters has a reading dated that day (transfer_readings or reading_history): add the final reading.`,
        })),
  },
  {
    validator: 'Validate that all billable meter points have active meters',
    codes: ['meter_point_with_no_meters'],
    judge: (r, now) =>
      gbPoints(r)
        // Some measurement classes are unmetered; the contract does not list which: a point with one is not judged.
        .filter((p) => billable(p.value, now) && !provided(p.value.measurement_class))
        .filter((p) => !(Array.isArray(p.value.meters) ? p.value.meters : []).some((m) => isRecord(m) && !certainlyPast(m.removed_on, now)))
        .map((p) => ({
          at: [...p.path, 'meters'],
          code: 'meter_point_with_no_meters',
          message:
            'The meter point is billable (no supply_end_date, or one in the future) but has no active meter (one without a removed_on in the past): add its current meter, or give its measurement_class if it is unmetered.',
        })),
  },
  {
    validator: 'Validate that terms with supply type matches a supply point supply type',
    codes: ['term_supply_type_mismatch'],
    judge: (r) => {
      const types = points(r)
        .map((p) => p.value.supply_type)
        .filter((t): t is string => typeof t === 'string');
      // Without supply points in the payload (or without their supply_type) there is nothing to match against.
      if (types.length === 0) return [];
      const out: Hit[] = [];
      const { objects, paths } = objectsOutsideMetadata(r);
      objects.forEach((o, i) => {
        const t = o.supply_type;
        if (typeof t !== 'string' || types.includes(t)) return;
        const path = paths[i].toPath();
        if (path[path.length - 2] !== 'terms') return;
        out.push({
          at: [...path, 'supply_type'],
          code: 'term_supply_type_mismatch',
          message: `The term's supply_type ${quote(t)} matches no supply point of this payload (their supply types: ${listQuoted([...new Set(types)])}). Correct it, or add the supply point.`,
        });
      });
      return out;
    },
  },
];

export const accountStructure: Rule = {
  code: 'account-structure',
  severity: 'error',
  doc: "What an account may hold by its type, and what it needs when other fields are given: no supply_addresses on a portfolio lead (is_portfolio_lead true or account_type PORTFOLIO_LEAD) or a SYSTEM account; last_statement_closing_date or a last_billed_to_date (account or anywhere under the supply addresses) with historical_statement_transactions; next_bill_due_date when account_billing_options has use_industry_billing false and period_length QUARTERLY; a supply point with account_contracts; period_start_day and period_length in a BUSINESS account's account_billing_options (not judged with use_industry_billing true); no REGOS/ROCS export-certificate supply points and no vat/ccl exemptions on a DOMESTIC account (other account types are not judged); communication_preference not PRINT on a portfolio lead; payment_terms.apply_to_portfolio true only on, and not false on, a portfolio lead; a payment preference's ledger_identifier names a ledger of the payload (judged only when the payload lists ledgers); an ACTIVE_NEW payment preference's instruction_identifier names one of payment_instructions; an agreement's business_contract_identifier is one the business declares (judged only when it declares some); concession cards on at most one customer, non-zero concession_credits_paid_current_year on at most one, and the same one; billing_address1 and billing_postcode (or billing_address) unless unknown_occupier is true or account_type is an OCCUPIER type; a primary_place_of_residence_since only when a customer has concession cards, concession credits paid or manually defined eligibility periods; GB meter points (those with supply_periods are not judged): not all ended before today, a reading dated the supply_end_date on a point that ended before today and has meters, an active meter (no removed_on in the past) on a point that is open-ended or ends after today unless it gives a measurement_class (the unmetered classes are not listed). a term (terms[]) with a supply_type matches a supply point's supply_type (judged when the payload has supply points with supply_type). Today is ctx.now, past and future only where certain in every time zone. Errors with Kraken's code where the contract in force declares the validator on the account. Not checked under the bundled schemas: the seed pages do not state it.",
  kinds: ['account', 'account-v2-create'],
  appliesTo: [
    'supply_addresses',
    'historical_statement_transactions',
    'next_bill_due_date',
    'account_contracts',
    'account_billing_options.period_start_day',
    'account_billing_options.period_length',
    '*.supply_type',
    '*.vat_exemptions',
    '*.ccl_exemptions',
    'communication_preference',
    'payment_terms.apply_to_portfolio',
    'payment_preferences[].ledger_identifier',
    'payment_preferences[].instruction_reference_params.instruction_identifier',
    '*.business_contract_identifier',
    'customers[].concession_cards',
    'customers[].concession_credits_paid_current_year',
    'billing_address1',
    'billing_postcode',
    'supply_addresses[].primary_place_of_residence_since',
    'supply_addresses[].meter_points[].supply_end_date',
    'supply_addresses[].meter_points[].meters',
    '*.terms[].supply_type',
  ],
  implements: ACCOUNT_CHECKS.map((c) => ({ name: c.validator, codes: c.codes })),
  check(ctx) {
    const root = ctx.root;
    if (!ctx.underContract || !isRecord(root)) return;
    const declared = ctx.declared([]);
    if (!declared) return;
    for (const c of ACCOUNT_CHECKS) {
      if (!c.codes.some((code) => declared.errors.has(code))) continue;
      for (const hit of c.judge(root, ctx.now)) {
        const a = activation(ctx, [[]], [c.validator], hit.code, undefined);
        if (!a) continue;
        ctx.report(hit.at, hit.message, { severity: a.severity, target: hit.key ? 'key' : undefined, data: findingData(a, {}) });
      }
    }
  },
};
