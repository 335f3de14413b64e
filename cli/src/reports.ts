/**
 * Validation reports for CI: SARIF 2.1.0 (code scanning), GitHub workflow-command annotations, and a Markdown
 * summary grouped by finding code. Pure functions over the same FileReports the text and JSON formats print.
 */
import * as path from 'node:path';
import { findingCatalogue, SEVERITY_RANK, type Diagnostic, type Severity } from '../../core/src/service';
import type { FileReport } from './format';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

function shown(d: Diagnostic, hints: boolean): boolean {
  return hints || (d.severity !== 'hint' && d.severity !== 'information');
}

/** A path relative to `root` with forward slashes (as SARIF and GitHub want), or the absolute path outside it. */
export function relativeUri(file: string, root: string): string {
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  const inside = rel && !rel.startsWith('..') && !path.isAbsolute(rel);
  return (inside ? rel : abs).split(path.sep).join('/');
}

function encodeUriPath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

function firstSentence(doc: string): string {
  const m = /^(.+?[.:;])(\s|$)/.exec(doc);
  return (m ? m[1] : doc).slice(0, 200);
}

export interface SarifOptions {
  /** Folder the result URIs are relative to (the repository root in CI). Default: the working folder. */
  root?: string;
  version?: string;
  /** Include information and hint findings (as `note`). Default false, like the text format. */
  hints?: boolean;
}

/** A SARIF 2.1.0 log: one run, driver `kraken-import` with a rule per code, one result per finding. */
export function toSarif(reports: FileReport[], options: SarifOptions = {}): Record<string, unknown> {
  const root = options.root ?? process.cwd();
  const rules: Array<Record<string, unknown>> = [];
  const index = new Map<string, number>();
  const addRule = (code: string, doc: string, severity?: string) => {
    if (index.has(code)) return;
    index.set(code, rules.length);
    const level = severity === 'error' || severity === 'warning' ? severity : severity === 'off' ? 'none' : 'note';
    rules.push({
      id: code,
      name: code.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
      shortDescription: { text: firstSentence(doc) },
      fullDescription: { text: doc },
      help: { text: doc },
      defaultConfiguration: { level },
      properties: { tags: ['kraken', 'data-import'] },
    });
  };
  for (const f of findingCatalogue()) addRule(f.code, f.doc, f.severity);

  const results: Array<Record<string, unknown>> = [];
  const artifacts: string[] = [];
  const artifactIndex = new Map<string, number>();
  for (const report of reports) {
    const uri = encodeUriPath(relativeUri(report.file, root));
    for (const d of report.diagnostics) {
      if (!shown(d, !!options.hints)) continue;
      if (!index.has(d.code)) addRule(d.code, `Kraken payload finding ${d.code}.`, d.severity);
      if (!artifactIndex.has(uri)) {
        artifactIndex.set(uri, artifacts.length);
        artifacts.push(uri);
      }
      const region: Record<string, number> = {
        startLine: d.range.start.line + 1,
        startColumn: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
      };
      // An empty range (a missing property at a point) still needs a non-empty region for viewers.
      if (region.endLine === region.startLine && region.endColumn <= region.startColumn) region.endColumn = region.startColumn + 1;
      results.push({
        ruleId: d.code,
        ruleIndex: index.get(d.code),
        level: SARIF_LEVEL[d.severity],
        message: { text: d.path ? `${d.message} [${d.path}]` : d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, uriBaseId: '%SRCROOT%', index: artifactIndex.get(uri) },
              region,
            },
            ...(d.path ? { logicalLocations: [{ fullyQualifiedName: d.path, kind: 'member' }] } : {}),
          },
        ],
        ...(report.kind ? { properties: { payloadKind: report.kind, ...(report.line !== undefined ? { record: report.line } : {}) } } : {}),
      });
    }
  }
  const rootUri = `file://${encodeUriPath(
    path
      .resolve(root)
      .split(path.sep)
      .join('/')
      .replace(/^([A-Za-z]):/, '/$1:'),
  )}/`.replace(/\/+$/, '/');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kraken-import',
            ...(options.version ? { version: options.version, semanticVersion: options.version } : {}),
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
        artifacts: artifacts.map((uri) => ({ location: { uri, uriBaseId: '%SRCROOT%' } })),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

