/**
 * Quick fixes for our findings, from the `code` and `data` that validation attaches to each diagnostic:
 *
 * | code                    | fix                                                              | fix all |
 * |-------------------------|------------------------------------------------------------------|---------|
 * | missing-property        | add the object's missing required properties with placeholders  | no      |
 * | invalid-enum            | replace with the nearest allowed value (`data.suggestion`)       | case/separator-only differences |
 * | number-as-string        | write the number as a decimal string (`data.raw`)               | yes     |
 * | invalid-format (dates)  | rewrite an unambiguous date into ISO form                       | yes     |
 * | unknown-property        | rename to the suggested property, or remove it                  | no      |
 * | comment, trailing-comma | remove                                                           | yes     |
 * | ledger-code-reference   | change to a ledger of the document (`data.ledgers`)             | no      |
 * | no-matching-shape       | add the optional tag that chooses a shape, one action per value (`data.tag`, `data.allowed`) | no |
 *
 * Identifiers are never invented and check digits never "fixed": there is no action for those findings.
 * Placeholders are empty values of the right type; completion then offers the real ones.
 */
import * as jsonc from 'jsonc-parser';
import { authoringDocument, detectIndent, isRecord, nodeAt, type AuthoringDocument, type DocumentOptions } from './authoringDoc';
import type { AssociationInput } from './kinds';
import { enumValues, firstDecided, requiredOf, typesOf, type SchemaView } from './schemaNav';
import type { SchemaSet } from './schemas';
import { nearest } from './suggest';
import type { CodeAction, Diagnostic, JsonPath, Range, TextEdit } from './types';

export const FIX_ALL_KIND = 'source.fixAll.krakenImport';
export const QUICKFIX_KIND = 'quickfix';

/** What a code action needs of a diagnostic: the LSP diagnostic as the client sends it back, or ours. */
export interface ActionDiagnostic {
  code?: string | number;
  range: Range;
  message?: unknown;
  /** Dotted path (ours); LSP diagnostics carry it as `data.path`. */
  path?: string;
  data?: unknown;
}

export interface CodeActionOptions extends DocumentOptions {
  /** The kinds the client asked for (`context.only`); undefined: quick fixes. */
  only?: string[];
  /** Every finding of the text, for "fix all" (the server passes its cached validation); default: validate again. */
  allDiagnostics?: () => Diagnostic[];
}

/** Codes whose fixes may be applied all at once without review. */
const SAFE_FIX_ALL = ['comment', 'trailing-comma', 'number-as-string', 'invalid-format', 'invalid-enum'] as const;

function dataOf(d: ActionDiagnostic): Record<string, unknown> {
  return isRecord(d.data) ? d.data : {};
}

