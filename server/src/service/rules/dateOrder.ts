import { toTimestamp } from '../formats';
import type { Severity } from '../types';
import type { Rule } from './types';
import { objectsOutsideMetadata } from './walk';

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
  doc:
    'A period must not end before it starts. Error where a Kraken contract declares the check (agreements, supply dates, start_date/end_date, partner organisations, the v2 schedule window, note unpin_at); warning for the other pairs (German operators, profiles, balancing periods, meters and registers; bill periods; GB meters; move-out), whose check is not published.',
  kinds: ['account', 'account-v2-create', 'transactions', 'statements', 'notes'],
  appliesTo: [...new Set(PAIRS.flatMap((p) => [`*.${p.from}`, `*.${p.to}`]))],
  check(ctx) {
    // metadata[].value is the customer's free-form data, stored as given: not periods Kraken checks.
    const { objects, paths } = objectsOutsideMetadata(ctx.root);
    for (let o = 0; o < objects.length; o++) {
      const obj = objects[o];
      const path = paths[o];
      // The key the object is held under: its array's key for an array item.
      const holder = typeof path.key === 'number' ? path.parent?.key : path.key;
      let done = 0; // bit PAIR_GROUP[i]: that key pair is checked
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
          if (startsAt === undefined || endsAt === undefined) continue;
          const margin = precision(a) === precision(b) ? 0 : MIXED_MARGIN_MS;
          if (startsAt - endsAt <= margin) continue;
          ctx.report(
            [...path.toPath(), pair.to],
            `${pair.to} (${b}) is before ${pair.from} (${a}): ${pair.why ?? PERIOD}. Correct one of the two dates.`,
            { severity: pair.severity, data: { from: pair.from, to: pair.to } },
          );
        }
      }
    }
  },
};
