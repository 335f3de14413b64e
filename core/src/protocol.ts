/**
 * Custom messages between the extension client and the language server, declared once for both sides.
 * Plain method names and shapes (no vscode-languageserver import) so the client bundle can share them.
 */
import type { Range } from './service/types';

export const DocumentInfoRequest = 'krakenImport/documentInfo';
export interface DocumentInfoParams {
  uri: string;
}
export interface DocumentInfo {
  kind: string | null;
  kindLabel: string | null;
  reason: string;
  source: 'association' | 'content' | 'none';
  contract: string;
  errors: number;
  warnings: number;
}

/** Places Kraken's `errors[].attr` paths (`customers.0.landline`) in the current text of a document. */
export const LocatePathsRequest = 'krakenImport/locatePaths';
export interface LocatePathsParams {
  uri: string;
  paths: string[];
}
/** One entry per path: the range, and whether the path exists (false: the nearest ancestor). */
export type LocatePathsResult = Array<{ range: Range; exact: boolean } | null>;

/** Validates a file on disk without opening it (workspace validation). */
export const ValidateFileRequest = 'krakenImport/validateFile';
export interface ValidateFileParams {
  uri: string;
  /** The file's text (the client reads it; the server never touches the disk). */
  text: string;
}
export interface ValidateFileResult {
  /** The payload kind (of the first record of a .jsonl/.ndjson file); null when the file is not a Kraken payload. */
  kind: string | null;
  /** LSP diagnostics (0-based ranges), as for an open document. */
  diagnostics: Array<{
    range: Range;
    severity?: number;
    code?: string | number;
    source?: string;
    message: string | { kind: string; value: string };
    tags?: number[];
    data?: unknown;
  }>;
}

export const DocumentInfoChangedNotification = 'krakenImport/documentInfoChanged';

/**
 * Client → server: the schemas in force. The client reads the file or fetches the URL (and keeps the copy); the
 * server converts the text, switches every document to it and revalidates. A request, so the caller learns
 * whether the contract was usable (when it is not, what was in force stays).
 */
export const SetContractRequest = 'krakenImport/setContract';
export interface SetContractParams {
  /** `bundled`, or where the text came from (URL or file path). */
  source: string;
  /** The served contract, YAML or JSON; absent for `bundled`. */
  text?: string;
  /** Added to the label in the language status item, e.g. "cached copy, fetched 3 hours ago". */
  note?: string;
  /** Folder for converted contracts and compiled validators (the extension's global storage). */
  cacheDir?: string;
}
export interface SetContractResult {
  ok: boolean;
  /** The label of what is in force now. */
  contract: string;
  /** Why the contract was not used (ok: false). */
  message?: string;
  kinds: string[];
  warnings: string[];
  /** sha256 of the contract document (canonical JSON). */
  hash?: string;
  /** Milliseconds to parse and convert (or to read the cached conversion); validators compile on first use. */
  loadMs?: number;
  from?: 'converted' | 'cache' | 'unchanged';
}
