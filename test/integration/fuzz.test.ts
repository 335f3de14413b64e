/**
 * A seeded fuzzer over the language service and the CLI.
 *
 * Documents come from the seed payloads (test/fixtures/seeds) mutated by the operators below (delete, duplicate,
 * retype, truncate, splice, unicode) and from random text. For every document:
 * - `validate` never throws and finishes within a generous per-document budget (a hang detector, not a benchmark);
 * - every diagnostic has a kebab-case code, a severity, a message, a range inside the document as an LSP client
 *   counts lines (vscode-languageserver-textdocument is the oracle: "\r\n", "\n" and a lone "\r" break lines),
 *   start <= end, and survives JSON serialisation (it goes over LSP and into the CLI's JSON output);
 * - a document Kraken would refuse to parse never passes: with a kind set, invalid JSON has an error;
 * - no rule fails on it (a rule that throws becomes an `internal-error` finding);
 * - the authoring features the service facade has (complete, hover, symbols, ...) never throw at random positions
 *   and return ranges inside the document; a quick fix and "fix all" have edits that do not overlap and, on a text
 *   that is JSON, leave JSON.
 * The contract fixtures (test/fixtures/contract) are fuzzed the same way under the EDF GB and Origin AU served
 * contracts.
 * A sample of the documents goes through `node dist/cli.js validate --format json` once: the output parses, the
 * exit code is 1 exactly when an error diagnostic exists, never 2, and every range is inside its file.
 *
 * CI runs KRAKEN_FUZZ_COUNT (default 3000) documents from the fixed seed; for a long local run:
 *   KRAKEN_FUZZ_SEED=random KRAKEN_FUZZ_COUNT=100000 node --test out/test/integration/fuzz.test.js
 * One document of a run is reproduced with KRAKEN_FUZZ_SEED=<seed> KRAKEN_FUZZ_ONLY=<index>. Failing documents are
 * written to $TMPDIR/kraken-fuzz-failures/.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  createKrakenService,
  isFindingCode,
  PAYLOAD_KINDS,
  ruleCatalogue,
  type Diagnostic,
  type KindId,
  type KrakenService,
  type Position,
  type Range,
} from '../../core/src/service';
import { parseDocument } from '../../core/src/service/parse';
import { LineIndex } from '../../core/src/service/text';
import { createContractSchemaSet } from '../../core/src/service/contract/schemaSet';
import { fixture, REPO_ROOT, Rng, SHARED } from '../helpers';

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** One independent stream per document, so any document of a run can be replayed alone. */
function documentSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Seeds and mutation operators

const DEFAULT_SEED = 0x6b72616b; // "krak"
const SEED =
  process.env.KRAKEN_FUZZ_SEED === 'random'
    ? (Date.now() ^ (process.pid << 16)) >>> 0
    : process.env.KRAKEN_FUZZ_SEED
      ? Number(process.env.KRAKEN_FUZZ_SEED) >>> 0
      : DEFAULT_SEED;
const COUNT = Number(process.env.KRAKEN_FUZZ_COUNT ?? 3000);
const ONLY = process.env.KRAKEN_FUZZ_ONLY !== undefined ? Number(process.env.KRAKEN_FUZZ_ONLY) : undefined;
/** Documents at most this long must validate within BUDGET_MS; longer ones (rare: splices) get a proportional budget. */
const BUDGET_CHARS = 64 * 1024;
const BUDGET_MS = 2000;
const CLI_SAMPLE = 160;
/** Documents fuzzed from each served contract's fixture (../shared/kraken-openapi), with their own streams. */
const CONTRACT_COUNT = Math.min(COUNT, 300);
const CONTRACTS = [
  { market: 'GB', file: 'edf-gb.openapi.yml', fixture: 'contract/uk-account.json', firstIndex: 1_000_000 },
  { market: 'AU', file: 'origin-au.openapi.yml', fixture: 'contract/au-account.json', firstIndex: 2_000_000 },
];
/** Mutated documents stay below this size (the budget applies to them; the extremes suite covers large input). */
const MAX_CHARS = 60 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Seed {
  name: string;
  kind: KindId;
  text: string;
  value: Json;
}

function loadSeeds(): Seed[] {
  const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'seeds');
  const service = createKrakenService();
  const seeds: Seed[] = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const kind = service.validate(text).detection.kind;
      assert.ok(kind, `${f} is detected as a payload`);
      return { name: f, kind, text, value: JSON.parse(text) as Json };
    });
  const account = seeds.find((s) => s.kind === 'account');
  if (account) {
    const wrapped = { payload: account.value };
    seeds.push({ name: 'v2-validate(seed-account)', kind: 'account-v2-validate', text: JSON.stringify(wrapped, null, 2), value: wrapped });
    const create = { payload: account.value, task_params: { is_dry_run: true } };
    seeds.push({ name: 'v2-create(seed-account)', kind: 'account-v2-create', text: JSON.stringify(create, null, 2), value: create });
  }
  return seeds;
}

/** Number texts that JSON.stringify cannot produce: spliced in through placeholders. */
const RAW_NUMBERS = [
  '12345678901234567890', // beyond 2^53
  '9007199254740993',
  '-9007199254740993',
  '0.30000000000000004',
  '1.0000000000000000001',
  '100.005',
  '1e400', // Infinity for a double
  '-1e400',
  '1e-400',
  '-0',
  '1E+2',
  '0.1e1',
  '123456789012345678901234567890.5',
];
/** Text that is not valid JSON where a value goes. */
const RAW_INVALID = ['007', '00', '+1', '.5', '1.', 'NaN', 'Infinity', '-', '0x1F', "'single'", 'True', 'None', 'undefined', '1_000'];

