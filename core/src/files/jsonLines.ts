/**
 * JSON Lines (`.jsonl`, `.ndjson`): one payload per line, as a migration wave is written. The one place that says
 * which files are JSON Lines, where their records are, and how a position in a record maps to one in the file;
 * the CLI (validate, send), workspace validation and the language server all read waves through it.
 */
import type { Position, Range } from '../service/types';
import { LineIndex } from '../service/text';

/** A `.jsonl`/`.ndjson` file name, path or URI (a query or fragment after it is ignored). */
export function isJsonLinesPath(pathOrUri: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(pathOrUri.replace(/[?#].*$/, ''));
}

export interface JsonLinesRecord {
  /** 0-based line of the file. */
  line: number;
  /** Offset of the record's first character in the file. */
  start: number;
  /** The line without its line break (a trailing `\r` of a CRLF file removed). */
  text: string;
}

// ---- the record rules: a record is a line (split at "\n") without the "\r" of a CRLF break, and blank lines are no
// records. Text helpers below; byte helpers after them, for files read in byte ranges (cli/src/parallel.ts).

/** A line's record text: the line without the "\r" of a CRLF line break. */
export function lineRecordText(line: string): string {
  return line.replace(/\r$/, '');
}

/** Whether a line's record text is a record (not blank). */
export function isRecordText(text: string): boolean {
  return text.trim() !== '';
}

const LF = 10;
const CR = 13;

/** The byte of the line break that ends a record's line. */
export const LINE_FEED = LF;

/** A line's record bytes (the line's bytes without its "\n"): without the "\r" of a CRLF line break. */
export function lineRecordBytes<T extends Uint8Array>(line: T): T {
  return line.length && line[line.length - 1] === CR ? (line.subarray(0, line.length - 1) as T) : line;
}

/** Lone "\r"s inside a line (not the one before its "\n"): line breaks for editors and the service's positions. */
export function loneCarriageReturns(line: Uint8Array): number {
  let lone = 0;
  for (let i = line.indexOf(CR); i !== -1; i = line.indexOf(CR, i + 1)) if (i + 1 < line.length) lone++;
  return lone;
}

/**
 * A cheap test on record bytes before decoding them: false when they are surely blank (only spaces, tabs and "\r").
 * True may still be blank once decoded (other white space): check the text with `isRecordText`.
 */
export function mayBeRecordBytes(record: Uint8Array): boolean {
  return record.length > 0 && (record[0] === 123 || record.some((b) => b !== 32 && b !== 9 && b !== CR));
}

/** The lines of a JSON Lines text, blank ones included (`records` leaves those out). */
export function jsonLinesLines(text: string): JsonLinesRecord[] {
  const out: JsonLinesRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0, start = 0; i < lines.length; start += lines[i].length + 1, i++)
    out.push({ line: i, start, text: lineRecordText(lines[i]) });
  return out;
}

/** The records of a JSON Lines text: its non-blank lines, in order. */
export function jsonLinesRecords(text: string): JsonLinesRecord[] {
  return jsonLinesLines(text).filter((r) => isRecordText(r.text));
}

/** The record (line) that holds `offset` of the file, blank or not. */
export function jsonLinesRecordAt(text: string, offset: number): JsonLinesRecord {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line++;
  return { line, start, text: lineRecordText(text.slice(start, end)) };
}

/**
 * Position mapping between a record and its file. A record has no "\n" but may hold a lone "\r", which editors
 * show as a line break, so mapping goes through offsets rather than just moving the line number.
 */
export class RecordPositions {
  readonly record: LineIndex;

  constructor(
    readonly file: LineIndex,
    readonly entry: JsonLinesRecord,
  ) {
    this.record = new LineIndex(entry.text);
  }

  toFile(p: Position): Position {
    return this.file.positionAt(this.entry.start + this.record.offsetAt(p));
  }

  toFileRange(r: Range): Range {
    return { start: this.toFile(r.start), end: this.toFile(r.end) };
  }

  /** A file position inside this record as a record position (clamped to the record). */
  toRecord(p: Position): Position {
    const offset = Math.min(Math.max(this.file.offsetAt(p) - this.entry.start, 0), this.entry.text.length);
    return this.record.positionAt(offset);
  }

  toRecordRange(r: Range): Range {
    return { start: this.toRecord(r.start), end: this.toRecord(r.end) };
  }

  /** Whether a file range lies within this record's line. */
  contains(r: Range): boolean {
    const s = this.file.offsetAt(r.start);
    const e = this.file.offsetAt(r.end);
    return s >= this.entry.start && e <= this.entry.start + this.entry.text.length;
  }
}
