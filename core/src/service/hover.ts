/**
 * Hover over a property name or a value: what the field is (description), its type and format, whether it is
 * required, the allowed values with their descriptions, an example, the finding and rule codes that check it,
 * and, when an instance contract is in force, the error codes Kraken may raise for it (`x-kraken-errors`).
 */
import { authoringDocument, nodeAtOffset, nodePath, nodeRange, type DocumentOptions } from './authoringDoc';
import { FORMAT_HINTS } from './formats';
import type { AssociationInput, KindId } from './kinds';
import { RULES, type Rule } from './rules';
import { collect, descriptionOf, enumValues, first, requiredOf, typeSummary, typesOf, type SchemaView } from './schemaNav';
import type { SchemaSet } from './schemas';
import type { Hover, JsonPath, Position } from './types';
import { compilePattern, matchesPattern } from './xref';

const MAX_ENUM_SHOWN = 30;

const ACCOUNT_BASE: Partial<Record<KindId, JsonPath>> = {
  account: [],
  'account-v2-validate': ['payload'],
  'account-v2-create': ['payload'],
};

function patternMatches(pattern: string, path: JsonPath): boolean {
  if (pattern.startsWith('*.')) {
    const name = pattern.slice(2);
    return path[path.length - 1] === name;
  }
  return matchesPattern(path, compilePattern(pattern));
}

function ruleRunsOn(rule: Rule, kind: KindId): boolean {
  return rule.kinds.includes(kind) || (!!ACCOUNT_BASE[kind]?.length && rule.kinds.includes('account'));
}

/** The migration rules that check the value at `path` of a `kind` document. */
export function rulesAt(kind: KindId, path: JsonPath): string[] {
  const out: string[] = [];
  for (const rule of RULES) {
    const patterns = rule.appliesTo;
    if (!patterns) continue;
    let rel: JsonPath | undefined;
    if (rule.kinds.includes(kind)) rel = path;
    const base = ACCOUNT_BASE[kind];
    if (!rel && base && base.length && rule.kinds.includes('account') && base.every((s, i) => path[i] === s)) rel = path.slice(base.length);
    if (rel && patterns.some((p) => patternMatches(p, rel!))) out.push(rule.code);
  }
  return out;
}

/** The finding codes schema validation may report for a value of this schema. */
function findingCodes(view: SchemaView, required: boolean): string[] {
  const codes: string[] = [];
  const has = (k: string) => collect(view, k).length > 0;
  if (required) codes.push('missing-property');
  if (has('enum') || has('const')) codes.push('invalid-enum');
  if (has('format')) codes.push('invalid-format');
  if (has('pattern')) codes.push('invalid-pattern');
  if (has('maxLength')) codes.push('too-long');
  if (has('minLength')) codes.push('too-short');
  if (has('minimum') || has('maximum') || has('exclusiveMinimum') || has('exclusiveMaximum')) codes.push('out-of-range');
  // A decimal written as a string: a JSON number there is accepted by Kraken and reported as a hint.
  const pattern = first(view, 'pattern');
  if (
    typesOf(view).includes('string') &&
    ((typeof pattern === 'string' && pattern.startsWith('^-?\\d')) || first(view, 'x-kraken-format') === 'decimal')
  ) {
    codes.push('number-as-string');
  }
  if (first(view, 'deprecated') === true) codes.push('deprecated');
  return codes;
}

function code(value: unknown): string {
  const text = JSON.stringify(value);
  return '`' + (text.length > 80 ? text.slice(0, 77) + '…' : text) + '`';
}

export type HoverOptions = DocumentOptions;