const NASTY_TEXT = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ufeff',
  '\ud800',
  '\udc00',
  '\udbff\udfff',
  '\ud83d\ude00', // 😀
  '\u2028',
  '\u2029',
  '\r',
  '\r\n',
  '\n',
  '\t',
  '\u00a0',
  '\u200b',
  '\u202e',
  '\u0301',
  '\ufffd',
  '\uffff',
  'ß',
  'Ü',
  '𝔘',
  '"',
  '\\',
  '\\u',
  '\\u00',
  '\\uD800',
  '\\uDC00\\uD800',
  '\\x41',
  '\\',
  '/*',
  '*/',
  '//',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  ',,',
  '""',
  'null',
  '"\ud800"',
];

const KEYS = [
  'import_supplier',
  'external_account_number',
  'customers',
  'supply_addresses',
  'supply_points',
  'agreements',
  'ledgers',
  'ledger_code',
  'ledger_balance',
  'current_statement_transactions',
  'payment_instructions',
  'notes',
  'body',
  'payload',
  'task_params',
  'identifier',
  'amount',
  'effective_from',
  'effective_to',
  'date_of_birth',
  'sales_channel',
  'metadata',
  'key',
  'value',
  'references',
  'transactions',
  'statements',
  '',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'a.b',
  '0',
  'ключ',
];

function randomString(rng: Rng): string {
  switch (rng.int(8)) {
    case 0:
      return '';
    case 1:
      return rng.pick(['DIRECT', 'direct', 'CHARGE', 'PAYMENT', 'GAS', 'ELECTRICITY', 'TENTACLE_ENERGY', 'GBP', 'EUR']);
    case 2:
      return rng.pick([
        '2022-01-01',
        '2022-13-45',
        '1997-7-6',
        '2018-10-10 10:20',
        '2022-01-01T10:00:00Z',
        '2020-02-30',
        '0000-00-00',
        '99999-01-01',
      ]);
    case 3:
      return rng.pick(['100.00', '-0.01', '1e3', '20.5', '0.30000000000000004', '00100.00', '1,50', '']);
    case 4:
      return rng.pick([
        '50203829715',
        '1200023456789',
        'DE89370400440532013000',
        '007',
        '0000000000000',
        'GB82WEST12345698765432',
        '1234567890123456789012',
      ]);
    case 5:
      return 'x'.repeat(rng.pick([1, 255, 256, 1000, 5000]));
    case 6: {
      let s = '';
      const n = rng.range(1, 12);
      for (let i = 0; i < n; i++) s += rng.pick(NASTY_TEXT);
      return s;
    }
    default:
      return rng.pick(KEYS);
  }
}

/** A random JSON value; `raw` collects placeholders for number texts JSON.stringify cannot write. */
function randomValue(rng: Rng, depth: number, raw: string[]): Json {
  const kind = depth <= 0 ? rng.int(5) : rng.int(8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1, 20.5, 0.1, 1e21, -1e-7, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1.5, 31, 32, 100, 12345]);
    case 3:
      return randomString(rng);
    case 4:
      raw.push(rng.chance(0.8) ? rng.pick(RAW_NUMBERS) : rng.pick(RAW_INVALID));
      return `@@RAW${raw.length - 1}@@`;
    case 5: {
      const n = rng.range(0, 4);
      return Array.from({ length: n }, () => randomValue(rng, depth - 1, raw));
    }
    case 6:
      return nested(rng, rng.pick([5, 50, 500, 995, 1200, 3000, 6000, 12000]), rng.chance(0.5) ? '[' : '{"a":');
    default: {
      const o: { [key: string]: Json } = {};
      const n = rng.range(0, 5);
      for (let i = 0; i < n; i++) o[rng.pick(KEYS)] = randomValue(rng, depth - 1, raw);
      return o;
    }
  }
}

/** A nested value `depth` levels deep, as a placeholder (serialised as raw text). */
function nested(rng: Rng, depth: number, open: '[' | '{"a":'): string {
  return `@@NEST${open === '[' ? 'A' : 'O'}${depth}${rng.chance(0.5) ? 'n' : ''}@@`;
}

function expandPlaceholders(text: string, raw: string[]): string {
  return text
    .replace(/"@@RAW(\d+)@@"/g, (_, i: string) => raw[Number(i)])
    .replace(/"@@NEST([AO])(\d+)(n?)@@"/g, (_, t: string, d: string, n: string) => {
      const depth = Number(d);
      const open = t === 'A' ? '[' : '{"a":';
      const close = t === 'A' ? ']' : '}';
      const leaf = n ? '1' : t === 'A' ? '' : 'null';
      return open.repeat(depth) + leaf + close.repeat(depth);
    });
}

type Container = Json[] | { [key: string]: Json };
interface Slot {
  parent: Container;
  key: string | number;
}

/** Every place a value sits (parent + key), for structural operators. */
function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const stack: Json[] = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      v.forEach((child, i) => {
        out.push({ parent: v, key: i });
        stack.push(child);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push({ parent: v, key: k });
        stack.push(v[k]);
      }
    }
  }
  return out;
}

