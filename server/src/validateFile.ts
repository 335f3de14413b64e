/**
 * Validates a whole file's text for workspace validation (`krakenImport/validateFile`): one payload per .json file,
 * one per line of a .jsonl/.ndjson file (findings placed on the file's lines). No LSP import: the server wires it.
 */
import type { Diagnostic, KindId, KrakenService } from './service';
import { LineIndex } from './service/text';

export function isLinesUri(uri: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(uri.replace(/[?#].*$/, ''));
}

export function validateFileText(service: KrakenService, uri: string, text: string): { kind: KindId | null; diagnostics: Diagnostic[] } {
  if (!isLinesUri(uri)) {
    const r = service.validate(text, { filePath: uri });
    // Not a payload (say, package.json): nothing to report.
    return r.detection.kind ? { kind: r.detection.kind, diagnostics: r.diagnostics } : { kind: null, diagnostics: [] };
  }
  const fileLines = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  let kind: KindId | null = null;
  const lines = text.split('\n');
  for (let i = 0, lineStart = 0; i < lines.length; lineStart += lines[i].length + 1, i++) {
    const lineText = lines[i].replace(/\r$/, '');
    if (!lineText.trim()) continue;
    const r = service.validate(lineText, { filePath: uri });
    if (!r.detection.kind) {
      // A line that is not even JSON is a broken record of the wave: report its syntax errors.
      const syntax = r.parsed.findings.filter((f) => f.severity === 'error');
      for (const f of syntax) {
        diagnostics.push({
          code: f.code,
          severity: f.severity,
          message: `Line ${i + 1}: ${f.message}`,
          path: '',
          range: fileLines.range(lineStart + f.start, lineStart + f.end),
          source: 'kraken-import',
        });
      }
      continue;
    }
    kind ??= r.detection.kind;
    const record = new LineIndex(lineText);
    const place = (p: { line: number; character: number }) => fileLines.positionAt(lineStart + record.offsetAt(p));
    for (const d of r.diagnostics) diagnostics.push({ ...d, range: { start: place(d.range.start), end: place(d.range.end) } });
  }
  return { kind, diagnostics };
}
