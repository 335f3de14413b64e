/**
 * Authoring on a large document after an edit (authoringDoc.ts, largeDocument.ts `largeTreeAfterEdit`, text.ts
 * `textEdit` and `LineIndex.afterEdit`): the document built from the previous one must be the document read whole,
 * value, tree and positions, whatever the edit; where that cannot be known the text is read whole.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type * as jsonc from 'jsonc-parser';
import { authoringDocument, freshAuthoringDocument, type AuthoringDocument } from '../../core/src/service/authoringDoc';
import { LARGE_AUTHORING_TEXT, largeTree, largeTreeAfterEdit, readLargeText, type LargeTree } from '../../core/src/service/largeDocument';
import { textShape } from '../../core/src/service/parseShape';
import { documentSymbols, foldingRanges } from '../../core/src/service/symbols';
import { bundledSchemaSet } from '../../core/src/service/schemas';
import { LineIndex, textEdit } from '../../core/src/service/text';
import { repairContainer, repairLarge } from '../../core/src/service/parseRepair';
import { createKrakenService } from '../../core/src/service';
import { Rng, seedAccount } from '../helpers';

/** The seed account with `count` statements, pretty-printed. */
function account(count: number): string {
  const a = seedAccount();
  const statement = a.statements[0];
  a.statements = [];
  for (let i = 0; i < count; i++) a.statements.push({ ...statement, statement_id: String(i + 1), statement_path: `S/${i}.pdf` });
  return JSON.stringify(a, null, 2);
}

/** Every node of a tree, read out (a lazy tree's containers read on the way). */
function materialise(node: jsonc.Node | undefined): unknown {
  if (!node) return undefined;
  const out: Record<string, unknown> = { type: node.type, offset: node.offset, length: node.length };
  if (node.type === 'property') out.colon = node.colonOffset;
  if (node.children) out.children = node.children.map(materialise);
  else out.value = node.value;
  return out;
}

function assertSameDocument(doc: AuthoringDocument, fresh: AuthoringDocument, step: string): void {
  assert.equal(doc.text, fresh.text, step);
  assert.equal(doc.kind, fresh.kind, step);
  assert.deepEqual(doc.value, fresh.value, step);
  assert.deepEqual(materialise(doc.tree), materialise(fresh.tree), step);
  assert.equal(doc.lines.lineCount, fresh.lines.lineCount, step);
  for (let i = 0; i <= 200; i++) {
    const offset = Math.floor((doc.text.length * i) / 200);
    const position = fresh.lines.positionAt(offset);
    assert.deepEqual(doc.lines.positionAt(offset), position, `${step}: offset ${offset}`);
    assert.equal(doc.lines.offsetAt(position), fresh.lines.offsetAt(position), `${step}: ${JSON.stringify(position)}`);
  }
}

/** `text` with `[from, to)` replaced. */
const splice = (text: string, from: number, to: number, insert: string) => text.slice(0, from) + insert + text.slice(to);

