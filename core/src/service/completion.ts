/**
 * Completion at any position of a payload: the properties the object at the cursor may still take (required
 * first, with a value skeleton of the right type), the allowed values (enums with their descriptions, examples,
 * booleans, today's date for date fields), whole array items as snippets (the schemas' `defaultSnippets`, or a
 * skeleton of the required properties), and cross-reference values (a payment schedule's `ledger_code` offers
 * the document's ledgers). Works in unfinished documents: `pathAtOffset` reads the text up to the cursor.
 */
import type * as jsonc from 'jsonc-parser';
import { authoringDocument, isRecord, nodeAt, valueAtPath, type AuthoringDocument, type DocumentOptions } from './authoringDoc';
import { pathAtOffset, type CursorLocation } from './cursor';
import { cursorAnchor } from './largeDocument';
import type { AssociationInput } from './kinds';
import { defaultSnippetsOf, descriptionOf, enumValues, first, firstDecided, typeSummary, typesOf, type SchemaView } from './schemaNav';
import type { SchemaSet } from './schemas';
import {
  CompletionItemKind,
  type CompletionItem,
  type CompletionList,
  type JsonPath,
  type Position,
  type Range,
  type TextEdit,
} from './types';
import { definitionsFor, occurrences, referenceKindAt } from './xref';

export interface CompletionOptions extends DocumentOptions {
  /** "Today" for date fields (tests pass a fixed one). */
  now?: Date;
  /**
   * The client's command that opens completion again, attached to a property whose value has suggestions (VS Code:
   * `editor.action.triggerSuggest`). Without it no item carries a command: other editors have no such command.
   */
  retriggerCommand?: string;
  /** The client inserts snippets (LSP `completionItem.snippetSupport`); false: plain text, placeholders resolved. Default true. */
  snippets?: boolean;
}
const SNIPPET = 2 as const;
const PLAIN = 1 as const;

function pad(n: number): string {
  return String(n).padStart(4, '0');
}

