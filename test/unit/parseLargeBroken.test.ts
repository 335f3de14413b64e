/**
 * Large documents being typed in (parse.ts LARGE_BROKEN_TEXT): JSON.parse's stop is repaired in place instead of
 * building jsonc-parser's tolerant tree of megabytes. The syntax findings must land where the tolerant parse puts
 * them, and the rest of the document must still be checked.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { createKrakenService } from '../../core/src/service';
import { ScanLocator } from '../../core/src/service/locate';
import { LARGE_BROKEN_TEXT, parseDocument } from '../../core/src/service/parse';
import { seedAccount } from '../helpers';

/** A pretty-printed account over LARGE_BROKEN_TEXT: the seed with many statements. */
function largeAccount(): string {
  const account = seedAccount();
  const statement = account.statements[0];
  account.statements = [];
  for (let i = 0; account.statements.length < 9000; i++)
    account.statements.push({ ...statement, statement_id: String(i + 1), statement_path: `EXTERNAL-1234/${i}.pdf` });
  const text = JSON.stringify(account, null, 2);
  assert.ok(text.length > LARGE_BROKEN_TEXT);
  return text;
}

const big = largeAccount();
/** The same mistake in the large text and in a small one (the seed): the findings of the two parses, relative to the mistake. */
function both(mistake: (text: string) => { text: string; at: number }) {
  const small = JSON.stringify(seedAccount(), null, 2);
  const b = mistake(big);
  const s = mistake(small);
  // The first finding: the tolerant parser may add more after it (its recovery), the repair does not.
  const rel = (text: string, at: number) =>
    parseDocument(text)
      .findings.filter((f) => f.code !== 'duplicate-key')
      .map((f) => ({ code: f.code, start: f.start - at, end: f.end - at }))
      .slice(0, 1);
  return { large: rel(b.text, b.at), small: rel(s.text, s.at), parsed: parseDocument(b.text) };
}

/** Inserts `insert` at the first `needle` after the middle (or the start, for the small text). */
function insertBefore(needle: string, insert: string) {
  return (text: string) => {
    const at = text.indexOf(needle, text.length > LARGE_BROKEN_TEXT ? text.length >> 1 : 0);
    assert.ok(at > 0, needle);
    return { text: text.slice(0, at) + insert + text.slice(at), at };
  };
}

describe('parseDocument: large broken texts are repaired, not parsed tolerantly', () => {
  it('typing a new key before another one: the stop is where the tolerant parse puts it', () => {
    const r = both(insertBefore('"statement_id"', '"x'));
    assert.deepEqual(r.large, r.small);
    assert.equal(r.parsed.broken, true);
    assert.equal(r.parsed.strict, false);
    assert.ok(r.parsed.value && typeof r.parsed.value === 'object');
    assert.ok(r.parsed.locator instanceof ScanLocator, 'repaired, not parsed tolerantly');
  });

  it('a missing comma: one finding where the comma belongs', () => {
    const r = both((text) => {
      const at = text.indexOf('"statement_path"', text.length > LARGE_BROKEN_TEXT ? text.length >> 1 : 0);
      const comma = text.lastIndexOf(',', at);
      return { text: text.slice(0, comma) + ' ' + text.slice(comma + 1), at: comma };
    });
    assert.deepEqual(r.large, r.small);
    assert.deepEqual(
      r.large.map((f) => f.code),
      ['syntax-error'],
    );
    assert.equal(r.parsed.findings.length, 1);
  });

  it('a trailing comma: on the comma', () => {
    const r = both((text) => {
      // The last property of a statement.
      const re = /"supply_type": "ELECTRICITY"(?=\n\s*\})/g;
      re.lastIndex = text.length > LARGE_BROKEN_TEXT ? text.length >> 1 : 0;
      const at = re.exec(text)!.index + '"supply_type": "ELECTRICITY"'.length;
      return { text: text.slice(0, at) + ',' + text.slice(at), at };
    });
    assert.deepEqual(r.large, r.small);
    assert.equal(r.large[0].code, 'trailing-comma');
  });

  it('a property typed without its value yet: a finding, and the rest is checked', () => {
    const r = both(insertBefore('"statement_id"', '"bill_period_from_date": \n'));
    assert.deepEqual(r.large, r.small);
    assert.ok(r.parsed.locator instanceof ScanLocator, 'repaired, not parsed tolerantly');
  });

  it('schema and rule findings elsewhere in the document are still reported while it is broken', () => {
    const service = createKrakenService();
    let text = big.replace('"sales_channel": "DIRECT"', '"sales_channel": "direct"');
    const at = text.indexOf('"statement_id"', text.length >> 1);
    text = text.slice(0, at) + '"x' + text.slice(at);
    const codes = service.validate(text).diagnostics.map((d) => d.code);
    assert.ok(codes.includes('syntax-error'), codes.join());
    assert.ok(codes.includes('invalid-enum'), codes.join());
    assert.ok(!codes.includes('missing-property'), 'missing properties are held back while the text is broken');
  });

  it('a text cut short falls back to the tolerant parse', () => {
    const text = big.slice(0, big.length - 200);
    const parsed = parseDocument(text);
    assert.equal(parsed.broken, true);
    assert.ok(parsed.findings.some((f) => f.code === 'syntax-error'));
  });
});
