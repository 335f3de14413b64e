/**
 * The output of `validate`, written as the reports come instead of collected first: a wave of a million records
 * is printed while it is read, in file order, and memory holds only the records in flight.
 *
 * The line numbers of a .jsonl record are known only once every byte range before it has been read (a worker reads
 * its own range: it counts its line breaks but does not know how many came before). Workers therefore serialise
 * their records with the line numbers left open (`Spliced`: text parts and, between them, a line number relative to
 * the range), and the main thread fills them in while it merges the ranges in order: string concatenation, nothing
 * per finding to compute. The serialisers here are the only ones for the streamed formats (json, text, github), used
 * by the workers and the main thread alike, so the output is byte for byte the same for every `--jobs`.
 */
import type { Diagnostic, Severity } from '../../core/src/service';
import type { FileReport } from './format';
import { redactReport } from './redactReport';
import { escapeGithubData, escapeGithubProperty, relativeUri, toMarkdownSummary, toSarif } from './reports';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';
/** What a worker serialises for the main thread to print. */
export type FragmentFormat = 'text' | 'json' | 'github';

/** A line number filled in on merge: the record's 1-based line in the file (JSON `line`), or the editor line of a range. */
export const RECORD_LINE = 0;
export const EDITOR_LINE = 1;

/** Text with open line numbers: parts[0], number 0, parts[1], number 1, ... parts[n]. */
export interface Spliced {
  parts: string[];
  /** Per open number: (value relative to the range) * 2 + (RECORD_LINE or EDITOR_LINE). */
  at: number[];
}

export class SplicedWriter {
  private readonly parts: string[] = [];
  private readonly at: number[] = [];
  private current = '';

  text(s: string): void {
    this.current += s;
  }

  number(relative: number, kind: typeof RECORD_LINE | typeof EDITOR_LINE): void {
    this.parts.push(this.current);
    this.current = '';
    this.at.push(relative * 2 + kind);
  }

  get empty(): boolean {
    return this.parts.length === 0 && this.current === '';
  }

  done(): Spliced {
    this.parts.push(this.current);
    return { parts: this.parts, at: this.at };
  }
}

/** The text of `s` with its line numbers: relative + `recordBase` (JSON lines) or + `editorBase` (editor lines). */
export function resolveSpliced(s: Spliced, recordBase: number, editorBase: number): string {
  let out = s.parts[0];
  for (let i = 0; i < s.at.length; i++) {
    const a = s.at[i];
    out += String((a >> 1) + ((a & 1) === RECORD_LINE ? recordBase : editorBase)) + s.parts[i + 1];
  }
  return out;
}

/**
 * A report whose lines are relative to its range: `line` (record line, 1-based) and the diagnostics' lines are
 * offsets to add to the range's bases. For a whole file (a .json payload) the bases are 0.
 */
export interface RelativeReport extends FileReport {
  /** The editor line (0-based, relative) the record starts on. */
  editorLine: number;
}

function isShown(d: Diagnostic, hints: boolean): boolean {
  return hints || (d.severity !== 'hint' && d.severity !== 'information');
}

/** One report as `JSON.stringify(reports, null, 2)` prints an item of the array (indented by two), lines open. */
function jsonItem(out: SplicedWriter, r: RelativeReport, fileJson: string): void {
  out.text('{\n    "file": ' + fileJson);
  if (r.line !== undefined) {
    out.text(',\n    "line": ');
    out.number(r.line, RECORD_LINE);
  }
  out.text(',\n    "kind": ' + (r.kind === null ? 'null' : JSON.stringify(r.kind)));
  if (r.shape) out.text(',\n    "shape": ' + JSON.stringify(r.shape));
  if (r.skipped) out.text(',\n    "skipped": ' + JSON.stringify(r.skipped));
  if (!r.diagnostics.length) {
    out.text(',\n    "diagnostics": []\n  }');
    return;
  }
  out.text(',\n    "diagnostics": [\n');
  for (let i = 0; i < r.diagnostics.length; i++) {
    const d = r.diagnostics[i];
    out.text(
      (i ? ',\n' : '') +
        '      {\n        "severity": ' +
        JSON.stringify(d.severity) +
        ',\n        "code": ' +
        JSON.stringify(d.code) +
        ',\n        "message": ' +
        JSON.stringify(d.message) +
        ',\n        "path": ' +
        JSON.stringify(d.path) +
        ',\n        "range": {\n          "start": {\n            "line": ',
    );
    out.number(r.editorLine + d.range.start.line, EDITOR_LINE);
    out.text(',\n            "character": ' + d.range.start.character + '\n          },\n          "end": {\n            "line": ');
    out.number(r.editorLine + d.range.end.line, EDITOR_LINE);
    out.text(',\n            "character": ' + d.range.end.character + '\n          }\n        }\n      }');
  }
  out.text('\n    ]\n  }');
}

