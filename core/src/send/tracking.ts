/**
 * Kraken's findings stay attached to their JSON path while the document is edited: on every change the paths are
 * located again (through the server's `krakenImport/locatePaths`, the locator local validation uses) and each
 * finding moves, stays, or is dropped. This module holds those decisions and the response-log text. Pure: no
 * `vscode` import.
 */
import type { Range } from '../service/types';
import { redact, redactText } from '../kraken/redact';
import type { KrakenFinding } from './outcome';

export interface TrackedFinding extends KrakenFinding {
  /**
   * Whether the path existed when Kraken answered. A path that existed and then disappears drops its finding;
   * a path that never existed (a missing required field) stays on its nearest existing ancestor.
   */
  existed?: boolean;
  range?: Range;
}

export type Located = { range: Range; exact: boolean } | null | undefined;

/** First placement of a fresh finding from a locate result (null: the server does not know the document). */
export function place(finding: KrakenFinding, located: Located, firstLine: Range): TrackedFinding {
  if (finding.path === null) return { ...finding, range: firstLine };
  if (!located) return { ...finding, range: firstLine };
  return { ...finding, existed: located.exact, range: located.range };
}

/** Where a tracked finding goes after an edit: a new range, or undefined to drop it. */
export function relocate(finding: TrackedFinding, located: Located, firstLine: Range): TrackedFinding | undefined {
  if (finding.path === null) return { ...finding, range: firstLine };
  // No answer for this document (not synced yet): keep the last range rather than lose the finding.
  if (!located) return finding;
  if (finding.existed && !located.exact) return undefined;
  return { ...finding, range: located.range };
}

/** The range of the first line (where non-field errors go), from the first line's length. */
export function firstLineRange(firstLineText: string): Range {
  const end = Math.max(firstLineText.length, 1);
  return { start: { line: 0, character: 0 }, end: { line: 0, character: end } };
}

export interface ResponseEntry {
  /** ISO time of the answer. */
  at: string;
  environment: string;
  /** `POST /v1/data-import/validate-account/` */
  request: string;
  /** "validate", "create (dry run)", ... */
  action: string;
  account: string;
  ok: boolean;
  status?: number;
  reason?: string;
  message: string;
  attempts?: number;
  body: unknown;
}

/** A response for the log channel: a header line and the body as indented JSON, personal data redacted unless shown. */
export function formatResponseEntry(entry: ResponseEntry, showPersonalData: boolean): string {
  const opts = { show: showPersonalData };
  const status = entry.status !== undefined ? `HTTP ${entry.status}` : (entry.reason ?? (entry.ok ? 'ok' : 'no answer'));
  const header = `${entry.request} — ${entry.action} — ${entry.account} — ${entry.environment} — ${status}${entry.attempts && entry.attempts > 1 ? ` after ${entry.attempts} attempts` : ''}`;
  let body: string;
  if (entry.body === undefined) body = '(no body)';
  else if (typeof entry.body === 'string') body = redactText(entry.body, opts);
  else {
    try {
      body = JSON.stringify(redact(entry.body, opts), null, 2);
    } catch {
      body = redactText(String(entry.body), opts);
    }
  }
  return `${header}\n${redactText(entry.message, opts)}\n${body}`;
}

/** Keeps the last `max` entries per document. */
export class ResponseHistory {
  private readonly byDoc = new Map<string, ResponseEntry[]>();
  constructor(private readonly max = 10) {}

  add(uri: string, entry: ResponseEntry): void {
    const list = this.byDoc.get(uri) ?? [];
    list.push(entry);
    while (list.length > this.max) list.shift();
    this.byDoc.set(uri, list);
  }

  get(uri: string): readonly ResponseEntry[] {
    return this.byDoc.get(uri) ?? [];
  }

  delete(uri: string): void {
    this.byDoc.delete(uri);
  }
}
