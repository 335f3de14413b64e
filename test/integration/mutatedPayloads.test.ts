/**
 * Every rule and every schema check on payloads changed at random (a fixed seed, so a failure repeats): the example
 * payloads of each kind under the bundled schemas, and the contract fixtures under the EDF GB and Origin AU served
 * contracts. A rule that throws on a shape it did not expect turns into an `internal-error` finding (validate.ts
 * runRule); none may appear, validation may not throw, and every finding's range lies inside the document. The
 * authoring requests (completion, hover, definition, references, outline, folding) answer at random places without
 * throwing, every quick fix edits inside the text and leaves JSON that parses, and so does "fix all", whose edits do
 * not overlap. Texts broken as while typing (characters deleted, typed or replaced) get the same guarantees, but for
 * JSON that parses after a fix.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createKrakenService, LineIndex, type Diagnostic, type KrakenService, type Position, type Range } from '../../core/src/service';
import { createContractSchemaSet } from '../../core/src/service/contract/schemaSet';
import { fixture, REPO_ROOT, SHARED } from '../helpers';
import { applyEdits } from '../unit/authoringScenario';

/** Values a generator script or a hand edit puts where they do not belong. */
const ODD_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1e308,
  1.5,
  -0,
  '',
  ' ',
  'x',
  '2024-02-30',
  '9999-12-31T23:59:59+14:00',
  '+49',
  '00',
  'Ⅻ',
  '\u0000',
  'a'.repeat(300),
  '12345678901234567890',
  [],
  {},
  [null],
  { a: 1 },
];

/** A linear congruential generator: the same sequence on every run. */
function generator(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Step = string | number;

function allPaths(value: Json, at: Step[] = [], out: Step[][] = []): Step[][] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) allPaths(v, [...at, k], out);
  return out;
}

/** One to five changes: a key or item removed, an odd value put in, an item repeated, a sibling's value copied. */
function mutate(original: Json, pick: (n: number) => number): Json {
  const copy = structuredClone(original);
  const paths = allPaths(copy).filter((p) => p.length > 0);
  const changes = 1 + pick(5);
  for (let c = 0; c < changes; c++) {
    const at = paths[pick(paths.length)];
    let parent: Json = copy;
    for (const step of at.slice(0, -1)) parent = (parent as Record<Step, Json> | undefined)?.[step] as Json;
    if (parent === null || typeof parent !== 'object') continue; // removed by an earlier change
    const key = at[at.length - 1];
    const container = parent as Record<Step, Json>;
    const siblings = Object.keys(container);
    switch (pick(4)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete container[key];
        break;
      case 1:
        container[key] = structuredClone(ODD_VALUES[pick(ODD_VALUES.length)]) as Json;
        break;
      case 2:
        if (Array.isArray(parent) && parent[Number(key)] !== undefined) parent.push(structuredClone(parent[Number(key)]));
        break;
      default:
        if (siblings.length) container[key] = structuredClone(container[siblings[pick(siblings.length)]] ?? null);
    }
  }
  return copy;
}

/** Whether a position lies in a text that ends at `end`. */
function insideOf(end: Position): (p: Position) => boolean {
  return (p) => p.line >= 0 && p.character >= 0 && (p.line < end.line || (p.line === end.line && p.character <= end.character));
}

/** Authoring requests at four random places, the outline and folding: an answer or none, never an exception. */
function askAuthoring(service: KrakenService, text: string, lines: LineIndex, pick: (n: number) => number, options: { filePath: string }) {
  for (let k = 0; k < 4; k++) {
    const at = lines.positionAt(pick(text.length + 1));
    service.complete(text, at, options);
    service.hover(text, at, options);
    service.definition(text, at, options);
    service.references(text, at, true, options);
  }
  service.symbols(text);
  service.foldingRanges(text);
}

/** The quick fixes offered for one finding (the code actions the client asks for with that diagnostic). */
function quickFixes(service: KrakenService, text: string, d: Diagnostic, all: () => Diagnostic[]) {
  return service.codeActions(text, d.range, [d], { allDiagnostics: all }).filter((a) => a.kind === 'quickfix');
}