/** Escapes text for use inside a snippet. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

/** The date as Kraken's `date` format writes it (the local calendar day). */
export function formatDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The date-time with the local offset (`Z` for UTC), to the second. */
export function formatDateTime(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const tz =
    offset === 0
      ? 'Z'
      : `${offset > 0 ? '+' : '-'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  const time = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
  return `${formatDate(d)}T${time}${tz}`;
}

/**
 * A `defaultSnippets` body as snippet text (VS Code's convention): strings are JSON strings that may hold
 * placeholders (`"${1:Johann}"`), a string starting with `^` is inserted without quotes (`"^${1:5}"` -> `${1:5}`).
 */
export function snippetBodyText(value: unknown, level = 0): string {
  const ind = (n: number) => '\t'.repeat(n);
  if (typeof value === 'string') return value.startsWith('^') ? value.slice(1) : JSON.stringify(value);
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => ind(level + 1) + snippetBodyText(v, level + 1)).join(',\n')}\n${ind(level)}]`;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, v]) => `${ind(level + 1)}${JSON.stringify(k)}: ${snippetBodyText(v, level + 1)}`).join(',\n')}\n${ind(level)}}`;
  }
  return JSON.stringify(value);
}

/** Whether value completion has something to offer for a value of this schema (to re-open suggestions after inserting a key). */
function hasValueSuggestions(view: SchemaView): boolean {
  const types = typesOf(view);
  return (
    !!enumValues(view)?.length ||
    (Array.isArray(first(view, 'examples')) && types.includes('string') && first(view, 'x-instance-specific') === true) ||
    (types.includes('string') && (first(view, 'format') === 'date' || first(view, 'format') === 'date-time')) ||
    types.includes('boolean')
  );
}

/** The value written after a property name: a skeleton of the right type, with tab stops from `stop`. */
export function valueSkeleton(view: SchemaView | undefined, stop = { n: 1 }, level = 0): string {
  const snippets = defaultSnippetsOf(view);
  if (snippets.length === 1) return snippetBodyText(snippets[0].body, level);
  const def = firstDecided(view, 'default');
  if (def !== undefined && (def === null || typeof def !== 'object')) {
    const text = JSON.stringify(def);
    return typeof def === 'string' ? `"\${${stop.n++}:${escapeSnippet(def)}}"` : `\${${stop.n++}:${escapeSnippet(text)}}`;
  }
  const c = firstDecided(view, 'const');
  if (c !== undefined) return escapeSnippet(JSON.stringify(c));
  const types = typesOf(view).filter((t) => t !== 'null');
  switch (types[0]) {
    case 'string':
      return `"$${stop.n++}"`;
    case 'integer':
    case 'number':
      return `\${${stop.n++}:0}`;
    case 'boolean':
      return `\${${stop.n++}:false}`;
    case 'object':
      return `{$${stop.n++}}`;
    case 'array':
      return `[$${stop.n++}]`;
    default:
      return typesOf(view).includes('null') ? 'null' : `$${stop.n++}`;
  }
}

function markdown(value: string | undefined): CompletionItem['documentation'] {
  return value ? { kind: 'markdown', value } : undefined;
}

function propertyDocumentation(view: SchemaView, required: boolean): string | undefined {
  const parts: string[] = [];
  const description = descriptionOf(view);
  if (description) parts.push(description);
  const notes: string[] = [];
  if (required) notes.push('Required.');
  const market = first(view, 'x-market');
  if (typeof market === 'string') notes.push(`Market: ${market}.`);
  if (first(view, 'x-instance-specific') === true) notes.push('Values are configured per Kraken instance.');
  const useInstead = first(view, 'x-use-instead');
  if (first(view, 'deprecated') === true)
    notes.push(`Deprecated${typeof useInstead === 'string' ? `: use \`${useInstead}\` instead` : ''}.`);
  if (notes.length) parts.push(notes.join(' '));
  return parts.length ? parts.join('\n\n') : undefined;
}

interface Ctx {
  doc: AuthoringDocument;
  loc: CursorLocation;
  offset: number;
  range: Range;
  /** `,` when something follows the insertion. */
  after: string;
  /** A space when the insertion would stick to the `:` or `,` just typed (completion triggered by it). */
  before: string;
  additional?: TextEdit[];
  now: Date;
  retrigger?: { title: string; command: string };
}

function withEdit(ctx: Ctx, item: Omit<CompletionItem, 'textEdit'>, insert: string): CompletionItem {
  return {
    ...item,
    textEdit: { range: ctx.range, newText: ctx.before + insert },
    ...(ctx.additional ? { additionalTextEdits: ctx.additional } : {}),
  };
}

function keyItems(ctx: Ctx): CompletionItem[] {
  const { doc, loc } = ctx;
  const nav = doc.nav!;
  const objectPath = loc.path.slice(0, -1);
  const objectValue = valueAtPath(doc.value, objectPath);
  if (objectValue !== undefined && !isRecord(objectValue)) return [];
  const view = nav.at(objectPath, doc.value);
  if (!view) return [];
  // Keys already there, except the one being written at the cursor.
  const present = new Set(Object.keys(isRecord(objectValue) ? objectValue : {}));
  const objectNode = nodeAt(doc.tree, objectPath);
  if (ctx.loc.token && objectNode) {
    const under = (objectNode.children ?? []).find((p: jsonc.Node) => p.children?.[0]?.offset === ctx.loc.token!.start);
    if (under) {
      const name = under.children![0].value as string;
      if ((objectNode.children ?? []).filter((p: jsonc.Node) => p.children?.[0]?.value === name).length === 1) present.delete(name);
    }
  }
  const items: CompletionItem[] = [];
  nav.properties(view, objectValue).forEach((p, i) => {
    if (present.has(p.name)) return;
    const group = p.deprecated ? 'd' : p.required ? 'a' : p.alternative ? 'c' : 'b';
    const name = JSON.stringify(p.name);
    const insert = loc.colonFollows ? escapeSnippet(name) : `${escapeSnippet(name)}: ${valueSkeleton(p.view)}${ctx.after}`;
    const market = first(p.view, 'x-market');
    items.push(
      withEdit(
        ctx,
        {
          label: p.name,
          kind: CompletionItemKind.Property,
          detail: `${typeSummary(p.view)}${p.required ? ' · required' : ''}${typeof market === 'string' ? ` · ${market}` : ''}`,
          documentation: markdown(propertyDocumentation(p.view, p.required)),
          sortText: `${group}${pad(i)}`,
          filterText: ctx.loc.token?.kind === 'string' || !ctx.loc.token ? name : p.name,
          insertTextFormat: SNIPPET,
          ...(p.deprecated ? { tags: [1 as const] } : {}),
          ...(ctx.retrigger &&
          !loc.colonFollows &&
          hasValueSuggestions(p.view) &&
          typesOf(p.view).some((t) => t === 'string' || t === 'boolean')
            ? { command: ctx.retrigger }
            : {}),
        },
        insert,
      ),
    );
  });
  return items;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function valueItems(ctx: Ctx): CompletionItem[] {
  const { doc, loc } = ctx;
  const nav = doc.nav!;
  const path = loc.path;
  // The container must be what the path says (a value typed where an array is, etc. gets nothing).
  const view = nav.at(path, doc.value);
  const items: CompletionItem[] = [];
  const labels = new Set<string>();
  const add = (group: string, item: Omit<CompletionItem, 'textEdit' | 'sortText'>, insert: string) => {
    if (labels.has(item.label)) return;
    labels.add(item.label);
    items.push(withEdit(ctx, { ...item, sortText: `${group}${pad(items.length)}` }, insert));
  };
  const scalar = (group: string, value: unknown, rest: Omit<CompletionItem, 'textEdit' | 'sortText' | 'label'>) => {
    const text = JSON.stringify(value);
    add(group, { label: text, insertTextFormat: PLAIN, ...rest }, text + ctx.after);
  };

  // Cross-references: the values this one may name.
  const ref = referenceKindAt(doc, path);
  const inArray = typeof path[path.length - 1] === 'number';
  let referencesOffered = false;
  if (ref) {
    const all = occurrences(doc);
    const current = valueAtPath(doc.value, path);
    const siblings = inArray ? (valueAtPath(doc.value, path.slice(0, -1)) as unknown[] | undefined) : undefined;
    const seen = new Set<string>();
    for (const d of definitionsFor(all, ref.kind, ref.scope)) {
      if (seen.has(d.value)) continue;
      seen.add(d.value);
      // Do not offer an identifier the same list already holds (other than the one being replaced).
      if (Array.isArray(siblings) && siblings.includes(d.value) && d.value !== current) continue;
      referencesOffered = true;
      scalar('a', d.value, {
        kind: CompletionItemKind.Reference,
        detail: `${ref.kind.noun} in this document`,
        documentation: markdown(referenceDocumentation(doc, d.path, ref.kind.id)),
      });
    }
  }
  // A ledger's `identifiers` list as a whole: one proposal per supply point of the account.
  const listRef = !inArray ? referenceKindAt(doc, [...path, 0]) : undefined;
  if (listRef && listRef.kind.id === 'supply-point') {
    const seen = new Set<string>();
    for (const d of definitionsFor(occurrences(doc), listRef.kind, listRef.scope)) {
      if (seen.has(d.value)) continue;
      seen.add(d.value);
      const text = JSON.stringify([d.value]);
      add(
        'a',
        {
          label: text,
          kind: CompletionItemKind.Reference,
          detail: 'supply point in this document',
          insertTextFormat: PLAIN,
          documentation: markdown(referenceDocumentation(doc, d.path, 'supply-point')),
        },
        text + ctx.after,
      );
    }
  }
  if (!view) return items;

  const types = typesOf(view);
  const format = first(view, 'format');
  if (types.includes('string') && format === 'date') {
    scalar('b', formatDate(ctx.now), { kind: CompletionItemKind.Value, detail: 'today' });
  } else if (types.includes('string') && format === 'date-time') {
    scalar('b', formatDateTime(ctx.now), { kind: CompletionItemKind.Value, detail: 'now' });
    scalar('b', `${formatDate(ctx.now)}T00:00:00${formatDateTime(ctx.now).slice(19)}`, {
      kind: CompletionItemKind.Value,
      detail: 'today, midnight',
    });
  }

  const enums = enumValues(view);
  for (const e of enums ?? []) {
    scalar('c', e.value, { kind: CompletionItemKind.EnumMember, documentation: markdown(e.description) });
  }

  const instanceSpecific = first(view, 'x-instance-specific') === true;
  const examples = first(view, 'examples');
  // A reference with targets in the document offers those, not the schema's examples (which would name nothing here).
  if (Array.isArray(examples) && !enums?.length && !referencesOffered) {
    for (const ex of examples) {
      if (!isScalar(ex) || ex === null) continue;
      scalar('e', ex, {
        kind: CompletionItemKind.Value,
        detail: instanceSpecific ? 'example · configured per Kraken instance' : 'example',
      });
    }
  }

  if (types.includes('boolean') && !enums?.length) {
    scalar('f', true, { kind: CompletionItemKind.Value });
    scalar('f', false, { kind: CompletionItemKind.Value });
  }
  if (types.includes('null') && !enums?.some((e) => e.value === null)) scalar('f', null, { kind: CompletionItemKind.Value });

  // Whole values: the schema's snippets (an array item: a customer, a meter, a transaction of each type, ...).
  if (types.includes('object') || types.includes('array') || !types.length) {
    for (const s of defaultSnippetsOf(view)) {
      const label = s.label ?? snippetBodyText(s.body).replace(/\s+/g, ' ').slice(0, 40);
      add(
        'd',
        {
          label,
          kind: CompletionItemKind.Snippet,
          detail: s.description,
          insertTextFormat: SNIPPET,
          documentation: markdown('```json\n' + previewSnippet(s.body) + '\n```'),
        },
        snippetBodyText(s.body) + ctx.after,
      );
    }
  }
  if (types.includes('object')) {
    const skeleton = objectSkeleton(view, doc);
    add(
      'g',
      {
        label: '{}',
        kind: CompletionItemKind.Module,
        detail: skeleton.required.length ? `with ${skeleton.required.join(', ')}` : 'an empty object',
        insertTextFormat: SNIPPET,
      },
      skeleton.text + ctx.after,
    );
  }
  if (types.includes('array')) {
    add('g', { label: '[]', kind: CompletionItemKind.Value, detail: 'an empty list', insertTextFormat: SNIPPET }, '[$1]' + ctx.after);
  }
  return items;
}

/** The object with its required properties (each with a skeleton value). */
function objectSkeleton(view: SchemaView, doc: AuthoringDocument): { text: string; required: string[] } {
  const props = doc.nav!.properties(view, undefined).filter((p) => p.required);
  if (!props.length) return { text: '{$1}', required: [] };
  const stop = { n: 1 };
  const lines = props.map((p) => `\t${escapeSnippet(JSON.stringify(p.name))}: ${valueSkeleton(p.view, stop, 1)}`);
  return { text: `{\n${lines.join(',\n')}\n}`, required: props.map((p) => p.name) };
}

/** The snippet body as it reads once inserted (placeholders replaced by their default text). */
function previewSnippet(body: unknown): string {
  return snippetBodyText(body)
    .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{?\d+\}?/g, '');
}

function referenceDocumentation(doc: AuthoringDocument, path: JsonPath, kind: string): string | undefined {
  const owner = valueAtPath(doc.value, path.slice(0, -1));
  if (!isRecord(owner)) return undefined;
  if (kind === 'ledger') {
    const n =
      (Array.isArray(owner.current_statement_transactions) ? owner.current_statement_transactions.length : 0) +
      (Array.isArray(owner.historical_statement_transactions) ? owner.historical_statement_transactions.length : 0);
    const ids = Array.isArray(owner.identifiers) ? owner.identifiers.filter((x) => typeof x === 'string') : [];
    return `Ledger \`${String(owner.ledger_code)}\` · ${n} transaction${n === 1 ? '' : 's'}${ids.length ? ` · supply points ${ids.join(', ')}` : ''}`;
  }
  if (kind === 'supply-point') {
    return `Supply point \`${String(owner.identifier)}\`${typeof owner.supply_type === 'string' ? ` · ${owner.supply_type}` : ''}`;
  }
  if (kind === 'meter') {
    const number = owner.meter_number ?? owner.meter_serial_number;
    return `Meter \`${String(number)}\`${typeof owner.meter_type === 'string' ? ` · ${owner.meter_type}` : ''}`;
  }
  return undefined;
}