/** Edits of every kind, each applied to the text the one before left. */
const STEPS: Array<[string, (text: string) => string]> = [
  ['a space in the indentation', (t) => splice(t, t.indexOf('\n', t.length >> 2) + 1, t.indexOf('\n', t.length >> 2) + 1, ' ')],
  ['a character of a string value', (t) => t.replace('"S/900.pdf"', '"S/9x0.pdf"')],
  ['a number of another length', (t) => t.replace(/"amount": ("?)[\d.]+/, '"amount": $11234567.5')],
  ['a property line removed', (t) => t.replace(/\n {6}"statement_path": "S\/1000.pdf",/, '')],
  ['a property added', (t) => t.replace('"statement_id": "1100",', '"statement_id": "1100",\n      "x": [1, {"y": null}],')],
  ['a scalar made an object', (t) => t.replace('"statement_id": "1200"', '"statement_id": {"a": [1, 2]}')],
  ['a comma removed (the container repaired)', (t) => t.replace(/("statement_id": "1300"),/, '$1')],
  ['the comma back (from a repaired text)', (t) => t.replace(/("statement_id": "1300")/, '$1,')],
  ['a line break with a carriage return', (t) => t.replace('"statement_id": "1400",', '"statement_id": "1400",\r\n')],
  ['after the carriage return', (t) => t.replace('"statement_id": "1401"', '"statement_id": "14O1"')],
  ['a top-level key renamed (the root read again)', (t) => t.replace('"statements":', '"statementz":')],
  ['and back', (t) => t.replace('"statementz":', '"statements":')],
  [
    'a statement removed whole',
    (t) => {
      const item = (id: string) => t.lastIndexOf('\n    {\n', t.indexOf(`"statement_id": "${id}"`));
      return splice(t, item('1450'), item('1451'), '');
    },
  ],
];

describe('textEdit', () => {
  it('finds the common prefix and suffix of two texts, across its comparison blocks', () => {
    const rng = new Rng(5);
    const next = () => rng.next();
    const base = account(40);
    for (let round = 0; round < 300; round++) {
      const from = Math.floor(next() * base.length);
      const to = Math.min(base.length, from + Math.floor(next() * (next() < 0.5 ? 10 : 40_000)));
      const insert = next() < 0.3 ? '' : 'x"\n '.repeat(Math.floor(next() * 5));
      const after = splice(base, from, to, insert);
      const edit = textEdit(base, after);
      if (after === base) {
        assert.equal(edit, undefined);
        continue;
      }
      assert.ok(edit);
      assert.equal(base.slice(0, edit.start) + after.slice(edit.start, edit.afterEnd) + base.slice(edit.beforeEnd), after);
      // Smallest: the characters on either side of the edit differ (or the edit reaches an end).
      assert.ok(edit.start === Math.min(base.length, after.length) || base[edit.start] !== after[edit.start]);
      assert.ok(edit.start <= edit.beforeEnd && edit.start <= edit.afterEnd);
      const tail = base.length - edit.beforeEnd;
      assert.ok(
        edit.beforeEnd === edit.start || edit.afterEnd === edit.start || base[base.length - tail - 1] !== after[after.length - tail - 1],
      );
    }
  });
});

describe('LineIndex.afterEdit', () => {
  it('gives the positions of a fresh index, for edits that add, remove and keep line breaks', () => {
    const rng = new Rng(11);
    const next = () => rng.next();
    let text = account(30);
    let index = new LineIndex(text);
    index.positionAt(0);
    for (let round = 0; round < 200; round++) {
      const from = Math.floor(next() * text.length);
      const to = Math.min(text.length, from + Math.floor(next() * 300));
      const pick = next();
      const insert = pick < 0.2 ? '\r\n  ' : pick < 0.6 ? ' \n\n a' : 'bc';
      const after = splice(text, from, to, insert);
      const edit = textEdit(text, after);
      const edited = edit ? LineIndex.afterEdit(index, after, edit) : new LineIndex(after);
      const fresh = new LineIndex(after);
      assert.equal(edited.lineCount, fresh.lineCount, `round ${round}`);
      for (let offset = Math.max(0, from - 400); offset < Math.min(after.length, from + 400); offset += 7)
        assert.deepEqual(edited.positionAt(offset), fresh.positionAt(offset), `round ${round}, offset ${offset}`);
      for (let line = 0; line < fresh.lineCount; line += 97)
        assert.equal(edited.offsetAt({ line, character: 3 }), fresh.offsetAt({ line, character: 3 }), `round ${round}, line ${line}`);
      text = after;
      index = edited;
    }
  });
});

describe('large documents after an edit', () => {
  const schemas = bundledSchemaSet();
  const start = account(1500);

  it('the text used here is large', () => assert.ok(start.length > LARGE_AUTHORING_TEXT));

  it('parses only the container that holds the edit, and gives what reading the whole text gives', () => {
    const previous = largeTree(start);
    assert.ok(previous);
    const at = start.indexOf('"statement_path": "S/700.pdf"') + '"statement_path": "S/7'.length;
    const after = splice(start, at, at + 1, '9');
    const edit = textEdit(start, after);
    assert.deepEqual(edit, { start: at, beforeEnd: at + 1, afterEnd: at + 1 });
    const tree = largeTreeAfterEdit(previous, after, edit);
    assert.ok(tree);
    const whole = largeTree(after)!;
    assert.deepEqual(tree.value, whole.value);
    assert.deepEqual(materialise(tree.tree), materialise(whole.tree));
    // The containers off the edit's path are the previous value's own; those on it are copies.
    const before = previous.value as { statements: object[]; customers: object[] };
    const now = tree.value as { statements: object[]; customers: object[] };
    assert.equal(now.customers, before.customers);
    assert.equal(now.statements[699], before.statements[699]);
    assert.notEqual(now.statements, before.statements);
    assert.notEqual(now.statements[700], before.statements[700]);
    assert.equal((before.statements[700] as { statement_path: string }).statement_path, 'S/700.pdf');
  });

  it('reads the whole text where a part would not do: the root’s brackets, a container not repairable alone, a duplicate key', () => {
    const previous = largeTree(start)!;
    const whole = (after: string) => largeTreeAfterEdit(previous, after, textEdit(start, after)!);
    assert.equal(whole(start + '\n'), undefined, 'after the root');
    assert.equal(whole(' ' + start), undefined, 'before the root');
    // JSON.parse places this stop by a snippet of the text, not a position: placed where the whole text places it.
    const value = start.indexOf('"S/700.pdf"');
    const unexpected = splice(start, value, value, 'x');
    const fromLast = whole(unexpected)?.repair;
    assert.deepEqual(fromLast?.repairs, [start.lastIndexOf('\n', value) + 1]);
    assert.deepEqual(fromLast?.bySnippet, [start.lastIndexOf('\n', value) + 1]);
    assert.deepEqual(fromLast?.findings, largeTree(unexpected)!.repair?.findings);
    // A statement's object written on one line, a trailing comma typed in it: repaired there as in the whole text.
    const item = start.lastIndexOf('{', value);
    const oneLine = splice(start, item, start.indexOf('}', value) + 1, '{"statement_id": "700", "x": 1}');
    const trailing = oneLine.replace('"x": 1}', '"x": 1,}');
    const inLine = largeTreeAfterEdit(largeTree(oneLine)!, trailing, textEdit(oneLine, trailing)!);
    assert.equal(inLine?.parsedText, largeTree(trailing)!.parsedText);
    assert.deepEqual(inLine?.repair?.findings, largeTree(trailing)!.repair?.findings);
    // A key typed in it: the stop's line holds the container's brackets, which blanking the line would blank too.
    const typed = oneLine.replace('"x": 1}', '"x": 1, "k"y": 2}');
    assert.equal(largeTreeAfterEdit(largeTree(oneLine)!, typed, textEdit(oneLine, typed)!), undefined, 'a line to blank outside');
    const comma = start.indexOf(',', value);
    const noComma = splice(start, comma, comma + 1, '');
    const repaired = whole(noComma);
    assert.ok(repaired?.repair?.findings, 'a comma removed: the container repaired');
    assert.deepEqual(repaired.value, largeTree(noComma)!.value);
    // "statements" written twice: JSON.parse keeps the later one, so an edit in the earlier copy changes nothing.
    const twice = start.replace('{\n', '{\n  "statements": [],\n');
    const withTwice = largeTree(twice)!;
    const inEarlier = twice.indexOf('[]') + 1;
    const edited = splice(twice, inEarlier, inEarlier, '1');
    const tree = largeTreeAfterEdit(withTwice, edited, textEdit(twice, edited)!);
    assert.equal((JSON.parse(edited) as { statements: unknown[] }).statements.length, 1500);
    assert.deepEqual(tree?.value, JSON.parse(edited));
    // Minified: the locator would read it character by character down to the edit, so it is parsed whole.
    const minified = JSON.stringify(JSON.parse(start));
    const oneChange = minified.replace('"S/700.pdf"', '"S/790.pdf"');
    assert.equal(largeTreeAfterEdit(largeTree(minified)!, oneChange, textEdit(minified, oneChange)!), undefined);
  });

  it('authoringDocument after every kind of edit is the document read whole', () => {
    let text = start;
    assertSameDocument(authoringDocument(text, schemas), freshAuthoringDocument(text, schemas), 'start');
    for (const [step, edit] of STEPS) {
      const next = edit(text);
      assert.notEqual(next, text, step);
      text = next;
      assertSameDocument(authoringDocument(text, schemas), freshAuthoringDocument(text, schemas), step);
    }
  });

  it('the outline and folding after an edit are those of the text read whole', () => {
    let text = start;
    readLargeText(text);
    for (const [step, edit] of STEPS) {
      text = edit(text);
      const symbols = documentSymbols(text);
      const folding = foldingRanges(text);
      // A space after the root is an edit no container holds: that text is read whole, with the same outline.
      assert.deepEqual(symbols, documentSymbols(text + ' '), step);
      assert.deepEqual(folding, foldingRanges(text + ' '), step);
      assert.ok(symbols.items.length > 10 && folding.items.length > 10, step);
      readLargeText(text);
    }
  });

  it('validation after an edit reports what it reports on the text read whole', () => {
    const service = createKrakenService();
    let text = start;
    service.validate(text);
    let findings = 0;
    for (const [step, edit] of STEPS) {
      text = edit(text);
      const afterEdit = service.validate(text).diagnostics;
      // A space after the root: read whole, and the same findings at the same places.
      assert.deepEqual(afterEdit, service.validate(text + ' ').diagnostics, step);
      findings += afterEdit.length;
      service.validate(text);
    }
    assert.ok(findings > STEPS.length, `${findings} findings`);
  });

  it('a broken text repaired once: validation after completion, and completion after validation, as if alone', () => {
    const service = createKrakenService();
    const broken = start.replace(/("statement_id": "300"),/, '$1');
    // Completion (the authoring document) repairs it first; validation then takes that repair.
    authoringDocument(broken, schemas);
    const afterCompletion = service.validate(broken).diagnostics;
    // Validation repairing it itself (a text no request read before it).
    const alone = service.validate(broken + ' ').diagnostics;
    assert.deepEqual(afterCompletion, alone);
    // The comma is missing after statement_id 300: the finding is on the next line, where the next key starts.
    const line = new LineIndex(broken).positionAt(broken.indexOf('"statement_id": "300"')).line + 1;
    assert.deepEqual(
      afterCompletion.filter((d) => d.code === 'syntax-error').map((d) => d.range.start.line),
      [line],
    );
    assert.deepEqual(service.validate(broken).diagnostics, alone);
    // Validation repaired it last: completion and hover take that repair, and read what the text read whole gives.
    // (Another file name: not the authoring document kept from the first call.)
    const options = { filePath: 'other.json' };
    assertSameDocument(authoringDocument(broken, schemas, options), freshAuthoringDocument(broken, schemas, options), 'after validation');
  });
});

/**
 * Typing that breaks the text and mends it again, at random: a few characters typed at one place, one at a time, and
 * often deleted again the same way; a character deleted; a comma at a line end removed or added; an edit undone. At
 * most a few places are left broken (then the text starts again from `base`).
 */
function typing(seed: number, steps: number, base: string): string[] {
  const rng = new Rng(seed);
  const texts: string[] = [];
  let text = base;
  let leftBroken = 0;
  const somewhere = () => {
    const line = text.indexOf('\n', rng.int(text.length - 2000) + 1000) + 1;
    const indent = /^ */.exec(text.slice(line, line + 40))![0].length;
    const end = text.indexOf('\n', line);
    return rng.chance(0.5) ? line + indent : line + indent + rng.int(Math.max(1, end - line - indent));
  };
  while (texts.length < steps) {
    const before = text;
    const at = somewhere();
    const session: string[] = [];
    const pick = rng.next();
    if (pick < 0.2) {
      const comma = text.indexOf(',\n', at);
      session.push(rng.chance(0.7) ? splice(text, comma, comma + 1, '') : splice(text, comma + 1, comma + 1, ','));
      if (rng.chance(0.5)) session.push(before);
    } else if (pick < 0.35) {
      session.push(splice(text, at, at + 1, ''));
      if (rng.chance(0.5)) session.push(before);
    } else {
      let typed = text;
      let length = 0;
      for (let i = rng.range(1, 5); i > 0; i--) {
        const chars = rng.pick(['"', 'k', 'x', ':', ',', ' ', '{', ']', '1', '"k']);
        session.push((typed = splice(typed, at + length, at + length, chars)));
        length += chars.length;
      }
      // Deleted again one character at a time (all but the first), then often the first too.
      if (rng.chance(0.6)) for (; length > 1; length--) session.push((typed = splice(typed, at + length - 1, at + length, '')));
      if (rng.chance(0.6)) session.push(before);
    }
    texts.push(...session);
    text = session[session.length - 1];
    if (text !== before && ++leftBroken > 2) {
      texts.push((text = base));
      leftBroken = 0;
    }
  }
  return texts.slice(0, steps);
}

describe('large documents typed into while broken (parseRepair.ts repairContainer)', () => {
  const start = account(1500);

  it('the tree built from the last text, broken or not, is the text read whole, or is not built', () => {
    // Trees read whole get their shape as validation gives it; those built from the last, from the last one's.
    const withShape = (tree: LargeTree | undefined): LargeTree | undefined =>
      tree && { ...tree, shape: textShape(tree.parsedText, tree.value) };
    let previous = start;
    let tree = withShape(largeTree(start));
    let built = 0;
    let repaired = 0;
    let bySnippet = 0;
    let shaped = 0;
    for (const text of typing(23, 300, start)) {
      const edit = textEdit(previous, text);
      const after = tree && edit ? largeTreeAfterEdit(tree, text, edit) : undefined;
      const whole = withShape(largeTree(text));
      if (after) {
        built++;
        if (after.parsedText !== text) repaired++;
        if (after.repair?.bySnippet.length) bySnippet++;
        assert.ok(whole, 'the whole text is repairable too');
        assert.equal(after.parsedText, whole.parsedText);
        assert.deepEqual(after.repair, whole.repair);
        assert.deepEqual(after.value, whole.value);
        if (after.shape) {
          shaped++;
          // The depth is an upper bound; the counts are exact.
          assert.ok(after.shape.maxDepth >= whole.shape!.maxDepth);
          assert.deepEqual({ ...after.shape, maxDepth: 0 }, { ...whole.shape!, maxDepth: 0 });
        }
      }
      previous = text;
      tree = after ?? whole;
    }
    assert.ok(shaped > 150, `${shaped} shapes from the last`);
    // Most edits are taken from the last text, many of them repairs, some with stops placed by a snippet: the test
    // tests the repair of a part.
    assert.ok(built > 150 && repaired > 100 && bySnippet > 20, `${built} built, ${repaired} repaired, ${bySnippet} by a snippet`);
  });

  it('validation while typing reports what it reports on each text read whole; closing forgets the text', () => {
    const service = createKrakenService();
    const texts = typing(31, 60, start);
    service.validate(start);
    const typed = texts.map((text) => service.validate(text).diagnostics);
    let broken = 0;
    texts.forEach((text, i) => {
      service.forgetText(texts[texts.length - 1]);
      service.forgetText(i ? texts[i - 1] : start);
      const whole = service.validate(text).diagnostics;
      if (whole.some((d) => d.code === 'syntax-error' || d.code === 'trailing-comma')) broken++;
      assert.deepEqual(typed[i], whole, `step ${i}`);
    });
    assert.ok(broken > 15, `${broken} broken texts`);
  });
});

describe('the shape of a text after an edit (parseShape.ts textShapeAfterEdit)', () => {
  it('counts what the text read whole counts: keys and their colons, long numbers, numbers in arrays, a duplicate key', () => {
    const start = account(1500);
    const at = (t: string) => t.indexOf('"statement_id": "700",');
    // Each edit, and the long numbers (literals that may not read back exactly) after it.
    const steps: Array<[string, (t: string) => string, number]> = [
      ['a long number', (t) => splice(t, at(t), at(t), '"n": 12345678901234567,\n      '), 1],
      ['numbers in an array, and an exponent', (t) => splice(t, at(t), at(t), '"arr": [1, 2.5, {"x": 1e3}],\n      '), 2],
      ['the long number removed', (t) => t.replace('"n": 12345678901234567,', ''), 1],
      ['a key written twice', (t) => splice(t, at(t), at(t), '"statement_id": "0",\n      '), 1],
      ['a colon in a string value', (t) => t.replace('"S/700.pdf"', '": S/700.pdf"'), 1],
      ['an array emptied', (t) => t.replace('[1, 2.5, {"x": 1e3}]', '[]'), 0],
    ];
    let text = start;
    let tree: LargeTree = { ...largeTree(start)!, shape: textShape(start, JSON.parse(start)) };
    for (const [step, edit, longNumbers] of steps) {
      const next = edit(text);
      const after = largeTreeAfterEdit(tree, next, textEdit(text, next)!);
      assert.ok(after?.shape, step);
      assert.equal(after.shape.longNumbers, longNumbers, step);
      const whole = textShape(next, JSON.parse(next));
      assert.deepEqual({ ...after.shape, maxDepth: 0 }, { ...whole, maxDepth: 0 }, step);
      assert.ok(after.shape.maxDepth >= whole.maxDepth, step);
      text = next;
      tree = after;
    }
    assert.equal(tree.shape!.colons, tree.shape!.keys + 2, 'the key written twice and the colon opening a string');
  });
});

describe('repairContainer: a container repaired as the whole text’s repair would repair it there', () => {
  const start = account(1500);
  const error = (text: string): unknown => {
    try {
      JSON.parse(text);
    } catch (e) {
      return e;
    }
    return undefined;
  };

  it('a stop placed by a snippet counts only if the snippet is unique in the whole text at that point', () => {
    // An unexpected token: V8 quotes the text around it instead of giving its position.
    const container = '{\n      "a": 1,\n      "k"statement_id": "1"\n    }';
    assert.doesNotMatch(String((error(container) as Error).message), /position/);
    const before = '{\n  "x": [\n    ';
    const around = (after: string) => repairContainer(container, error(container), 6, { before, after });
    const text = before + container + '\n  ]\n}';
    const whole = repairLarge(text, error(text))!;
    assert.deepEqual(
      around('\n  ]\n}')?.repairs,
      whole.repairs.map((r) => r - before.length),
    );
    assert.deepEqual(around('\n  ]\n}')?.bySnippet, [16]);
    // The same characters after the container (not yet repaired at that point of the whole repair): not unique.
    assert.equal(around(',\n    {"z": 1,\n      "k"statement_id": 2}\n  ]\n}'), undefined);
  });

  it('a line to blank must lie within the container’s lines', () => {
    // The value of "a" missing: the whole repair blanks the line of its key, which holds the container's bracket.
    const container = '{ "a":\n      "b": 1\n    }';
    const whole = { before: '{\n  "q": ', after: '\n}' };
    assert.match(String((error(container) as Error).message), /position/);
    assert.equal(repairContainer(container, error(container), 6, whole), undefined);
    const text = whole.before + container + whole.after;
    assert.ok(repairLarge(text, error(text)), 'the whole text is repaired, another way');
  });

  it('no more repairs in all than the whole text’s repair makes', () => {
    // Six commas removed in six statements: the whole text's repair makes six repairs, its most.
    let six = start;
    for (const id of ['100', '200', '300', '400', '500', '600']) six = six.replace(`"statement_id": "${id}",`, `"statement_id": "${id}"`);
    const previous = largeTree(six);
    assert.equal(previous?.repair?.repairs.length, 6);
    const seventh = six.replace('"statement_id": "700",', '"statement_id": "700"');
    assert.equal(largeTree(seventh), undefined, 'seven are too many for the whole text');
    assert.equal(largeTreeAfterEdit(previous, seventh, textEdit(six, seventh)!), undefined);
    // One of the six put back: five, built from the last.
    const moved = six.replace('"statement_id": "100"', '"statement_id": "100",');
    const fromLast = largeTreeAfterEdit(previous, moved, textEdit(six, moved)!);
    assert.deepEqual(fromLast?.repair?.repairs, largeTree(moved)!.repair?.repairs);
  });
});