function pathOf(d: ActionDiagnostic): JsonPath | undefined {
  const dotted = typeof d.path === 'string' ? d.path : typeof dataOf(d).path === 'string' ? (dataOf(d).path as string) : undefined;
  if (dotted === undefined) return undefined;
  if (dotted === '') return [];
  return dotted.split('.').map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  januar: 1,
  jänner: 1,
  jän: 1,
  feb: 2,
  february: 2,
  februar: 2,
  mar: 3,
  march: 3,
  märz: 3,
  maerz: 3,
  mär: 3,
  mrz: 3,
  apr: 4,
  april: 4,
  may: 5,
  mai: 5,
  jun: 6,
  june: 6,
  juni: 6,
  jul: 7,
  july: 7,
  juli: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  okt: 10,
  oktober: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
  dez: 12,
  dezember: 12,
};

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1000 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function isoDate(y: number, m: number, d: number): string | undefined {
  return validDate(y, m, d) ? `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : undefined;
}

/** A date part in a form people write, when it can only mean one day. Two-digit years and 05/06/2021 are ambiguous. */
function parseDatePart(s: string): string | undefined {
  let m = /^(\d{4})[./-](\d{1,2})[./-](\d{1,2})$/.exec(s);
  if (m) return isoDate(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s); // dotted dates are day first (German and European convention)
  if (m) return isoDate(+m[3], +m[2], +m[1]);
  m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(s);
  if (m) {
    const a = +m[1];
    const b = +m[2];
    if (a === b || (a > 12 && b <= 12)) return isoDate(+m[3], b, a);
    if (b > 12 && a <= 12) return isoDate(+m[3], a, b);
    return undefined;
  }
  m = /^(\d{1,2})\.?\s+([A-Za-z\u00C4\u00E4\u00D6\u00F6\u00DC\u00FC]+)\.?,?\s+(\d{4})$/.exec(s);
  if (m && MONTHS[m[2].toLowerCase()]) return isoDate(+m[3], MONTHS[m[2].toLowerCase()], +m[1]);
  m = /^([A-Za-z\u00C4\u00E4\u00D6\u00F6\u00DC\u00FC]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(s);
  if (m && MONTHS[m[1].toLowerCase()]) return isoDate(+m[3], MONTHS[m[1].toLowerCase()], +m[2]);
  return undefined;
}

/** Rewrites an unambiguous date (or date-time) into the ISO form Kraken reads; undefined when it cannot be sure. */
export function rewriteDate(value: string, format: 'date' | 'date-time'): string | undefined {
  const s = value.trim();
  const m = /^(.*?)(?:(?:\s+|T|,\s*)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(Z|[+-]\d{2}:?\d{2}))?)?$/.exec(s);
  if (!m) return undefined;
  const date = parseDatePart(m[1].trim());
  if (!date) return undefined;
  if (m[2] === undefined) return date;
  const [h, min, sec] = [+m[2], +m[3], m[4] === undefined ? 0 : +m[4]];
  if (h > 23 || min > 59 || sec > 59) return undefined;
  if (format === 'date') return h === 0 && min === 0 && sec === 0 && !m[5] ? date : undefined;
  const tz = m[5] ? (m[5] === 'Z' ? 'Z' : m[5].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : '';
  return `${date}T${String(h).padStart(2, '0')}:${m[3]}:${String(sec).padStart(2, '0')}${tz}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Edits

/** An empty value of the schema's type; objects get their required properties (never an invented identifier). */
export function placeholderValue(doc: AuthoringDocument, view: SchemaView | undefined, depth = 0): unknown {
  const c = firstDecided(view, 'const');
  if (c !== undefined) return c;
  const def = firstDecided(view, 'default');
  if (def !== undefined) return def;
  const values = enumValues(view);
  if (values?.length === 1) return values[0].value;
  const types = typesOf(view).filter((t) => t !== 'null');
  switch (types[0]) {
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      if (view && doc.nav && depth < 3) {
        for (const p of doc.nav.properties(view, undefined)) if (p.required) out[p.name] = placeholderValue(doc, p.view, depth + 1);
      }
      return out;
    }
    case 'string':
      return '';
    default:
      return typesOf(view).includes('null') ? null : '';
  }
}

function replaceValueEdit(doc: AuthoringDocument, path: JsonPath | undefined, fallback: Range, value: unknown): TextEdit {
  const node = path ? nodeAt(doc.tree, path) : undefined;
  const range = node ? doc.lines.range(node.offset, node.offset + node.length) : fallback;
  return { range, newText: JSON.stringify(value) };
}

function fold(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, '');
}

interface Fix {
  title: string;
  edits: TextEdit[];
  preferred?: boolean;
  /** Safe to apply with all others of its kind without review. */
  safe: boolean;
}

function fixesFor(doc: AuthoringDocument, d: ActionDiagnostic): Fix[] {
  const data = dataOf(d);
  const path = pathOf(d);
  const codeOf = String(d.code ?? '');
  switch (codeOf) {
    case 'missing-property':
      return missingPropertyFixes(doc, path, data);
    case 'invalid-enum': {
      const suggestion = data.suggestion;
      if (typeof suggestion !== 'string' && typeof suggestion !== 'number') return [];
      const current = path ? valueOfNode(doc, path) : undefined;
      return [
        {
          title: `Change to ${JSON.stringify(suggestion)}`,
          edits: [replaceValueEdit(doc, path, d.range, suggestion)],
          preferred: true,
          safe: typeof current === 'string' && typeof suggestion === 'string' && fold(current) === fold(suggestion),
        },
      ];
    }
    case 'number-as-string': {
      const raw = typeof data.raw === 'string' ? data.raw : undefined;
      if (raw === undefined) return [];
      return [
        { title: `Write ${raw} as the string "${raw}"`, edits: [replaceValueEdit(doc, path, d.range, raw)], preferred: true, safe: true },
      ];
    }
    case 'invalid-format': {
      const format = data.format;
      if ((format !== 'date' && format !== 'date-time') || !path) return [];
      const current = valueOfNode(doc, path);
      if (typeof current !== 'string') return [];
      const iso = rewriteDate(current, format);
      if (!iso || iso === current) return [];
      return [
        { title: `Rewrite as ${JSON.stringify(iso)}`, edits: [replaceValueEdit(doc, path, d.range, iso)], preferred: true, safe: true },
      ];
    }
    case 'unknown-property':
      return unknownPropertyFixes(doc, path, data);
    case 'no-matching-shape':
      return shapeTagFixes(doc, path, data);
    case 'comment':
      return commentFixes(doc, d.range);
    case 'trailing-comma': {
      const at = doc.lines.offsetAt(d.range.start);
      if (doc.text[at] !== ',') return [];
      return [
        { title: 'Remove trailing comma', edits: [{ range: doc.lines.range(at, at + 1), newText: '' }], preferred: true, safe: true },
      ];
    }
    case 'ledger-code-reference': {
      const ledgers = Array.isArray(data.ledgers) ? data.ledgers.filter((l): l is string => typeof l === 'string') : [];
      if (!ledgers.length || !path) return [];
      const current = valueOfNode(doc, path);
      const best = typeof current === 'string' ? nearest(current, ledgers) : undefined;
      const ordered = best ? [best, ...ledgers.filter((l) => l !== best)] : ledgers;
      return [...new Set(ordered)].map((l) => ({
        title: `Change ledger_code to ${JSON.stringify(l)}`,
        edits: [replaceValueEdit(doc, path, d.range, l)],
        preferred: l === best || ledgers.length === 1,
        safe: false,
      }));
    }
    default:
      return [];
  }
}

