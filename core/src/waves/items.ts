/**
 * A wave's payloads as the sender sees them: one per .json file, one per line of a .jsonl/.ndjson file, each with its
 * kind, the account or business it is about (the journal's identity) and a hash of its content; the journal key of
 * an action on one; the shard a key belongs to. Read by `kraken-import send` and the editor's wave commands.
 */
import { sha256, sha256Hex } from '../hash';
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { associationTable, detectKind, type AssociationInput, type KindId } from '../service/kinds';
import { parseDocument } from '../service/parse';
import { LineIndex } from '../service/text';
import { accountIdentity, changedIntegersReason, isAccountKind, notUtf8Reason, type ActionId } from '../send';
import type { WaveAccount } from './reconcile';
import { jsonLinesRecords } from '../files/jsonLines';
import { decodeUtf8, expandInputs, isLinesFile, type EmptyFolder } from '../files/inputs';

export interface WaveItem {
  /** The file as given (relative to the working folder when inside it), with forward slashes. */
  file: string;
  line?: number;
  doc?: unknown;
  kind: KindId | null;
  /** Why the payload cannot be sent at all (not UTF-8, not JSON, an integer that would change: send/fidelity.ts). */
  problem?: string;
  /** `SUPPLIER/EXTERNAL` for accounts, `SUPPLIER/business:ID` for businesses, else `file:line`. */
  identityKey: string;
  /** True when identityKey names an account or business (not a file position). */
  identified: boolean;
  /** sha256 of the payload (canonical JSON), 16 hex digits. */
  hash: string;
}

function hashOf(text: string): string {
  return sha256Hex(text).slice(0, 16);
}

/** Shard 0…n-1 of a key: a stable hash, independent of file order and of the machine. */
export function shardOf(key: string, n: number): number {
  return sha256(key).readUInt32BE(0) % n;
}

export function displayPath(file: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs).split(path.sep).join('/');
}

/** Reads the payloads of files and folders: one per .json file, one per line of .jsonl/.ndjson. */
export function readWave(
  inputs: string[],
  options: {
    cwd: string;
    kind?: KindId;
    associations?: Record<string, string>;
    exclude?: string[];
    stdin?: { name: string; bytes: Uint8Array };
  },
): { items: WaveItem[]; missing: string[]; unreadable: string[]; emptyFolders: EmptyFolder[] } {
  const table = options.associations && associationTable(options.associations, options.cwd);
  const files: string[] = [];
  const missing: string[] = [];
  const emptyFolders: EmptyFolder[] = [];
  for (const input of inputs) {
    if (input === '-' && options.stdin) {
      files.push('-');
      continue;
    }
    const expanded = expandInputs([path.resolve(options.cwd, input)]);
    files.push(...expanded.files);
    missing.push(...expanded.missing);
    emptyFolders.push(...expanded.emptyFolders);
  }
  const items: WaveItem[] = [];
  const unreadable: string[] = [];
  // Journals (ours and other shards') and the config file sit next to the payloads: they are not payloads.
  const excluded = new Set((options.exclude ?? []).map((f) => path.resolve(options.cwd, f)));
  for (const input of files) {
    const fromStdin = input === '-' && options.stdin;
    const abs = fromStdin ? path.resolve(options.cwd, options.stdin!.name) : input;
    if (!fromStdin && (excluded.has(path.resolve(abs)) || /\.journal\.jsonl$/i.test(abs))) continue;
    const file = fromStdin ? options.stdin!.name : displayPath(abs, options.cwd);
    let text: string;
    /** The bytes, kept only when they are not valid UTF-8 (decodeUtf8 leaves those as they were read). */
    let invalid: { bytes: Uint8Array; at: number } | undefined;
    try {
      // A file's bytes just read are this loop's alone (decodeUtf8 may fold them in place); stdin's are the caller's.
      const bytes = fromStdin ? options.stdin!.bytes : readFileSync(abs);
      const decoded = decodeUtf8(bytes, { consume: !fromStdin });
      text = decoded.text;
      if (decoded.invalidAt !== undefined) invalid = { bytes, at: decoded.invalidAt };
    } catch (e) {
      unreadable.push(`${file}: ${(e as Error).message}`);
      continue;
    }
    const lines = isLinesFile(abs);
    const records: Array<{ text: string; line?: number }> = lines
      ? jsonLinesRecords(text).map((r) => ({ text: r.text, line: r.line + 1 }))
      : [{ text }];
    // Invalid bytes would reach Kraken as U+FFFD (send/fidelity.ts): such a payload is not sent. In a .jsonl file,
    // only the records whose own bytes are not UTF-8.
    const badLines = invalid && lines ? invalidUtf8Lines(invalid.bytes) : undefined;
    for (const r of records) {
      const notUtf8 = invalid && (badLines ? badLines.has(r.line! - 1) : true);
      items.push(notUtf8 ? notUtf8Item(file, r.text, r.line, invalid!.at) : toItem(table, abs, file, r.text, r.line, options.kind));
    }
  }
  return { items, missing, unreadable, emptyFolders };
}

