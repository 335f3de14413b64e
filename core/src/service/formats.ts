/**
 * String formats checked the way Kraken parses them. Kraken is a Django REST Framework service: its DateField and
 * DateTimeField use Django's `parse_date` / `parse_datetime`, which are more lenient than RFC 3339 (single-digit
 * months and days, a space instead of `T`, optional seconds and time zone, a bare date for a date-time). Rejecting
 * what Kraken accepts would be a false error, so these formats accept exactly that and no more.
 */

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

/** A parsed date-time: calendar fields and, when given, the offset in minutes east of UTC. */
export interface ParsedDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Undefined: no zone (Kraken's local time). */
  offsetMinutes?: number;
  /** True when the value was a date without a time. */
  dateOnly: boolean;
}

/** ISO week date -> calendar date (ISO 8601: week 1 holds the year's first Thursday). */
function fromIsoWeek(year: number, week: number, weekday: number): [number, number, number] | undefined {
  if (week < 1 || weekday < 1 || weekday > 7) return undefined;
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = new Date(jan4).getUTCDay() || 7;
  const weeksInYear = (() => {
    const dec28 = new Date(Date.UTC(year, 11, 28));
    const dec28Weekday = dec28.getUTCDay() || 7;
    const firstMonday = jan4 - (jan4Weekday - 1) * 86400000;
    return Math.floor((dec28.getTime() - (dec28Weekday - 1) * 86400000 - firstMonday) / (7 * 86400000)) + 1;
  })();
  if (week > weeksInYear) return undefined;
  const t = jan4 - (jan4Weekday - 1) * 86400000 + ((week - 1) * 7 + weekday - 1) * 86400000;
  const d = new Date(t);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** The number of the two ASCII digits at `i` and `i + 1`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * What the fast paths below read, left in these fields rather than in a new object: every payload date goes through
 * here (an account holds tens of thousands), and most are only checked or turned into a timestamp. Read them right
 * after a scan that returned true; the next scan overwrites them.
 */
let scanYear = 0;
let scanMonth = 0;
let scanDay = 0;
let scanHour = 0;
let scanMinute = 0;
let scanSecond = 0;
let scanOffset: number | undefined;
let scanDateOnly = false;

/**
 * The common date form, YYYY-MM-DD of a real calendar date, read without a regex into the scan fields. False for
 * anything else, which the general parsers then read: the fast paths only shorten what those would accept
 * (test/unit/formatsFastPath.test.ts holds the two to the same answers on generated near-dates).
 */
function scanPlainIsoDate(s: string): boolean {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const hi = twoDigits(s, 0);
  const lo = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (hi < 0 || lo < 0 || month < 0 || day < 0) return false;
  const year = hi * 100 + lo;
  if (!validCalendarDate(year, month, day)) return false;
  scanYear = year;
  scanMonth = month;
  scanDay = day;
  return true;
}

/**
 * The common date-time forms, YYYY-MM-DD, and YYYY-MM-DD{T| }HH:MM:SS with an optional fraction and an optional zone
 * (Z or ±HH:MM), read without a regex into the scan fields; what they hold is what `pythonFromIsoFormat` returns.
 * False: not one of these forms (or out of range), left to the general parser.
 */
function scanPlainIsoDateTime(s: string): boolean {
  if (!scanPlainIsoDate(s)) return false;
  if (s.length === 10) {
    scanHour = scanMinute = scanSecond = 0;
    scanOffset = undefined;
    scanDateOnly = true;
    return true;
  }
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || s.length < 19 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  let at = 19;
  const mark = s.charCodeAt(at);
  if (mark === 46 || mark === 44) {
    const first = ++at;
    for (let c = s.charCodeAt(at); c >= 48 && c <= 57; c = s.charCodeAt(++at));
    if (at === first) return false;
  }
  let offsetMinutes: number | undefined;
  if (at === s.length) offsetMinutes = undefined;
  else if (at === s.length - 1 && s.charCodeAt(at) === 90) offsetMinutes = 0;
  else if (at === s.length - 6 && s.charCodeAt(at + 3) === 58) {
    const sign = s.charCodeAt(at);
    const oh = twoDigits(s, at + 1);
    const om = twoDigits(s, at + 4);
    if ((sign !== 43 && sign !== 45) || oh < 0 || oh > 23 || om < 0 || om > 59) return false;
    offsetMinutes = (sign === 45 ? -1 : 1) * (oh * 60 + om);
  } else return false;
  scanHour = hour;
  scanMinute = minute;
  scanSecond = second;
  scanOffset = offsetMinutes;
  scanDateOnly = false;
  return true;
}

/** The scan fields as a parsed date-time (a date alone has no offsetMinutes key, as pythonFromIsoFormat's). */
function scanned(): ParsedDateTime {
  if (scanDateOnly) return { year: scanYear, month: scanMonth, day: scanDay, hour: 0, minute: 0, second: 0, dateOnly: true };
  return {
    year: scanYear,
    month: scanMonth,
    day: scanDay,
    hour: scanHour,
    minute: scanMinute,
    second: scanSecond,
    offsetMinutes: scanOffset,
    dateOnly: false,
  };
}

/** Python 3.11 `date.fromisoformat`: YYYY-MM-DD, YYYYMMDD, YYYY-Www[-D], YYYYWww[D]. */
function pythonIsoDate(s: string): [number, number, number] | undefined {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return validCalendarDate(+m[1], +m[2], +m[3]) ? [+m[1], +m[2], +m[3]] : undefined;
  m = /^(\d{4})-W(\d{2})(?:-(\d))?$/.exec(s) ?? /^(\d{4})W(\d{2})(\d)?$/.exec(s);
  if (m && +m[1] >= 1) return fromIsoWeek(+m[1], +m[2], m[3] === undefined ? 1 : +m[3]);
  return undefined;
}

/** Where Python 3.11's `datetime.fromisoformat` expects the date/time separator (`_find_isoformat_datetime_separator`). */
function separatorIndex(s: string): number {
  if (s.length === 7) return 7;
  if (s[4] === '-') {
    if (s[5] === 'W') {
      if (s.length > 8 && s[8] === '-') return s.length > 10 && /\d/.test(s[10] ?? '') ? 8 : 10;
      return 8;
    }
    return 10;
  }
  if (s[4] === 'W') return s.length > 7 && /\d/.test(s[7]) ? 8 : 7;
  return 8;
}

/** A clock time as CPython 3.11 reads one (`parse_hh_mm_ss_ff` in _datetimemodule.c), or undefined: malformed. */
interface PyClock {
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Characters were left after it: an error where no zone follows, ignored where one does. */
  leftover: boolean;
}

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/**
 * `s[from, to)` read as CPython 3.11 reads a time or a zone offset: HH, then MM and SS each after the same separator
 * (":" after HH, or none), and a fraction after "." or "," following any of them. The fraction's characters up to
 * `to` must all be digits when there are at most six (none at all passes: "10:00:00.Z" is accepted); of more, the
 * first six are read and further digits skipped. `s` beyond `to` is read as C reads the character at its end pointer.
 */
function pyClock(s: string, from: number, to: number): PyClock | undefined {
  const vals = [0, 0, 0];
  let p = from;
  let separated = true;
  for (let i = 0; i < 3; i++) {
    if (!isDigitAt(s, p) || !isDigitAt(s, p + 1)) return undefined;
    vals[i] = (s.charCodeAt(p) - 48) * 10 + (s.charCodeAt(p + 1) - 48);
    p += 2;
    const c = s[p++]; // undefined: the end of the string (C's '\0')
    if (i === 0) separated = c === ':';
    if (p >= to) return { hour: vals[0], minute: vals[1], second: vals[2], microsecond: 0, leftover: c !== undefined };
    if (separated && c === ':') continue;
    if (c === '.' || c === ',') break;
    if (separated) return undefined;
    p--; // HHMMSS: the character is the next field's first digit
  }
  // After a "." or ",", or after a third field followed by more (C reads on as a fraction either way).
  const digits = Math.min(to - p, 6);
  let microsecond = 0;
  for (let k = 0; k < digits; k++, p++) {
    if (!isDigitAt(s, p)) return undefined;
    microsecond = microsecond * 10 + (s.charCodeAt(p) - 48);
  }
  microsecond *= 10 ** (6 - digits);
  while (isDigitAt(s, p)) p++;
  return { hour: vals[0], minute: vals[1], second: vals[2], microsecond, leftover: p < s.length };
}

/** A UTC offset Python's `timezone` accepts: strictly between -24 h and +24 h (in minutes, fractions for seconds). */
const validOffset = (minutes: number): boolean => Math.abs(minutes) < 24 * 60;

/** Python 3.11 `datetime.fromisoformat`: the date forms above, any one character, a time, an optional zone. */
function pythonFromIsoFormat(s: string): ParsedDateTime | undefined {
  const at = separatorIndex(s);
  const date = pythonIsoDate(s.slice(0, at));
  if (!date) return undefined;
  const [year, month, day] = date;
  if (s.length <= at) return { year, month, day, hour: 0, minute: 0, second: 0, dateOnly: true };
  const start = at + 1;
  if (s.length - start < 2) return undefined;
  // The zone starts at the first "Z", "+" or "-" after the separator.
  let zoneAt = start;
  while (zoneAt < s.length && s[zoneAt] !== 'Z' && s[zoneAt] !== '+' && s[zoneAt] !== '-') zoneAt++;
  const t = pyClock(s, start, zoneAt);
  if (!t) return undefined;
  let offsetMinutes: number | undefined;
  if (zoneAt === s.length) {
    if (t.leftover) return undefined;
  } else if (s[zoneAt] === 'Z') {
    if (zoneAt !== s.length - 1) return undefined;
    offsetMinutes = 0;
  } else {
    const z = pyClock(s, zoneAt + 1, s.length);
    if (!z || z.leftover) return undefined;
    offsetMinutes = (s[zoneAt] === '-' ? -1 : 1) * (z.hour * 60 + z.minute + z.second / 60 + z.microsecond / 60e6);
    if (!validOffset(offsetMinutes)) return undefined;
  }
  const { hour, minute, second } = t;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second, offsetMinutes, dateOnly: false };
}

