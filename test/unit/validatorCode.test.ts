/**
 * tuneValidatorCode (core/src/service/schemas.ts): ajv's generated code rewritten for speed must decide as ajv's own.
 * Lengths are counted in code points (as Kraken's Python does); the rewrite skips the count where `.length` decides.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { createAjv, tuneValidatorCode } from '../../core/src/service/schemas';

const SCHEMA = {
  type: 'object',
  properties: { short: { type: 'string', minLength: 3, maxLength: 5 }, one: { type: 'string', minLength: 1 } },
};
const FACE = '\u{1F600}'; // one code point, two UTF-16 units

describe('tuneValidatorCode', () => {
  it('counts lengths as ajv does, astral characters and lone surrogates included, on both sides of each bound', () => {
    const tuned = createAjv().compile(SCHEMA);
    const plain = new Ajv({ allErrors: true }).compile(SCHEMA);
    const strings = ['', 'a', 'ab', 'abc', 'abcde', 'abcdef', '\uD800', '\uDC00\uD800', 'a\uD800b'];
    for (let n = 1; n <= 7; n++) strings.push(FACE.repeat(n), `a${FACE.repeat(n)}`, `${FACE.repeat(n)}\uD800`);
    const outcomes = new Set<string>();
    for (const s of strings) {
      const verdict = (v: typeof plain) => (v({ short: s, one: s }), (v.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`).sort());
      assert.deepEqual(verdict(tuned), verdict(plain), JSON.stringify(s));
      outcomes.add(verdict(plain).join(','));
    }
    // The strings reach every outcome: too short (both fields), too short, fine, too long.
    assert.deepEqual([...outcomes].sort(), ['', '/one minLength,/short minLength', '/short maxLength', '/short minLength']);
  });

  it('skips the count where the length decides, in code ajv compiles and in standalone code', () => {
    const ajv = createAjv({ code: { source: true } });
    const validate = ajv.compile(SCHEMA);
    for (const code of [String(validate), tuneValidatorCode(standaloneCode(ajv, validate))]) {
      assert.match(code, /\(data\d*\.length > 5 && func\d+\(data\d*\) > 5\)/);
      assert.match(code, /\(data\d*\.length < 2 \* 3 && func\d+\(data\d*\) < 3\)/);
    }
  });
});