function checkMutations(
  service: KrakenService,
  name: string,
  original: Json,
  count: number,
  seed: number,
): { findings: number; fixes: number } {
  const pick = generator(seed);
  const options = { filePath: `/w/${name}` };
  let findings = 0;
  let fixes = 0;
  for (let i = 0; i < count; i++) {
    const text = JSON.stringify(mutate(original, pick), null, 2);
    const lines = new LineIndex(text);
    const end = lines.positionAt(text.length);
    const inside = insideOf(end);
    const ordered = (r: Range) => r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character);
    const result = service.validate(text, options);
    for (const d of result.diagnostics) {
      assert.notEqual(d.code, 'internal-error', `${name}, mutation ${i}: ${d.message}\n${text}`);
      assert.ok(
        inside(d.range.start) && inside(d.range.end),
        `${name}, mutation ${i}: ${d.code} at ${JSON.stringify(d.range)} is outside the text`,
      );
      assert.ok(ordered(d.range), `${name}, mutation ${i}: ${d.code} ends before it starts`);
      findings++;
    }
    // Quick fixes: their edits are inside the text, and the text they leave is JSON.
    const all = () => result.diagnostics;
    for (const d of result.diagnostics.slice(0, 12)) {
      for (const fix of quickFixes(service, text, d, all)) {
        for (const e of fix.edits)
          assert.ok(
            inside(e.range.start) && inside(e.range.end) && ordered(e.range),
            `${name}, mutation ${i}: "${fix.title}" edits outside the text`,
          );
        const fixed = applyEdits(text, fix.edits);
        fixes++;
        assert.doesNotThrow(() => JSON.parse(fixed), `${name}, mutation ${i}: "${fix.title}" leaves text that is not JSON:\n${fixed}`);
      }
    }
    // "Fix all": its edits do not overlap, and it too leaves JSON.
    const whole = { start: { line: 0, character: 0 }, end };
    for (const fixAll of service.codeActions(text, whole, [], { only: ['source.fixAll'], allDiagnostics: all })) {
      const offsets = fixAll.edits.map((e) => [lines.offsetAt(e.range.start), lines.offsetAt(e.range.end)]).sort((a, b) => a[0] - b[0]);
      for (let k = 1; k < offsets.length; k++)
        assert.ok(offsets[k - 1][1] <= offsets[k][0], `${name}, mutation ${i}: fix-all edits overlap`);
      const fixed = applyEdits(text, fixAll.edits);
      assert.doesNotThrow(() => JSON.parse(fixed), `${name}, mutation ${i}: fix-all leaves text that is not JSON:\n${fixed}`);
      fixes++;
    }
    askAuthoring(service, text, lines, pick, options);
  }
  return { findings, fixes };
}

const EXAMPLES = [
  'account-de.json',
  'create-request.json',
  'notes.json',
  'transactions.json',
  'statements.json',
  'payment-instruction.json',
  'business-payment-instruction.json',
  'mistakes/account-with-mistakes.json',
];

describe('payloads changed at random: no rule fails, findings stay inside the text', () => {
  const bundled = createKrakenService({ now: () => new Date('2026-06-01T12:00:00Z') });
  for (const [i, example] of EXAMPLES.entries()) {
    it(`examples/${example}, bundled schemas`, () => {
      const original = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', example), 'utf8')) as Json;
      const { findings, fixes } = checkMutations(bundled, example, original, 100, 1000 + i);
      // Each run finds something (the changes are not all lost on optional fields), and some of it has a fix.
      assert.ok(findings > 0, 'no findings');
      assert.ok(fixes > 0, 'no quick fix was offered');
    });
  }

  const contracts = [
    { market: 'GB', file: 'edf-gb.openapi.yml', payload: 'contract/uk-account.json' },
    { market: 'AU', file: 'origin-au.openapi.yml', payload: 'contract/au-account.json' },
  ];
  for (const [i, c] of contracts.entries()) {
    it(`${c.payload} under the ${c.market} served contract`, () => {
      const source = path.join(SHARED, 'kraken-openapi', c.file);
      const { schemaSet } = createContractSchemaSet(readFileSync(source, 'utf8'), source, { buildId: 'mutations' });
      const service = createKrakenService({ schemaSet, now: () => new Date('2026-06-01T12:00:00Z') });
      const { findings, fixes } = checkMutations(service, c.payload, JSON.parse(fixture(c.payload)) as Json, 100, 2000 + i);
      assert.ok(findings > 0, 'no findings');
      assert.ok(fixes > 0, 'no quick fix was offered');
    });
  }
});

/** Characters that break or bend JSON when typed into it. */
const TYPED = ['"', '{', '}', '[', ']', ',', ':', ' ', '\n', 'a', '1', '-', '.', 'e', '\\', 'n', 't', '/', '*'];

describe('texts broken at random, as while typing: the same guarantees', () => {
  const service = createKrakenService({ now: () => new Date('2026-06-01T12:00:00Z') });
  for (const [i, example] of ['account-de.json', 'notes.json', 'transactions.json', 'mistakes/account-with-mistakes.json'].entries()) {
    it(`examples/${example}: characters deleted, typed or replaced`, () => {
      const original = readFileSync(path.join(REPO_ROOT, 'examples', example), 'utf8');
      const pick = generator(3000 + i);
      const options = { filePath: `/w/${example}` };
      let syntax = 0;
      for (let m = 0; m < 100; m++) {
        let text = original;
        for (let k = 0, n = 1 + pick(4); k < n; k++) {
          const at = pick(text.length + 1);
          const op = pick(3);
          if (op === 0) text = text.slice(0, at) + text.slice(at + 1 + pick(5));
          else text = text.slice(0, at) + TYPED[pick(TYPED.length)] + text.slice(op === 1 ? at : at + 1);
        }
        const lines = new LineIndex(text);
        const inside = insideOf(lines.positionAt(text.length));
        const result = service.validate(text, options);
        for (const d of result.diagnostics) {
          assert.notEqual(d.code, 'internal-error', `${example}, edit ${m}: ${d.message}`);
          assert.ok(inside(d.range.start) && inside(d.range.end), `${example}, edit ${m}: ${d.code} outside the text`);
          if (d.code === 'syntax-error') syntax++;
        }
        for (const d of result.diagnostics.slice(0, 12))
          for (const fix of service.codeActions(text, d.range, [d], { allDiagnostics: () => result.diagnostics }))
            for (const e of fix.edits)
              assert.ok(inside(e.range.start) && inside(e.range.end), `${example}, edit ${m}: "${fix.title}" edits outside`);
        askAuthoring(service, text, lines, pick, options);
      }
      assert.ok(syntax > 0, 'no edit broke the text');
    });
  }
});
