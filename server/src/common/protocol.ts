/**
 * Custom messages between the extension client and the language server, declared once for both sides.
 * Plain method names and shapes (no vscode-languageserver import) so the client bundle can share them.
 */
import type { Range } from '../service/types';

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

export const DocumentInfoChangedNotification = 'krakenImport/documentInfoChanged';
