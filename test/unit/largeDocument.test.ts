/**
 * Authoring on large documents (largeDocument.ts): the lazy tree and the anchored cursor give the same answers as
 * the tolerant parse and the scan from the start, and the outline and folding stop at their cap.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { createKrakenService } from '../../core/src/service';
import { pathAtOffset } from '../../core/src/service/cursor';
import { cursorAnchor, LARGE_AUTHORING_TEXT, largeFoldingRanges, largeTree } from '../../core/src/service/largeDocument';
import { documentSymbols, foldingRanges, MAX_ITEMS_COMPUTED } from '../../core/src/service/symbols';
import { LineIndex } from '../../core/src/service/text';
import { seedAccount } from '../helpers';

/** The seed account with `count` statements, pretty-printed. */
function account(count: number): string {
  const a = seedAccount();
  const statement = a.statements[0];
  a.statements = [];
  for (let i = 0; i < count; i++)
    a.statements.push({ ...statement, statement_id: String(i + 1), statement_path: `EXTERNAL-1234/${i}.pdf` });
  return JSON.stringify(a, null, 2);
}

const big = account(9000);
const small = JSON.stringify(seedAccount(), null, 2);
const service = createKrakenService();

function position(text: string, offset: number) {
  return new LineIndex(text).positionAt(offset);
}

describe('large documents: a lazy tree instead of a tolerant parse', () => {
  it('the texts used here are large', () => assert.ok(big.length > LARGE_AUTHORING_TEXT && small.length < LARGE_AUTHORING_TEXT));

  it('the cursor read from the innermost container says what the scan from the start says', () => {
    // The lazy tree of a smaller text (so that scanning from the start stays affordable), offsets all over it.
    const text = account(600);
    const tree = largeTree(text)?.tree;
    assert.ok(tree);
    let anchored = 0;
    for (let i = 1; i < 400; i++) {
      const offset = Math.floor((text.length * i) / 400) + (i % 7);
      const from = cursorAnchor(tree, text, offset);
      if (from) anchored++;
      assert.deepEqual(
        pathAtOffset(text, offset, from),
        pathAtOffset(text, offset),
        `offset ${offset}: ${JSON.stringify(text.slice(offset - 20, offset + 20))}`,
      );
    }
    assert.ok(anchored > 300);
  });

  it('hover on a large document says what it says on a small one', () => {
    const at = (text: string, from: number) => text.indexOf('"bill_period_to_date"', from) + 3;
    const h1 = service.hover(big, position(big, at(big, big.length >> 1)));
    const h2 = service.hover(small, position(small, at(small, 0)));
    assert.ok(h1 && h2);
    assert.deepEqual(h1.contents, h2.contents);
  });

  it('completion of a property while the line is being typed (broken text), as on a small document', () => {
    // A statement without its statement_path; the user starts a new key on the line where it was.
    const mistake = (text: string, from: number) => {
      const at = text.indexOf('"statement_path"', from);
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const lineEnd = text.indexOf('\n', at);
      const edited = text.slice(0, lineStart) + '      "' + text.slice(lineEnd);
      return { text: edited, offset: lineStart + 7 };
    };
    const b = mistake(big, big.length >> 1);
    const s = mistake(small, 0);
    const labels = (text: string, offset: number) =>
      service
        .complete(text, position(text, offset))
        .items.map((i) => i.label)
        .sort();
    const large = labels(b.text, b.offset);
    assert.ok(large.includes('statement_path'), large.join());
    // The tolerant parse of the small text loses the next line's statement_id to the open string and offers it
    // again; the lazy tree keeps it. Otherwise the same.
    assert.deepEqual(
      large,
      labels(s.text, s.offset).filter((l) => l !== 'statement_id'),
    );
    assert.ok(!large.includes('statement_id'));
  });

  it('completion of a value in a large document', () => {
    const at = big.indexOf('"supply_type": "ELECTRICITY"', big.length >> 1) + '"supply_type": "'.length;
    const items = service.complete(big, position(big, at)).items.map((i) => i.label);
    assert.ok(items.includes('"GAS"') && items.includes('"ELECTRICITY"'), items.join());
  });

  it('folding: the same ranges as the scanner on a text under the cap, the outermost first over it', () => {
    const text = account(300);
    const lines = new LineIndex(text);
    const lazy = largeFoldingRanges(largeTree(text)!.tree, (o) => lines.positionAt(o).line, MAX_ITEMS_COMPUTED);
    const scanned = foldingRanges(text);
    assert.equal(scanned.limitReached, false);
    assert.deepEqual(lazy.items, scanned.items);
    const capped = foldingRanges(big);
    assert.equal(capped.limitReached, true);
    assert.equal(capped.items.length, MAX_ITEMS_COMPUTED);
    assert.deepEqual(capped.items.slice(1, 3), scanned.items.slice(1, 3)); // customers: the same in both texts
  });

  it('outline: capped, and the symbols it has are those of the text', () => {
    const result = documentSymbols(big);
    assert.equal(result.limitReached, true);
    let count = 0;
    const lines = new LineIndex(big);
    const visit = (symbols: typeof result.items) => {
      for (const s of symbols) {
        count++;
        const start = lines.offsetAt(s.selectionRange.start);
        if (/^[a-z_]+$/.test(s.name)) assert.equal(big.slice(start, lines.offsetAt(s.selectionRange.end)), JSON.stringify(s.name));
        visit(s.children ?? []);
      }
    };
    visit(result.items);
    assert.ok(count <= MAX_ITEMS_COMPUTED);
    // Depth first, in document order, until the cap: the top-level symbols are the first keys of the account.
    const names = result.items.map((s) => s.name);
    assert.deepEqual(names, Object.keys(JSON.parse(big)).slice(0, names.length));
    assert.ok(names.includes('statements'));
  });
});