export function complete(
  text: string,
  position: Position,
  schemas: SchemaSet,
  options: CompletionOptions = {},
  associations?: AssociationInput,
): CompletionList {
  const doc = authoringDocument(text, schemas, options, associations);
  if (!doc.kind || !doc.nav) return { isIncomplete: false, items: [] };
  const offset = doc.lines.offsetAt(position);
  // On a large text, read from the innermost container around the cursor rather than from the start.
  const loc = pathAtOffset(text, offset, cursorAnchor(doc.tree, text, offset));
  if (loc.at === 'none') return { isIncomplete: false, items: [] };
  const token = loc.token;
  // An open string (a lone `"` typed before an existing `,`) runs to the end of the line, so the scanner sees no
  // value after it and the comma it swallowed is still in the text: the insertion replaces only what was typed
  // before the cursor and adds no comma of its own (else `"DIRECT",,`). The edit ends at the cursor, which every
  // client can apply (Vim-style completion cannot replace text after the cursor).
  const commaKept = !!token && !token.terminated && /^[ \t]*,/.test(text.slice(offset, offset + 200));
  const ctx: Ctx = {
    doc,
    loc,
    offset,
    range: token ? doc.lines.range(token.start, token.end) : doc.lines.range(offset, offset),
    after: loc.valueFollows && !commaKept ? ',' : '',
    before: !token && (text[offset - 1] === ':' || text[offset - 1] === ',') ? ' ' : '',
    additional:
      loc.missingCommaAt !== undefined ? [{ range: doc.lines.range(loc.missingCommaAt, loc.missingCommaAt), newText: ',' }] : undefined,
    now: options.now ?? new Date(),
    retrigger: options.retriggerCommand ? { title: 'Suggest', command: options.retriggerCommand } : undefined,
  };
  const items = loc.at === 'key' ? keyItems(ctx) : valueItems(ctx);
  return { isIncomplete: false, items: options.snippets === false ? items.map(withoutSnippet) : items };
}

