/**
 * The cheap measures of a text and its parsed value that decide which (costly) checks a document needs: the
 * nesting depth and where it is deepest, the number of keys, whether a number literal could be inexact.
 */

import { closingQuote } from './jsonScan';

/** Python's json module (Kraken's parser) gives up at its recursion limit of about 1000 levels. */
export const MAX_KRAKEN_DEPTH = 990;
/** jsonc-parser recurses per level; beyond this we do not build a tolerant tree. */
export const MAX_TREE_DEPTH = 1000;

export interface Structure {
  colons: number;
  maxDepth: number;
  maxDepthAt: number;
}

/** One pass over the text outside strings: counts colons (one per property) and the deepest nesting. */
export function scanStructure(text: string): Structure {
  let colons = 0;
  let depth = 0;
  let maxDepth = 0;
  let maxDepthAt = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const q = closingQuote(text, i);
      i = q === -1 ? n : q;
    } else if (c === 58) colons++;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) {
        maxDepth = depth;
        maxDepthAt = i;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return { colons, maxDepth, maxDepthAt };
}

interface ValueShape {
  /** Own keys of all objects (a duplicate key in the text counts once: JSON.parse keeps the last). */
  keys: number;
  /** Nesting of containers, the root container being 1 (as the bracket depth of the text). */
  maxDepth: number;
  /** Numbers held directly by arrays (their literals are not next to a colon). */
  arrayNumbers: number;
}

/** Counts keys, nesting and array-held numbers of a parsed value, iteratively (documents may nest very deeply). */
export function valueShape(value: unknown): ValueShape {
  let keys = 0;
  let maxDepth = 0;
  let arrayNumbers = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length) {
    const v = stack.pop();
    const depth = depths.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) maxDepth = depth;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (item !== null && typeof item === 'object') {
          stack.push(item);
          depths.push(depth + 1);
        } else if (typeof item === 'number') arrayNumbers++;
      }
    } else {
      for (const k in v) {
        keys++;
        const child = (v as Record<string, unknown>)[k];
        if (child !== null && typeof child === 'object') {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return { keys, maxDepth, arrayNumbers };
}

/**
 * For strict JSON text: the colons that follow a closing quote (property separators), found with indexOf, not a
 * character scan. Every key is followed by one; the only other colons counted are those opening a string value
 * (`": x"`), so the count is at least the number of keys in the text, and equals the parsed value's key count only
 * when no key was dropped as a duplicate. Also counts the number literals after a colon that could be inexact.
 * Each colon is judged by the characters next to it, never past a bracket: the counts of a text are the sums of
 * those of its parts, container by container (`textShapeAfterEdit`).
 */
export function keyColons(text: string): { colons: number; longNumbers: number } {
  let colons = 0;
  let longNumbers = 0;
  const n = text.length;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    let j = i - 1;
    let c = text.charCodeAt(j);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(--j);
    if (c !== 34) continue;
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === 92) backslashes++;
    if (backslashes & 1) continue;
    colons++;
    // The value: a number literal with more than 15 characters or an exponent may not read back as written.
    let k = i + 1;
    let d = text.charCodeAt(k);
    while (d === 32 || d === 10 || d === 13 || d === 9) d = text.charCodeAt(++k);
    if (d === 45 || (d >= 48 && d <= 57)) {
      const start = k;
      while (k < n && (((d = text.charCodeAt(k)) >= 48 && d <= 57) || d === 45 || d === 43 || d === 46)) k++;
      if (k - start > 15 || d === 101 || d === 69) longNumbers++;
    }
  }
  return { colons, longNumbers };
}

/** What parse.ts checks a strict text (or a repair) by: its colon pass and the walk of its value. */
export interface TextShape {
  colons: number;
  /** Number literals after a colon that could be inexact. */
  longNumbers: number;
  keys: number;
  arrayNumbers: number;
  /** The nesting depth, or more (after an edit, an upper bound: it never decides a check while it is ≤ MAX_KRAKEN_DEPTH). */
  maxDepth: number;
}

export function textShape(text: string, value: unknown): TextShape {
  const { colons, longNumbers } = keyColons(text);
  const { keys, arrayNumbers, maxDepth } = valueShape(value);
  return { colons, longNumbers, keys, arrayNumbers, maxDepth };
}

/**
 * The shape of a text in which one container (at nesting `depth`, the root being 1) was replaced: `before` the
 * whole text's, then the container's old text and value taken out and the new ones put in. The parent keeps its
 * keys (it is copied with the same ones), so the sums hold; the depth becomes an upper bound.
 */
export function textShapeAfterEdit(
  before: TextShape,
  depth: number,
  removed: { text: string; value: unknown },
  added: { text: string; value: unknown },
): TextShape {
  const out = textShape(removed.text, removed.value);
  const into = textShape(added.text, added.value);
  return {
    colons: before.colons - out.colons + into.colons,
    longNumbers: before.longNumbers - out.longNumbers + into.longNumbers,
    keys: before.keys - out.keys + into.keys,
    arrayNumbers: before.arrayNumbers - out.arrayNumbers + into.arrayNumbers,
    maxDepth: Math.max(before.maxDepth, depth - 1 + into.maxDepth),
  };
}
