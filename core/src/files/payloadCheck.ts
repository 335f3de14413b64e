/**
 * The check of one payload text (a .json file or one .jsonl record) for reports: the service's findings when it is a
 * Kraken payload; its syntax errors when it is not even JSON (a truncated payload must not pass silently); else why
 * it was skipped. Shared by the CLI's validate (main thread and workers) and workspace validation.
 */
import type { Diagnostic, KindId, KrakenService, ValidationResult } from '../service';

export interface PayloadCheck {
  kind: KindId | null;
  diagnostics: Diagnostic[];
  /** Not a payload: why. */
  skipped?: string;
  /** With an instance contract: the body shape and schema the payload was validated as. */
  shape?: string;
}

/** The syntax errors of a text that is not a payload (empty when it is JSON). */
export function syntaxErrors(result: ValidationResult): ValidationResult['parsed']['findings'] {
  return result.parsed.findings.filter((f) => f.severity === 'error');
}

export function checkPayloadText(service: KrakenService, file: string, text: string, kind: KindId | undefined): PayloadCheck {
  const result = service.validate(text, { filePath: file, kind });
  if (result.detection.kind)
    return {
      kind: result.detection.kind,
      diagnostics: result.diagnostics,
      ...(result.detection.shape ? { shape: result.detection.shape } : {}),
    };
  // Not a payload. If it is not even JSON, say so: a truncated payload must not pass silently.
  const syntax = syntaxErrors(result);
  if (syntax.length || text.trim() === '') {
    const diagnostics: Diagnostic[] = syntax.length
      ? result.parsed.findings.map((f) => ({
          code: f.code,
          severity: f.severity,
          message: f.message,
          path: '',
          range: result.parsed.lines.range(f.start, f.end),
          source: 'kraken-import',
        }))
      : [
          {
            code: 'empty-document',
            severity: 'error',
            message: 'The file is empty: a Kraken payload is one JSON object.',
            path: '',
            range: result.parsed.lines.range(0, 0),
            source: 'kraken-import',
          },
        ];
    return { kind: null, diagnostics };
  }
  return { kind: null, diagnostics: [], skipped: `not a Kraken payload: ${result.detection.reason}` };
}
