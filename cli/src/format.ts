import type { Diagnostic, KindId } from '../../core/src/service';

export interface FileReport {
  file: string;
  /** 1-based line for .jsonl/.ndjson payloads. */
  line?: number;
  kind: KindId | null;
  diagnostics: Diagnostic[];
  skipped?: string;
  /** With an instance contract: the body shape and schema the payload was validated as. */
  shape?: string;
}

/** `file:line:col severity code message` per finding, then a summary line. */
export function formatText(reports: FileReport[], options: { hints?: boolean } = {}): string {
  const out: string[] = [];
  const counts = { error: 0, warning: 0, information: 0, hint: 0 };
  let payloads = 0;
  let skipped = 0;
  for (const r of reports) {
    if (r.skipped) {
      skipped++;
      continue;
    }
    payloads++;
    for (const d of r.diagnostics) {
      counts[d.severity]++;
      if (!options.hints && (d.severity === 'hint' || d.severity === 'information')) continue;
      out.push(
        `${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}${d.path ? ` [${d.path}]` : ''}`,
      );
    }
  }
  const files = new Set(reports.map((r) => r.file)).size;
  out.push(
    `${payloads} payload${payloads === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}: ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.information + counts.hint} hint${counts.information + counts.hint === 1 ? '' : 's'}` +
      (skipped ? ` (${skipped} skipped: not Kraken payloads)` : ''),
  );
  return out.join('\n') + '\n';
}
