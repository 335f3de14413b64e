/**
 * The regex-free fast paths of parseKrakenDateTime and parseKrakenDate (core/src/service/formats.ts) give exactly the
 * general parsers' answers: on every string of a grammar of near-dates (the common forms, each position changed to a
 * neighbouring character, lengths cut and grown), the two agree value for value, undefined included.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { nearStrings } from '../helpers';
import { dayOf } from '../../core/src/service/rules/periodDates';
import {
  generalKrakenDate,
  generalKrakenDateTime,
  isKrakenDate,
  isKrakenDateTime,
  parseKrakenDate,
  parseKrakenDateTime,
  timestampOf,
  toTimestamp,
} from '../../core/src/service/formats';

const BASES = [
  '2024-02-29',
  '2023-02-29',
  '1999-12-31',
  '0001-01-01',
  '2024-01-31T23:59:59',
  '2024-01-31 00:00:00',
  '2024-01-31T10:20:30Z',
  '2024-01-31T10:20:30+01:00',
  '2024-01-31T10:20:30-14:00',
  '2024-01-31T10:20:30.123456',
  '2024-01-31T10:20:30,5Z',
  '2024-01-31T10:20:30.123+05:30',
  '2024-06-30T24:00:00',
  '2024-06-30T23:60:00',
  '2024-06-30T23:59:60',
  '2024-06-30T10:00:00+24:00',
  '2024-06-30T10:00:00+10:60',
];
/** Characters a generator or a hand could put in place of another. */
const NEAR = ['0', '1', '2', '3', '5', '9', '-', ':', 'T', 't', ' ', 'Z', 'z', '+', '.', ',', 'W', 'x', '\u0660', ''];

function* nearDates(): Generator<string> {
  yield* nearStrings(BASES, NEAR);
  for (const base of BASES) for (const end of [' ', 'Z', '+0100', '+01', '.5']) yield `${base}${end}`;
  for (const base of BASES) yield ` ${base}`;
}

describe('formats: the fast paths answer as the general parsers', () => {
  it('parseKrakenDateTime and parseKrakenDate on every near-date', () => {
    let strings = 0;
    let read = 0;
    for (const s of nearDates()) {
      strings++;
      const dt = parseKrakenDateTime(s);
      assert.deepEqual(dt, generalKrakenDateTime(s), `date-time ${JSON.stringify(s)}`);
      assert.deepEqual(parseKrakenDate(s), generalKrakenDate(s), `date ${JSON.stringify(s)}`);
      // The checks and the timestamp read the scan without making the parsed value: the same answers.
      assert.equal(isKrakenDateTime(s), generalKrakenDateTime(s) !== undefined, `is date-time ${JSON.stringify(s)}`);
      assert.equal(isKrakenDate(s), generalKrakenDate(s) !== undefined, `is date ${JSON.stringify(s)}`);
      const general = generalKrakenDateTime(s.trim());
      assert.equal(toTimestamp(s), general && timestampOf(general), `timestamp ${JSON.stringify(s)}`);
      if (dt) read++;
    }
    // The grammar reaches both sides: strings either parser reads, and strings both reject.
    assert.ok(strings > 10_000, `${strings} strings`);
    assert.ok(read > 1_000 && read < strings - 1_000, `${read} of ${strings} read as date-times`);
  });

  it('dayOf: a value already of the form YYYY-MM-DD is its own day, as the general reading writes it', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    // dayOf as it read every value before its shortcut: parsed into parts and written back.
    const general = (v: string) => {
      const s = v.trim();
      const d = generalKrakenDate(s) ?? (/^\d{4}-\d{2}-\d{2}[T ]/.test(s) ? generalKrakenDate(s.slice(0, 10)) : undefined);
      return d ? `${pad(d[0], 4)}-${pad(d[1], 2)}-${pad(d[2], 2)}` : undefined;
    };
    let days = 0;
    for (const s of nearDates()) {
      const day = dayOf(s);
      assert.equal(day, general(s), `dayOf ${JSON.stringify(s)}`);
      if (day === s) days++;
    }
    assert.ok(days > 100, `${days} values were their own day`);
  });

  it('the forms the fast path takes, with their exact fields', () => {
    assert.deepEqual(parseKrakenDateTime('2024-01-31T10:20:30.5-03:30'), {
      year: 2024,
      month: 1,
      day: 31,
      hour: 10,
      minute: 20,
      second: 30,
      offsetMinutes: -210,
      dateOnly: false,
    });
    assert.deepEqual(parseKrakenDateTime('2024-02-29'), { year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0, dateOnly: true });
    assert.deepEqual(parseKrakenDate('2024-02-29'), [2024, 2, 29]);
    assert.equal(parseKrakenDate('2023-02-29'), undefined);
  });
});
