/**
 * Authoring on large documents (megabytes): jsonc-parser's tree of a 10 MB text costs about half a second, so
 * completion and hover could not answer while typing, and a 40 MB outline would stall the server.
 *
 * Above LARGE_AUTHORING_TEXT the authoring features get a tree built lazily over the strict text (or its repair,
 * see parse.ts): a container's children are read from the text only when something asks for them, with the
 * ScanLocator's indentation skips checked against JSON.parse's value. Hover and completion touch the containers on
 * one path, the outline and folding stop at their item cap: milliseconds instead of a full parse. The nodes are
 * jsonc-parser's `Node` shape, so the authoring code is the same for both trees.
 *
 * Lines a repair blanked (the line being typed) are not in the tree; completion reads the text around the cursor
 * itself (cursor.ts, from the innermost container: `cursorAnchor`).
 */
import type * as jsonc from 'jsonc-parser';
import { ScanLocator } from './locate';
import type { OffsetFinding } from './parseFindings';
import { MAX_REPAIRS, repairContainer, strictOrRepaired, type Repaired } from './parseRepair';
import { textShapeAfterEdit, type TextShape } from './parseShape';
import { LineIndex, textEdit, type TextEdit } from './text';
import type { JsonPath } from './types';

/** From this size on, authoring uses the lazy tree. */
export const LARGE_AUTHORING_TEXT = 256 << 10;

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;

function scalarType(value: unknown): jsonc.NodeType {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return Array.isArray(value) ? 'array' : 'object';
}

/** A container node whose children are read from the text on first access. */
class LazyContainer implements jsonc.Node {
  readonly type: jsonc.NodeType;
  private built: jsonc.Node[] | undefined;

  constructor(
    private readonly locator: ScanLocator,
    private readonly text: string,
    readonly offset: number,
    readonly length: number,
    private readonly data: unknown,
    readonly parent: jsonc.Node | undefined,
  ) {
    this.type = text.charCodeAt(offset) === OPEN_BRACE ? 'object' : 'array';
  }

  get children(): jsonc.Node[] {
    if (this.built) return this.built;
    const end = this.offset + this.length;
    const out: jsonc.Node[] = [];
    if (this.type === 'object') {
      const obj = (this.data ?? {}) as Record<string, unknown>;
      for (const e of this.locator.propertiesOf(this.offset, this.data, end)) {
        const key = JSON.parse(this.text.slice(e.keyStart, e.keyEnd)) as string;
        const colon = this.text.indexOf(':', e.keyEnd);
        const children: jsonc.Node[] = [];
        const property: jsonc.Node = {
          type: 'property',
          offset: e.keyStart,
          length: e.valueEnd - e.keyStart,
          parent: this,
          children,
          colonOffset: colon < e.valueStart ? colon : undefined,
        };
        children.push({ type: 'string', value: key, offset: e.keyStart, length: e.keyEnd - e.keyStart, parent: property });
        children.push(nodeFor(this.locator, this.text, e.valueStart, e.valueEnd, obj[key], property));
        out.push(property);
      }
    } else {
      const items = this.locator.itemsOf(this.offset, this.data, end);
      const arr = Array.isArray(this.data) ? this.data : [];
      for (let i = 0; i < items.starts.length; i++)
        out.push(nodeFor(this.locator, this.text, items.starts[i], items.ends[i], arr[i], this));
    }
    this.built = out;
    return out;
  }
}

function nodeFor(
  locator: ScanLocator,
  text: string,
  start: number,
  end: number,
  value: unknown,
  parent: jsonc.Node | undefined,
): jsonc.Node {
  const c = text.charCodeAt(start);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return new LazyContainer(locator, text, start, end - start, value, parent);
  return { type: scalarType(value), value, offset: start, length: end - start, parent };
}

export interface LargeTree {
  tree: jsonc.Node | undefined;
  value: unknown;
  /** The text the tree was read from: the document's, or its repair (same offsets). */
  parsedText: string;
  /**
   * Where parsedText is a repair: its syntax findings (as validation reports them), where each repair starts, and
   * which of those stops were placed by a snippet of the text.
   */
  repair?: RepairInfo;
  /** parsedText's shape (parse.ts checks), where validation has taken it or it follows from the last text's. */
  shape?: TextShape;
}

type RepairInfo = Pick<Repaired, 'findings' | 'repairs' | 'bySnippet'>;

/** The lazy tree of a large text; undefined when it is neither strict JSON nor repairable (then parse tolerantly). */
export function largeTree(text: string): LargeTree | undefined {
  const parsed = strictOrRepaired(text);
  return parsed ? lazyTree(parsed.text, parsed.value, 'repairs' in parsed ? parsed : undefined) : undefined;
}

