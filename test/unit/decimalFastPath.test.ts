/**
 * parseDecimal's regex-free fast path (core/src/service/rules/decimal.ts) gives exactly the general reader's answers:
 * on every string of a grammar of amounts (signs, points, lengths around the 15-digit and 12-decimal limits, a
 * character changed or added anywhere), the two agree, undefined included.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { nearStrings } from '../helpers';
import { formatDecimal, generalDecimal, parseDecimal } from '../../core/src/service/rules/decimal';

const BASES = [
  '0',
  '-0',
  '+3',
  '.5',
  '7.',
  '-12.50',
  '184.04',
  '999999999999999',
  '9999999999999999',
  '0.000000000001',
  '0.0000000000001',
  '1.5000000000000',
  '123456789.123456',
  '-99999.999999999999',
];
const NEAR = ['0', '9', '.', '-', '+', ' ', 'e', ',', '\u0661', ''];

describe('decimal: the fast path answers as the general reader', () => {
  it('parseDecimal on every near-amount', () => {
    let strings = 0;
    let read = 0;
    for (const s of nearStrings(BASES, NEAR)) {
      strings++;
      const fast = parseDecimal(s);
      assert.equal(fast, generalDecimal(s), JSON.stringify(s));
      if (fast !== undefined) read++;
    }
    assert.ok(strings > 2_000, `${strings} strings`);
    assert.ok(read > 500 && read < strings - 500, `${read} of ${strings} read`);
  });

  it('exact values at the limits', () => {
    assert.equal(formatDecimal(parseDecimal('999999999999999')!), '999999999999999.00');
    assert.equal(formatDecimal(parseDecimal('-0.000000000001')!), '-0.000000000001');
    assert.equal(formatDecimal(parseDecimal('0.1')! + parseDecimal('0.2')!), '0.30');
  });
});
