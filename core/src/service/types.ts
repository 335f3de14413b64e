/**
 * Types of the Kraken payload language service.
 *
 * The service imports neither `vscode` nor `vscode-languageserver`: positions and ranges are plain objects with
 * the LSP shape (0-based line and UTF-16 character), so the LSP server can hand them over unchanged and the CLI
 * can print them.
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type RuleSeverity = Severity | 'off';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** One segment of a JSON path: a property name or an array index. */
export type PathSegment = string | number;
export type JsonPath = PathSegment[];

/**
 * Where on the located node a finding sits.
 * - `value`: the whole value at the path (a wrong value).
 * - `key`: the property key at the path (an unknown or duplicate property); falls back to `value` for array items.
 * - `owner`: for a finding about an object (e.g. a missing property): the key that holds the object, or the
 *   object's opening brace when it has no key (the root, or an array item).
 */
export type Target = 'value' | 'key' | 'owner';

export type DiagnosticTag = 'unnecessary' | 'deprecated';

/** A finding before it has a range: what rules and schema validation produce. */
export interface RawFinding {
  code: string;
  severity: Severity;
  message: string;
  path: JsonPath;
  target: Target;
  tags?: DiagnosticTag[];
  /** Machine-readable details for quick fixes (e.g. `{ suggestion: 'DIRECT' }`). */
  data?: Record<string, unknown>;
}

/** A located finding: what the server publishes and the CLI prints. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Kraken-style dotted path (`customers.0.landline`); empty string for the document root. */
  path: string;
  range: Range;
  source: string;
  tags?: DiagnosticTag[];
  data?: Record<string, unknown>;
}

export function dottedPath(path: JsonPath): string {
  return path.join('.');
}

// ---------------------------------------------------------------------------------------------------------------
// Authoring features (completion, hover, code actions, navigation, symbols): plain interfaces with the LSP shape,
// so the server hands them over unchanged. Numeric kinds mirror the LSP enumerations.

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface MarkupContent {
  kind: 'markdown' | 'plaintext';
  value: string;
}

/** LSP CompletionItemKind values used by the service. */
export const CompletionItemKind = {
  Text: 1,
  Field: 5,
  Module: 9,
  Property: 10,
  Value: 12,
  Snippet: 15,
  Reference: 18,
  EnumMember: 20,
  Constant: 21,
} as const;
export type CompletionItemKind = (typeof CompletionItemKind)[keyof typeof CompletionItemKind];

/** LSP InsertTextFormat: 1 plain text, 2 snippet. */
export type InsertTextFormat = 1 | 2;

export interface Command {
  title: string;
  command: string;
  arguments?: unknown[];
}

export interface CompletionItem {
  label: string;
  kind?: CompletionItemKind;
  /** 1 = deprecated (LSP CompletionItemTag.Deprecated). */
  tags?: 1[];
  detail?: string;
  documentation?: MarkupContent;
  sortText?: string;
  filterText?: string;
  insertTextFormat?: InsertTextFormat;
  textEdit?: TextEdit;
  additionalTextEdits?: TextEdit[];
  command?: Command;
}

export interface CompletionList {
  isIncomplete: boolean;
  items: CompletionItem[];
}

export interface Hover {
  contents: MarkupContent;
  range?: Range;
}

/** A code action as the service produces it: edits to the one document it was asked about (the server adds the URI). */
export interface CodeAction<D = Diagnostic> {
  title: string;
  /** `quickfix`, or `source.fixAll.krakenImport`. */
  kind: string;
  diagnostics?: D[];
  isPreferred?: boolean;
  edits: TextEdit[];
}

/** LSP SymbolKind values used by the service. */
export const SymbolKind = {
  Module: 2,
  Variable: 13,
  String: 15,
  Number: 16,
  Boolean: 17,
  Array: 18,
  Object: 19,
} as const;
export type SymbolKind = (typeof SymbolKind)[keyof typeof SymbolKind];

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
  /** `comment`, `region`, or (as VS Code's JSON support does) `object` / `array`. */
  kind?: string;
}

/** Symbols or folding ranges, capped like VS Code's `json.maxItemsComputed`. */
export interface LimitedResult<T> {
  items: T[];
  /** True when the document has more than `limit` and the rest were left out. */
  limitReached: boolean;
  limit: number;
}