function lazyTree(text: string, value: unknown, repair?: RepairInfo, shape?: TextShape): LargeTree {
  const locator = new ScanLocator(text, value);
  const root = locator.rootSpan();
  const tree = nodeFor(locator, text, root.start, root.end, value, undefined);
  const out: LargeTree = { tree, value, parsedText: text };
  if (repair) out.repair = { findings: repair.findings, repairs: repair.repairs, bySnippet: repair.bySnippet };
  if (shape) out.shape = shape;
  return out;
}

/**
 * The last large text read (hover, completion, the outline and folding all ask for the same version after an edit),
 * with its line index. One entry: the document being worked on.
 */
let lastRead: { text: string; tree: LargeTree | undefined; lines: LineIndex } | undefined;

/**
 * The lazy tree (undefined when the text is neither strict JSON nor repairable) and line index of a large text: the
 * last one's again for the same text; after an edit of a strict text, built from the last one's (largeTreeAfterEdit,
 * LineIndex.afterEdit); otherwise read whole.
 */
export function readLargeText(text: string): { tree: LargeTree | undefined; lines: LineIndex } {
  if (lastRead?.text === text) return lastRead;
  lastRead = lastReadEditedTo(text) ?? { text, tree: largeTree(text), lines: new LineIndex(text) };
  return lastRead;
}

/** `text`'s tree and line index built from the last text read (strict or repaired), where the edit allows it. */
function lastReadEditedTo(text: string): { text: string; tree: LargeTree; lines: LineIndex } | undefined {
  if (!lastRead?.tree) return undefined;
  const edit = textEdit(lastRead.text, text);
  const tree = edit && largeTreeAfterEdit(lastRead.tree, text, edit);
  return edit && tree ? { text, tree, lines: LineIndex.afterEdit(lastRead.lines, text, edit) } : undefined;
}

/**
 * For validation (parse.ts): the last text read when this is that text, or an edit of it that largeTreeAfterEdit can
 * take: the text JSON.parse read (this text, or its repair), the value, the line index, the shape when known, and for
 * a repair its findings (copies: validation's findings are its own). Completion or hover while a key is typed may
 * have read (and repaired) it first: the same reading, not done again. Undefined otherwise, without reading the text:
 * the caller parses it and may `rememberStrictText` or `rememberRepairedText` it.
 */
export function fromLastRead(
  text: string,
): { parsedText: string; value: unknown; lines: LineIndex; shape?: TextShape; repairFindings?: OffsetFinding[] } | undefined {
  if (lastRead?.text !== text) {
    const edited = lastReadEditedTo(text);
    if (!edited) return undefined;
    lastRead = edited;
  }
  const { tree, lines } = lastRead;
  if (!tree) return undefined;
  const read = { parsedText: tree.parsedText, value: tree.value, lines, shape: tree.shape };
  return tree.repair ? { ...read, repairFindings: tree.repair.findings.map((f) => ({ ...f })) } : read;
}

/** The shape validation took of `parsedText`, the last text's value or repair: the next edit's starts from it. */
export function rememberShape(text: string, parsedText: string, shape: TextShape): void {
  if (lastRead?.text === text && lastRead.tree?.parsedText === parsedText) lastRead.tree.shape = shape;
}

/** The document with this text was closed: what is kept of it for the next edit goes (tens of megabytes). */
export function forgetLargeText(text: string): void {
  if (lastRead?.text === text) lastRead = undefined;
}

/** A large strict text that validation parsed whole, as the last read: the next edit, hover or outline starts from it. */
export function rememberStrictText(text: string, value: unknown, lines: LineIndex): void {
  lastRead = { text, tree: lazyTree(text, value), lines };
}

/** A large broken text that validation repaired, as the last read, for the authoring requests on it. */
export function rememberRepairedText(text: string, repaired: Repaired, lines: LineIndex): void {
  const findings = repaired.findings.map((f) => ({ ...f }));
  lastRead = { text, tree: lazyTree(repaired.text, repaired.value, { ...repaired, findings }), lines };
}

/** Line breaks near the start, as a pretty-printer writes them (at least one per 256 characters of the first 4 KB). */
function prettyPrinted(text: string): boolean {
  let breaks = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < 4096; i = text.indexOf('\n', i + 1)) if (++breaks === 16) return true;
  return false;
}

/** The edit lies strictly between the container's brackets (both of them outside it). */
function holdsEdit(node: jsonc.Node, edit: TextEdit): boolean {
  return node.offset < edit.start && edit.beforeEnd < node.offset + node.length;
}

