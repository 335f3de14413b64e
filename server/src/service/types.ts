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
