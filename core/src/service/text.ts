import type { Position, Range } from './types';

/**
 * Offset <-> position conversion for one document text, with the line breaks LSP and VS Code use: "\r\n", "\n" and
 * a lone "\r" (JSON allows a lone "\r" as whitespace; an editor shows it as a line break, so a position counted by
 * "\n" alone would land on the wrong line). Like vscode-languageserver-textdocument, a position never falls between
 * the "\r" and the "\n" of one line break. Line starts are computed once, lazily (an indexOf scan when the text has
 * no "\r", cheap even for tens of megabytes); lookups are binary searches.
 */
export class LineIndex {
  private starts: Int32Array | undefined;
  /** The starts were found by the "\n"-only scan: the text holds no "\r". */
  private newlinesOnly = false;
  /** Set by `afterEdit`: the previous text's line starts and the edit, turned into this text's starts on first use. */
  private pending: { before: Int32Array; edit: TextEdit } | undefined;

  constructor(readonly text: string) {}

  /**
   * The index of `text`, which is `previous.text` with one edit: the line starts outside the edit are the previous
   * ones (shifted after it), so an edit in a 10 MB text costs the edit, not a new scan. Only where the previous text
   * had no "\r" (its starts found by the "\n" scan) and the new characters add none; otherwise a fresh index.
   */
  static afterEdit(previous: LineIndex, text: string, edit: TextEdit): LineIndex {
    const index = new LineIndex(text);
    // Only from an index already built (not another pending one), and holding its starts, not its text.
    if (previous.starts && previous.newlinesOnly) index.pending = { before: previous.starts, edit };
    return index;
  }

  private lineStarts(): Int32Array {
    if (this.starts) return this.starts;
    const text = this.text;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      const { start, afterEnd } = pending.edit;
      if (text.slice(start, afterEnd).indexOf('\r') === -1) {
        this.starts = startsAfterEdit(pending.before, text, pending.edit);
        this.newlinesOnly = true;
        return this.starts;
      }
    }
    if (text.indexOf('\r') === -1) {
      // One indexOf pass, into an array that doubles when full (one pass to count and one to fill cost more).
      let starts = new Int32Array(Math.max(16, text.length >> 5));
      let n = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        if (n === starts.length) {
          const grown = new Int32Array(n * 2);
          grown.set(starts);
          starts = grown;
        }
        starts[n++] = i + 1;
      }
      this.starts = starts.slice(0, n);
      this.newlinesOnly = true;
      return this.starts;
    }
    const found: number[] = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        found.push(i + 1);
      } else if (c === 10) found.push(i + 1);
    }
    this.starts = Int32Array.from(found);
    return this.starts;
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  /** Moves an offset that sits inside a line break (between "\r" and "\n") back to the end of its line. */
  private beforeBreak(offset: number, lineStart: number): number {
    while (offset > lineStart && (this.text.charCodeAt(offset - 1) === 13 || this.text.charCodeAt(offset - 1) === 10)) offset--;
    return offset;
  }

  positionAt(offset: number): Position {
    const starts = this.lineStarts();
    offset = Math.max(0, Math.min(offset, this.text.length));
    const line = countUpTo(starts, offset) - 1; // starts[0] is 0, so at least one start is at most offset
    return { line, character: this.beforeBreak(offset, starts[line]) - starts[line] };
  }

  offsetAt(position: Position): number {
    const starts = this.lineStarts();
    if (position.line < 0) return 0;
    if (position.line >= starts.length) return this.text.length;
    const lineStart = starts[position.line];
    if (position.character <= 0) return lineStart;
    const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
    return this.beforeBreak(Math.min(lineStart + position.character, lineEnd), lineStart);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

/** One replacement that turns a text into another: `[start, beforeEnd)` of the first is `[start, afterEnd)` of the second. */
export interface TextEdit {
  start: number;
  beforeEnd: number;
  afterEnd: number;
}

/** Characters compared at once while looking for where two texts differ (string equality runs at memory speed). */
const COMPARE_BLOCK = 1 << 14;

/**
 * The smallest single edit that turns `before` into `after` (common prefix and suffix), found by comparing slices a
 * block at a time rather than character by character. Undefined when the texts are equal.
 */
export function textEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter) {
    const block = Math.min(COMPARE_BLOCK, shorter - start);
    if (before.slice(start, start + block) !== after.slice(start, start + block)) break;
    start += block;
  }
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // The common suffix, not reaching back into the prefix.
  const room = shorter - start;
  let tail = 0;
  while (tail < room) {
    const block = Math.min(COMPARE_BLOCK, room - tail);
    if (before.slice(before.length - tail - block, before.length - tail) !== after.slice(after.length - tail - block, after.length - tail))
      break;
    tail += block;
  }
  while (tail < room && before.charCodeAt(before.length - tail - 1) === after.charCodeAt(after.length - tail - 1)) tail++;
  return { start, beforeEnd: before.length - tail, afterEnd: after.length - tail };
}

/** Line starts of the edited text ("\n" breaks only) from those before the edit: kept, found in the edit, shifted. */
function startsAfterEdit(before: Int32Array, text: string, edit: TextEdit): Int32Array {
  const { start, beforeEnd, afterEnd } = edit;
  const shift = afterEnd - beforeEnd;
  // A line start s follows the "\n" at s - 1: kept when that is before the edit, shifted when after it.
  const kept = countUpTo(before, start);
  const after = countUpTo(before, beforeEnd);
  const added: number[] = [];
  for (let i = text.indexOf('\n', start); i !== -1 && i < afterEnd; i = text.indexOf('\n', i + 1)) added.push(i + 1);
  const starts = new Int32Array(kept + added.length + before.length - after);
  starts.set(before.subarray(0, kept));
  for (let i = 0; i < added.length; i++) starts[kept + i] = added[i];
  let at = kept + added.length;
  for (let i = after; i < before.length; i++) starts[at++] = before[i] + shift;
  return starts;
}

/** How many of the ascending `starts` are at most `offset`. */
function countUpTo(starts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Decodes the HTML entities the contracts' descriptions use (`&lt;` `&gt;` `&quot;` `&#39;` `&nbsp;`, `&amp;` last). */
export function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