const clone = (v: Json): Json => JSON.parse(JSON.stringify(v)) as Json;

function getSlot(s: Slot): Json {
  return Array.isArray(s.parent) ? s.parent[s.key as number] : s.parent[s.key as string];
}
function setSlot(s: Slot, v: Json): void {
  if (Array.isArray(s.parent)) s.parent[s.key as number] = v;
  else s.parent[s.key as string] = v;
}

type Structural = (rng: Rng, value: Json, seeds: Seed[], raw: string[]) => string;
type Textual = (rng: Rng, text: string, seeds: Seed[]) => string;

const STRUCTURAL: Record<string, Structural> = {
  delete(rng, value) {
    const all = slots(value);
    const n = rng.range(1, 3);
    for (let i = 0; i < n && all.length; i++) {
      const s = all[rng.int(all.length)];
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete s.parent[s.key as string];
    }
    return 'delete';
  },
  duplicate(rng, value) {
    const arrays = slots(value).filter((s) => Array.isArray(getSlot(s)));
    if (!arrays.length) return 'duplicate(none)';
    const arr = getSlot(rng.pick(arrays)) as Json[];
    if (arr.length) {
      const n = rng.pick([1, 2, 10, 100]);
      const item = arr[rng.int(arr.length)];
      for (let i = 0; i < n; i++) arr.push(clone(item));
    }
    return 'duplicate-item';
  },
  retype(rng, value, _seeds, raw) {
    const all = slots(value);
    const n = rng.range(1, 4);
    for (let i = 0; i < n && all.length; i++) setSlot(rng.pick(all), randomValue(rng, 2, raw));
    return 'retype';
  },
  splice(rng, value, seeds) {
    const all = slots(value);
    const donor = slots(clone(rng.pick(seeds).value));
    if (!all.length || !donor.length) return 'splice(none)';
    setSlot(rng.pick(all), getSlot(rng.pick(donor)));
    return 'splice-subtree';
  },
  addProperty(rng, value, _seeds, raw) {
    const objects = [value, ...slots(value).map(getSlot)].filter(
      (v): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v),
    );
    if (!objects.length) return 'add(none)';
    rng.pick(objects)[rng.pick(KEYS)] = randomValue(rng, 2, raw);
    return 'add-property';
  },
};

function randomOffset(rng: Rng, text: string): number {
  return rng.int(text.length + 1);
}

const TEXTUAL: Record<string, Textual> = {
  deleteSpan(rng, text) {
    const at = randomOffset(rng, text);
    return text.slice(0, at) + text.slice(at + rng.pick([1, 1, 2, 5, 40, 400]));
  },
  deleteStructural(rng, text) {
    // a quote, a brace, a colon or a comma: the characters a hand edit breaks
    const positions: number[] = [];
    for (let i = 0; i < text.length; i++) if ('"{}[]:,'.includes(text[i])) positions.push(i);
    if (!positions.length) return text;
    const at = rng.pick(positions);
    return text.slice(0, at) + text.slice(at + 1);
  },
  duplicateLine(rng, text) {
    const lines = text.split('\n');
    const i = rng.int(lines.length);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  duplicateSpan(rng, text) {
    const at = randomOffset(rng, text);
    const len = rng.pick([1, 10, 100, 1000]);
    return text.slice(0, at + len) + text.slice(at, at + len) + text.slice(at + len);
  },
  truncate(rng, text) {
    const at = randomOffset(rng, text);
    return rng.chance(0.8) ? text.slice(0, at) : text.slice(at);
  },
  splice(rng, text, seeds) {
    const donor = rng.pick(seeds).text;
    const from = rng.int(donor.length);
    const chunk = donor.slice(from, from + rng.pick([1, 20, 200, 2000]));
    const at = randomOffset(rng, text);
    return text.slice(0, at) + chunk + text.slice(at + (rng.chance(0.5) ? chunk.length : 0));
  },
  unicode(rng, text) {
    const n = rng.range(1, 6);
    for (let i = 0; i < n; i++) {
      const at = randomOffset(rng, text);
      text = text.slice(0, at) + rng.pick(NASTY_TEXT) + text.slice(at);
    }
    return text;
  },
  unicodeInString(rng, text) {
    // inside a string value: after a random opening quote
    const quotes: number[] = [];
    for (let i = text.indexOf('"'); i !== -1 && quotes.length < 2000; i = text.indexOf('"', i + 1)) quotes.push(i);
    if (!quotes.length) return text;
    const at = rng.pick(quotes) + 1;
    return text.slice(0, at) + rng.pick(NASTY_TEXT) + text.slice(at);
  },
  lineEndings(rng, text) {
    return text.replace(/\n/g, rng.pick(['\r\n', '\r', '\n\r', '\u2028']));
  },
};

/** Random text: token soup that looks like JSON, or characters from everywhere. */
function randomText(rng: Rng): string {
  const parts: string[] = [];
  const r = rng.next();
  if (r < 0.15) {
    // deep nesting with the debris of a broken edit around it
    const n = rng.pick([900, 1001, 3000, 5000, 8000]);
    const debris = ['"x\n', '"', ']', '}', ',', '{"a":', '[1,', '"k": ', '\n'];
    for (let i = 0; i < 4; i++) {
      parts.push(rng.pick(debris).repeat(rng.pick([1, 1, 3, n])));
      parts.push(rng.pick(['[', '{"a":', '{"a":[']).repeat(rng.pick([1, n])));
    }
  } else if (r < 0.6) {
    const tokens = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      'true',
      'false',
      'null',
      '0',
      '-1',
      '1.5e3',
      '007',
      ...KEYS.map((k) => JSON.stringify(k)),
      '"x"',
      ' ',
      '\n',
      '\t',
      '\r\n',
      '//',
      '/*x*/',
    ];
    const n = rng.range(0, 400);
    for (let i = 0; i < n; i++) parts.push(rng.pick(tokens));
  } else {
    const n = rng.range(0, 600);
    for (let i = 0; i < n; i++) {
      const r = rng.next();
      if (r < 0.5) parts.push(String.fromCharCode(rng.range(0x20, 0x7e)));
      else if (r < 0.7) parts.push(String.fromCharCode(rng.int(0x20)));
      else if (r < 0.9) parts.push(String.fromCharCode(rng.int(0x10000)));
      else parts.push(rng.pick(NASTY_TEXT));
    }
  }
  return parts.join('').slice(0, MAX_CHARS);
}