/** Django's `datetime_re`, tried when `fromisoformat` fails. */
const DJANGO_DATE_TIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,]\d{1,6}\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** Django's `date_re`. */
const DJANGO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/**
 * A date-time as Django's `parse_datetime` reads it (what Kraken's DRF DateTimeField does): Python 3.11's
 * `datetime.fromisoformat` first (any single-character separator, `+0200`, week dates, a bare date), then Django's
 * regex (single-digit months, days and hours, a space before the zone). Undefined: Kraken rejects it.
 */
export function parseKrakenDateTime(s: string): ParsedDateTime | undefined {
  return scanPlainIsoDateTime(s) ? scanned() : generalKrakenDateTime(s);
}

/** `parseKrakenDateTime` without its fast path (exported for the test that holds the two to the same answers). */
export function generalKrakenDateTime(s: string): ParsedDateTime | undefined {
  const py = pythonFromIsoFormat(s);
  if (py) return py;
  const m = DJANGO_DATE_TIME.exec(s);
  if (!m || !validCalendarDate(+m[1], +m[2], +m[3])) return undefined;
  const hour = +m[4];
  const minute = +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes: number | undefined;
  if (m[7]) {
    if (m[7] === 'Z') offsetMinutes = 0;
    else {
      const digits = m[7].slice(1).replace(':', '');
      offsetMinutes = (m[7][0] === '-' ? -1 : 1) * (+digits.slice(0, 2) * 60 + +(digits.slice(2) || '0'));
      // Django makes the zone with `timezone(timedelta(minutes=...))`, which raises at a day or more.
      if (!validOffset(offsetMinutes)) return undefined;
    }
  }
  return { year: +m[1], month: +m[2], day: +m[3], hour, minute, second, offsetMinutes, dateOnly: false };
}

