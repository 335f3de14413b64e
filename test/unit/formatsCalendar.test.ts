import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isKrakenDate } from '../../core/src/service/formats';

describe('formats: the calendar without Date objects', () => {
  it('accepts exactly the days that exist (Gregorian leap years), as the Date-based check did', () => {
    const exists = (y: number, m: number, d: number) =>
      d <= new Date(Date.UTC(2000, m, 0)).getUTCDate() - (m === 2 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 1 : 0);
    for (const y of [1, 4, 99, 100, 400, 1600, 1700, 1900, 1996, 2000, 2021, 2024, 2100, 2400, 9999]) {
      for (let m = 1; m <= 12; m++) {
        for (let d = 28; d <= 32; d++) {
          const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          assert.equal(isKrakenDate(text), exists(y, m, d), text);
        }
      }
    }
    assert.equal(isKrakenDate('0000-01-01'), false);
    assert.equal(isKrakenDate('2021-13-01'), false);
  });
});
