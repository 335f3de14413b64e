/** The CLI's check of one payload text (a .json file or a .jsonl record), shared by the main thread and the workers. */
import type { createKrakenService, Diagnostic, KindId } from '../../core/src/service';
import type { FileReport } from './format';

export function validateText(
  service: ReturnType<typeof createKrakenService>,
  file: string,
  text: string,
  kind: KindId | undefined,
): Omit<FileReport, 'file'> {
  const result = service.validate(text, { filePath: file, kind });
  if (result.detection.kind)
    return {
      kind: result.detection.kind,
      diagnostics: result.diagnostics,
      ...(result.detection.shape ? { shape: result.detection.shape } : {}),
    };
  // Not a payload. If it is not even JSON, say so: a truncated payload must not pass silently.
  const syntax = result.parsed.findings.filter((f) => f.severity === 'error');
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