/** A date as Django's `parse_date` reads it: `date.fromisoformat` (3.11), then Django's `date_re`. */
export function parseKrakenDate(s: string): [number, number, number] | undefined {
  return s.length === 10 && scanPlainIsoDate(s) ? [scanYear, scanMonth, scanDay] : generalKrakenDate(s);
}

/** `parseKrakenDate` without its fast path (exported for the same test). */
export function generalKrakenDate(s: string): [number, number, number] | undefined {
  const py = pythonIsoDate(s);
  if (py) return py;
  const m = DJANGO_DATE.exec(s);
  return m && validCalendarDate(+m[1], +m[2], +m[3]) ? [+m[1], +m[2], +m[3]] : undefined;
}

/**
 * True when `s` is exactly `YYYY-MM-DD` of a real calendar date: the form the day readers (periodDates.ts `dayOf`)
 * return, so such a value is its own day and needs no parsing into parts and writing back.
 */
export function isPlainIsoDate(s: string): boolean {
  return s.length === 10 && scanPlainIsoDate(s);
}

export function isKrakenDate(s: string): boolean {
  return (s.length === 10 && scanPlainIsoDate(s)) || generalKrakenDate(s) !== undefined;
}

export function isKrakenDateTime(s: string): boolean {
  return scanPlainIsoDateTime(s) || generalKrakenDateTime(s) !== undefined;
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

/** Parses a Kraken date or date-time (as `parseKrakenDateTime`) into epoch milliseconds for ordering; a time without zone is read as UTC. */
export function toTimestamp(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  if (scanPlainIsoDateTime(t)) return epochMs(scanYear, scanMonth, scanDay, scanHour, scanMinute, scanSecond, scanOffset);
  const p = generalKrakenDateTime(t);
  return p && timestampOf(p);
}

/** Epoch milliseconds of a parsed date-time (a time without zone read as UTC). */
export function timestampOf(p: ParsedDateTime): number | undefined {
  return epochMs(p.year, p.month, p.day, p.hour, p.minute, p.second, p.offsetMinutes);
}

function epochMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number | undefined,
): number | undefined {
  const t = Date.UTC(year, month - 1, day, hour, minute, second) - (offsetMinutes ?? 0) * 60000;
  return Number.isNaN(t) ? undefined : t;
}