/** Workflow-command escaping: the message (data) and property values. */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<code>::<message>` per finding. */
export function toGithubAnnotations(reports: FileReport[], options: { root?: string; hints?: boolean } = {}): string {
  const root = options.root ?? process.cwd();
  const out: string[] = [];
  for (const report of reports) {
    const file = relativeUri(report.file, root);
    for (const d of report.diagnostics) {
      if (!shown(d, !!options.hints)) continue;
      const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        `file=${escapeGithubProperty(file)}`,
        `line=${d.range.start.line + 1}`,
        `col=${d.range.start.character + 1}`,
        `endLine=${d.range.end.line + 1}`,
        `endColumn=${d.range.end.character + 1}`,
        `title=${escapeGithubProperty(d.code)}`,
      ];
      out.push(`::${command} ${props.join(',')}::${escapeGithubData(d.path ? `${d.message} [${d.path}]` : d.message)}`);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/`/g, "'");
}

export interface SummaryTotals {
  payloads: number;
  skipped: number;
  files: number;
  counts: Record<Severity, number>;
}

/**
 * Markdown: totals, then one table row per code (severity, count, files) with up to `examples` examples. `totals`,
 * when given, are the counts of the whole run (the CLI keeps only the reports with findings, not one per record).
 */
export function toMarkdownSummary(
  reports: FileReport[],
  options: { root?: string; examples?: number; hints?: boolean; totals?: SummaryTotals } = {},
): string {
  const root = options.root ?? process.cwd();
  const perCode = new Map<string, { severity: Severity; count: number; files: Set<string>; examples: string[] }>();
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  let payloads = 0;
  let skipped = 0;
  for (const r of reports) {
    if (r.skipped) {
      skipped++;
      continue;
    }
    payloads++;
    const file = relativeUri(r.file, root);
    for (const d of r.diagnostics) {
      counts[d.severity]++;
      if (!shown(d, !!options.hints)) continue;
      const e = perCode.get(d.code) ?? { severity: d.severity, count: 0, files: new Set<string>(), examples: [] };
      e.count++;
      e.files.add(file);
      if (e.examples.length < (options.examples ?? 3))
        e.examples.push(`\`${mdCell(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}`)}\` ${mdCell(d.message)}`);
      perCode.set(d.code, e);
    }
  }
  let files = new Set(reports.map((r) => r.file)).size;
  if (options.totals) {
    ({ payloads, skipped, files } = options.totals);
    for (const s of Object.keys(counts) as Severity[]) counts[s] = options.totals.counts[s];
  }
  const rows = [...perCode.entries()].sort(
    (a, b) => SEVERITY_RANK[a[1].severity] - SEVERITY_RANK[b[1].severity] || b[1].count - a[1].count || a[0].localeCompare(b[0]),
  );
  const icon = counts.error ? '❌' : counts.warning ? '⚠️' : '✅';
  const out: string[] = [
    '## Kraken payload validation',
    '',
    `${icon} **${payloads}** payload${payloads === 1 ? '' : 's'} in **${files}** file${files === 1 ? '' : 's'}: **${counts.error}** error${counts.error === 1 ? '' : 's'}, **${counts.warning}** warning${counts.warning === 1 ? '' : 's'}, ${counts.information + counts.hint} hint${counts.information + counts.hint === 1 ? '' : 's'}` +
      (skipped ? ` (${skipped} skipped: not Kraken payloads)` : ''),
    '',
  ];
  if (rows.length) {
    out.push('| Code | Severity | Count | Files | Examples |', '| --- | --- | ---: | ---: | --- |');
    for (const [code, e] of rows) out.push(`| \`${code}\` | ${e.severity} | ${e.count} | ${e.files.size} | ${e.examples.join('<br>')} |`);
    out.push('');
  }
  return out.join('\n') + '\n';
}