/** `file:line:col severity code message [path]`, one line per shown finding (the text format). */
function textLines(out: SplicedWriter, r: RelativeReport, hints: boolean): void {
  for (const d of r.diagnostics) {
    if (!isShown(d, hints)) continue;
    out.text(r.file + ':');
    out.number(r.editorLine + d.range.start.line + 1, EDITOR_LINE);
    out.text(`:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}${d.path ? ` [${d.path}]` : ''}\n`);
  }
}

/** `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<code>::<message>` per shown finding (as toGithubAnnotations). */
function githubLines(out: SplicedWriter, r: RelativeReport, fileProperty: string, hints: boolean): void {
  for (const d of r.diagnostics) {
    if (!isShown(d, hints)) continue;
    const command = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
    out.text(`::${command} file=${fileProperty},line=`);
    out.number(r.editorLine + d.range.start.line + 1, EDITOR_LINE);
    out.text(`,col=${d.range.start.character + 1},endLine=`);
    out.number(r.editorLine + d.range.end.line + 1, EDITOR_LINE);
    out.text(
      `,endColumn=${d.range.end.character + 1},title=${escapeGithubProperty(d.code)}::${escapeGithubData(d.path ? `${d.message} [${d.path}]` : d.message)}\n`,
    );
  }
}

export interface Counts {
  payloads: number;
  skipped: number;
  error: number;
  warning: number;
  information: number;
  hint: number;
}

export const emptyCounts = (): Counts => ({ payloads: 0, skipped: 0, error: 0, warning: 0, information: 0, hint: 0 });

export function addCounts(into: Counts, from: Counts): void {
  into.payloads += from.payloads;
  into.skipped += from.skipped;
  into.error += from.error;
  into.warning += from.warning;
  into.information += from.information;
  into.hint += from.hint;
}

/** What a range's records become: their serialised output (or the reports themselves) and what the summary needs. */
export interface RangeOutput {
  /** The records serialised for the streamed format, JSON items separated by ",\n  ". */
  fragment?: Spliced;
  /** The reports themselves (SARIF and the Markdown summary need all of them): only those with findings. */
  reports?: RelativeReport[];
  /** Reports in the range (JSON items). */
  count: number;
  /** The first skipped records (not Kraken payloads), unredacted: the "no payload was checked" message lists them. */
  skipped: Array<{ line?: number; reason: string }>;
  counts: Counts;
  /** "\n" in the range (record lines) and editor line breaks ("\r\n", "\n", a lone "\r"). */
  newlines: number;
  breaks: number;
}

/** Serialises the reports of one range (a worker's, or the main thread's). */
export class RangeSerialiser {
  private readonly out = new SplicedWriter();
  private readonly reports: RelativeReport[] = [];
  private count = 0;
  private readonly counts = emptyCounts();
  private readonly skipped: Array<{ line?: number; reason: string }> = [];
  private fileJson = '';
  private fileProperty = '';
  private lastFile: string | undefined;

  constructor(
    private readonly fragment: FragmentFormat | undefined,
    private readonly keepReports: boolean,
    private readonly hints: boolean,
    /** Personal values out of the machine outputs (json, github, sarif, summary); the text listing is for a person. */
    private readonly redact: boolean,
  ) {}

  add(r: RelativeReport): void {
    if (r.file !== this.lastFile) {
      this.lastFile = r.file;
      this.fileJson = JSON.stringify(r.file);
      this.fileProperty = this.fragment === 'github' ? escapeGithubProperty(relativeUri(r.file, process.cwd())) : '';
    }
    if (r.skipped) {
      this.counts.skipped++;
      if (this.skipped.length < MAX_SKIPPED_SHOWN) this.skipped.push({ line: r.line, reason: r.skipped });
    } else {
      this.counts.payloads++;
      for (const d of r.diagnostics) this.counts[d.severity]++;
    }
    // Redaction changes messages and skip reasons only: a clean record is printed as it is.
    const machine = this.redact && (r.diagnostics.length || r.skipped) ? redactReport(r) : r;
    if (this.fragment === 'json') {
      if (this.count) this.out.text(',\n  ');
      jsonItem(this.out, machine, this.fileJson);
    } else if (this.fragment === 'text') textLines(this.out, r, this.hints);
    else if (this.fragment === 'github') githubLines(this.out, machine, this.fileProperty, this.hints);
    if (this.keepReports && r.diagnostics.length) this.reports.push(machine);
    this.count++;
  }

