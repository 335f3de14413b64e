import { validatorKey } from '../contract/validators';
import { toTimestamp } from '../formats';
import type { Severity } from '../types';
import type { DeclaredAt, Rule } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

interface Pair {
  from: string;
  to: string;
  /**
   * `error` where a served Kraken contract declares the check on the objects that carry the pair
   * (`start_date_later_than_end_date` and friends); `warning` where it is not published (German market data, whose
   * contract is not public) or where the contract declares no check (statements' bill periods, GB meters).
   */
  severity: Severity;
  /** Only on objects held under one of these keys (the array or property name); any object when absent. */
  within?: ReadonlySet<string>;
  /** The sentence after "X is before Y:". */
  why?: string;
}

const PERIOD = 'a period cannot end before it starts';

/** Start/end pairs, first match wins for an object. */
const PAIRS: readonly Pair[] = [
  // Declared by Kraken: ElectricityAgreement / GasAgreement, Electricity/GasMeterPoint, LineItem, PaymentSchedule,
  // CommissionContract, ContributionScheme(Period), PropertyAdministrator, ConfigurationPeriod, AQ history,
  // capacity values: `start_date_later_than_end_date`.
  { from: 'effective_from', to: 'effective_to', severity: 'error' },
  { from: 'supply_start_date', to: 'supply_end_date', severity: 'error' },
  { from: 'start_date', to: 'end_date', severity: 'error' },
  // PartnerOrganisation: `start_date_later_than_end_date`; elsewhere valid_from/valid_to is German market data
  // (operators, load profiles, balancing periods, gateways) or an AU payment instruction, with no published check.
  { from: 'valid_from', to: 'valid_to', severity: 'error', within: new Set(['partner_organisations']) },
  { from: 'valid_from', to: 'valid_to', severity: 'warning' },
  // v2 task_params: `schedule_window_start__after_end`.
  { from: 'schedule_window_start', to: 'schedule_window_end', severity: 'error', why: 'the task window cannot end before it starts' },
  // Note: `note_unpin_at_earlier_than_creation_date` ("Has to be later than created_at if this is provided").
  {
    from: 'created_at',
    to: 'unpin_at',
    severity: 'error',
    within: new Set(['notes']),
    why: 'Kraken requires unpin_at to be later than created_at, pinned or not',
  },
  { from: 'active_from', to: 'active_to', severity: 'warning' },
  { from: 'active_from_date', to: 'active_to_date', severity: 'warning' },
  { from: 'bill_period_from_date', to: 'bill_period_to_date', severity: 'warning' },
  { from: 'customer_at_supply_address_from_date', to: 'customer_at_supply_address_to_date', severity: 'warning' },
  { from: 'installed_on', to: 'removed_on', severity: 'warning', why: 'a meter cannot be removed before it was installed' },
  { from: 'start_date', to: 'expiry_date', severity: 'warning' },
  // Declared by the contracts on some schemas (contribution schemes, capacity values and configuration periods,
  // eligibility periods); elsewhere not published.
  { from: 'active_period_start_date', to: 'active_period_end_date', severity: 'warning' },
  { from: 'effective_from_date', to: 'effective_to_date', severity: 'warning' },
  { from: 'start_at', to: 'end_at', severity: 'warning' },
];

/** `Validate `to` not before [or equal to] `from``: the contracts' date-pair validators. */
const DECLARED_PAIR = /^validate (\w+) not before( or equal to)? (\w+)$/;

/** TaskParameters' validator that fills in the v2 schedule window and checks its order (equal times are not flagged). */
const SCHEDULE_WINDOW = 'Populate start and end date times, and ensures start is before end';
const SCHEDULE_WINDOW_KEY = validatorKey(SCHEDULE_WINDOW);

/** The pairs a schema declares: `from>to` -> strict (not equal either) and Kraken's code. */
function declaredPairs(d: DeclaredAt | undefined): Map<string, { strict: boolean; code: string }> {
  const out = new Map<string, { strict: boolean; code: string }>();
  for (const name of d?.names ?? []) {
    const m = DECLARED_PAIR.exec(name);
    if (m) out.set(`${m[3]}>${m[1]}`, { strict: !!m[2], code: m[2] ? 'start_date_same_as_end_date' : 'start_date_later_than_end_date' });
    else if (name === SCHEDULE_WINDOW_KEY)
      out.set('schedule_window_start>schedule_window_end', { strict: false, code: 'schedule_window_start__after_end' });
  }
  return out;
}

/** The validator names the date-pair family implements (every pair some contract declares). */
const IMPLEMENTED_PAIRS: ReadonlyArray<[string, string, boolean]> = [
  ['effective_from', 'effective_to', false],
  ['effective_from', 'effective_to', true],
  ['supply_start_date', 'supply_end_date', false],
  ['start_date', 'end_date', false],
  ['start_date', 'expiry_date', true],
  ['valid_from', 'valid_to', false],
  ['valid_from', 'valid_to', true],
  ['active_period_start_date', 'active_period_end_date', false],
  ['effective_from_date', 'effective_to_date', false],
  ['start_at', 'end_at', false],
];