interface FuzzDocument {
  index: number;
  text: string;
  /** How it was made, for failure reports. */
  recipe: string[];
  /** The kind validation is forced to, if any. */
  kind?: KindId;
  filePath: string;
}

function serialise(rng: Rng, value: Json): string {
  return JSON.stringify(value, null, rng.pick([0, 2, 2, 4, '\t']));
}

function makeDocument(seeds: Seed[], index: number): FuzzDocument {
  const rng = new Rng(documentSeed(SEED, index));
  const recipe: string[] = [];
  let text: string;
  let kind: KindId | undefined;
  const mode = rng.next();
  if (mode < 0.1) {
    text = randomText(rng);
    recipe.push('random-text');
  } else if (mode < 0.18) {
    const raw: string[] = [];
    text = expandPlaceholders(serialise(rng, randomValue(rng, 4, raw)), raw);
    recipe.push('random-value');
  } else {
    const seed = rng.pick(seeds);
    kind = seed.kind;
    recipe.push(seed.name);
    const value = clone(seed.value);
    const raw: string[] = [];
    const structural = rng.range(0, 3);
    for (let i = 0; i < structural; i++) recipe.push(STRUCTURAL[rng.pick(Object.keys(STRUCTURAL))](rng, value, seeds, raw));
    text = expandPlaceholders(serialise(rng, value), raw);
    if (text.length > MAX_CHARS) {
      recipe.push('too-big:seed');
      text = seed.text;
    }
    const textual = rng.chance(0.35) ? 0 : rng.range(1, 3);
    for (let i = 0; i < textual; i++) {
      const op = rng.pick(Object.keys(TEXTUAL));
      if ((op === 'splice' || op === 'duplicateSpan') && text.length > MAX_CHARS - 2000) continue;
      recipe.push(op);
      text = TEXTUAL[op](rng, text, seeds);
    }
  }
  // Validate as the seed's kind, as a random kind, or leave it to detection.
  const k = rng.next();
  if (k < 0.3) kind = undefined;
  else if (k < 0.45) kind = rng.pick(PAYLOAD_KINDS).id;
  return { index, text, recipe, kind, filePath: rng.pick(['/w/payload.json', 'C:\\w\\a.json', '/w/notes/x.json', 'untitled:Untitled-1']) };
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);
const CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Line lengths as an LSP client counts them. */
class Oracle {
  readonly doc: TextDocument;
  constructor(readonly text: string) {
    this.doc = TextDocument.create('file:///fuzz.json', 'json', 1, text);
  }
  get lineCount(): number {
    return this.doc.lineCount;
  }
  lineLength(line: number): number {
    return this.doc.offsetAt({ line, character: Number.MAX_SAFE_INTEGER }) - this.doc.offsetAt({ line, character: 0 });
  }
  /** Why the range is not inside the document, or undefined. */
  checkRange(range: Range | undefined, what: string): string | undefined {
    if (!range || typeof range !== 'object') return `${what}: no range`;
    for (const end of ['start', 'end'] as const) {
      const p: Position | undefined = range[end];
      if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0)
        return `${what}: ${end} is not a position: ${JSON.stringify(p)}`;
      if (p.line >= this.lineCount) return `${what}: ${end}.line ${p.line} >= lineCount ${this.lineCount}`;
      const len = this.lineLength(p.line);
      if (p.character > len) return `${what}: ${end} ${p.line}:${p.character} is past the end of the line (length ${len})`;
    }
    if (range.start.line > range.end.line || (range.start.line === range.end.line && range.start.character > range.end.character))
      return `${what}: start after end ${JSON.stringify(range)}`;
    return undefined;
  }
}