  done(newlines: number, breaks: number): RangeOutput {
    return {
      ...(this.fragment ? { fragment: this.out.done() } : {}),
      ...(this.keepReports ? { reports: this.reports } : {}),
      count: this.count,
      counts: this.counts,
      skipped: this.skipped,
      newlines,
      breaks,
    };
  }
}

/** Skipped records remembered for the "no payload was checked" message (it shows 20 and counts the rest). */
export const MAX_SKIPPED_SHOWN = 20;

export interface SinkOptions {
  format: OutputFormat;
  hints: boolean;
  /** Redact personal values in json, sarif, github and --summary (not --show-personal-data). */
  redact: boolean;
  /** --summary: the Markdown summary (instead of the text listing with --format text). */
  summary: boolean;
  version: string;
  write: (s: string) => void;
  /** Where the summary goes with another format (GITHUB_STEP_SUMMARY, else stderr). */
  writeSummary: (markdown: string) => void;
}

/** Merges the ranges' outputs in file order and prints them; `end` prints what needs everything (totals, SARIF). */
export class OutputSink {
  readonly fragment: FragmentFormat | undefined;
  readonly keepReports: boolean;
  private readonly counts = emptyCounts();
  private items = 0;
  private readonly files = new Set<string>();
  private readonly reports: FileReport[] = [];
  /** The first skipped records, with their file and absolute line. */
  readonly skipped: Array<{ file: string; line?: number; reason: string }> = [];

  constructor(private readonly options: SinkOptions) {
    const { format, summary } = options;
    this.fragment = format === 'json' || format === 'github' ? format : format === 'text' && !summary ? 'text' : undefined;
    this.keepReports = format === 'sarif' || summary;
  }

  serialiser(): RangeSerialiser {
    return new RangeSerialiser(this.fragment, this.keepReports, this.options.hints, this.options.redact);
  }

  /** A range's output, with the lines before it: `recordBase` "\n"s and `editorBase` editor line breaks. */
  add(file: string, range: RangeOutput, recordBase: number, editorBase: number): void {
    if (!range.count) return;
    this.files.add(file);
    addCounts(this.counts, range.counts);
    for (const s of range.skipped) {
      if (this.skipped.length >= MAX_SKIPPED_SHOWN) break;
      this.skipped.push({ file, ...(s.line !== undefined ? { line: s.line + recordBase } : {}), reason: s.reason });
    }
    if (range.fragment) {
      const text = resolveSpliced(range.fragment, recordBase, editorBase);
      if (this.fragment === 'json') this.options.write((this.items ? ',\n  ' : '[\n  ') + text);
      else if (text) this.options.write(text);
    }
    this.items += range.count;
    if (range.reports) {
      for (const r of range.reports) {
        const line = (n: number) => n + editorBase;
        this.reports.push({
          file: r.file,
          ...(r.line !== undefined ? { line: r.line + recordBase } : {}),
          kind: r.kind,
          ...(r.shape ? { shape: r.shape } : {}),
          ...(r.skipped ? { skipped: r.skipped } : {}),
          diagnostics: r.diagnostics.map((d) => ({
            ...d,
            range: {
              start: { line: line(r.editorLine + d.range.start.line), character: d.range.start.character },
              end: { line: line(r.editorLine + d.range.end.line), character: d.range.end.character },
            },
          })),
        });
      }
    }
  }

  /** A whole file's report (a .json payload, or an unreadable file's). */
  addReport(report: FileReport): void {
    const s = this.serialiser();
    s.add({ ...report, editorLine: 0 });
    this.add(report.file, s.done(0, 0), 0, 0);
  }

  /** Payloads checked (records and files that were Kraken payloads) and records skipped, so far. */
  get totals(): { payloads: number; skipped: number } {
    return { payloads: this.counts.payloads, skipped: this.counts.skipped };
  }

  failing(failOn: Severity): boolean {
    return this.counts.error > 0 || (failOn === 'warning' && this.counts.warning > 0);
  }

  end(): void {
    const { format, hints, summary, write } = this.options;
    const c = this.counts;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    if (format === 'json') write(this.items ? '\n]\n' : '[]\n');
    else if (format === 'sarif') write(JSON.stringify(toSarif(this.reports, { version: this.options.version, hints }), null, 2) + '\n');
    else if (format === 'text' && !summary) {
      write(
        `${plural(c.payloads, 'payload')} in ${plural(this.files.size, 'file')}: ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.information + c.hint, 'hint')}` +
          (c.skipped ? ` (${c.skipped} skipped: not Kraken payloads)` : '') +
          '\n',
      );
    }
    if (summary) {
      const markdown = toMarkdownSummary(this.reports, {
        hints,
        totals: { payloads: c.payloads, skipped: c.skipped, files: this.files.size, counts: c },
      });
      if (format === 'text') write(markdown);
      else this.options.writeSummary(markdown);
    }
  }
}
