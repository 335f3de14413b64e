/** Small date helpers shared by the period and date rules of this folder (dates compared as `YYYY-MM-DD` strings). */
import { isPlainIsoDate, parseKrakenDate } from '../formats';
import type { JsonPath } from '../types';
import { isRecord } from './select';

/** A date (`YYYY-MM-DD`, for comparing) as Django's parse_date reads it; a date-time's date part. Undefined: not a date. */
export function dayOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  // The usual value is already the day it names (formatsFastPath.test.ts holds this to the general reading below).
  if (isPlainIsoDate(v)) return v;
  const s = v.trim();
  const d = parseKrakenDate(s) ?? (/^\d{4}-\d{2}-\d{2}[T ]/.test(s) ? parseKrakenDate(s.slice(0, 10)) : undefined);
  return d ? `${String(d[0]).padStart(4, '0')}-${String(d[1]).padStart(2, '0')}-${String(d[2]).padStart(2, '0')}` : undefined;
}

const PLAIN_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` naming a day the calendar has (not 2001-02-30): a date that can be compared as a string. */
export function isPlainDay(v: unknown): v is string {
  return typeof v === 'string' && PLAIN_DAY.test(v) && parseKrakenDate(v) !== undefined;
}

/** The day after `day` (`YYYY-MM-DD`). */
export function nextDay(day: string): string {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** True when a value is absent (missing or null): an open end. */
export function absent(v: unknown): boolean {
  return v === undefined || v === null;
}

/** A period of a list item: its index, start, end (undefined: open-ended). */
export interface Period {
  index: number;
  start: string;
  end?: string;
  item: Record<string, unknown>;
}

/**
 * The readable periods of a list: items whose start is a date and whose end is a date or absent. Items with an
 * unreadable date are left to the schema, items ending before they start to date-order.
 */
export function periodsOf(list: readonly unknown[], from: string, to: string): Period[] {
  const out: Period[] = [];
  list.forEach((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
    const rec = item as Record<string, unknown>;
    const start = dayOf(rec[from]);
    if (!start) return;
    if (absent(rec[to])) out.push({ index, start, item: rec });
    else {
      const end = dayOf(rec[to]);
      if (end && end >= start) out.push({ index, start, end, item: rec });
    }
  });
  return out;
}

/**
 * True when two periods certainly overlap, whichever way Kraken reads an end date (the last day of the period, or
 * the day it stops): each starts strictly before the other ends. Periods of no length are left out.
 */
export function certainlyOverlap(a: Period, b: Period): boolean {
  if (a.end === a.start || b.end === b.start) return false;
  return (a.end === undefined || b.start < a.end) && (b.end === undefined || a.start < b.end);
}

export function describePeriod(p: Period): string {
  return `${p.start} to ${p.end ?? 'open-ended'}`;
}

/**
 * A transaction of a ledger's list with its day: its path (at `transaction_date`) is made when a rule reports it,
 * since an account may hold tens of thousands and nearly all pass.
 */
export class DatedTransaction {
  constructor(
    readonly date: string,
    readonly item: Record<string, unknown>,
    private readonly list: JsonPath,
    private readonly index: number,
  ) {}

  get path(): JsonPath {
    return [...this.list, this.index, 'transaction_date'];
  }
}

/** The transactions of `holder[key]` (at `path`) whose transaction_date `readDay` reads as a day, in list order. */
export function datedTransactions(
  holder: Record<string, unknown>,
  key: string,
  path: JsonPath,
  readDay: (value: unknown) => string | undefined = dayOf,
): DatedTransaction[] {
  const list = holder[key];
  if (!Array.isArray(list)) return [];
  const out: DatedTransaction[] = [];
  const at = [...path, key];
  for (let i = 0; i < list.length; i++) {
    const t: unknown = list[i];
    if (!isRecord(t)) continue;
    const date = readDay(t.transaction_date);
    if (date) out.push(new DatedTransaction(date, t, at, i));
  }
  return out;
}