function checkDiagnostics(diagnostics: Diagnostic[], oracle: Oracle, maxFindings: number): string[] {
  const problems: string[] = [];
  if (diagnostics.length > maxFindings + 1) problems.push(`${diagnostics.length} diagnostics for a cap of ${maxFindings}`);
  for (const d of diagnostics) {
    const what = `diagnostic ${d.code}`;
    if (typeof d.code !== 'string' || !CODE.test(d.code)) problems.push(`bad code ${JSON.stringify(d.code)}`);
    // The settings name codes from the one catalogue (findingCodes.ts): a code outside it could not be set.
    else if (!isFindingCode(d.code)) problems.push(`${what}: not in the catalogue of finding codes`);
    if (!SEVERITIES.has(d.severity)) problems.push(`${what}: bad severity ${d.severity}`);
    if (typeof d.message !== 'string' || !d.message.trim()) problems.push(`${what}: empty message`);
    if (typeof d.path !== 'string') problems.push(`${what}: path is not a string`);
    // A rule that throws is reported as an internal-error finding (validate.ts runRule): a bug, not a finding.
    if (d.code === 'internal-error') problems.push(`a rule failed: ${d.message}`);
    const bad = oracle.checkRange(d.range, what);
    if (bad) problems.push(bad);
  }
  try {
    JSON.stringify(diagnostics);
  } catch (error) {
    problems.push(`diagnostics do not serialise: ${(error as Error).message}`);
  }
  return problems;
}

/** Every LSP-shaped range in an authoring result (hover range, completion edits, symbol ranges, ...). */
function rangesIn(value: unknown, out: Range[] = [], depth = 0): Range[] {
  if (value === null || typeof value !== 'object' || depth > 12) return out;
  const v = value as Record<string, unknown>;
  const isPos = (p: unknown) =>
    p !== null && typeof p === 'object' && typeof (p as Position).line === 'number' && typeof (p as Position).character === 'number';
  if (isPos(v.start) && isPos(v.end)) {
    out.push(v as unknown as Range);
    return out;
  }
  for (const child of Array.isArray(v) ? v : Object.values(v)) rangesIn(child, out, depth + 1);
  return out;
}

/** The authoring features, where the facade has them (they are being added alongside this suite). */
interface AuthoringFacade {
  complete?(text: string, position: Position, options?: object): unknown;
  hover?(text: string, position: Position, options?: object): unknown;
  definition?(text: string, position: Position, options?: object): unknown;
  references?(text: string, position: Position, includeDeclaration?: boolean, options?: object): unknown;
  symbols?(text: string): unknown;
  foldingRanges?(text: string): unknown;
  codeActions?(text: string, range: Range, diagnostics: Diagnostic[], options?: object): unknown;
}
const POSITIONAL = ['complete', 'hover', 'definition', 'references'] as const;
const WHOLE = ['symbols', 'foldingRanges'] as const;

function authoringOf(service: KrakenService): { facade: AuthoringFacade; names: string[] } {
  const facade = service as unknown as AuthoringFacade;
  const names = [...POSITIONAL, ...WHOLE, 'codeActions' as const].filter((n) => typeof facade[n] === 'function');
  return { facade, names };
}

function randomPosition(rng: Rng, oracle: Oracle): Position {
  if (rng.chance(0.1)) return { line: rng.int(oracle.lineCount + 2), character: rng.int(200) }; // off the end, as a racing client may send
  const offset = rng.int(oracle.text.length + 1);
  return oracle.doc.positionAt(offset);
}

interface Failure {
  doc: FuzzDocument;
  problems: string[];
}

interface FixAction {
  title: string;
  edits: Array<{ range: Range; newText: string }>;
}

/** The code actions in a codeActions answer (none when it threw). */
function actionsIn(result: unknown): FixAction[] {
  return Array.isArray(result) ? (result as FixAction[]) : [];
}

/**
 * A code action's edits do not overlap, and on a text that is JSON they leave JSON: a quick fix or "fix all" that
 * breaks the document would cost the user more than the finding. (The edits' ranges are checked with the others.)
 */
function checkFixes(text: string, oracle: Oracle, actions: FixAction[]): string[] {
  if (!actions.length) return [];
  const problems: string[] = [];
  let isJson = true;
  try {
    JSON.parse(text);
  } catch {
    isJson = false;
  }
  for (const action of actions) {
    const spans = action.edits
      .map((e) => [oracle.doc.offsetAt(e.range.start), oracle.doc.offsetAt(e.range.end)])
      .sort((a, b) => a[0] - b[0]);
    if (spans.some((span, i) => i > 0 && spans[i - 1][1] > span[0])) problems.push(`"${action.title}": its edits overlap`);
    else if (isJson) {
      const fixed = TextDocument.applyEdits(oracle.doc, action.edits);
      try {
        JSON.parse(fixed);
      } catch (error) {
        problems.push(`"${action.title}" leaves text that is not JSON (${(error as Error).message})`);
      }
    }
  }
  return problems;
}

