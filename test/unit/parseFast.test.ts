/**
 * The strict-JSON fast path of parseDocument: duplicate keys found by counting key colons (indexOf) against the
 * parsed value's keys, depth from the value, `numbersExact` for the number-precision rule, the root span without a
 * scan. The counts must never miss a duplicate, whatever the strings contain.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ScanLocator } from '../../core/src/service/locate';
import { MAX_KRAKEN_DEPTH, parseDocument } from '../../core/src/service/parse';

const duplicates = (text: string) => parseDocument(text).findings.filter((f) => f.code === 'duplicate-key');

describe('parseDocument: strict fast path', () => {
  it('finds duplicate keys whatever the spacing around the colon', () => {
    for (const text of ['{"a":1,"a":2}', '{"a" : 1, "a"\n:\t2}', '{\n  "x": {"a": 1, "b": {"a": 2}, "a": 3}\n}']) {
      const found = duplicates(text);
      assert.equal(found.length, 1, text);
      assert.equal(text.slice(found[0].start, found[0].end), '"a"', text);
      assert.equal(parseDocument(text).strict, true);
    }
  });

  it('strings with colons, quotes and backslashes are neither keys nor duplicates', () => {
    const texts = [
      '{"a": ": starts with a colon", "b": "x\\": y", "c": "\\\\", "d": "t:1:2", "e": " :"}',
      '{"a\\"b": 1, "a": {"\\\\": ":"}, "k": ["\\":", ":", "\\\\\\":"]}',
      '{"": 1, "t": "2021-05-13T02:00:00+02:00"}',
    ];
    for (const text of texts) {
      JSON.parse(text);
      assert.deepEqual(duplicates(text), [], text);
    }
    // A string that opens with a colon next to a real duplicate: still found.
    const text = '{"a": ": x", "b": 1, "b": 2}';
    assert.equal(duplicates(text).length, 1);
  });

  it('duplicates in deep and wide documents are found, in every occurrence but the last', () => {
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < 500; i++) obj[`k${i}`] = { v: i, s: `x:${i}` };
    const text = JSON.stringify(obj, null, 2).replace('"k250": {', '"k250": { "v": 0, "dup": 1, "dup": 2, "dup": 3,');
    const found = duplicates(text);
    assert.equal(found.length, 3); // "v" twice in k250 (first dropped) and two of the three "dup"
  });

  it('too deep: reported on strict text at the deepest bracket', () => {
    const depth = MAX_KRAKEN_DEPTH + 5;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    const parsed = parseDocument(text);
    const deep = parsed.findings.find((f) => f.code === 'too-deep');
    assert.ok(deep);
    assert.equal(deep.start, depth - 1);
    assert.match(deep.message, new RegExp(`${depth} levels`));
  });

  it('numbersExact: true only when no number literal could read back differently', () => {
    assert.equal(parseDocument('{"a": 1, "b": -20.5, "c": "1.00000000000000000001", "d": [{"e": 123456789012345}]}').numbersExact, true);
    assert.equal(parseDocument('{"a": 1.00000000000000000001}').numbersExact, undefined);
    assert.equal(parseDocument('{"a": 1e3}').numbersExact, undefined);
    assert.equal(parseDocument('{"a": 12345678901234567890}').numbersExact, undefined);
    assert.equal(parseDocument('{"a": [1, 2]}').numbersExact, undefined); // array items are not checked by the colon pass
    assert.equal(parseDocument('{"a": 1,').numbersExact, undefined);
  });

  it('the root value span needs no scan and excludes trailing whitespace', () => {
    const text = '\n  {"a": {"b": [1, 2]}}  \n\n';
    const parsed = parseDocument(text);
    assert.deepEqual(parsed.locator.valueSpan([]), { start: 3, end: text.trimEnd().length });
    assert.equal(text.slice(parsed.locator.valueSpan(['a', 'b'])!.start, parsed.locator.valueSpan(['a', 'b'])!.end), '[1, 2]');
  });
});

describe('ScanLocator: skipping pretty-printed containers by their closing line', () => {
  /** Every path of a value (objects and arrays), for comparing two locators on all of them. */
  function paths(
    value: unknown,
    base: Array<string | number> = [],
    out: Array<Array<string | number>> = [],
  ): Array<Array<string | number>> {
    out.push(base);
    if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...base, i], out));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...base, k], out);
    return out;
  }

  /** The same spans with the value (indentation skips, checked) as without it (every character read). */
  function sameSpans(text: string): void {
    const value = JSON.parse(text);
    const exact = new ScanLocator(text);
    const fast = new ScanLocator(text, value);
    for (const p of paths(value)) {
      for (const target of ['value', 'key', 'owner'] as const)
        assert.deepEqual(fast.locate(p, target), exact.locate(p, target), `${p.join('.')} ${target}\n${text.slice(0, 300)}`);
      assert.deepEqual(fast.valueSpan(p), exact.valueSpan(p));
    }
  }

  const doc = {
    a: { b: [1, { c: 'x}', d: [] }, [2, [3]]], e: {} },
    f: [{ g: '\n  }' }, { h: { i: { j: null } } }],
    k: 'end',
  };

  it('pretty-printed, compact and mixed texts locate the same as reading every character', () => {
    sameSpans(JSON.stringify(doc, null, 2));
    sameSpans(JSON.stringify(doc, null, '\t'));
    sameSpans(JSON.stringify(doc));
    sameSpans(JSON.stringify(doc, null, 4).replace(/\[\n\s+1,/, '[1,'));
  });

  it('indentation that misleads the skip is caught by the checks against the value', () => {
    const pretty = JSON.stringify(doc, null, 2);
    // Closing brackets moved to other columns or joined on one line: the first line that looks like a container's
    // end is not its end.
    const variants = [
      pretty.replace('\n      }\n    ]', '\n    }\n    ]'),
      pretty.replace(/\n(\s*)\}\n(\s*)\}/, '\n$1}}'),
      pretty.replace(/"h": \{\n/, '"h": {\n  }, "h2": {\n'),
      pretty.replace(/\n {4}\}/g, '\n  }'),
      pretty.replace(/\n {2}\]/g, '\n]'),
    ];
    // "a" closes on the second line that reads "  }": the first is b's.
    variants.push('{\n  "a": {\n    "b": {\n  "c": 1\n  },\n    "d": 2\n  },\n  "e": [\n    [\n  1\n  ],\n    2\n  ]\n}');
    for (const v of variants) {
      try {
        JSON.parse(v);
      } catch {
        continue; // a variant that is not JSON any more says nothing here
      }
      sameSpans(v);
    }
  });
});
