/**
 * decodeValidUtf8 (core/src/files/inputs.ts) must give exactly Node's UTF-8 decoding of any valid UTF-8: ASCII
 * stretches across its 1 KB and 64 KB look-ups, characters of every length where those look-ups end, a BOM, and text
 * dense enough in non-ASCII that it hands the whole to Node's decoder. decodeUtf8 with `consume` (Latin-1 pairs folded
 * in place) must give what decodeUtf8 gives, valid or not, and leave bytes it does not fold as they were.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeUtf8, decodeValidUtf8 } from '../../core/src/files';
import { Rng } from '../helpers';

/** One character of each UTF-8 length, and a Latin-1 one (two bytes, still a one-byte string in V8). */
const WIDE = ['é', 'ß', 'Ł', 'Ж', '€', '…', '中', '\ufeff', '😀', '\u{10ffff}'];

function sample(next: () => number, bytes: number, density: number): Buffer {
  const chars: string[] = [];
  for (let length = 0; length < bytes;) {
    const char = next() < density ? WIDE[Math.floor(next() * WIDE.length)] : String.fromCharCode(0x20 + Math.floor(next() * 0x5f));
    chars.push(char);
    length += Buffer.byteLength(char);
  }
  return Buffer.from(chars.join(''), 'utf8');
}

/** ASCII bytes with `char` written so that it ends at `end` (crossing a look-up's edge when end is one). */
function withCharEndingAt(size: number, char: string, end: number): Buffer {
  const encoded = Buffer.from(char, 'utf8');
  const bytes = Buffer.alloc(size, 0x61);
  encoded.copy(bytes, end - encoded.length);
  return bytes;
}

describe('decodeValidUtf8', () => {
  it('is Node’s UTF-8 decoding for mostly ASCII texts, sparse and dense, small and past 64 KB', () => {
    const rng = new Rng(17);
    const next = () => rng.next();
    let checked = 0;
    for (const density of [0, 0.0001, 0.002, 0.05, 0.5, 1]) {
      for (const bytes of [0, 1, 100, 1023, 1025, 70_000, 300_000]) {
        const buffer = sample(next, bytes, density);
        assert.equal(decodeValidUtf8(buffer), buffer.toString('utf8'), `density ${density}, ${bytes} bytes`);
        checked++;
      }
    }
    assert.equal(checked, 42);
  });

  it('reads a character of every length that straddles or ends at a 1 KB or 64 KB edge', () => {
    for (const char of WIDE) {
      const width = Buffer.byteLength(char);
      for (const edge of [1024, 2048, 65_536, 131_072]) {
        for (let end = edge - 1; end <= edge + width + 1; end++) {
          const buffer = withCharEndingAt(edge * 2, char, end);
          const text = decodeValidUtf8(buffer);
          assert.equal(text, buffer.toString('utf8'), `${char} ending at ${end}`);
          assert.equal(text.length, edge * 2 - width + char.length);
        }
      }
    }
  });

  it('keeps a byte order mark, and a text of nothing but non-ASCII', () => {
    const bom = Buffer.from('\ufeff{"a":"Müller"}', 'utf8');
    assert.equal(decodeValidUtf8(bom), '\ufeff{"a":"Müller"}');
    const wide = Buffer.from('Жжж€😀'.repeat(5000), 'utf8');
    assert.equal(decodeValidUtf8(wide), 'Жжж€😀'.repeat(5000));
  });

  it('is what decodeUtf8 gives valid text, and invalid text still names its first bad byte', () => {
    const valid = Buffer.from('{"name":"Zoë Łukasz"}', 'utf8');
    assert.deepEqual(decodeUtf8(valid), { text: '{"name":"Zoë Łukasz"}' });
    const invalid = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    assert.deepEqual(decodeUtf8(invalid), { text: '{"a":"\ufffd("}', invalidAt: 6 });
  });
});

/**
 * One flaw in otherwise valid UTF-8 that a fold must not take for a Latin-1 pair, and where the text shows it after
 * `{"a":"Zoë ` (ten characters).
 */
const FLAWED: Array<[string, number[], number]> = [
  ['a lead byte with no continuation', [0xc3, 0x28], 10],
  ['a lead byte at the very end', [0xc3], 10],
  ['a continuation byte alone', [0xa4], 10],
  ['a pair with a continuation too many (ä, then the bad byte)', [0xc3, 0xa4, 0xa4], 11],
  ['an overlong pair', [0xc1, 0xbf], 10],
  ['a surrogate', [0xed, 0xa0, 0x80], 10],
  ['a lead byte of four with one continuation', [0xf0, 0x9f], 10],
];

describe('decodeUtf8 with consume', () => {
  const consumed = (bytes: Buffer) => decodeUtf8(Buffer.from(bytes), { consume: true });

  it('is decodeUtf8 for Latin-1 texts (folded), other alphabets and a BOM (not), sparse and dense, past 64 KB', () => {
    const rng = new Rng(29);
    const next = () => rng.next();
    let folded = 0;
    for (const wide of [['é', 'ß', 'Ä', '\u0080', 'ÿ'], WIDE]) {
      for (const density of [0, 0.0001, 0.002, 0.05, 1]) {
        for (const size of [0, 1, 1023, 70_000, 300_000]) {
          const chars: string[] = [];
          for (let length = 0; length < size;) {
            const char = next() < density ? wide[Math.floor(next() * wide.length)] : String.fromCharCode(0x20 + Math.floor(next() * 0x5f));
            chars.push(char);
            length += Buffer.byteLength(char);
          }
          const text = chars.join('');
          const bytes = Buffer.from(text, 'utf8');
          const copy = Buffer.from(bytes);
          assert.deepEqual(decodeUtf8(bytes, { consume: true }), { text }, `density ${density}, ${size} bytes`);
          if (!bytes.equals(copy)) folded++;
          // A text with any character past U+00FF is left as it was.
          if ([...text].some((c) => c.codePointAt(0)! > 0xff)) assert.ok(bytes.equals(copy), 'bytes of a text it did not fold');
        }
      }
    }
    // Latin-1 texts with a non-ASCII character, up to one per KB: densities 0.0001 and 0.002 at 70 KB and 300 KB,
    // 0.0001 at 1023 bytes only where one fell.
    assert.ok(folded >= 4, `${folded} texts folded`);
  });

  it('folds pairs next to each other, at the start and at the end', () => {
    for (const text of ['äöü', 'ä{"a":1}', '{"a":1}ß', 'aÄÖÜßb'.repeat(3)]) assert.deepEqual(consumed(Buffer.from(text, 'utf8')), { text });
  });

  it('gives invalid bytes to decodeUtf8, which names the first bad one, and writes nothing', () => {
    for (const [what, flaw, at] of FLAWED) {
      const bytes = Buffer.concat([Buffer.from('{"a":"Zoë '), Buffer.from(flaw), Buffer.from('"}')]);
      const copy = Buffer.from(bytes);
      const result = decodeUtf8(bytes, { consume: true });
      assert.deepEqual(result, decodeUtf8(copy), what);
      assert.equal(result.invalidAt, at, what);
      assert.ok(bytes.equals(copy), `${what}: the bytes were left as they were`);
    }
  });

  it('leaves a byte order mark to decodeUtf8, which keeps it', () => {
    assert.deepEqual(consumed(Buffer.from('\ufeff{"a":"Müller"}', 'utf8')), { text: '\ufeff{"a":"Müller"}' });
  });
});
