/**
 * Shared by the authoring tests (service level and LSP level): marked positions, snippet expansion, applying
 * completion items and edits the way an editor does, and the "new account from New Payload… to zero errors with
 * completion and quick fixes alone" scenario, written against a small driver so both levels run the same steps.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../../core/src/service/text';

import { REPO_ROOT } from '../helpers';

export { REPO_ROOT };

export interface Pos {
  line: number;
  character: number;
}
export interface Rng {
  start: Pos;
  end: Pos;
}
export interface Edit {
  range: Rng;
  newText: string;
}

/** Text with markers: `|` (the only one) or named `/*@name*\/` markers. Returns the text without them and their positions. */
export function marked(src: string): { text: string; at: Pos; offset: number; marks: Record<string, Pos> } {
  const marks: Record<string, number> = {};
  let text = '';
  let i = 0;
  const re = /\/\*@([\w-]+)\*\/|\|/g;
  let m: RegExpExecArray | null;
  let bar: number | undefined;
  while ((m = re.exec(src))) {
    // `|` inside a snippet choice or a string is rare in fixtures; only a lone marker is taken.
    text += src.slice(i, m.index);
    if (m[1]) marks[m[1]] = text.length;
    else bar = text.length;
    i = m.index + m[0].length;
  }
  text += src.slice(i);
  const lines = new LineIndex(text);
  const named: Record<string, Pos> = {};
  for (const [k, v] of Object.entries(marks)) named[k] = lines.positionAt(v);
  const offset = bar ?? 0;
  return { text, at: lines.positionAt(offset), offset, marks: named };
}

export function fixtureText(name: string): string {
  return readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', name), 'utf8');
}

/**
 * Expands snippet text the way an editor does when the user accepts every default: `${1:x}` -> x, `${2|a,b|}` -> a,
 * `$3` / `${3}` -> nothing, `\$` -> `$`. Returns the text and the offset of the first placeholder (the lowest
 * number >= 1, else `$0`), where the editor puts the cursor.
 */
