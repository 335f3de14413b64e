/**
 * The one module that turns a JSON path into a place in the text. Local findings (schema and rules) and
 * Kraken's own `errors[].attr` paths both go through it, so they land on the same characters.
 *
 * Two locators share one interface:
 * - `ScanLocator` for text that is strict JSON (JSON.parse accepted it). It builds no tree: it indexes only the
 *   containers on the paths it is asked about, skipping over everything else (strings by indexOf, containers by
 *   bracket depth). A valid document with no findings costs nothing here.
 * - `TreeLocator` for text with syntax errors: jsonc-parser's tolerant tree (such documents are being typed and
 *   are small in practice; large broken ones are capped by the caller).
 */
import type * as jsonc from 'jsonc-parser';
import type { JsonPath, Target } from './types';

export interface Span {
  start: number;
  end: number;
  /** False when the path does not exist and the span is the nearest existing ancestor. */
  exact: boolean;
}

export interface Locator {
  locate(path: JsonPath, target: Target): Span;
  /** Span of the value at the path, or undefined when the path does not exist. */
  valueSpan(path: JsonPath): { start: number; end: number } | undefined;
}

export interface PropertyEntry {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

/** Containers at least this long have their end remembered; shorter ones are cheaper to rescan than to store. */
const REMEMBER_CONTAINERS_FROM = 1024;

/** Thrown inside ScanLocator when skipping by indentation proved wrong; the walk starts again without it. */
const RESTART = new Error('ScanLocator: restart without indentation skips');

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Locator over strict JSON text. All offsets assume the text parsed with JSON.parse. */
export class ScanLocator implements Locator {
  private readonly objects = new Map<number, Map<string, PropertyEntry>>();
  private readonly arrays = new Map<number, { starts: number[]; ends: number[] }>();
  private readonly rootStart: number;
  /** Where containers of at least REMEMBER_CONTAINERS_FROM characters end, by start offset (filled while skipping). */
  private readonly containerEnds = new Map<number, number>();
  /** Skipping pretty-printed containers by their closing line (see skipByIndent): on while every check agrees. */
  private byIndent: boolean;

  /**
   * `root`, the value JSON.parse gave for the text, lets containers be skipped without reading them: each container
   * indexed is then checked against it (same keys or length, closed where its parent says), and on any disagreement
   * the locator falls back to reading every character.
   */
  constructor(
    private readonly text: string,
    private readonly root?: unknown,
  ) {
    this.rootStart = this.skipWs(0);
    this.byIndent = root !== undefined && root !== null && typeof root === 'object';
  }

  /**
   * i at a `{` or `[` that ends its line, as pretty-printers write them: the container closes on the first later line
   * that holds only the opener line's indentation and the closing bracket. JSON strings cannot span lines, so that
   * line is structure; whether it is this container's end is checked when the container or its parent is indexed.
   */
  private skipByIndent(i: number): number | undefined {
    const t = this.text;
    let j = i + 1;
    let c = t.charCodeAt(j);
    while (c === 32 || c === 9 || c === 13) c = t.charCodeAt(++j);
    if (c !== 10) return undefined;
    const lineStart = t.lastIndexOf('\n', i - 1) + 1;
    let k = lineStart;
    while (k < i && (t.charCodeAt(k) === 32 || t.charCodeAt(k) === 9)) k++;
    const indent = t.slice(lineStart, k);
    const prefix = `\n${indent}`;
    const closer = t.charCodeAt(i) === OPEN_BRACE ? '}' : ']';
    // Searching for the bracket (rarer than line breaks) and looking back at its line is faster than searching for
    // the whole line.
    for (let at = t.indexOf(closer, j); at !== -1; at = t.indexOf(closer, at + 1)) {
      if (t.startsWith(prefix, at - prefix.length)) return at + 1;
    }
    return undefined;
  }

  private rootEnd(): number {
    const t = this.text;
    let end = t.length;
    while (end > this.rootStart && isWs(t.charCodeAt(end - 1))) end--;
    return end;
  }

  private skipWs(i: number): number {
    const t = this.text;
    while (i < t.length && isWs(t.charCodeAt(i))) i++;
    return i;
  }

  /** i at the opening quote; returns the offset after the closing quote. */
  private skipString(i: number): number {
    const t = this.text;
    let j = i + 1;
    for (;;) {
      const q = t.indexOf('"', j);
      if (q === -1) return t.length;
      let k = q - 1;
      let backslashes = 0;
      while (k > i && t.charCodeAt(k) === BACKSLASH) {
        backslashes++;
        k--;
      }
      if ((backslashes & 1) === 0) return q + 1;
      j = q + 1;
    }
  }

