import { toTimestamp } from '../formats';
import type { JsonPath } from '../types';
import { activation, findingData, type Activation } from './declared';
import { dayOf } from './periodDates';
import type { Rule, RuleContext } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/**
 * Two dates of one object Kraken orders: `later` must not be before `earlier`. Only a strictly reversed order is
 * flagged, even where the text says "after" or "greater than": equal dates are left to Kraken (the text does not
 * always say whether they pass).
 */
interface Order {
  validator: string;
  code: string;
  /** Dotted paths inside the object (`additional_information.first_payment_date`). */
  earlier: string;
  later: string;
  /** `instant`: date-times compared as instants (only when certainly reversed); `date`: calendar dates. */
  as: 'date' | 'instant';
  what: string;
  /** The field the finding is on: `later` unless the validator names the earlier one. */
  reportAt?: 'earlier';
}

const CONCESSION = 'Validate concession card dates';
const PAYMENT_DATES = 'Validate payment dates';

const ORDERS: readonly Order[] = [
  {
    validator: 'Validate from time not after to time',
    code: 'from_time_not_after_to_time',
    earlier: 'from_time',
    later: 'to_time',
    as: 'instant',
    what: 'the emissions period cannot end before it starts',
  },
  {
    validator: 'Validate payment adequacy change created before applied',
    code: 'payment_adequacy_invalid_dates',
    earlier: 'created_at',
    later: 'applied_at',
    as: 'instant',
    what: 'a payment adequacy change cannot be applied before it was created',
  },
  {
    validator: 'Validate debt repayment end date is not later than schedule end date',
    code: 'debt_repayment_end_date_after_schedule_end_date',
    earlier: 'debt_repayment_end_date',
    later: 'end_date',
    as: 'date',
    what: 'the debt repayment must end by the end of the payment schedule',
    reportAt: 'earlier',
  },
  ...(
    [
      ['card_issue_date', 'card_expiry_date', 'a card cannot expire before it is issued'],
      ['applies_from_date', 'applies_to_date', 'the card cannot stop applying before it starts'],
      ['card_issue_date', 'applies_from_date', 'the card cannot apply before it is issued'],
      ['applies_to_date', 'card_expiry_date', 'the card cannot apply after it expires'],
    ] as const
  ).map(([earlier, later, what]): Order => ({
    validator: CONCESSION,
    code: 'invalid_concession_cards_dates',
    earlier,
    later,
    as: 'date',
    what,
  })),
  {
    validator: PAYMENT_DATES,
    code: 'invalid_dates',
    earlier: 'additional_information.first_payment_date',
    later: 'last_payment_date',
    as: 'date',
    what: 'the last payment cannot be before the first',
  },
  {
    validator: PAYMENT_DATES,
    code: 'invalid_next_payment_date',
    earlier: 'next_payment_date',
    later: 'last_payment_date',
    as: 'date',
    what: 'the last payment cannot be before the next one',
  },
  {
    validator: PAYMENT_DATES,
    code: 'invalid_first_payment_date',
    earlier: 'additional_information.plan_start_date',
    later: 'additional_information.first_payment_date',
    as: 'date',
    what: 'the first payment cannot be before the plan starts',
  },
];

/** Each order with its two fields' paths inside the object, split once. */
const ORDER_PATHS = ORDERS.map((order) => ({ order, earlier: order.earlier.split('.'), later: order.later.split('.') }));

/**
 * The objects this rule reads, from the shared walk: those holding a later date (its first key: an order needs both
 * dates), instalments or a next validation date. A 10 MB account's tens of thousands of transactions hold none.
 */
const KEYS = indexedKeys([...ORDER_PATHS.map((o) => o.later[0]), 'instalments', 'next_validation_date']);