export function expandSnippet(snippet: string): { text: string; cursor: number | undefined } {
  let out = '';
  const stops: Array<{ n: number; offset: number }> = [];
  let i = 0;
  while (i < snippet.length) {
    const c = snippet[i];
    if (c === '\\' && i + 1 < snippet.length && '$}\\'.includes(snippet[i + 1])) {
      out += snippet[i + 1];
      i += 2;
      continue;
    }
    if (c === '$') {
      const rest = snippet.slice(i);
      let m = /^\$(\d+)/.exec(rest) ?? /^\$\{(\d+)\}/.exec(rest);
      if (m) {
        stops.push({ n: Number(m[1]), offset: out.length });
        i += m[0].length;
        continue;
      }
      m = /^\$\{(\d+)\|([^|]*)\|\}/.exec(rest);
      if (m) {
        stops.push({ n: Number(m[1]), offset: out.length });
        out += m[2].split(',')[0];
        i += m[0].length;
        continue;
      }
      m = /^\$\{(\d+):/.exec(rest);
      if (m) {
        // default text up to the matching brace
        let depth = 1;
        let j = m[0].length;
        let body = '';
        while (j < rest.length && depth > 0) {
          if (rest[j] === '\\' && j + 1 < rest.length) {
            body += rest[j + 1];
            j += 2;
            continue;
          }
          if (rest[j] === '{') depth++;
          if (rest[j] === '}' && --depth === 0) break;
          body += rest[j];
          j++;
        }
        stops.push({ n: Number(m[1]), offset: out.length });
        out += expandSnippet(body).text;
        i += j + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  const first = stops.filter((s) => s.n > 0).sort((a, b) => a.n - b.n)[0] ?? stops.find((s) => s.n === 0);
  return { text: out, cursor: first?.offset };
}

/** Applies non-overlapping edits to a text (all positions refer to the original). */
export function applyEdits(text: string, edits: Edit[]): string {
  const lines = new LineIndex(text);
  const sorted = edits
    .map((e) => ({ s: lines.offsetAt(e.range.start), t: lines.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.s - a.s || b.t - a.t);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.text + out.slice(e.t);
  return out;
}

export interface Item {
  label: string;
  insertTextFormat?: number;
  textEdit?: Edit;
  additionalTextEdits?: Edit[];
}

/**
 * Accepts a completion item as VS Code does: snippet placeholders at their defaults, later lines of a multi-line
 * insertion indented like the line it starts on (VS Code's default `adjustIndentation`), additional edits applied.
 */
export function acceptItem(text: string, item: Item): string {
  assert.ok(item.textEdit, `item ${item.label} has no textEdit`);
  let newText = item.insertTextFormat === 2 ? expandSnippet(item.textEdit.newText).text : item.textEdit.newText;
  const lines = new LineIndex(text);
  const lineStart = lines.offsetAt({ line: item.textEdit.range.start.line, character: 0 });
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  newText = newText.replace(/\n/g, `\n${indent}`);
  return applyEdits(text, [{ range: item.textEdit.range, newText }, ...(item.additionalTextEdits ?? [])]);
}

export function positionOf(text: string, offset: number): Pos {
  return new LineIndex(text).positionAt(offset);
}

/** The position just inside the opening quote of the n-th occurrence of `"key": "` (the cursor in the value). */
export function inValueOf(text: string, key: string, occurrence = 0): Pos {
  const needle = `"${key}": "`;
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at !== -1, `${needle} #${occurrence} not found`);
  }
  return positionOf(text, at + needle.length);
}

/** Between the brackets of the n-th `"key": [`. */
export function inArrayOf(text: string, key: string, occurrence = 0): Pos {
  const needle = `"${key}": [`;
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at !== -1, `${needle} #${occurrence} not found`);
  }
  return positionOf(text, at + needle.length);
}

// ---------------------------------------------------------------------------------------------------------------
// The scenario

export interface ScenarioDiagnostic {
  code?: string | number;
  severity?: string | number;
  message: string;
  range: Rng;
  data?: unknown;
}

export interface AuthoringDriver {
  /** Error-severity findings of the text. */
  errors(text: string): Promise<ScenarioDiagnostic[]>;
  complete(text: string, position: Pos): Promise<Item[]>;
  /** Quick fixes for one diagnostic: title, preferred flag and edits. */
  quickFixes(text: string, diagnostic: ScenarioDiagnostic): Promise<Array<{ title: string; isPreferred?: boolean; edits: Edit[] }>>;
}

export interface ScenarioLog {
  steps: string[];
  text: string;
}

function pick(items: Item[], label: string): Item {
  const item = items.find((i) => i.label === label);
  assert.ok(item, `no completion item "${label}" among ${JSON.stringify(items.map((i) => i.label))}`);
  return item;
}

/**
 * From the German account template of "New Payload…" to a payload with zero errors, using only completion items
 * (accepted with their defaults) and quick fixes. Some steps are what an author chooses to add (a supply point's
 * identifier, a ledger, a payment schedule, a transaction); the rest is driven by the findings: for each error, the
 * preferred quick fix if there is one, else the first completion item at the value.
 */
export async function newAccountToZeroErrors(driver: AuthoringDriver, template: string): Promise<ScenarioLog> {
  const steps: string[] = [];
  const expanded = expandSnippet(template);
  let text = expanded.text;
  assert.equal(
    expanded.cursor,
    text.indexOf('"import_supplier": "') + '"import_supplier": "'.length,
    'the cursor starts in import_supplier',
  );

  const choose = async (where: Pos, label: string, why: string) => {
    const items = await driver.complete(text, where);
    text = acceptItem(text, pick(items, label));
    steps.push(`complete ${why}: ${label}`);
  };

  // What the author picks from completion.
  await choose(positionOf(text, expanded.cursor!), '"TENTACLE_ENERGY"', 'import_supplier');
  await choose(inValueOf(text, 'identifier'), '"50203829715"', 'supply point identifier');
  await choose(inArrayOf(text, 'ledgers'), 'ledger', 'a ledger');
  await choose(inValueOf(text, 'ledger_code'), '"GAS_LEDGER"', 'the ledger code');
  const idsAt = text.indexOf('"', text.indexOf('"identifiers": [') + '"identifiers": ['.length) + 1;
  await choose(positionOf(text, idsAt), '"50203829715"', "the ledger's supply point (a supply point of the document)");
  await choose(inArrayOf(text, 'payment_schedules'), 'payment schedule', 'a payment schedule');
  await choose(inValueOf(text, 'ledger_code', 1), '"GAS_LEDGER"', "the schedule's ledger (a ledger of the document)");
  await choose(inArrayOf(text, 'current_statement_transactions'), '{}', 'a transaction');
  await choose(inValueOf(text, 'type'), '"CHARGE"', 'the transaction type');

  // Then: fix what validation reports, until nothing is left.
  for (let round = 0; round < 40; round++) {
    const errors = await driver.errors(text);
    if (!errors.length) {
      steps.push('no errors');
      return { steps, text };
    }
    const d = errors[0];
    const fixes = await driver.quickFixes(text, d);
    const fix = fixes.find((f) => f.isPreferred) ?? fixes[0];
    if (fix) {
      text = applyEdits(text, fix.edits);
      steps.push(`fix ${String(d.code)}: ${fix.title}`);
      continue;
    }
    // Inside the value (a string: after its opening quote).
    const lines = new LineIndex(text);
    const start = lines.offsetAt(d.range.start);
    const inside = text[start] === '"' ? start + 1 : start;
    const items = await driver.complete(text, lines.positionAt(inside));
    assert.ok(items.length, `no quick fix and no completion for ${String(d.code)}: ${d.message}`);
    const item = [...items].sort((a, b) =>
      String((a as { sortText?: string }).sortText ?? '').localeCompare(String((b as { sortText?: string }).sortText ?? '')),
    )[0];
    text = acceptItem(text, item);
    steps.push(`complete ${String(d.code)}: ${item.label}`);
  }
  assert.fail(`still errors after 40 rounds:\n${text}`);
}
