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

  constructor(readonly text: string) {}

  private lineStarts(): Int32Array {
    if (this.starts) return this.starts;
    const text = this.text;
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
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: this.beforeBreak(offset, starts[lo]) - starts[lo] };
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
