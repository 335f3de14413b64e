/**
 * Validates a whole file's text for workspace validation (`krakenImport/validateFile`): one payload per .json file,
 * one per line of a .jsonl/.ndjson file (findings placed on the file's lines). No LSP import: the server wires it.
 */
import type { Diagnostic, KindId, KrakenService } from '../service';
import { isJsonLinesPath, jsonLinesRecords, RecordPositions } from './jsonLines';
import { LineIndex } from '../service/text';
import { syntaxErrors } from './payloadCheck';

export const isLinesUri = isJsonLinesPath;

export function validateFileText(service: KrakenService, uri: string, text: string): { kind: KindId | null; diagnostics: Diagnostic[] } {
  if (!isLinesUri(uri)) {
    const r = service.validate(text, { filePath: uri });
    // Not a payload (say, package.json): nothing to report.
    return r.detection.kind ? { kind: r.detection.kind, diagnostics: r.diagnostics } : { kind: null, diagnostics: [] };
  }
  const fileLines = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  let kind: KindId | null = null;
  for (const entry of jsonLinesRecords(text)) {
    const r = service.validate(entry.text, { filePath: uri });
    const positions = new RecordPositions(fileLines, entry);
    if (!r.detection.kind) {
      // A line that is not even JSON is a broken record of the wave: report its syntax errors.
      for (const f of syntaxErrors(r)) {
        // Under the `rules` setting, as a payload's findings are in the service.
        const severity = service.severityOf(f.code, f.severity);
        if (!severity) continue;
        diagnostics.push({
          code: f.code,
          severity,
          message: `Line ${entry.line + 1}: ${f.message}`,
          path: '',
          range: fileLines.range(entry.start + f.start, entry.start + f.end),
          source: 'kraken-import',
        });
      }
      continue;
    }
    kind ??= r.detection.kind;
    for (const d of r.diagnostics) diagnostics.push({ ...d, range: positions.toFileRange(d.range) });
  }
  return { kind, diagnostics };
}