/**
 * The lazy tree of `text`, which is the previous text with one edit: only the innermost container that holds the
 * edit between its brackets is parsed again, and the value is the previous one with that container's value replaced,
 * the containers above it copied, never changed. That is JSON.parse's value of the whole text, since the text around
 * the container is unchanged and was valid around any value.
 *
 * Typing makes a text broken (a key half typed): then the container's text is repaired as the whole text's repair
 * would repair it there (repairContainer), and a previous repair's repairs outside the container are kept. The result
 * is the whole text's repair (parseRepair.ts), its findings and value, without parsing the whole text twice.
 *
 * Undefined where that does not hold (the edit reaches the root's brackets, the container cannot be repaired on its
 * own, or more repairs than the whole text's repair makes): then the text is read whole.
 */
export function largeTreeAfterEdit(previous: LargeTree, text: string, edit: TextEdit): LargeTree | undefined {
  // Worth it for a small edit of a pretty-printed text, whose containers the locator skips by their closing line; a
  // minified one would be read character by character down to the edit, and a large edit is nearly a new text.
  if (edit.beforeEnd - edit.start + (edit.afterEnd - edit.start) > text.length >> 3 || !prettyPrinted(text)) return undefined;
  let node = previous.tree;
  if (!node || (node.type !== 'object' && node.type !== 'array') || !holdsEdit(node, edit)) return undefined;
  // The values from the root down to the innermost container holding the edit, and the segment to each next one.
  const values: unknown[] = [previous.value];
  const segments: Array<string | number> = [];
  for (;;) {
    const children = node.children ?? [];
    let inner: jsonc.Node | undefined;
    // An object's children are its keys' last copies (JSON.parse's), in the order the keys first appear: an edit in
    // an earlier copy of a key lies in no child, so the object holding it is parsed again. Children after the edit
    // end the search (with a duplicate key out of order, that can only stop it early: a larger part parsed again).
    for (let i = 0; i < children.length && !inner; i++) {
      const child = children[i];
      if (child.offset >= edit.beforeEnd) break;
      const value = child.type === 'property' ? child.children?.[1] : child;
      if (!value || (value.type !== 'object' && value.type !== 'array') || !holdsEdit(value, edit)) continue;
      if (child.type === 'property') {
        const key = child.children?.[0]?.value as string;
        segments.push(key);
        values.push((values[values.length - 1] as Record<string, unknown>)[key]);
      } else {
        segments.push(i);
        values.push((values[values.length - 1] as unknown[])[i]);
      }
      inner = value;
    }
    if (!inner) break;
    node = inner;
  }
  const end = node.offset + node.length; // the container's end in the previous text
  const delta = edit.afterEnd - edit.beforeEnd;
  const inner = text.slice(node.offset, end + delta);
  // A repaired previous text: its repairs outside the container stand (the text there is the same), those inside
  // are made again on the container's new text, as the whole text's repair would make them there (repairContainer).
  const outside = (previous.repair?.repairs ?? []).filter((r) => r < node.offset || r >= end);
  // A stop outside placed by a snippet of the text may be placed elsewhere after any edit: read the whole text again.
  if (previous.repair?.bySnippet.some((r) => r < node.offset || r >= end)) return undefined;
  let value: unknown;
  let repaired: Repaired | undefined;
  try {
    value = JSON.parse(inner);
  } catch (error) {
    repaired = repairContainer(inner, error, MAX_REPAIRS - outside.length, {
      before: previous.parsedText.slice(0, node.offset),
      after: text.slice(end + delta),
    });
    if (!repaired) return undefined;
    value = repaired.value;
  }
  // The shape of the text after the edit, from the last one's: the container's old part out, its new one in (not
  // for a container of most of the text: reading it twice would cost more than reading the text once).
  const shape =
    previous.shape && node.length < text.length >> 1
      ? textShapeAfterEdit(
          previous.shape,
          segments.length + 1,
          { text: previous.parsedText.slice(node.offset, end), value: values[values.length - 1] },
          { text: repaired?.text ?? inner, value },
        )
      : undefined;
  for (let depth = segments.length - 1; depth >= 0; depth--) {
    const holder = values[depth];
    const segment = segments[depth];
    if (Array.isArray(holder)) {
      const copy = holder.slice();
      copy[segment as number] = value;
      value = copy;
    } else value = { ...(holder as Record<string, unknown>), [segment]: value };
  }
  if (!repaired && !outside.length) return lazyTree(text, value, undefined, shape);
  // The repaired text, its findings and its repairs in text order: before the container, in it, after it (shifted).
  const before = (o: number) => o < node.offset;
  const after = (o: number) => o >= end;
  const shifted = (f: OffsetFinding, by: number): OffsetFinding => ({ ...f, start: f.start + by, end: f.end + by });
  const findings = previous.repair?.findings ?? [];
  return lazyTree(
    previous.parsedText.slice(0, node.offset) + (repaired?.text ?? inner) + previous.parsedText.slice(end),
    value,
    {
      findings: [
        ...findings.filter((f) => before(f.start)).map((f) => shifted(f, 0)),
        ...(repaired?.findings ?? []).map((f) => shifted(f, node.offset)),
        ...findings.filter((f) => after(f.start)).map((f) => shifted(f, delta)),
      ],
      bySnippet: (repaired?.bySnippet ?? []).map((r) => r + node.offset),
      repairs: [
        ...outside.filter(before),
        ...(repaired?.repairs ?? []).map((r) => r + node.offset),
        ...outside.filter(after).map((r) => r + delta),
      ],
    },
    shape,
  );
}