/**
 * For each pair, the index of the first pair with the same from/to keys: an object is checked once per key pair
 * (the first matching entry decides its severity). Computed once; per object the "done" set is a bit mask (so at
 * most 32 pairs).
 */
const PAIR_GROUP: readonly number[] = PAIRS.map((p, i) => PAIRS.findIndex((q, j) => j <= i && q.from === p.from && q.to === p.to));

/** The pairs (indices into PAIRS, in order) by their end key: an object is read by its own keys, not once per pair. */
const PAIRS_BY_END = new Map<string, number[]>();
PAIRS.forEach((p, i) => PAIRS_BY_END.set(p.to, [...(PAIRS_BY_END.get(p.to) ?? []), i]));
const END_KEYS = indexedKeys(PAIRS_BY_END.keys());

/** How precisely a value pins down an instant: a date, a date-time without zone (Kraken's local time), or with zone. */
function precision(s: string): 'date' | 'local' | 'zoned' {
  if (!/[T ]\d/.test(s.trim())) return 'date';
  return /(?:Z|z|[+-]\d{2}(?::?\d{2})?)\s*$/.test(s.trim()) ? 'zoned' : 'local';
}

/**
 * The end must be this much before the start before we are certain: 0 when both are written the same way; when
 * one is a date and the other a date-time, or one has a zone and the other not, a whole day plus the widest zone
 * offset (14 h), so that no reading of the two values can make the order right.
 */
const MIXED_MARGIN_MS = (24 + 14) * 3600 * 1000;

export const dateOrder: Rule = {
  code: 'date-order',
  severity: 'error',
  doc: 'A period must not end before it starts. Error where a Kraken contract declares the check (agreements, supply dates, start_date/end_date, partner organisations, the v2 schedule window, note unpin_at); warning for the other pairs (German operators, profiles, balancing periods, meters and registers; bill periods; GB meters; move-out), whose check is not published.',
  kinds: ['account', 'account-v2-create', 'transactions', 'statements', 'notes'],
  appliesTo: [...new Set(PAIRS.flatMap((p) => [`*.${p.from}`, `*.${p.to}`]))],
  implements: [
    ...IMPLEMENTED_PAIRS.map(([from, to, strict]) => ({
      name: `Validate \`${to}\` not before ${strict ? 'or equal to ' : ''}\`${from}\``,
      codes: [strict ? 'start_date_same_as_end_date' : 'start_date_later_than_end_date'],
    })),
    { name: SCHEDULE_WINDOW, codes: ['schedule_window_start__after_end'] },
  ],
  check(ctx) {
    // metadata[].value is the customer's free-form data, stored as given: not periods Kraken checks.
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, END_KEYS);
    for (const o of holders) {
      const obj = objects[o];
      const path = paths[o];
      // The key the object is held under: its array's key for an array item.
      const holder = typeof path.key === 'number' ? path.parent?.key : path.key;
      let done = 0; // bit PAIR_GROUP[i]: that key pair is checked
      let declared: Map<string, { strict: boolean; code: string }> | undefined;
      for (const end in obj) {
        const candidates = PAIRS_BY_END.get(end);
        if (candidates === undefined) continue;
        const b = obj[end];
        if (typeof b !== 'string') continue;
        for (const i of candidates) {
          const pair = PAIRS[i];
          if (pair.within && (typeof holder !== 'string' || !pair.within.has(holder))) continue;
          const group = 1 << PAIR_GROUP[i];
          if (done & group) continue;
          const a = obj[pair.from];
          if (typeof a !== 'string') continue;
          done |= group;
          const startsAt = toTimestamp(a);
          const endsAt = toTimestamp(b);
          // An end after the start passes whatever the margin: only the others need the two values' precision.
          if (startsAt === undefined || endsAt === undefined || endsAt > startsAt) continue;
          const margin = precision(a) === precision(b) ? 0 : MIXED_MARGIN_MS;
          // Under a contract: an error with Kraken's code where this schema declares the pair, a warning elsewhere.
          let strict = false;
          let krakenCode: string | undefined;
          let severity = pair.severity;
          if (ctx.underContract) {
            declared ??= declaredPairs(ctx.declared(path.toPath()));
            const d = declared.get(`${pair.from}>${pair.to}`);
            if (d === undefined) severity = 'warning';
            else {
              severity = 'error';
              strict = d.strict;
              krakenCode = d.code;
            }
          }
          const equal = margin === 0 && startsAt === endsAt;
          if (!(startsAt - endsAt > margin || (strict && equal))) continue;
          ctx.report(
            [...path.toPath(), pair.to],
            equal
              ? `${pair.to} (${b}) is the same as ${pair.from} (${a}): Kraken requires ${pair.to} to be strictly later (${krakenCode}).`
              : `${pair.to} (${b}) is before ${pair.from} (${a}): ${pair.why ?? PERIOD}. Correct one of the two dates.${krakenCode ? ` (Kraken: ${krakenCode})` : ''}`,
            { severity, data: { from: pair.from, to: pair.to, ...(krakenCode ? { krakenCode } : {}) } },
          );
        }
      }
    }
  },
};