function at(obj: Record<string, unknown>, keys: readonly string[]): unknown {
  let v: unknown = obj;
  for (const k of keys) v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** A date-time with or without a zone: the latter is Kraken's local time, up to 14 h either way. */
function zoned(s: string): boolean {
  return /(?:Z|z|[+-]\d{2}(?::?\d{2})?)$/.test(s.trim()) && /[T ]\d/.test(s.trim());
}

/** True when `later` is certainly before `earlier`. */
function reversed(o: Order, earlier: unknown, later: unknown): boolean {
  if (o.as === 'date') {
    const a = dayOf(earlier);
    const b = dayOf(later);
    return !!a && !!b && b < a;
  }
  if (typeof earlier !== 'string' || typeof later !== 'string') return false;
  const a = toTimestamp(earlier);
  const b = toTimestamp(later);
  if (a === undefined || b === undefined) return false;
  const margin =
    zoned(earlier) === zoned(later) && /[T ]\d/.test(earlier.trim()) === /[T ]\d/.test(later.trim()) ? 0 : (24 + 14) * 3600_000;
  return a - b > margin;
}

/** A payment schedule's instalments fall between its start_date and end_date (both days included). */
const INSTALMENTS = 'Validate instalment payment date is within payment schedule active period';
const INSTALMENTS_CODE = 'payment_instalments_date_outside_of_payment_schedule_active_period';

function checkInstalments(ctx: RuleContext, obj: Record<string, unknown>, path: JsonPath, a: Activation): void {
  const start = dayOf(obj.start_date);
  const end = dayOf(obj.end_date);
  if (!start || !Array.isArray(obj.instalments)) return;
  obj.instalments.forEach((ins, i) => {
    const d = ins !== null && typeof ins === 'object' ? dayOf((ins as Record<string, unknown>).payment_date) : undefined;
    if (!d || (d >= start && (!end || d <= end))) return;
    ctx.report(
      [...path, 'instalments', i, 'payment_date'],
      `This instalment is due on ${d}, outside the payment schedule's active period (${start} to ${end ?? 'open-ended'}): Kraken rejects it${a.krakenCode ? ` (${INSTALMENTS_CODE})` : ''}. Move the payment date into the period or change the schedule's dates.`,
      { severity: a.severity, data: findingData(a, { startDate: start, ...(end ? { endDate: end } : {}) }) },
    );
  });
}

/** The earliest "today" anywhere (UTC-12): a date on or before it is not in the future now, nor when sent later. */
function earliestToday(now: Date): string {
  return new Date(now.getTime() - 12 * 3600_000).toISOString().slice(0, 10);
}

/** A concession card's next_validation_date must be in the future: flagged when it is today or earlier everywhere. */
function checkNextValidation(ctx: RuleContext, obj: Record<string, unknown>, path: JsonPath): void {
  const next = dayOf(obj.next_validation_date);
  const today = earliestToday(ctx.now);
  if (!next || next > today) return;
  const a = activation(ctx, [path], [CONCESSION], 'invalid_concession_cards_dates', undefined);
  if (!a) return;
  ctx.report(
    [...path, 'next_validation_date'],
    `next_validation_date (${next}) is not in the future (today is ${today} or later everywhere): Kraken requires the card's next validation to be ahead${a.krakenCode ? ' (Kraken: invalid_concession_cards_dates)' : ''}. Give the date the card is next due to be validated.`,
    { severity: a.severity, data: findingData(a, { today }) },
  );
}

export const orderedDates: Rule = {
  code: 'ordered-dates',
  severity: 'error',
  doc: 'Dates Kraken orders within one object, where the contract in force declares the validator on it (errors with Kraken\'s code): net emissions from_time/to_time, payment adequacy created_at/applied_at, a payment schedule\'s debt_repayment_end_date not after its end_date and its instalments\' payment_date within start_date..end_date, concession cards (issue ≤ applies from ≤ applies to ≤ expiry, issue ≤ expiry), payment plans (plan start ≤ first payment ≤ last payment, next payment ≤ last payment). Only a strictly reversed order is flagged: where the text says "after" or "greater than", equal dates are left to Kraken; date-times without and with a zone are compared only when no reading of the zone can fix the order. Which of the payment plan\'s three codes Kraken gives for which pair is read from their names. A concession card\'s next_validation_date must be in the future: flagged when it is on or before the earliest "today" anywhere (UTC-12), which stays true whenever the payload is sent. Not checked under the bundled schemas.',
  kinds: ['account'],
  appliesTo: [...new Set(ORDERS.map((o) => `*.${o.later}`)), '*.instalments[].payment_date'],
  implements: [
    ...[...new Set(ORDERS.map((o) => o.validator))].map((name) => ({
      name,
      codes: [...new Set(ORDERS.filter((o) => o.validator === name).map((o) => o.code))],
    })),
    { name: INSTALMENTS, codes: [INSTALMENTS_CODE] },
  ],
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const i of holders) {
      const obj = objects[i];
      let path: JsonPath | undefined;
      if (Array.isArray(obj.instalments)) {
        path = paths[i].toPath();
        const a = activation(ctx, [path], [INSTALMENTS], INSTALMENTS_CODE, undefined);
        if (a) checkInstalments(ctx, obj, path, a);
      }
      if ('next_validation_date' in obj && 'card_number' in obj) checkNextValidation(ctx, obj, (path ??= paths[i].toPath()));
      for (const { order: o, earlier: earlierKeys, later: laterKeys } of ORDER_PATHS) {
        const earlier = at(obj, earlierKeys);
        const later = at(obj, laterKeys);
        if (!reversed(o, earlier, later)) continue;
        path ??= paths[i].toPath();
        const a = activation(ctx, [path], [o.validator], o.code, undefined);
        if (!a) continue;
        ctx.report(
          [...path, ...(o.reportAt === 'earlier' ? o.earlier : o.later).split('.')],
          `${o.later} (${String(later)}) is before ${o.earlier} (${String(earlier)}): ${o.what}. Correct one of the two${a.krakenCode ? ` (Kraken: ${o.code})` : ''}.`,
          { severity: a.severity, data: findingData(a, { earlier: o.earlier, later: o.later }) },
        );
      }
    }
  },
};
