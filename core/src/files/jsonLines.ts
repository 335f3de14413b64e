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

/** The lines of a JSON Lines text, blank ones included (`records` leaves those out). */
export function jsonLinesLines(text: string): JsonLinesRecord[] {
  const out: JsonLinesRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0, start = 0; i < lines.length; start += lines[i].length + 1, i++)
    out.push({ line: i, start, text: lines[i].replace(/\r$/, '') });
  return out;
}

/** The records of a JSON Lines text: its non-blank lines, in order. */
export function jsonLinesRecords(text: string): JsonLinesRecord[] {
  return jsonLinesLines(text).filter((r) => r.text.trim() !== '');
}

/** The record (line) that holds `offset` of the file, blank or not. */
export function jsonLinesRecordAt(text: string, offset: number): JsonLinesRecord {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line++;
  return { line, start, text: text.slice(start, end).replace(/\r$/, '') };
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