  /** i at a value's first character; returns the offset after the value. */
  skipValue(i: number): number {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === QUOTE) return this.skipString(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (this.byIndent) {
        const end = this.skipByIndent(i);
        if (end !== undefined) return end;
      }
      const known = this.containerEnds.get(i);
      if (known !== undefined) return known;
      // Walking a path indexes each container on it, and indexing skips the next one: without remembering where
      // large nested containers end, a path 100 000 levels deep would rescan the text once per level.
      const opened: number[] = [];
      for (let j = i; j < t.length; j++) {
        const d = t.charCodeAt(j);
        if (d === QUOTE) j = this.skipString(j) - 1;
        else if (d === OPEN_BRACE || d === OPEN_BRACKET) opened.push(j);
        else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
          const start = opened.pop()!;
          if (j - start >= REMEMBER_CONTAINERS_FROM) this.containerEnds.set(start, j + 1);
          if (opened.length === 0) return j + 1;
        }
      }
      return t.length;
    }
    let j = i;
    while (j < t.length) {
      const d = t.charCodeAt(j);
      if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isWs(d)) break;
      j++;
    }
    return j;
  }

  /**
   * While skipping by indentation, a container indexed must agree with its value and close where its parent said;
   * otherwise the skips cannot be trusted: everything is forgotten and read character by character from then on.
   */
  private check(ok: boolean): void {
    if (ok || !this.byIndent) return;
    this.byIndent = false;
    this.objects.clear();
    this.arrays.clear();
    throw RESTART;
  }

  private objectIndex(start: number, value?: unknown, end?: number): Map<string, PropertyEntry> {
    let index = this.objects.get(start);
    if (index) return index;
    index = new Map();
    const t = this.text;
    let i = this.skipWs(start + 1);
    while (i < t.length && t.charCodeAt(i) === QUOTE) {
      const keyStart = i;
      const keyEnd = this.skipString(i);
      const raw = t.slice(keyStart + 1, keyEnd - 1);
      const key = raw.includes('\\') ? (JSON.parse(t.slice(keyStart, keyEnd)) as string) : raw;
      i = this.skipWs(keyEnd) + 1; // past ':'
      const valueStart = this.skipWs(i);
      const valueEnd = this.skipValue(valueStart);
      index.set(key, { keyStart, keyEnd, valueStart, valueEnd }); // the last duplicate wins, as in JSON.parse
      i = this.skipWs(valueEnd);
      if (t.charCodeAt(i) !== COMMA) break;
      i = this.skipWs(i + 1);
    }
    if (this.byIndent) {
      const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : undefined;
      const built = index;
      this.check(
        t.charCodeAt(i) === CLOSE_BRACE &&
          (end === undefined || i + 1 === end) &&
          !!keys &&
          keys.length === built.size &&
          keys.every((k) => built.has(k)),
      );
    }
    this.objects.set(start, index);
    return index;
  }

  private arrayIndex(start: number, value?: unknown, end?: number): { starts: number[]; ends: number[] } {
    let index = this.arrays.get(start);
    if (index) return index;
    index = { starts: [], ends: [] };
    const t = this.text;
    let i = this.skipWs(start + 1);
    if (t.charCodeAt(i) !== CLOSE_BRACKET) {
      while (i < t.length) {
        const itemEnd = this.skipValue(i);
        index.starts.push(i);
        index.ends.push(itemEnd);
        i = this.skipWs(itemEnd);
        if (t.charCodeAt(i) !== COMMA) break;
        i = this.skipWs(i + 1);
      }
    }
    if (this.byIndent)
      this.check(
        t.charCodeAt(i) === CLOSE_BRACKET &&
          (end === undefined || i + 1 === end) &&
          Array.isArray(value) &&
          value.length === index.starts.length,
      );
    this.arrays.set(start, index);
    return index;
  }

  /** Walks the path as far as it exists. */
  private walk(path: JsonPath): { depth: number; valueStart: number; valueEnd: number; key?: PropertyEntry } {
    try {
      return this.walkOnce(path);
    } catch (error) {
      if (error !== RESTART) throw error;
      return this.walkOnce(path); // the skips disagreed with the value: again, reading every character
    }
  }

  private walkOnce(path: JsonPath): { depth: number; valueStart: number; valueEnd: number; key?: PropertyEntry } {
    let valueStart = this.rootStart;
    // The root value of strict JSON ends where the text's trailing whitespace starts: no scan needed.
    let valueEnd = this.rootEnd();
    let value = this.root;
    let key: PropertyEntry | undefined;
    let depth = 0;
    for (; depth < path.length; depth++) {
      const seg = path[depth];
      const c = this.text.charCodeAt(valueStart);
      if (c === OPEN_BRACE) {
        const entry = this.objectIndex(valueStart, value, valueEnd).get(String(seg));
        if (!entry) break;
        key = entry;
        valueStart = entry.valueStart;
        valueEnd = entry.valueEnd;
        value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[String(seg)] : undefined;
      } else if (c === OPEN_BRACKET) {
        const arr = this.arrayIndex(valueStart, value, valueEnd);
        const n = Number(seg);
        if (!Number.isInteger(n) || n < 0 || n >= arr.starts.length) break;
        key = undefined;
        valueStart = arr.starts[n];
        valueEnd = arr.ends[n];
        value = Array.isArray(value) ? value[n] : undefined;
      } else {
        break;
      }
    }
    // A container's span from a skip is checked by indexing it (its own closing bracket must be where the skip said).
    if (this.byIndent && depth === path.length) {
      const c = this.text.charCodeAt(valueStart);
      if (c === OPEN_BRACE) this.objectIndex(valueStart, value, valueEnd);
      else if (c === OPEN_BRACKET) this.arrayIndex(valueStart, value, valueEnd);
    }
    return { depth, valueStart, valueEnd, key };
  }

  /**
   * The properties of the object at `start` (JSON.parse's value for it, and its end, let containers be skipped by
   * indentation; see the constructor). For trees built lazily over strict text (largeDocument.ts).
   */
  propertiesOf(start: number, value: unknown, end: number): PropertyEntry[] {
    try {
      return [...this.objectIndex(start, value, end).values()];
    } catch (error) {
      if (error !== RESTART) throw error;
      return [...this.objectIndex(start, value, end).values()];
    }
  }

  /** The items of the array at `start`, as spans; see propertiesOf. */
  itemsOf(start: number, value: unknown, end: number): { starts: number[]; ends: number[] } {
    try {
      return this.arrayIndex(start, value, end);
    } catch (error) {
      if (error !== RESTART) throw error;
      return this.arrayIndex(start, value, end);
    }
  }

  /** Where the root value starts and ends. */
  rootSpan(): { start: number; end: number } {
    return { start: this.rootStart, end: this.rootEnd() };
  }

  valueSpan(path: JsonPath): { start: number; end: number } | undefined {
    const w = this.walk(path);
    return w.depth === path.length ? { start: w.valueStart, end: w.valueEnd } : undefined;
  }

  locate(path: JsonPath, target: Target): Span {
    const w = this.walk(path);
    const exact = w.depth === path.length;
    if (!exact) {
      // The nearest existing ancestor: a missing property is reported on the object that lacks it.
      return { ...this.ownerSpan(w.valueStart, w.key), exact: false };
    }
    if (target === 'value') return { start: w.valueStart, end: w.valueEnd, exact };
    if (target === 'key') {
      return w.key ? { start: w.key.keyStart, end: w.key.keyEnd, exact } : { start: w.valueStart, end: w.valueEnd, exact };
    }
    return { ...this.ownerSpan(w.valueStart, w.key), exact };
  }

  private ownerSpan(valueStart: number, key: PropertyEntry | undefined): { start: number; end: number } {
    if (key) return { start: key.keyStart, end: key.keyEnd };
    return { start: valueStart, end: Math.min(valueStart + 1, this.text.length) };
  }
}

