/**
 * The check of one payload text (a .json file or one .jsonl record) for reports: the service's findings when it is a
 * Kraken payload; its syntax errors when it is not even JSON (a truncated payload must not pass silently); else why
 * it was skipped. Shared by the CLI's validate (main thread and workers) and workspace validation.
 */
import type { Diagnostic, KindId, KrakenService, LineIndex, ValidationResult } from '../service';

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

/**
 * `invalidAt`: where the text has the first replacement character of bytes that were not UTF-8 (the file's or the
 * record's), reported as `invalid-utf8` before its other findings.
 */
export function checkPayloadText(
  service: KrakenService,
  file: string,
  text: string,
  kind: KindId | undefined,
  invalidAt?: number,
): PayloadCheck {
  const result = service.validate(text, { filePath: file, kind });
  const check = payloadCheck(service, text, result);
  if (invalidAt === undefined) return check;
  const finding = invalidUtf8Diagnostic(service, result.parsed.lines, text, invalidAt);
  if (finding) check.diagnostics.unshift(finding);
  return check;
}

/**
 * The invalid-utf8 finding on the character at `at` of `text` (the first "\ufffd" of bytes that were not UTF-8),
 * under the `rules` setting: undefined when it is turned off. The CLI's and workspace validation's reports, and the
 * language server for an open document whose file is not UTF-8.
 */
export function invalidUtf8Diagnostic(service: KrakenService, lines: LineIndex, text: string, at: number): Diagnostic | undefined {
  const severity = service.severityOf('invalid-utf8', 'error');
  if (!severity) return undefined;
  return {
    code: 'invalid-utf8',
    severity,
    message: 'The file is not valid UTF-8: Kraken reads request bodies as UTF-8. Re-encode the file (the bad bytes are shown as \ufffd).',
    path: '',
    range: lines.range(at, Math.min(text.length, at + 1)),
    source: 'kraken-import',
  };
}

const EMPTY = 'The file is empty: a Kraken payload is one JSON object.';

function payloadCheck(service: KrakenService, text: string, result: ValidationResult): PayloadCheck {
  if (result.detection.kind)
    return {
      kind: result.detection.kind,
      diagnostics: result.diagnostics,
      ...(result.detection.shape ? { shape: result.detection.shape } : {}),
    };
  // Not a payload. If it is not even JSON, say so: a truncated payload must not pass silently.
  const syntax = syntaxErrors(result).length;
  if (syntax || text.trim() === '') {
    const found = syntax
      ? result.parsed.findings
      : [{ code: 'empty-document', severity: 'error', message: EMPTY, start: 0, end: 0 } as const];
    const diagnostics: Diagnostic[] = [];
    for (const f of found) {
      // Under the `rules` setting, as a payload's findings are in the service.
      const severity = service.severityOf(f.code, f.severity);
      if (severity)
        diagnostics.push({
          code: f.code,
          severity,
          message: f.message,
          path: '',
          range: result.parsed.lines.range(f.start, f.end),
          source: 'kraken-import',
        });
    }
    if (diagnostics.length) return { kind: null, diagnostics };
  }
  return { kind: null, diagnostics: [], skipped: `not a Kraken payload: ${result.detection.reason}` };
}