export function isLazyTree(tree: jsonc.Node | undefined): boolean {
  return tree instanceof LazyContainer;
}

/** Where cursor.ts can start reading instead of the start of the text: a container and the path to it. */
export interface CursorAnchor {
  offset: number;
  /** The containers around the anchor, outermost first: each one's type and the segment leading inwards. */
  frames: Array<{ type: 'object' | 'array'; segment: string | number }>;
}

/**
 * The innermost container of a lazy tree that opens before `offset` and holds it, as a start for cursor.ts's scan;
 * undefined when the tree is not lazy (small documents are scanned from the start) or the container's opening
 * bracket is not in `text` where the tree has it (the user's edit moved it).
 */
export function cursorAnchor(tree: jsonc.Node | undefined, text: string, offset: number): CursorAnchor | undefined {
  if (!tree || !isLazyTree(tree)) return undefined;
  const chain: jsonc.Node[] = [];
  let node: jsonc.Node | undefined = tree;
  while (node && (node.type === 'object' || node.type === 'array') && node.offset < offset && offset < node.offset + node.length) {
    chain.push(node);
    let next: jsonc.Node | undefined;
    for (const child of node.children ?? []) {
      const value: jsonc.Node | undefined = child.type === 'property' ? child.children?.[1] : child;
      if (value && value.offset < offset && offset < value.offset + value.length) {
        next = value;
        break;
      }
      if (child.offset > offset) break;
    }
    node = next;
  }
  if (chain.length < 2) return undefined; // the root: scanning from the start is the same
  const anchor = chain[chain.length - 1];
  const open = text.charCodeAt(anchor.offset);
  if (open !== (anchor.type === 'object' ? OPEN_BRACE : OPEN_BRACKET)) return undefined;
  const frames: CursorAnchor['frames'] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const inner = chain[i + 1];
    const segment: string | number =
      inner.parent?.type === 'property' ? String(inner.parent.children?.[0]?.value) : (chain[i].children ?? []).indexOf(inner);
    frames.push({ type: chain[i].type as 'object' | 'array', segment });
  }
  return { offset: anchor.offset, frames };
}

/** The path segments of `frames`, for tests and logs. */
export function anchorPath(anchor: CursorAnchor): JsonPath {
  return anchor.frames.map((f) => f.segment);
}

/**
 * Folding ranges of a lazy tree, outermost first (breadth-first) until `limit`: only the containers that get a range
 * are read. A container folds from its first line to the line before its closing bracket, one range per start line.
 */
export function largeFoldingRanges(
  tree: jsonc.Node | undefined,
  lineOf: (offset: number) => number,
  limit: number,
): { items: Array<{ startLine: number; endLine: number; kind: string }>; limitReached: boolean } {
  const items: Array<{ startLine: number; endLine: number; kind: string }> = [];
  const starts = new Set<number>();
  let level: jsonc.Node[] = tree ? [tree] : [];
  let limitReached = false;
  while (level.length && !limitReached) {
    const next: jsonc.Node[] = [];
    for (const node of level) {
      const startLine = lineOf(node.offset);
      const endLine = lineOf(node.offset + node.length - 1);
      if (endLine > startLine + 1 && !starts.has(startLine)) {
        if (items.length === limit) {
          limitReached = true;
          break;
        }
        starts.add(startLine);
        items.push({ startLine, endLine: endLine - 1, kind: node.type });
      }
      if (endLine > startLine) {
        for (const child of node.children ?? []) {
          const value = child.type === 'property' ? child.children?.[1] : child;
          if (value && (value.type === 'object' || value.type === 'array')) next.push(value);
        }
      }
    }
    level = next;
  }
  items.sort((a, b) => a.startLine - b.startLine);
  return { items, limitReached };
}