function valueOfNode(doc: AuthoringDocument, path: JsonPath): unknown {
  const node = nodeAt(doc.tree, path);
  return node ? jsonc.getNodeValue(node) : undefined;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentationAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** Whether only spaces and tabs precede `offset` on its line. */
function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartOf(text, offset), offset));
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * The layout of an object's properties, read from the one at `offset`: one a line (its indentation, and a comma and
 * line break between two) or on one line (", ").
 */
function propertyLayout(text: string, offset: number): { indent: string; sep: string } {
  if (!startsLine(text, offset)) return { indent: '', sep: ', ' };
  const indent = indentationAt(text, offset);
  return { indent, sep: `,${eolOf(text)}${indent}` };
}

/** JSON text of a placeholder, its later lines indented to sit under `indent`. */
function placeholderText(value: unknown, indent: string, unit: string): string {
  if (value === null || typeof value !== 'object' || Object.keys(value).length === 0) return JSON.stringify(value);
  return JSON.stringify(value, null, unit).replace(/\n/g, `\n${indent}`);
}

function missingPropertyFixes(doc: AuthoringDocument, fieldPath: JsonPath | undefined, data: Record<string, unknown>): Fix[] {
  if (!fieldPath || !doc.nav) return [];
  // The finding's path is the missing field's own (Kraken's attr): the fix edits the object that lacks it.
  const path = fieldPath.length && fieldPath[fieldPath.length - 1] === data.property ? fieldPath.slice(0, -1) : fieldPath;
  const node = nodeAt(doc.tree, path);
  if (!node || node.type !== 'object') return [];
  const value = jsonc.getNodeValue(node);
  const view = doc.nav.at(path, doc.value);
  if (!view) return [];
  const present = new Set(Object.keys(isRecord(value) ? value : {}));
  const missing = [...requiredOf(view)].filter((p) => !present.has(p));
  if (typeof data.property === 'string' && !present.has(data.property) && !missing.includes(data.property)) missing.unshift(data.property);
  if (!missing.length) return [];
  const order = doc.nav.properties(view, value).map((p) => p.name);
  missing.sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9));

  // Appended after the last property, in the layout the object already has.
  const text = doc.text;
  const eol = eolOf(text);
  const unit = detectIndent(text).unit;
  const props = node.children ?? [];
  const last = props[props.length - 1];
  const close = node.offset + node.length - 1;
  const closed = text[close] === '}';
  let edit: TextEdit;
  const entry = (name: string, indent: string) =>
    `${JSON.stringify(name)}: ${placeholderText(placeholderValue(doc, doc.nav!.property(view, name, undefined)), indent, unit)}`;
  if (last) {
    const { indent, sep } = propertyLayout(text, last.offset);
    const at = last.offset + last.length;
    edit = { range: doc.lines.range(at, at), newText: missing.map((m) => sep + entry(m, indent)).join('') };
  } else {
    const outer = indentationAt(text, node.offset);
    const indent = outer + unit;
    const inner = missing.map((m) => indent + entry(m, indent)).join(`,${eol}`);
    const end = closed ? close : node.offset + node.length;
    edit = { range: doc.lines.range(node.offset + 1, end), newText: `${eol}${inner}${eol}${closed ? outer : ''}` };
  }
  const title = missing.length === 1 ? `Add missing property "${missing[0]}"` : `Add missing required properties: ${missing.join(', ')}`;
  return [{ title, edits: [edit], preferred: true, safe: false }];
}