/** The lines (0-based, split at "\n" as jsonLinesLines splits the text) whose bytes are not valid UTF-8. */
function invalidUtf8Lines(bytes: Uint8Array): Set<number> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = new Set<number>();
  for (let line = 0, start = 0; start <= buffer.length; line++) {
    let end = buffer.indexOf(0x0a, start);
    if (end === -1) end = buffer.length;
    if (!isUtf8(buffer.subarray(start, end))) bad.add(line);
    start = end + 1;
  }
  return bad;
}

/**
 * A payload whose bytes are not UTF-8, placed as validate's invalid-utf8 finding places it (the first "\ufffd" the
 * lenient decoding shows; `fileAt` for a whole file), and never sent.
 */
function notUtf8Item(file: string, text: string, line: number | undefined, fileAt: number): WaveItem {
  const at = line === undefined ? new LineIndex(text).positionAt(fileAt) : { line: 0, character: Math.max(0, text.indexOf('\ufffd')) };
  const place = `${line === undefined ? `line ${at.line + 1}, ` : ''}column ${at.character + 1}`;
  return unsendable(file, text, line, notUtf8Reason(place));
}

/** A payload that cannot be sent at all, and why: keyed by where it is, since nothing in it can be trusted. */
function unsendable(file: string, text: string, line: number | undefined, problem: string): WaveItem {
  const where = line === undefined ? file : `${file}:${line}`;
  return { file, line, kind: null, problem, identityKey: `file:${where}`, identified: false, hash: hashOf(text) };
}

/**
 * The first syntax error of a text JSON.parse refused, placed and worded as validate reports it (a JSON Lines
 * record is one line, already named by its line number, so it gets only the column).
 */
function syntaxProblem(text: string, record: boolean): string | undefined {
  const parsed = parseDocument(text);
  const first = parsed.findings.find((f) => f.severity === 'error');
  if (!first) return undefined;
  const at = parsed.lines.positionAt(first.start);
  return `${record ? '' : `line ${at.line + 1}, `}column ${at.character + 1}: ${first.message}`;
}

function toItem(
  associations: AssociationInput | undefined,
  abs: string,
  file: string,
  text: string,
  line: number | undefined,
  kind: KindId | undefined,
): WaveItem {
  const where = line === undefined ? file : `${file}:${line}`;
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (e) {
    return unsendable(file, text, line, `not JSON: ${syntaxProblem(text, line !== undefined) ?? (e as Error).message}`);
  }
  // The body sent is the parsed document written again: an integer JavaScript cannot hold would change on the way.
  const changed = changedIntegersReason(text);
  if (changed) return unsendable(file, text, line, changed);
  const detected = kind ?? (detectKind(doc, abs, associations).kind as KindId | null);
  const id = accountIdentity(detected, doc);
  const who =
    id.externalAccountNumber ??
    id.accountNumber ??
    (id.externalBusinessIdentifier ? `business:${id.externalBusinessIdentifier}` : undefined);
  const identified = !!(who && id.importSupplier);
  return {
    file,
    line,
    doc,
    kind: detected,
    identityKey: identified ? `${id.importSupplier}/${who}` : `file:${where}`,
    identified,
    hash: hashOf(JSON.stringify(doc)),
  };
}

/**
 * The journal key of one action on one payload. A create (and registration flows) is keyed by the account alone:
 * whatever the payload says now, an account is created once. Other actions also by the payload's content, so a
 * changed payload is sent again (stage updates, post-import bodies are new data).
 */
export function unitKey(action: ActionId, item: WaveItem): string {
  return action === 'create' || action === 'registration-flows'
    ? `${action}|${item.identityKey}`
    : `${action}|${item.identityKey}|${item.hash}`;
}

/** The accounts of a wave's payloads that name their import supplier and external account number, with where each is. */
export function waveAccounts(items: readonly WaveItem[]): WaveAccount[] {
  const accounts: WaveAccount[] = [];
  for (const item of items) {
    if (!isAccountKind(item.kind)) continue;
    const id = accountIdentity(item.kind, item.doc);
    if (id.importSupplier && id.externalAccountNumber)
      accounts.push({
        importSupplier: id.importSupplier,
        externalAccountNumber: id.externalAccountNumber,
        where: item.line === undefined ? item.file : `${item.file}:${item.line}`,
      });
  }
  return accounts;
}
