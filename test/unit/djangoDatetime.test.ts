/**
 * Dates and date-times as Kraken's Django reads them (parse_datetime: Python 3.11 datetime.fromisoformat first, then
 * Django's datetime_re). Expected values were produced by CPython 3.11.7 running fromisoformat and Django's regex
 * (microseconds left out: we do not keep them).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isKrakenDate, isKrakenDateTime, parseKrakenDateTime, toTimestamp } from '../../core/src/service/formats';

const PYTHON: Record<string, string | null> = {
  '2001-01-01:00:00:00+10:00': '2001-01-01T00:00:00+10:00', // Origin's own example: ':' is the separator
  '2001-01-01T00:00:00+0200': '2001-01-01T00:00:00+02:00',
  '2001-W01-1T10:00': '2001-01-01T10:00:00',
  '20010101T1000': '2001-01-01T10:00:00',
  '2001-01-01 10:00': '2001-01-01T10:00:00',
  '2001-01-01': '2001-01-01T00:00:00',
  '2001-01-01T10': '2001-01-01T10:00:00',
  '2001-01-01T10:00:00.1234567': '2001-01-01T10:00:00',
  '2001-01-01T24:00': null,
  '2001-01-01T10:00Z': '2001-01-01T10:00:00+00:00',
  '2001-01-01x10:00:00': '2001-01-01T10:00:00',
  '2001-01-01T10:00z': null,
  '2001-01-01T10:00+10': '2001-01-01T10:00:00+10:00',
  '2001-01-01T10:00+1': null,
  '2001-01-01T1000': '2001-01-01T10:00:00',
  '2001-01-01T10:0000': null,
  '2001-01-01T10:00:00,5': '2001-01-01T10:00:00',
  '2001-W53-1': null,
  '2004-W53-7T01': '2005-01-02T01:00:00',
  '2001W011': '2001-01-01T00:00:00',
  '2001-01-01T': null,
  '2001-02-29': null,
  '2001-1-01': null,
  '2001-1-1T1:5': '2001-01-01T01:05:00', // Django's regex, after fromisoformat refused it
  '2001-01-01T10:00 +10:00': '2001-01-01T10:00:00+10:00',
  // CPython 3.11's C reader: a fraction may follow HH or MM, and may be empty when a zone follows.
  '2022-01-01T10:00:00.Z': '2022-01-01T10:00:00+00:00',
  '2022-01-01T10:00:00,Z': '2022-01-01T10:00:00+00:00',
  '2022-01-01T10:00:00.+0100': '2022-01-01T10:00:00+01:00',
  '2022-01-01T10:00:00.': null,
  '2022-01-01T10.5Z': '2022-01-01T10:00:00+00:00',
  '2022-01-01T10:00.5': '2022-01-01T10:00:00',
  '2022-01-01T1000.5': '2022-01-01T10:00:00',
  '2022-01-01T10:00:00.Z5': null,
  '2022-01-01T10:00:00.5xyZ': null,
  // Offsets: any minutes and seconds, strictly within a day (Python's timezone; Django's fallback makes the same).
  '2022-01-01T10:00:00+01:75': '2022-01-01T10:00:00+02:15',
  '2022-01-01T10:00:00+01:00:30': '2022-01-01T10:00:00+01:00:30',
  '2022-01-01T10:00:00-23:59': '2022-01-01T10:00:00-23:59',
  '2022-01-01T10:00:00-24:00': null,
  '2022-01-01T10:00:00+2400': null,
  '2001-01-01T00:00:00+25:00': null,
  '2022-01-01T10:00:00+01:': null,
  '2022-01-01T10:00:00+01:00 ': null,
  '2022-01-01T10:00:00Z ': null,
  // fromisoformat refuses these; Django's regex takes them (a space before the zone, one-digit seconds).
  '2022-01-01T10:00:00.5 Z': '2022-01-01T10:00:00+00:00',
  '2022-01-01T10:00:0Z': '2022-01-01T10:00:00+00:00',
};

function iso(s: string): string | null {
  const p = parseKrakenDateTime(s);
  if (!p) return null;
  const two = (n: number) => String(n).padStart(2, '0');
  const base = `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
  if (p.offsetMinutes === undefined) return base;
  const sign = p.offsetMinutes < 0 ? '-' : '+';
  const abs = Math.round(Math.abs(p.offsetMinutes) * 60); // seconds
  const seconds = abs % 60 ? `:${two(abs % 60)}` : '';
  return `${base}${sign}${two(Math.floor(abs / 3600))}:${two(Math.floor(abs / 60) % 60)}${seconds}`;
}

describe("date-times as Django parse_datetime reads them (Python 3.11 fromisoformat, then Django's regex)", () => {
  for (const [input, expected] of Object.entries(PYTHON)) {
    it(`${JSON.stringify(input)} -> ${expected ?? 'rejected'}`, () => {
      assert.equal(iso(input), expected);
      assert.equal(isKrakenDateTime(input), expected !== null);
    });
  }

  it("Origin's example orders as the instant it names", () => {
    assert.equal(toTimestamp('2001-01-01:00:00:00+10:00'), Date.UTC(2000, 11, 31, 14));
  });

  it("dates as parse_date reads them: fromisoformat (week dates, basic form), then Django's date_re (single digits)", () => {
    assert.equal(isKrakenDate('2001-W01-1'), true);
    assert.equal(isKrakenDate('20010101'), true);
    assert.equal(isKrakenDate('2001-1-1'), true);
    assert.equal(isKrakenDate('2001-01-01T00'), false);
    assert.equal(isKrakenDate('2001-02-29'), false);
  });
});