/**
 * A value without the optional tag that chooses its shape (an AU meter point without supply_type): one action per
 * value, each adding the tag as the object's first property, in the layout the object already has. None is preferred:
 * which shape is meant is the author's to say.
 */
function shapeTagFixes(doc: AuthoringDocument, path: JsonPath | undefined, data: Record<string, unknown>): Fix[] {
  const tag = data.tag;
  const values = Array.isArray(data.allowed) ? data.allowed.filter((v): v is string => typeof v === 'string') : [];
  if (!path || typeof tag !== 'string' || !values.length) return [];
  const node = nodeAt(doc.tree, path);
  if (!node || node.type !== 'object') return [];
  const props = node.children ?? [];
  if (props.some((p) => p.children?.[0]?.value === tag)) return [];
  const text = doc.text;
  const first = props[0];
  const edit = (value: string): TextEdit => {
    const entry = `${JSON.stringify(tag)}: ${JSON.stringify(value)}`;
    if (first) return { range: doc.lines.range(first.offset, first.offset), newText: entry + propertyLayout(text, first.offset).sep };
    return { range: doc.lines.range(node.offset + 1, node.offset + 1), newText: entry };
  };
  return values.map((v) => ({ title: `Add "${tag}": ${JSON.stringify(v)}`, edits: [edit(v)], safe: false }));
}

/** Removes a property with its comma (and its line, when it has one to itself). */
function removePropertyEdit(doc: AuthoringDocument, property: jsonc.Node): TextEdit {
  const text = doc.text;
  const siblings = property.parent?.children ?? [property];
  const i = siblings.indexOf(property);
  const next = siblings[i + 1];
  const prev = siblings[i - 1];
  let from = property.offset;
  let to = property.offset + property.length;
  if (next) {
    to = next.offset;
    if (startsLine(text, from) && startsLine(text, next.offset)) {
      from = lineStartOf(text, from);
      to = lineStartOf(text, next.offset);
    }
  } else if (prev) {
    from = prev.offset + prev.length;
  } else if (startsLine(text, from)) {
    const lineEnd = text.indexOf('\n', to);
    if (lineEnd !== -1 && /^[ \t]*\r?$/.test(text.slice(to, lineEnd))) {
      from = lineStartOf(text, from);
      to = lineEnd + 1;
    }
  }
  return { range: doc.lines.range(from, to), newText: '' };
}

function unknownPropertyFixes(doc: AuthoringDocument, path: JsonPath | undefined, data: Record<string, unknown>): Fix[] {
  if (!path || !path.length) return [];
  const valueNode = nodeAt(doc.tree, path);
  const property = valueNode?.parent?.type === 'property' ? valueNode.parent : undefined;
  if (!property) return [];
  const fixes: Fix[] = [];
  const suggestion = data.suggestion;
  const owner = property.parent;
  if (typeof suggestion === 'string' && !owner?.children?.some((p) => p.children?.[0]?.value === suggestion)) {
    const key = property.children![0];
    fixes.push({
      title: `Rename to "${suggestion}"`,
      edits: [{ range: doc.lines.range(key.offset, key.offset + key.length), newText: JSON.stringify(suggestion) }],
      preferred: true,
      safe: false,
    });
  }
  fixes.push({
    title: `Remove unknown property "${String(path[path.length - 1])}"`,
    edits: [removePropertyEdit(doc, property)],
    preferred: fixes.length === 0,
    safe: false,
  });
  return fixes;
}