/** Locator over jsonc-parser's tolerant tree, for text with syntax errors. */
export class TreeLocator implements Locator {
  constructor(
    private readonly root: jsonc.Node | undefined,
    private readonly textLength: number,
  ) {}

  private walk(path: JsonPath): { depth: number; node: jsonc.Node | undefined } {
    let node = this.root;
    let depth = 0;
    for (; node && depth < path.length; depth++) {
      const seg = path[depth];
      let next: jsonc.Node | undefined;
      if (node.type === 'object') {
        // the last duplicate wins, as in JSON.parse
        for (const prop of node.children ?? []) {
          if (prop.children?.[0]?.value === String(seg)) next = prop.children[1] ?? prop;
        }
      } else if (node.type === 'array') {
        const n = Number(seg);
        if (Number.isInteger(n)) next = node.children?.[n];
      }
      if (!next) break;
      node = next;
    }
    return { depth, node };
  }

  valueSpan(path: JsonPath): { start: number; end: number } | undefined {
    const w = this.walk(path);
    if (w.depth !== path.length || !w.node) return undefined;
    return { start: w.node.offset, end: w.node.offset + w.node.length };
  }

  locate(path: JsonPath, target: Target): Span {
    const { depth, node } = this.walk(path);
    if (!node) return { start: 0, end: Math.min(1, this.textLength), exact: false };
    const exact = depth === path.length;
    const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if (exact && target === 'value') return { start: node.offset, end: node.offset + node.length, exact };
    if (exact && target === 'key' && !keyNode) return { start: node.offset, end: node.offset + node.length, exact };
    if (keyNode) return { start: keyNode.offset, end: keyNode.offset + keyNode.length, exact };
    return { start: node.offset, end: node.offset + 1, exact };
  }
}
