/**
 * Where a journal's Kraken errors go in a payload file: each error's path (the payload's own, as `send` journals
 * it) through the one path locator (core/src/service/locate.ts, via `parseDocument`), in the file's text — the
 * record's line of a .jsonl/.ndjson wave, or the whole .json file. No `vscode` import (the tests and the extension
 * place the very same ranges).
 *
 * An error without a path, or a record that is no longer valid JSON, goes on the record's first line; a path that
 * no longer exists goes on its nearest ancestor, with the path named in the message.
 */
import { parseDocument } from '../service/parse';
import { LineIndex } from '../service/text';
import { isRecordText, jsonLinesLines } from '../files/jsonLines';
import type { Range } from '../service/types';
import { failureCodeLabel, unitWhere, type WaveUnit } from './run';

export interface PlacedError {
  unit: WaveUnit;
  range: Range;
  message: string;
  /** Kraken's code, when the error has one. */
  code?: string;
  /** The path existed in the text as it is now. */
  exact: boolean;
  path: string | null;
}

export function isLinesFile(file: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(file);
}

function jsonPath(p: string): Array<string | number> {
  return p === '' ? [] : p.split('.').map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** The errors of a unit: its outcome's errors, or one error for a failure that has none (rate limited, in doubt…). */
export function unitErrors(u: WaveUnit): Array<{ path: string | null; code?: string; message: string }> {
  if (u.outcome?.errors?.length)
    return u.outcome.errors.map((e) => ({ path: e.path, ...(e.code ? { code: e.code } : {}), message: e.message }));
  if (u.inDoubt)
    return [
      {
        path: null,
        message: `${u.action}: sent, and no outcome was written (the run was interrupted). Check in Kraken before sending it again.`,
      },
    ];
  return [
    {
      path: null,
      message: `${u.action}: ${u.outcome?.message ?? u.status}${u.outcome?.reason ? ` (${failureCodeLabel(`reason:${u.outcome.reason}`)})` : ''}`,
    },
  ];
}

/**
 * Places the errors of `units` (all of one payload file, failed or unknown) in the file's `text`. Units whose
 * record line is past the end of the file are returned in `lost`.
 */
export function placeUnitErrors(file: string, text: string, units: WaveUnit[]): { placed: PlacedError[]; lost: WaveUnit[] } {
  const fileLines = new LineIndex(text);
  const placed: PlacedError[] = [];
  const lost: WaveUnit[] = [];
  const lines = isLinesFile(file) ? jsonLinesLines(text) : undefined;
  const parsedRecords = new Map<number, ReturnType<typeof parseDocument>>();

  for (const u of units) {
    let recordText: string;
    let base: number;
    if (lines) {
      const i = (u.line ?? 1) - 1;
      if (i < 0 || i >= lines.length || !isRecordText(lines[i].text)) {
        lost.push(u);
        continue;
      }
      recordText = lines[i].text;
      base = lines[i].start;
    } else {
      recordText = text;
      base = 0;
    }
    const key = base;
    let parsed = parsedRecords.get(key);
    if (!parsed) {
      parsed = parseDocument(recordText);
      parsedRecords.set(key, parsed);
    }
    const firstLineEnd = (() => {
      const nl = recordText.search(/\r|\n/);
      return Math.max(1, nl === -1 ? recordText.length : nl);
    })();
    const recordStart: Range = fileLines.range(base, base + Math.min(firstLineEnd, recordText.length || 1));
    for (const e of unitErrors(u)) {
      const prefix = `${u.action}${lines ? ` (line ${u.line})` : ''}: `;
      if (e.path === null || parsed.value === undefined) {
        placed.push({
          unit: u,
          range: recordStart,
          message: e.message.startsWith(`${u.action}:`) ? e.message : `${prefix}${e.path ? `${e.path}: ` : ''}${e.message}`,
          ...(e.code ? { code: e.code } : {}),
          exact: false,
          path: e.path,
        });
        continue;
      }
      const span = parsed.locator.locate(jsonPath(e.path), 'value');
      placed.push({
        unit: u,
        range: fileLines.range(base + span.start, base + span.end),
        message: span.exact ? `${prefix}${e.message}` : `${prefix}${e.path}: ${e.message}`,
        ...(e.code ? { code: e.code } : {}),
        exact: span.exact,
        path: e.path,
      });
    }
  }
  return { placed, lost };
}

/** `wave.jsonl:12 create: …` for lists. */
export function describePlaced(p: PlacedError): string {
  return `${unitWhere(p.unit)} ${p.message}`;
}