export function hover(
  text: string,
  position: Position,
  schemas: SchemaSet,
  options: HoverOptions = {},
  associations?: AssociationInput,
): Hover | null {
  const doc = authoringDocument(text, schemas, options, associations);
  if (!doc.kind || !doc.nav || !doc.tree) return null;
  const offset = doc.lines.offsetAt(position);
  let node = nodeAtOffset(doc.tree, offset);
  if (!node) return null;
  // On a key: the property; on a value: the value itself.
  let onKey = false;
  if (node.parent?.type === 'property' && node.parent.children?.[0] === node) {
    onKey = true;
  } else if (node.type === 'property') {
    node = node.children?.[1] ?? node;
  }
  const path = onKey ? nodePath(node.parent!.children?.[1] ?? node.parent!) : nodePath(node);
  if (onKey && !node.parent!.children?.[1]) path.push(String(node.value));
  if (!path.length) return null; // the root object: nothing to say beyond the kind
  const view = doc.nav.at(path, doc.value);
  if (!view) return null;
  const last = path[path.length - 1];
  const parentView = doc.nav.at(path.slice(0, -1), doc.value);
  const required = typeof last === 'string' && !!parentView && requiredOf(parentView).has(last);

  const lines: string[] = [];
  const title = typeof last === 'string' ? `\`${last}\`` : `item ${last} of \`${String(path[path.length - 2] ?? '')}\``;
  lines.push(`**${title}** · ${typeSummary(view)}${typeof last === 'string' ? (required ? ' · required' : ' · optional') : ''}`);

  const values = enumValues(view);
  // On an enum value: that value's meaning first.
  if (!onKey && values && node.type !== 'object' && node.type !== 'array') {
    const hit = values.find((v) => v.value === node!.value);
    if (hit?.description) lines.push(`${code(hit.value)}: ${hit.description}`);
  }
  const description = descriptionOf(view);
  if (description) lines.push(description);

  const facts: string[] = [];
  const format = first(view, 'format');
  if (typeof format === 'string') facts.push(`Format: \`${format}\`${FORMAT_HINTS[format] ? ` (${FORMAT_HINTS[format]})` : ''}`);
  const maxLength = first(view, 'maxLength');
  if (typeof maxLength === 'number') facts.push(`At most ${maxLength} characters`);
  const market = first(view, 'x-market');
  if (typeof market === 'string') facts.push(`Market: ${market}`);
  if (first(view, 'x-instance-specific') === true)
    facts.push('Values are configured per Kraken instance: the examples are not a complete list');
  if (first(view, 'deprecated') === true) {
    const useInstead = first(view, 'x-use-instead');
    facts.push(`Deprecated${typeof useInstead === 'string' ? `: use \`${useInstead}\` instead` : ''}`);
  }
  if (facts.length) lines.push(facts.join('  \n'));

  if (values?.length) {
    const shown = values.slice(0, MAX_ENUM_SHOWN).map((v) => `- ${code(v.value)}${v.description ? ` — ${v.description}` : ''}`);
    if (values.length > MAX_ENUM_SHOWN) shown.push(`- … and ${values.length - MAX_ENUM_SHOWN} more`);
    lines.push(`Allowed values:\n${shown.join('\n')}`);
  }
  const examples = first(view, 'examples');
  if (Array.isArray(examples) && examples.length && !values?.length) lines.push(`Example: ${code(examples[0])}`);
  else if (values?.length) lines.push(`Example: ${code(values[0].value)}`);

  const codes = [...findingCodes(view, required), ...rulesAt(doc.kind, path)];
  // Rules that check every value of a shape rather than named fields.
  if (codes.includes('number-as-string') && RULES.some((r) => r.code === 'decimal-amount' && ruleRunsOn(r, doc.kind!)))
    codes.push('decimal-amount');
  if (codes.length) lines.push(`Checks: ${codes.map((c) => `\`${c}\``).join(', ')}`);
  const errors = [...new Set(collect(view, 'x-kraken-errors').flatMap((e) => (Array.isArray(e) ? e.map(String) : [])))];
  if (errors.length) lines.push(`Kraken may raise: ${errors.map((e) => `\`${e}\``).join(', ')}`);

  return { contents: { kind: 'markdown', value: lines.join('\n\n') }, range: nodeRange(doc, node) };
}