/** A snippet as the plain text it inserts: a placeholder becomes its default text, a choice its first, a tab stop nothing. */
export function snippetToPlainText(snippet: string): string {
  return plainUntil(snippet, 0, false)[0];
}

function plainUntil(s: string, from: number, nested: boolean): [string, number] {
  let out = '';
  let i = from;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && '\\$}'.includes(s[i + 1])) {
      out += s[i + 1];
      i += 2;
      continue;
    }
    if (nested && c === '}') return [out, i + 1];
    if (c === '$') {
      const rest = s.slice(i);
      const stop = /^\$(?:\d+|\{\d+\})/.exec(rest);
      if (stop) {
        i += stop[0].length;
        continue;
      }
      const choice = /^\$\{\d+\|([^,|]*)(?:,[^|]*)?\|\}/.exec(rest);
      if (choice) {
        out += choice[1];
        i += choice[0].length;
        continue;
      }
      const placeholder = /^\$\{\d+:/.exec(rest);
      if (placeholder) {
        const [inner, next] = plainUntil(s, i + placeholder[0].length, true);
        out += inner;
        i = next;
        continue;
      }
    }
    out += c;
    i++;
  }
  return [out, i];
}

function withoutSnippet(item: CompletionItem): CompletionItem {
  if (item.insertTextFormat !== SNIPPET) return item;
  return {
    ...item,
    insertTextFormat: PLAIN,
    ...(item.textEdit ? { textEdit: { ...item.textEdit, newText: snippetToPlainText(item.textEdit.newText) } } : {}),
  };
}
