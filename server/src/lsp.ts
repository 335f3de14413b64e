/** Conversions and guards between LSP and the language service: diagnostics, and handlers that never throw. */
import {
  type CancellationToken,
  type Connection,
  type Diagnostic as LspDiagnostic,
  DiagnosticSeverity,
  DiagnosticTag,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
} from 'vscode-languageserver';
import type { Diagnostic } from '../../core/src/service';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const tags = d.tags?.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: d.source,
    message: d.message,
    ...(tags?.length ? { tags } : {}),
    data: { path: d.path, ...(d.data ?? {}) },
  };
}

/** Runs a handler; a throw becomes an error response (never silence), cancellation becomes RequestCancelled. */
export function runSafe<T, E = void>(
  connection: Connection,
  name: string,
  token: CancellationToken | undefined,
  fn: () => T,
): T | ResponseError<E> {
  if (token?.isCancellationRequested) return new ResponseError<E>(LSPErrorCodes.RequestCancelled, 'Request cancelled');
  try {
    return fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    connection.console.error(`${name} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
    return new ResponseError<E>(ErrorCodes.InternalError, `${name} failed: ${message}`);
  }
}
