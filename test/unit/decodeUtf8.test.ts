/**
 * decodeValidUtf8 (core/src/files/inputs.ts) must give exactly Node's UTF-8 decoding of any valid UTF-8: ASCII
 * stretches across its 1 KB and 64 KB look-ups, characters of every length where those look-ups end, a BOM, and text
 * dense enough in non-ASCII that it hands the whole to Node's decoder.
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