function runAuthoring(
  rng: Rng,
  facade: AuthoringFacade,
  names: string[],
  doc: FuzzDocument,
  oracle: Oracle,
  diagnostics: Diagnostic[],
): string[] {
  const problems: string[] = [];
  const options = doc.kind ? { kind: doc.kind, filePath: doc.filePath } : { filePath: doc.filePath };
  const call = (name: string, fn: () => unknown): unknown => {
    const started = performance.now();
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      problems.push(`${name} threw: ${(error as Error)?.stack?.split('\n').slice(0, 4).join(' | ') ?? String(error)}`);
      return undefined;
    }
    const ms = performance.now() - started;
    if (ms > budgetFor(doc.text)) problems.push(`${name} took ${ms.toFixed(0)} ms`);
    for (const r of rangesIn(result)) {
      const bad = oracle.checkRange(r, name);
      if (bad) {
        problems.push(bad);
        break;
      }
    }
    if (name === 'foldingRanges') {
      const items = (result as { items?: Array<{ startLine: number; endLine: number }> })?.items ?? [];
      const bad = items.find((f) => f.startLine < 0 || f.endLine >= oracle.lineCount || f.startLine > f.endLine);
      if (bad) problems.push(`foldingRanges: ${JSON.stringify(bad)} outside ${oracle.lineCount} lines`);
    }
    return result;
  };
  for (const name of names) {
    if ((POSITIONAL as readonly string[]).includes(name)) {
      const position = randomPosition(rng, oracle);
      if (name === 'references')
        call(`references@${position.line}:${position.character}`, () => facade.references!(doc.text, position, true, options));
      else
        call(`${name}@${position.line}:${position.character}`, () =>
          (facade[name as (typeof POSITIONAL)[number]] as (t: string, p: Position, o: object) => unknown)(doc.text, position, options),
        );
    } else if ((WHOLE as readonly string[]).includes(name)) {
      call(name, () => (facade[name as (typeof WHOLE)[number]] as (t: string) => unknown)(doc.text));
    } else if (name === 'codeActions' && diagnostics.length) {
      const d = rng.pick(diagnostics);
      const all = () => diagnostics;
      const fixes = call(`codeActions(${d.code})`, () => facade.codeActions!(doc.text, d.range, [d], { ...options, allDiagnostics: all }));
      const fixAll = call('codeActions(fix all)', () =>
        facade.codeActions!(doc.text, d.range, [], { ...options, only: ['source.fixAll'], allDiagnostics: all }),
      );
      problems.push(...checkFixes(doc.text, oracle, [...actionsIn(fixes), ...actionsIn(fixAll)]));
    }
  }
  return problems;
}

function budgetFor(text: string): number {
  return BUDGET_MS * Math.max(1, text.length / BUDGET_CHARS);
}

function saveFailures(failures: Failure[]): string {
  const dir = path.join(tmpdir(), 'kraken-fuzz-failures');
  mkdirSync(dir, { recursive: true });
  for (const f of failures.slice(0, 20)) {
    writeFileSync(path.join(dir, `seed-${SEED}-doc-${f.doc.index}.json`), f.doc.text);
    writeFileSync(
      path.join(dir, `seed-${SEED}-doc-${f.doc.index}.txt`),
      `${f.doc.recipe.join(' -> ')}\nkind: ${f.doc.kind ?? '(detected)'}\n${f.problems.join('\n')}\n`,
    );
  }
  return dir;
}

function report(failures: Failure[], what: string): string {
  const dir = saveFailures(failures);
  const lines = failures
    .slice(0, 8)
    .map((f) => `  #${f.doc.index} [${f.doc.recipe.join(' -> ')}] kind=${f.doc.kind ?? '-'}: ${f.problems.slice(0, 3).join('; ')}`);
  return `${failures.length} ${what} failed (seed ${SEED}; replay one with KRAKEN_FUZZ_SEED=${SEED} KRAKEN_FUZZ_ONLY=<index>; documents in ${dir}):\n${lines.join('\n')}`;
}

// ---------------------------------------------------------------------------------------------------------------

