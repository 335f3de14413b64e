/**
 * What the authoring features (completion, hover, code actions, navigation, symbols) share about one text: the
 * tolerant jsonc-parser tree, the (best-effort) value, the payload kind and the schema navigator for it.
 */
import * as jsonc from 'jsonc-parser';
import { detectKind, type AssociationInput, type KindId } from './kinds';
import { tolerantTree, withinStack } from './parse';
import { LARGE_AUTHORING_TEXT, largeTree, readLargeText, type LargeTree } from './largeDocument';
import { SchemaNavigator } from './schemaNav';
import type { SchemaSet } from './schemas';
import { LineIndex } from './text';
import type { JsonPath, Range } from './types';

export interface DocumentOptions {
  /** Force a kind (an association the client resolved, or a test). */
  kind?: KindId;
  /** The file's path or URI, for `payloadAssociations`. */
  filePath?: string;
}

export interface AuthoringDocument {
  text: string;
  lines: LineIndex;
  tree: jsonc.Node | undefined;
  value: unknown;
  kind: KindId | undefined;
  nav: SchemaNavigator | undefined;
  /** Where the account is: `[]` for an account, `['payload']` in the v2 wrappers; undefined for other kinds. */
  accountBase: JsonPath | undefined;
}

const ACCOUNT_BASE: Partial<Record<KindId, JsonPath>> = {
  account: [],
  'account-v2-validate': ['payload'],
  'account-v2-create': ['payload'],
};

/**
 * The document of a text. A large text's tree and line index come from `readLargeText`, which keeps the last one read
 * and builds the next version's from it after an edit; the rest (the kind, the schema navigator) takes microseconds.
 */
export function authoringDocument(
  text: string,
  schemas: SchemaSet,
  options: DocumentOptions = {},
  associations?: AssociationInput,
): AuthoringDocument {
  const large = text.length >= LARGE_AUTHORING_TEXT ? readLargeText(text) : undefined;
  return documentOf(text, schemas, options, associations, large?.tree, large?.lines ?? new LineIndex(text));
}

/** The document of a text read whole, never from an earlier one (what `authoringDocument` must always equal). */
export function freshAuthoringDocument(
  text: string,
  schemas: SchemaSet,
  options: DocumentOptions = {},
  associations?: AssociationInput,
): AuthoringDocument {
  const large = text.length >= LARGE_AUTHORING_TEXT ? largeTree(text) : undefined;
  return documentOf(text, schemas, options, associations, large, new LineIndex(text));
}

/** The document of a text, from a large text's lazy tree (undefined: small, or neither strict nor repairable). */
function documentOf(
  text: string,
  schemas: SchemaSet,
  options: DocumentOptions,
  associations: AssociationInput | undefined,
  large: LargeTree | undefined,
  lines: LineIndex,
): AuthoringDocument {
  // Large texts: a tree read lazily from the strict (or repaired) text, not a tolerant parse of megabytes
  // (largeDocument.ts). No tree (rather than a stack overflow) for text nested too deeply for jsonc-parser's recursion.
  const { tree, value } = large ??
    tolerantTree(text, [], { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true }) ?? {
      tree: undefined,
      value: undefined,
    };
  const kind = options.kind ?? detectKind(detectionValue(tree, value), options.filePath, associations).kind;
  const nav = kind && schemas.schemaFor(kind) ? new SchemaNavigator(schemas, kind) : undefined;
  return { text, lines, tree, value, kind, nav, accountBase: kind ? ACCOUNT_BASE[kind] : undefined };
}

/** The root value for kind detection: a top-level key being written (no value yet) counts too. */
function detectionValue(tree: jsonc.Node | undefined, value: unknown): unknown {
  if (!tree || tree.type !== 'object' || !isRecord(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const prop of tree.children ?? []) {
    const key = prop.children?.[0]?.value;
    if (typeof key === 'string' && !(key in out)) out[key] = null;
  }
  return out;
}

/** The node at a path (the last of duplicate keys, as JSON.parse keeps). */
export function nodeAt(tree: jsonc.Node | undefined, path: JsonPath): jsonc.Node | undefined {
  let node = tree;
  for (const seg of path) {
    if (!node) return undefined;
    let next: jsonc.Node | undefined;
    if (node.type === 'object' && typeof seg === 'string') {
      for (const prop of node.children ?? []) if (prop.children?.[0]?.value === seg && prop.children[1]) next = prop.children[1];
    } else if (node.type === 'array' && typeof seg === 'number') next = node.children?.[seg];
    node = next;
  }
  return node;
}

/** The property node (key + value) that holds `node`, if it is a property value. */
export function propertyOf(node: jsonc.Node): jsonc.Node | undefined {
  return node.parent?.type === 'property' ? node.parent : undefined;
}

export function nodeRange(doc: AuthoringDocument, node: jsonc.Node): Range {
  return doc.lines.range(node.offset, node.offset + node.length);
}

export function valueAtPath(value: unknown, path: JsonPath): unknown {
  let v = value;
  for (const seg of path) {
    if (typeof seg === 'number') v = Array.isArray(v) ? v[seg] : undefined;
    else v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[seg] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The innermost node whose span contains the offset (a key's string node when on a key). */
export function nodeAtOffset(tree: jsonc.Node | undefined, offset: number): jsonc.Node | undefined {
  // findNodeAtOffset recurses per level: none (rather than a stack overflow) in a tree nested too deeply
  return tree ? withinStack(() => jsonc.findNodeAtOffset(tree, offset, true))?.value : undefined;
}

export function nodePath(node: jsonc.Node): JsonPath {
  return jsonc.getNodePath(node);
}

/** The indentation the document uses (for inserted text): from the first indented line, else two spaces. */
export function detectIndent(text: string): { insertSpaces: boolean; tabSize: number; unit: string } {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return { insertSpaces: true, tabSize: 2, unit: '  ' };
  if (m[1][0] === '\t') return { insertSpaces: false, tabSize: 4, unit: '\t' };
  const size = Math.min(8, m[1].length);
  return { insertSpaces: true, tabSize: size, unit: ' '.repeat(size) };
}
