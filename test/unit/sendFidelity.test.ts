/**
 * core/src/send/fidelity.ts: a payload is sent as written or not at all. The integer literals a sender in JavaScript
 * would change (read as a double, written again) are found, and only those: not in strings, not decimals (Kraken
 * reads those as doubles too), not integers JavaScript writes back as they were written.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { changedIntegersReason } from '../../core/src/send';
import { integersChangedBySending } from '../../core/src/service/numberLiterals';

describe('integersChangedBySending', () => {
  it('names each integer literal whose double is written differently, with what would be sent', () => {
    assert.deepEqual(integersChangedBySending('{"a": 12345678901234567891, "b": [9007199254740993, -12345678901234567891]}'), [
      { literal: '12345678901234567891', sent: '12345678901234567000' },
      { literal: '9007199254740993', sent: '9007199254740992' },
      { literal: '-12345678901234567891', sent: '-12345678901234567000' },
    ]);
    // 2^60 is exact as a double, but JavaScript writes the shortest digits that read back as it: another integer to
    // Kraken's Python reader. 10^21 is exact too, but written with an exponent: a float to that reader.
    assert.deepEqual(integersChangedBySending('{"a":1152921504606846976}'), [
      { literal: '1152921504606846976', sent: '1152921504606847000' },
    ]);
    assert.deepEqual(integersChangedBySending('{"a":1000000000000000000000}'), [{ literal: '1000000000000000000000', sent: '1e+21' }]);
  });

  it('leaves strings, decimals and integers written back as they were alone', () => {
    for (const text of [
      '{"id": "12345678901234567891"}',
      '{"escaped": "say \\"12345678901234567891\\""}',
      '{"a": 9007199254740992, "b": 1152921504606847000, "c": -9007199254740991}',
      '{"a": 1.0000000000000000001, "b": 1e400, "c": 0.30000000000000004}',
      '{"a": 123456789012345}',
    ])
      assert.deepEqual(integersChangedBySending(text), [], text);
  });
});

describe('changedIntegersReason', () => {
  it('says the first and how many more, and how to fix it', () => {
    assert.equal(changedIntegersReason('{"a": 1}'), undefined);
    assert.equal(
      changedIntegersReason('{"a": 12345678901234567891, "b": 9007199254740993}'),
      'an integer would change on the way: 12345678901234567891 would be sent as 12345678901234567000 (and 1 more), ' +
        'since JavaScript holds integers exactly only up to 2^53. Write it as a string if the field holds text (an ' +
        'identifier), or correct it.',
    );
  });
});
