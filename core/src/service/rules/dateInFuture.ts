import { parseKrakenDateTime, timestampOf } from '../formats';
import type { JsonPath, Severity } from '../types';
import { activation, findingData } from './declared';
import type { Rule, RuleContext } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/** A field Kraken declares must not be in the future, and the validator(s) that say so. */
interface FutureField {
  field: string;
  /** Validator names as the contracts write them (declared on the field or on the object holding it). */
  validators: readonly string[];
  code: string;
  /** Severity under the bundled schemas (undefined: not checked there). */
  bundled?: Severity;
  what: string;
}

const FIELDS: readonly FutureField[] = [
  // Every transaction type of both contracts; the seed pages do not say it, hence a warning under the bundled schemas.
  {
    field: 'transaction_date',
    validators: ['Validate transaction date'],
    code: 'transaction_in_future',
    bundled: 'warning',
    what: 'A transaction',
  },
  { field: 'signed_at', validators: ['Validate `signed_at` not in the future'], code: 'date_in_future', what: 'A consent' },
  {
    field: 'smart_commissioned_on',
    validators: ['Validate that the commissioned on date is valid'],
    code: 'future_smart_meter_commission_date',
    what: 'A smart meter',
  },
  {
    field: 'applied_at',
    validators: ['Validate payment adequacy change applied in past'],
    code: 'payment_adequacy_invalid_dates',
    what: 'A payment adequacy change',
  },
  {
    field: 'created_at',
    validators: ['Validate payment adequacy change created in past'],
    code: 'payment_adequacy_invalid_dates',
    what: 'A payment adequacy change',
  },
  {
    field: 'last_payment_review_date',
    validators: ['Validate last payment review date is not future dated'],
    code: 'last_payment_review_date_is_future_dated',
    what: 'The last payment review',
  },
];

const BY_FIELD = new Map<string, FutureField[]>();
for (const f of FIELDS) BY_FIELD.set(f.field, [...(BY_FIELD.get(f.field) ?? []), f]);
const KEYS = indexedKeys(BY_FIELD.keys());

/** The widest UTC offset (UTC+14): no Kraken instance's "today" is later than the UTC date 14 hours from now. */
const WIDEST_OFFSET_MS = 14 * 3600 * 1000;

/**
 * True when `value` is after "now" wherever Kraken runs: a date after today's date in UTC+14; a date-time with a
 * zone after now; one without a zone (Kraken's local time) after now even read in UTC+14. Undefined: unreadable.
 */
export function certainlyInFuture(value: string, now: Date): boolean | undefined {
  const p = parseKrakenDateTime(value.trim());
  const t = p && timestampOf(p);
  if (!p || t === undefined) return undefined;
  if (p.dateOnly) return p.year * 10000 + p.month * 100 + p.day > latestToday(now.getTime());
  return p.offsetMinutes !== undefined ? t > now.getTime() : t - WIDEST_OFFSET_MS > now.getTime();
}

let today: { now: number; day: number } | undefined;

/** Today's date in UTC+14 as YYYYMMDD (a number), for the clock reading `now` (the last one kept: one clock a run). */
function latestToday(now: number): number {
  if (today?.now !== now) {
    today = { now, day: utcDayNumber(now + WIDEST_OFFSET_MS) };
  }
  return today.day;
}

/**
 * The day (YYYYMMDD) three days before `now` in UTC: any date or date-time on that day or earlier is in the past
 * wherever Kraken runs, whatever its time and zone (a zone is less than a day from UTC).
 */
export function longPast(now: number): number {
  return utcDayNumber(now - 3 * 86_400_000);
}

/** The UTC date of an instant (ms) as YYYYMMDD, a number. */
function utcDayNumber(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** YYYYMMDD of the "YYYY-MM-DD" a value starts with (not checked as a calendar date), or -1. */
export function leadingDay(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -1;
  let day = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    day = day * 10 + c;
  }
  return day;
}

export const dateInFuture: Rule = {
  code: 'date-in-future',
  severity: 'error',
  doc: "Dates Kraken declares must not be in the future: transaction dates (transaction_in_future), consents' signed_at (date_in_future), smart meters' commissioning date, payment adequacy changes, the last payment review date. Error with Kraken's code where the contract in force declares the validator; under the bundled schemas only transaction dates, as a warning (the seed pages do not state it). \"Now\" is the validation's clock; a date counts as future only when it is after today in every time zone (UTC+14), so Kraken's own clock cannot disagree.",
  kinds: ['account', 'account-v2-create', 'transactions', 'statements'],
  appliesTo: FIELDS.map((f) =>
    f.field === 'applied_at' || f.field === 'created_at' ? `payment_adequacy_changes[].${f.field}` : `*.${f.field}`,
  ),
  implements: FIELDS.map((f) => ({ name: f.validators[0], codes: [f.code] })),
  check(ctx: RuleContext) {
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    const past = longPast(ctx.now.getTime());
    for (const o of holders) {
      const obj = objects[o];
      for (const key in obj) {
        const fields = BY_FIELD.get(key);
        const value = obj[key];
        // Nearly every date is in the past: only a future one costs its paths and the contract lookup, and one on a
        // day long past is known from its first ten characters without reading it whole.
        if (!fields || typeof value !== 'string') continue;
        const day = leadingDay(value);
        if ((day !== -1 && day <= past) || certainlyInFuture(value, ctx.now) !== true) continue;
        const objPath = paths[o].toPath();
        const fieldPath: JsonPath = [...objPath, key];
        for (const f of fields) {
          const a = activation(ctx, [fieldPath, objPath], f.validators, f.code, f.bundled);
          if (!a) continue;
          ctx.report(
            fieldPath,
            `${f.what} cannot be dated in the future: ${key} is ${value}, after today (${ctx.now.toISOString().slice(0, 10)}). Kraken rejects it${a.krakenCode ? ` with ${a.krakenCode}` : ''}.`,
            {
              severity: a.severity,
              data: findingData(a, { today: ctx.now.toISOString().slice(0, 10) }),
            },
          );
          break;
        }
      }
    }
  },
};
