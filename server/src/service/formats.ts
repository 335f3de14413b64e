/**
 * String formats checked the way Kraken parses them. Kraken is a Django REST Framework service: its DateField and
 * DateTimeField use Django's `parse_date` / `parse_datetime`, which are more lenient than RFC 3339 (single-digit
 * months and days, a space instead of `T`, optional seconds and time zone, a bare date for a date-time). Rejecting
 * what Kraken accepts would be a false error, so these formats accept exactly that and no more.
 */

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATE_BASIC = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[.,]\d{1,9})?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const TIME = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,]\d{1,6})?)?$/;
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (1-12) of the proleptic Gregorian calendar, without a Date object (this runs for every date). */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1];
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function isKrakenDate(s: string): boolean {
  const m = DATE.exec(s) ?? DATE_BASIC.exec(s);
  return !!m && validCalendarDate(+m[1], +m[2], +m[3]);
}

export function isKrakenDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m || !validCalendarDate(+m[1], +m[2], +m[3])) return false;
  if (m[4] !== undefined && +m[4] > 23) return false;
  if (m[5] !== undefined && +m[5] > 59) return false;
  if (m[6] !== undefined && +m[6] > 59) return false;
  return true;
}

export function isKrakenTime(s: string): boolean {
  const m = TIME.exec(s);
  return !!m && +m[1] <= 23 && +m[2] <= 59 && (m[3] === undefined || +m[3] <= 59);
}

/** Kraken's customer email fields accept an empty string (the seed account sends `"email": ""`). */
export function isKrakenEmail(s: string): boolean {
  return s === '' || (s.length <= 254 && EMAIL.test(s));
}

export function isDecimalString(s: string): boolean {
  return DECIMAL.test(s);
}

/** What a format expects, for messages. */
export const FORMAT_HINTS: Record<string, string> = {
  date: 'a date as YYYY-MM-DD, e.g. 2022-01-31',
  'date-time': 'an ISO 8601 date-time, e.g. 2022-01-31T10:00:00Z (a time zone offset such as +01:00 is fine)',
  time: 'a time as HH:MM or HH:MM:SS',
  email: 'an email address such as name@example.com (or an empty string)',
  decimal: 'a decimal number written as a string, e.g. "10.50"',
};

/** Parses a Kraken date or date-time into epoch milliseconds for ordering; undefined when not parseable. */
export function toTimestamp(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = DATE_TIME.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', tz] = m;
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec);
  if (tz && tz !== 'Z' && tz !== 'z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (+digits.slice(0, 2) * 60 + +(digits.slice(2) || '0')) * 60000;
  }
  return Number.isNaN(t) ? undefined : t;
}