describe('fuzzing the language service and the CLI', () => {
  const seeds = loadSeeds();
  const indexes = ONLY !== undefined ? [ONLY] : Array.from({ length: COUNT }, (_, i) => i);
  const documents = indexes.map((i) => makeDocument(seeds, i));

  it(`validate, and the authoring features, on ${documents.length} fuzzed documents (seed ${SEED})`, (t) => {
    const services = [
      { service: createKrakenService(), maxFindings: 200 },
      { service: createKrakenService({ maxFindings: 5 }), maxFindings: 5 },
      {
        service: createKrakenService({
          rules: Object.fromEntries(ruleCatalogue().map((r, i) => [r.code, (['off', 'error', 'hint'] as const)[i % 3]])),
          associations: { '**/notes/*.json': 'notes' },
        }),
        maxFindings: 200,
      },
    ];
    const { facade, names } = authoringOf(services[0].service);
    const failures: Failure[] = [];
    const started = performance.now();
    let slowest = { ms: 0, index: -1, chars: 0 };
    let totalChars = 0;
    let largest = 0;
    let withErrors = 0;
    let authoringCalls = 0;
    const kinds = new Map<string, number>();
    for (const doc of documents) {
      const rng = new Rng(documentSeed(SEED ^ 0x5bd1e995, doc.index));
      const { service, maxFindings } = doc.index % 7 === 3 ? services[1] : doc.index % 7 === 5 ? services[2] : services[0];
      const oracle = new Oracle(doc.text);
      const problems: string[] = [];
      totalChars += doc.text.length;
      largest = Math.max(largest, doc.text.length);
      let diagnostics: Diagnostic[] = [];
      const t0 = performance.now();
      try {
        const result = service.validate(doc.text, { kind: doc.kind, filePath: doc.filePath });
        diagnostics = result.diagnostics;
        kinds.set(result.detection.kind ?? '(none)', (kinds.get(result.detection.kind ?? '(none)') ?? 0) + 1);
      } catch (error) {
        problems.push(`validate threw: ${(error as Error)?.stack?.split('\n').slice(0, 5).join(' | ') ?? String(error)}`);
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, index: doc.index, chars: doc.text.length };
      if (ms > budgetFor(doc.text)) problems.push(`validate took ${ms.toFixed(0)} ms for ${doc.text.length} characters`);
      problems.push(...checkDiagnostics(diagnostics, oracle, maxFindings));
      const hasError = diagnostics.some((d) => d.severity === 'error');
      if (hasError) withErrors++;
      if (doc.kind && service === services[0].service) {
        let parses = true;
        try {
          JSON.parse(doc.text);
        } catch {
          parses = false;
        }
        if (!parses && !hasError) problems.push('invalid JSON validated as a payload without an error');
      }
      if (names.length && service === services[0].service) {
        problems.push(...runAuthoring(rng, facade, names, doc, oracle, diagnostics));
        authoringCalls += names.length;
      }
      if (problems.length) failures.push({ doc, problems });
    }
    const seconds = (performance.now() - started) / 1000;
    const summary =
      `fuzz: seed ${SEED}, ${documents.length} documents (${(totalChars / 1e6).toFixed(1)} M characters, largest ${largest}), ` +
      `${withErrors} with errors, kinds ${[...kinds].map(([k, n]) => `${k}:${n}`).join(' ')}; ` +
      `${authoringCalls} authoring calls (${names.join(', ') || 'none on the facade'}); ` +
      `${seconds.toFixed(1)} s, slowest document #${slowest.index} ${slowest.ms.toFixed(0)} ms (${slowest.chars} characters)`;
    t.diagnostic(summary);
    console.log(summary);
    assert.equal(failures.length, 0, failures.length ? report(failures, 'documents') : '');
  });

  // The served contracts add their own rules (declared validators, ordered dates, counts, sums) and schemas.
  for (const c of CONTRACTS) {
    it(`the same on ${CONTRACT_COUNT} documents fuzzed from ${c.fixture} under the ${c.market} served contract`, () => {
      const source = path.join(SHARED, 'kraken-openapi', c.file);
      const { schemaSet } = createContractSchemaSet(readFileSync(source, 'utf8'), source, { buildId: 'fuzz' });
      const service = createKrakenService({ schemaSet });
      const { facade, names } = authoringOf(service);
      const text = fixture(c.fixture);
      const seeds: Seed[] = [{ name: c.fixture, kind: 'account', text, value: JSON.parse(text) as Json }];
      const failures: Failure[] = [];
      for (let i = 0; i < CONTRACT_COUNT; i++) {
        const doc = makeDocument(seeds, c.firstIndex + i);
        const oracle = new Oracle(doc.text);
        const problems: string[] = [];
        let diagnostics: Diagnostic[] = [];
        try {
          diagnostics = service.validate(doc.text, { kind: doc.kind, filePath: doc.filePath }).diagnostics;
        } catch (error) {
          problems.push(`validate threw: ${(error as Error)?.stack?.split('\n').slice(0, 5).join(' | ') ?? String(error)}`);
        }
        problems.push(...checkDiagnostics(diagnostics, oracle, 200));
        problems.push(...runAuthoring(new Rng(documentSeed(SEED ^ 0x5bd1e995, doc.index)), facade, names, doc, oracle, diagnostics));
        if (problems.length) failures.push({ doc, problems });
      }
      assert.equal(failures.length, 0, failures.length ? report(failures, `documents under the ${c.market} contract`) : '');
    });
  }

  it(`the CLI on a sample of ${Math.min(CLI_SAMPLE, documents.length)} fuzzed documents: JSON output, exit codes, ranges`, (t) => {
    const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'kraken-fuzz-cli-'));
    try {
      const rng = new Rng(documentSeed(SEED ^ 0x2545f491, 0));
      const step = Math.max(1, Math.floor(documents.length / CLI_SAMPLE));
      const chosen = documents.filter((_, i) => i % step === 0).slice(0, CLI_SAMPLE);
      const files = new Map<string, { text: string; lines: boolean }>();
      chosen.forEach((doc, i) => {
        const name = `doc-${String(doc.index).padStart(6, '0')}.json`;
        if (i % 10 === 9) {
          // invalid UTF-8: a stray continuation byte and a truncated sequence
          const bytes = Buffer.from(doc.text, 'utf8');
          const at = rng.int(bytes.length + 1);
          writeFileSync(path.join(dir, name), Buffer.concat([bytes.subarray(0, at), Buffer.from([0x80, 0xe2, 0x82]), bytes.subarray(at)]));
        } else writeFileSync(path.join(dir, name), doc.text);
        files.set(path.join(dir, name), { text: readFileSync(path.join(dir, name), 'utf8'), lines: false });
      });
      // One JSON Lines file: a payload per line, some broken.
      const jsonl = chosen
        .slice(0, 40)
        .map((d) => {
          try {
            return JSON.stringify(JSON.parse(d.text));
          } catch {
            return d.text.replace(/\n/g, ' '); // a lone "\r" stays: editors show it as a line break
          }
        })
        .join('\n');
      writeFileSync(path.join(dir, 'batch.jsonl'), jsonl);
      files.set(path.join(dir, 'batch.jsonl'), { text: jsonl, lines: true });

      const run = spawnSync(process.execPath, [cli, 'validate', '--format', 'json', dir], {
        encoding: 'utf8',
        timeout: 120_000,
        maxBuffer: 512 * 1024 * 1024,
      });
      assert.equal(run.error, undefined, `the CLI ran: ${String(run.error)}`);
      assert.notEqual(run.status, 2, `exit 2 is for unreadable files and bad usage only; stderr: ${run.stderr.slice(0, 2000)}`);
      assert.equal(run.stderr, '', 'nothing on stderr');
      let reports: Array<{ file: string; line?: number; kind: string | null; diagnostics: Diagnostic[] }>;
      try {
        reports = JSON.parse(run.stdout);
      } catch (error) {
        assert.fail(`--format json output does not parse: ${(error as Error).message}\n${run.stdout.slice(0, 500)}`);
      }
      const problems: string[] = [];
      for (const r of reports) {
        const file = files.get(r.file);
        if (!file) {
          problems.push(`a report for an unknown file ${r.file}`);
          continue;
        }
        const oracle = new Oracle(file.text);
        for (const d of r.diagnostics) {
          if (!CODE.test(d.code) || !SEVERITIES.has(d.severity)) problems.push(`${r.file}: bad code or severity ${d.code}/${d.severity}`);
          const bad = oracle.checkRange(d.range, `${path.basename(r.file)}${r.line ? `:${r.line}` : ''} ${d.code}`);
          if (bad) problems.push(bad);
          if (r.line !== undefined && !bad) {
            // inside its record (records are separated by "\n" only)
            const recordStart = file.text
              .split('\n')
              .slice(0, r.line - 1)
              .reduce((n, l) => n + l.length + 1, 0);
            const recordEnd = recordStart + file.text.split('\n')[r.line - 1].length;
            const [from, to] = [oracle.doc.offsetAt(d.range.start), oracle.doc.offsetAt(d.range.end)];
            if (from < recordStart || to > recordEnd)
              problems.push(`${r.file}:${r.line} ${d.code}: range ${from}-${to} outside the record ${recordStart}-${recordEnd}`);
          }
        }
      }
      const anyError = reports.some((r) => r.diagnostics.some((d) => d.severity === 'error'));
      const expectedExit = anyError ? 1 : 0;
      t.diagnostic(
        `cli: ${files.size} files (${chosen.length} documents + a ${chosen.slice(0, 40).length}-line JSON Lines file), ${reports.length} reports, exit ${run.status}`,
      );
      assert.deepEqual(problems.slice(0, 10), []);
      assert.equal(run.status, expectedExit, `exit ${run.status}, expected ${expectedExit} (error diagnostics: ${anyError})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('regressions the fuzzer found', () => {
  const service = createKrakenService({ associations: { '*.json': 'account' } });

  it('jsonc-parser recursion deeper than the bracket scan sees: an unterminated string before deep nesting', () => {
    // jsonc-parser ends the string at the line break and parses the brackets; the scan reads them as string content
    const text = '["x\n' + '['.repeat(50000);
    const result = service.validate(text, { filePath: 'a.json' });
    assert.ok(result.diagnostics.some((d) => d.code === 'syntax-error' && d.severity === 'error'));
  });

  it('jsonc-parser recursion deeper than the bracket scan sees: stray closers before deep nesting', () => {
    const text = '{"import_supplier":"X","customers":[] ' + ']'.repeat(30000) + ', "b": ' + '['.repeat(30000);
    const result = service.validate(text, { filePath: 'a.json' });
    assert.ok(result.diagnostics.some((d) => d.code === 'syntax-error' && d.severity === 'error'));
    assert.equal(parseDocument(text).broken, true);
  });

  it('a lone "\\r" is a line break, as in every LSP client', () => {
    const text = '{"import_supplier": "X",\r"customers": [],\r"sales_channel": "direct"}';
    const [d] = service.validate(text, { filePath: 'a.json' }).diagnostics.filter((x) => x.code === 'invalid-enum');
    assert.deepEqual(d.range, { start: { line: 2, character: 17 }, end: { line: 2, character: 25 } });
    const lines = new LineIndex('a\r\nb\rc\nd');
    assert.equal(lines.lineCount, 4);
    assert.deepEqual(lines.positionAt(2), { line: 0, character: 1 }, 'between "\\r" and "\\n": the end of the line');
    assert.deepEqual(lines.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(lines.positionAt(5), { line: 2, character: 0 });
    assert.equal(lines.offsetAt({ line: 0, character: 99 }), 1);
    assert.equal(lines.offsetAt({ line: 2, character: 1 }), 6);
    const oracle = TextDocument.create('file:///x', 'json', 1, 'a\r\nb\rc\nd\r');
    const ours = new LineIndex(oracle.getText());
    for (let o = 0; o <= oracle.getText().length; o++) assert.deepEqual(ours.positionAt(o), oracle.positionAt(o), `offset ${o}`);
  });

  it('a list named after an Object.prototype member ("hasOwnProperty", "toString"): symbols do not throw', () => {
    const text = '{"hasOwnProperty": [{"toString": 1}], "toString": [{"valueOf": {}}], "constructor": [1]}';
    const names = service.symbols(text).items.map((s) => s.name);
    assert.deepEqual(names, ['hasOwnProperty', 'toString', 'constructor']);
  });

  it('locating a value 10 000 levels deep is linear, not a rescan per level', () => {
    const n = 10000;
    const text = '{"import_supplier": "X", "customers": [{"title": ' + '{"a":'.repeat(n) + '1.00000000000000000001' + '}'.repeat(n) + '}]}';
    const parsed = parseDocument(text);
    const started = performance.now();
    const span = parsed.locator.valueSpan(['customers', 0, 'title', ...Array<string>(n).fill('a')]);
    const ms = performance.now() - started;
    assert.deepEqual(span, { start: text.indexOf('1.0'), end: text.indexOf('1.0') + 22 });
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  });
});