function commentFixes(doc: AuthoringDocument, range: Range): Fix[] {
  const text = doc.text;
  const start = doc.lines.offsetAt(range.start);
  let end = doc.lines.offsetAt(range.end);
  if (text.startsWith('//', start)) {
    const nl = text.indexOf('\n', start);
    end = nl === -1 ? text.length : nl;
    if (text[end - 1] === '\r') end--;
  } else if (text.startsWith('/*', start)) {
    const close = text.indexOf('*/', start + 2);
    end = close === -1 ? text.length : close + 2;
  } else return [];
  // Alone on its line(s): remove the line(s). After code: remove it with the spaces before it.
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(lineStart, start);
  let from = start;
  let to = end;
  if (/^[ \t]*$/.test(before)) {
    let after = end;
    while (after < text.length && (text[after] === ' ' || text[after] === '\t')) after++;
    if (after >= text.length || text[after] === '\n' || text[after] === '\r') {
      from = lineStart;
      to = text[after] === '\r' ? after + 2 : after + 1;
      if (after >= text.length) {
        // the last line: take the line break before it instead
        from = Math.max(0, lineStart - 1);
        to = text.length;
      }
    }
  } else {
    while (from > lineStart && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
  }
  return [
    {
      title: 'Remove comment',
      edits: [{ range: doc.lines.range(from, Math.min(to, text.length)), newText: '' }],
      preferred: true,
      safe: true,
    },
  ];
}

/** Non-overlapping edits in document order (a later edit that overlaps an earlier one is dropped). */
function mergeEdits(doc: AuthoringDocument, edits: TextEdit[]): TextEdit[] {
  const withOffsets = edits
    .map((e) => ({ e, s: doc.lines.offsetAt(e.range.start), t: doc.lines.offsetAt(e.range.end) }))
    .sort((a, b) => a.s - b.s || a.t - b.t);
  const out: TextEdit[] = [];
  let lastEnd = -1;
  let lastKey = '';
  for (const x of withOffsets) {
    const key = `${x.s}:${x.t}:${x.e.newText}`;
    if (x.s < lastEnd || key === lastKey) continue;
    out.push(x.e);
    lastEnd = Math.max(lastEnd, x.t);
    lastKey = key;
  }
  return out;
}

const FIX_ALL_TITLES: Record<(typeof SAFE_FIX_ALL)[number], string> = {
  comment: 'Remove all comments',
  'trailing-comma': 'Remove all trailing commas',
  'number-as-string': 'Write all numbers as decimal strings',
  'invalid-format': 'Rewrite all unambiguous dates into ISO form',
  'invalid-enum': 'Fix the case of all enum values',
};

function wants(only: string[] | undefined, kind: string): boolean {
  if (!only) return kind === QUICKFIX_KIND;
  return only.some((o) => kind === o || kind.startsWith(o + '.'));
}

export function codeActions<D extends ActionDiagnostic>(
  text: string,
  diagnostics: D[],
  allDiagnostics: () => Diagnostic[],
  schemas: SchemaSet,
  options: CodeActionOptions = {},
  associations?: AssociationInput,
): CodeAction<D>[] {
  const doc = authoringDocument(text, schemas, options, associations);
  const actions: CodeAction<D>[] = [];
  let everything: Diagnostic[] | undefined;
  const all = () => (everything ??= allDiagnostics());

  if (wants(options.only, QUICKFIX_KIND)) {
    const fixAllOffered = new Set<string>();
    for (const d of diagnostics) {
      for (const fix of fixesFor(doc, d)) {
        // Several findings can share one fix (the missing properties of one object): offer it once, for all of them.
        const same = actions.find((a) => a.title === fix.title && JSON.stringify(a.edits) === JSON.stringify(fix.edits));
        if (same) same.diagnostics!.push(d);
        else
          actions.push({
            title: fix.title,
            kind: QUICKFIX_KIND,
            diagnostics: [d],
            ...(fix.preferred ? { isPreferred: true } : {}),
            edits: fix.edits,
          });
      }
      const code = String(d.code ?? '');
      if (!(SAFE_FIX_ALL as readonly string[]).includes(code) || fixAllOffered.has(code)) continue;
      if (!fixesFor(doc, d).some((f) => f.safe)) continue;
      const safe = all()
        .filter((x) => x.code === code)
        .flatMap((x) => fixesFor(doc, x).filter((f) => f.safe));
      if (safe.length < 2) continue;
      fixAllOffered.add(code);
      actions.push({
        title: `${FIX_ALL_TITLES[code as (typeof SAFE_FIX_ALL)[number]]} (${safe.length})`,
        kind: QUICKFIX_KIND,
        diagnostics: [d],
        edits: mergeEdits(
          doc,
          safe.flatMap((f) => f.edits),
        ),
      });
    }
  }

  if (wants(options.only, FIX_ALL_KIND) && options.only) {
    const safe = all()
      .filter((x) => (SAFE_FIX_ALL as readonly string[]).includes(x.code))
      .flatMap((x) => fixesFor(doc, x).filter((f) => f.safe));
    if (safe.length)
      actions.push({
        title: 'Fix all safe Kraken Import findings',
        kind: FIX_ALL_KIND,
        edits: mergeEdits(
          doc,
          safe.flatMap((f) => f.edits),
        ),
      });
  }
  return actions;
}
