/**
 * `kraken-import report <journal…> [--html FILE] [--format text|json] [--show-personal-data]`: how a wave went, from
 * its send journals (one per shard). The numbers come from core/src/waves/run.ts (the editor's journal view reads
 * the same); the page from core/src/waves/reportHtml.ts.
 *
 * Exit codes: 0 written, 2 bad usage or a journal that cannot be read.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { failureCodeLabel, readWaveRun, renderReportHtml, unitWhere, type WaveRun } from '../../core/src/waves';
import type { CommandDef, ParsedArgs } from '../../core/src/args';

export const REPORT_COMMAND: CommandDef = {
  name: 'report',
  summary: 'how a wave went, from its send journals (one per shard): text, JSON, a self-contained HTML page',
  usage: '<journal…>',
  positionals: { min: 1 },
  options: {
    html: {
      type: 'string',
      value: '<file>',
      description:
        'also write a self-contained page (timeline, outcomes per action, failures by\ncode with examples, slowest calls; nothing is fetched when it is viewed)',
    },
    format: { type: 'string', value: 'text|json', default: 'text', choices: ['text', 'json'], description: 'what goes to stdout' },
    'show-personal-data': { type: 'boolean', description: 'show the personal data Kraken quoted (redacted by default, as in the journal)' },
  },
  details: 'Exit codes: 0 written, 2 bad usage or a journal that cannot be read.',
  run: (args) => runReport(args, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }),
};

export interface ReportIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  cwd: string;
}

export function reportJson(run: WaveRun): unknown {
  return {
    journals: run.journals,
    totals: { units: run.units.length, ...run.totals },
    actions: run.actions,
    failures: run.failures.map((g) => ({
      ...g,
      examples: g.examples.map((e) => ({
        where: unitWhere(e.unit),
        action: e.unit.action,
        account: e.unit.account,
        path: e.path,
        message: e.message,
      })),
    })),
    timeline: run.timeline,
    slowest: run.slowest.map((s) => ({
      ms: s.ms,
      action: s.unit.action,
      where: unitWhere(s.unit),
      account: s.unit.account,
      http: s.http,
      attempts: s.attempts,
      status: s.status,
      run: s.run,
    })),
  };
}

export function reportText(run: WaveRun): string {
  const out: string[] = [];
  const t = run.totals;
  out.push(
    `kraken-import report: ${run.journals.length} journal${run.journals.length === 1 ? '' : 's'}, ${t.records} records, ${run.units.length} units${t.first ? `, ${t.first} – ${t.last}` : ''}`,
  );
  const header = ['action', 'units', 'ok', 'done before', 'failed', 'unknown'];
  const rows = run.actions.map((a) => [a.action, a.total, a.ok, a['done-before'], a.failed, a.unknown].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out.push(fmt(header), fmt(widths.map((n) => '-'.repeat(n))), ...rows.map(fmt));
  out.push(
    `HTTP requests ${t.httpAttempts}, 429 answers ${t.rateLimited} (waited ${(t.waitedMs / 1000).toFixed(1)} s), retries after 5xx/network ${t.retries}`,
  );
  if (run.failures.length) {
    out.push('', 'Failures by code:');
    for (const g of run.failures) {
      out.push(`  ${failureCodeLabel(g.code)}: ${g.units} unit${g.units === 1 ? '' : 's'}, ${g.errors} error${g.errors === 1 ? '' : 's'}`);
      for (const e of g.examples.slice(0, 3))
        out.push(`    ${unitWhere(e.unit)} ${e.unit.action}${e.path ? ` ${e.path}` : ''}: ${e.message}`);
    }
  }
  if (run.slowest.length) {
    out.push('', 'Slowest calls:');
    for (const s of run.slowest.slice(0, 5))
      out.push(
        `  ${(s.ms / 1000).toFixed(2).padStart(7)} s  ${s.unit.action.padEnd(14)} ${unitWhere(s.unit)}  ${s.unit.account ?? ''}`.trimEnd(),
      );
  }
  for (const j of run.journals) {
    if (j.problem) out.push(`journal ${j.file}: ${j.problem}`);
    else if (j.torn) out.push(`journal ${j.file}: ${j.torn} unreadable line${j.torn === 1 ? '' : 's'} ignored`);
  }
  return out.join('\n') + '\n';
}

export function runReport(args: ParsedArgs, io: ReportIo): number {
  const positionals = args.positionals;
  const format = args.options.format ?? 'text';
  const html = args.options.html;
  const files = positionals.map((f) => path.resolve(io.cwd, f));
  const run = readWaveRun(files, { showPersonalData: args.flags.has('show-personal-data') });
  // Journals named as given, not as absolute paths.
  run.journals.forEach((j, i) => (j.file = positionals[i]));
  for (const u of run.units) u.journal = positionals[files.indexOf(u.journal)] ?? u.journal;
  const broken = run.journals.filter((j) => j.problem);
  for (const j of broken) io.stderr.write(`kraken-import: cannot read journal ${j.file}: ${j.problem}\n`);
  if (broken.length) return 2;
  io.stdout.write(format === 'json' ? JSON.stringify(reportJson(run), null, 2) + '\n' : reportText(run));
  if (html) {
    writeFileSync(path.resolve(io.cwd, html), renderReportHtml(run, { generatedAt: new Date().toISOString() }));
    if (format === 'text') io.stdout.write(`report: ${html}\n`);
  }
  return 0;
}
