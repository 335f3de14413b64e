/** `send`: the summary printed after a wave, and the exit code. */
import type { ActionId, EnvironmentSetting } from '../../core/src/send';
import { displayPath } from '../../core/src/waves';
import type { Problem } from './waveUnits';

export type Tally = { sent: number; ok: number; failed: number; unknown: number; done: number; reconciled: number };

export interface WaveStats {
  rateLimited: number;
  rateWaitMs: number;
  retries: number;
  requests: number;
  notPayload: number;
  notApplicable: number;
}

export interface WaveSummary {
  env: EnvironmentSetting;
  actions: ActionId[];
  /** Payloads read (before the shard), and those of this run. */
  itemCount: number;
  allCount: number;
  shard?: { index: number; count: number };
  workers: number;
  started: number;
  stats: WaveStats;
  tallies: Map<string, Tally>;
  local: Problem[];
  problems: Problem[];
  journal: { file: string; torn: number };
  cwd: string;
  interrupted: boolean;
}

function tallyTable(actions: ActionId[], tallies: Map<string, Tally>): string[] {
  const header = ['action', 'sent', 'ok', 'failed', 'unknown', 'done before', 'checked'];
  const rows = actions.map((a) => {
    const t = tallies.get(a)!;
    return [a, t.sent, t.ok, t.failed, t.unknown, t.done, t.reconciled].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(header), fmt(widths.map((n) => '-'.repeat(n))), ...rows.map(fmt)];
}

export function summaryLines(s: WaveSummary): string[] {
  const { env, stats } = s;
  const out: string[] = [];
  const elapsed = (Date.now() - s.started) / 1000;
  const payloads = s.itemCount - stats.notPayload;
  out.push(
    `kraken-import send: "${env.name}" (${env.flow}) ${s.actions.join(',')} — ${payloads} payload${payloads === 1 ? '' : 's'}` +
      (s.shard ? ` in shard ${s.shard.index}/${s.shard.count} (of ${s.allCount})` : '') +
      `, ${s.workers} at once, ${elapsed.toFixed(1)} s`,
  );
  out.push(...tallyTable(s.actions, s.tallies));
  const extra: string[] = [];
  if (stats.notPayload) extra.push(`${stats.notPayload} not Kraken payloads`);
  if (stats.notApplicable) extra.push(`${stats.notApplicable} payloads no action applies to`);
  if (s.local.length) extra.push(`${s.local.length} not sent (unreadable or duplicate)`);
  out.push(
    `HTTP requests ${stats.requests}, 429 answers ${stats.rateLimited} (waited ${(stats.rateWaitMs / 1000).toFixed(1)} s in all), retries after 5xx/network ${stats.retries}` +
      (extra.length ? `; ${extra.join(', ')}` : ''),
  );
  const torn = s.journal.torn;
  out.push(`journal: ${displayPath(s.journal.file, s.cwd)}${torn ? ` (${torn} torn line${torn === 1 ? '' : 's'} ignored)` : ''}`);
  const shown = [...s.local, ...s.problems];
  if (shown.length) {
    out.push('', `Not done (${shown.length}):`);
    for (const p of shown.slice(0, 25)) out.push(`  ${p.status.padEnd(7)} ${p.action.padEnd(14)} ${p.where}  ${p.message}`);
    if (shown.length > 25) out.push(`  … ${shown.length - 25} more in the journal`);
  }
  if (s.interrupted) out.push('', 'Interrupted: rerun the same command to continue (what succeeded is skipped).');
  return out;
}

/** 130 interrupted, 3 some outcome unknown, 1 some failed, 0 all sent. */
export function waveExitCode(s: Pick<WaveSummary, 'tallies' | 'local' | 'interrupted'>): number {
  const anyUnknown = [...s.tallies.values()].some((t) => t.unknown > 0);
  const anyFailed = s.local.length > 0 || [...s.tallies.values()].some((t) => t.failed > 0);
  if (s.interrupted) return 130;
  return anyUnknown ? 3 : anyFailed ? 1 : 0;
}
