/**
 * The run report: one self-contained HTML page (inline CSS and SVG; no script, no font, no image, no request —
 * its Content-Security-Policy forbids every fetch) drawn from a `WaveRun` (run.ts) and, when given, a
 * `Reconciliation` (reconcile.ts). `kraken-import report --html` writes it; the editor shows the same page in a
 * webview. No `vscode` import.
 *
 * Every text from a journal goes through `esc`; personal data was redacted when the run was read (run.ts).
 */
import type { Reconciliation } from './reconcile';
import { failureCodeLabel, unitWhere, type MinuteBucket, type WaveRun } from './run';

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLORS = {
  ok: '#2e7d32',
  failed: '#c62828',
  unknown: '#ef6c00',
  'done-before': '#78909c',
  rate: '#6a1b9a',
  retry: '#1565c0',
} as const;

function seconds(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** Stacked bars of outcomes per minute, with 429s and retries as a second row of bars. */
function timelineSvg(timeline: MinuteBucket[]): string {
  if (!timeline.length) return '<p class="muted">No outcomes with a readable time.</p>';
  const W = 900;
  const H1 = 160;
  const H2 = 70;
  const left = 44;
  const bw = Math.max(1, (W - left - 10) / timeline.length);
  const maxOut = Math.max(1, ...timeline.map((b) => b.ok + b.failed + b.unknown));
  const maxEv = Math.max(1, ...timeline.map((b) => b.rateLimited + b.retries));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H1 + H2 + 50}" width="100%" role="img" aria-label="Outcomes per minute, 429 answers and retries per minute">`,
  );
  parts.push(`<text x="0" y="12" class="axis">${maxOut}/min</text><text x="0" y="${H1}" class="axis">0</text>`);
  parts.push(`<line x1="${left}" y1="${H1}" x2="${W - 10}" y2="${H1}" class="base"/>`);
  timeline.forEach((b, i) => {
    const x = left + i * bw;
    let y = H1;
    const title = `${b.minute.slice(11, 16)} UTC: ${b.ok} ok, ${b.failed} failed, ${b.unknown} unknown; ${b.rateLimited} × 429 (waited ${seconds(b.waitedMs)}), ${b.retries} retries`;
    parts.push(`<g><title>${esc(title)}</title>`);
    for (const k of ['ok', 'failed', 'unknown'] as const) {
      const h = (b[k] / maxOut) * (H1 - 16);
      if (h > 0) {
        y -= h;
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0.5, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[k]}" class="${k}"/>`,
        );
      }
    }
    let y2 = H1 + 20 + H2;
    for (const [k, v] of [
      ['rate', b.rateLimited],
      ['retry', b.retries],
    ] as const) {
      const h = (v / maxEv) * (H2 - 6);
      if (h > 0) {
        y2 -= h;
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y2.toFixed(1)}" width="${Math.max(0.5, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[k]}" class="${k}"/>`,
        );
      }
    }
    parts.push('</g>');
  });
  parts.push(`<line x1="${left}" y1="${H1 + 20 + H2}" x2="${W - 10}" y2="${H1 + 20 + H2}" class="base"/>`);
  parts.push(`<text x="0" y="${H1 + 32}" class="axis">${maxEv}</text>`);
  const first = timeline[0].minute.slice(11, 16);
  const last = timeline[timeline.length - 1].minute.slice(11, 16);
  parts.push(`<text x="${left}" y="${H1 + H2 + 40}" class="axis">${esc(first)} UTC</text>`);
  parts.push(`<text x="${W - 10}" y="${H1 + H2 + 40}" class="axis" text-anchor="end">${esc(last)} UTC</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** One horizontal stacked bar per action. */
function actionsSvg(run: WaveRun): string {
  if (!run.actions.length) return '';
  const W = 900;
  const row = 26;
  const left = 150;
  const max = Math.max(1, ...run.actions.map((a) => a.total));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${run.actions.length * row + 4}" width="100%" role="img" aria-label="Outcomes per action">`,
  ];
  run.actions.forEach((a, i) => {
    const y = i * row + 2;
    parts.push(`<text x="0" y="${y + 16}" class="label">${esc(a.action)}</text>`);
    let x = left;
    for (const k of ['ok', 'done-before', 'failed', 'unknown'] as const) {
      const w = (a[k] / max) * (W - left - 10);
      if (w > 0) {
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${row - 8}" fill="${COLORS[k]}"><title>${esc(`${a.action}: ${a[k]} ${k}`)}</title></rect>`,
        );
        x += w;
      }
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

function reconciliationHtml(r: Reconciliation, limit: number): string {
  const list = (items: string[]) =>
    items.length
      ? `<ul class="accounts">${items
          .slice(0, limit)
          .map((i) => `<li>${i}</li>`)
          .join('')}${items.length > limit ? `<li class="muted">… ${items.length - limit} more</li>` : ''}</ul>`
      : '<p class="muted">None.</p>';
  return `<section id="reconciliation"><h2>Reconciliation with Kraken</h2>
<p>Kraken "${esc(r.environment)}", import supplier${r.importSuppliers.length === 1 ? '' : 's'} ${esc(r.importSuppliers.join(', '))}, asked at ${esc(r.at)}: ${r.waveAccounts} accounts in the wave, ${r.krakenAccounts} in Kraken's lists.</p>
<table class="num"><thead><tr><th>set</th><th>accounts</th></tr></thead><tbody>
<tr><td>imported</td><td data-set="imported">${r.imported.length}</td></tr>
<tr><td>staged, not imported</td><td data-set="staged">${r.staged.length}</td></tr>
<tr><td>not in Kraken</td><td data-set="unseen">${r.unseen.length}</td></tr>
<tr><td>in Kraken, not in the wave</td><td data-set="extra">${r.extra.length}</td></tr>
<tr><td>journal and Kraken disagree</td><td data-set="disagreements">${r.disagreements.length}</td></tr>
<tr><th>needs attention</th><th data-set="attention">${r.attention.length}</th></tr>
</tbody></table>
<h3>Staged, not imported</h3>${list(r.staged.map((a) => `${esc(a.account)} <span class="muted">${esc(a.where ?? '')}</span>`))}
<h3>Not in Kraken</h3>${list(r.unseen.map((a) => `${esc(a.account)} <span class="muted">${esc(a.where ?? '')}</span>`))}
<h3>Journal and Kraken disagree</h3>${list(r.disagreements.map((d) => `${esc(d.account)}: ${esc(d.action)} — journal ${esc(d.journal)}, Kraken ${esc(d.kraken)} <span class="muted">${esc(d.where)}</span>`))}
<h3>In Kraken, not in the wave</h3>${list(r.extra.map((a) => `${esc(a.account)} <span class="muted">${esc(a.krakenAccountNumber ?? 'staged')}</span>`))}
${r.notes.map((n) => `<p class="muted">${esc(n)}</p>`).join('')}
</section>`;
}

export interface ReportOptions {
  title?: string;
  reconciliation?: Reconciliation;
  /** Items per list in the page. Default 200. */
  limit?: number;
  /** When the page was made (ISO); shown in the footer. */
  generatedAt?: string;
  /**
   * In an editor webview only: one script with this nonce tells the editor the page is drawn (the CLI's page has
   * no script at all).
   */
  webviewNonce?: string;
}

export function renderReportHtml(run: WaveRun, options: ReportOptions = {}): string {
  const limit = options.limit ?? 200;
  const t = run.totals;
  const envs = [...new Set(run.journals.flatMap((j) => j.envs))];
  const runs = run.journals.reduce((n, j) => n + j.runs.length, 0);
  const span = t.first && t.last ? Date.parse(t.last) - Date.parse(t.first) : 0;
  const count = (k: 'ok' | 'failed' | 'unknown' | 'done-before') => run.actions.reduce((n, a) => n + a[k], 0);
  const title = options.title ?? 'Kraken import wave report';

  const actionRows = run.actions
    .map(
      (a) =>
        `<tr data-action="${esc(a.action)}"><td>${esc(a.action)}</td><td data-k="total">${a.total}</td><td data-k="ok">${a.ok}</td><td data-k="done-before">${a['done-before']}</td><td data-k="failed">${a.failed}</td><td data-k="unknown">${a.unknown}</td></tr>`,
    )
    .join('');
  const failureRows = run.failures
    .map(
      (g) =>
        `<tr data-code="${esc(g.code)}"><td><code>${esc(failureCodeLabel(g.code))}</code></td><td data-k="units">${g.units}</td><td data-k="errors">${g.errors}</td><td><ul class="examples">${g.examples
          .map(
            (e) =>
              `<li><span class="where">${esc(unitWhere(e.unit))}</span> ${esc(e.unit.action)}${e.path ? ` <code>${esc(e.path)}</code>` : ''}: ${esc(e.message)}</li>`,
          )
          .join('')}</ul></td></tr>`,
    )
    .join('');
  const slowRows = run.slowest
    .map(
      (s) =>
        `<tr><td>${esc(seconds(s.ms))}</td><td>${esc(s.unit.action)}</td><td>${esc(unitWhere(s.unit))}</td><td>${esc(s.unit.account ?? '')}</td><td>${esc(s.http ?? '')}</td><td>${esc(s.attempts ?? '')}</td><td>${esc(s.status ?? '')}</td></tr>`,
    )
    .join('');
  const journalRows = run.journals
    .map(
      (j) =>
        `<tr><td>${esc(j.file)}</td><td>${j.records}</td><td>${j.torn}</td><td>${esc(j.runs.join(', '))}</td><td>${esc(j.problem ?? '')}</td></tr>`,
    )
    .join('');

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:${options.webviewNonce ? `; script-src 'nonce-${esc(options.webviewNonce)}'` : ''}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1b1b;background:#fff;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px;margin:14px 0 4px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
table.num td:not(:first-child),table.num th:not(:first-child){text-align:right}
.muted{color:#666}.where{font-family:ui-monospace,monospace;color:#444}code{font-family:ui-monospace,monospace;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:20px}.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
svg .axis{font-size:11px;fill:#666}svg .label{font-size:12px;fill:#1b1b1b}svg .base{stroke:#999;stroke-width:1}
ul.examples,ul.accounts{margin:0;padding-left:18px}
@media (prefers-color-scheme: dark){body{background:#1e1e1e;color:#ddd}td,th{border-color:#444}.muted,.where{color:#aaa}svg .label{fill:#ddd}.card{border-color:#444}}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="muted">${esc(envs.join(', ') || 'no environment')} · ${run.journals.length} journal${run.journals.length === 1 ? '' : 's'} · ${runs} run${runs === 1 ? '' : 's'}${t.first ? ` · ${esc(t.first)} – ${esc(t.last)} (${esc(seconds(span))})` : ''}</p>
<div class="cards">
<div class="card" data-total="units"><b>${run.units.length}</b>units</div>
<div class="card" data-total="ok"><b>${count('ok')}</b>ok</div>
<div class="card" data-total="done-before"><b>${count('done-before')}</b>done before</div>
<div class="card" data-total="failed"><b>${count('failed')}</b>failed</div>
<div class="card" data-total="unknown"><b>${count('unknown')}</b>unknown</div>
<div class="card" data-total="http"><b>${t.httpAttempts}</b>HTTP requests</div>
<div class="card" data-total="429"><b>${t.rateLimited}</b>429 answers (${esc(seconds(t.waitedMs))} waited)</div>
<div class="card" data-total="retries"><b>${t.retries}</b>retries after 5xx/network</div>
</div>
<h2>Timeline</h2>
<p class="legend"><span><i style="background:${COLORS.ok}"></i>ok</span><span><i style="background:${COLORS.failed}"></i>failed</span><span><i style="background:${COLORS.unknown}"></i>unknown</span> per minute (by the outcome's time) · below: <span><i style="background:${COLORS.rate}"></i>429 answers</span><span><i style="background:${COLORS.retry}"></i>retries</span></p>
${timelineSvg(run.timeline)}
<h2>Outcomes per action</h2>
<p class="legend"><span><i style="background:${COLORS.ok}"></i>ok</span><span><i style="background:${COLORS['done-before']}"></i>done before</span><span><i style="background:${COLORS.failed}"></i>failed</span><span><i style="background:${COLORS.unknown}"></i>unknown</span></p>
${actionsSvg(run)}
<table class="num" id="actions"><thead><tr><th>action</th><th>units</th><th>ok</th><th>done before</th><th>failed</th><th>unknown</th></tr></thead><tbody>${actionRows}</tbody></table>
<h2>Failures by code</h2>
${run.failures.length ? `<table id="failures"><thead><tr><th>code</th><th>units</th><th>errors</th><th>examples</th></tr></thead><tbody>${failureRows}</tbody></table>` : '<p class="muted">No failures.</p>'}
<h2>Slowest calls</h2>
${run.slowest.length ? `<table id="slowest"><thead><tr><th>time</th><th>action</th><th>payload</th><th>account</th><th>HTTP</th><th>attempts</th><th>status</th></tr></thead><tbody>${slowRows}</tbody></table><p class="muted">From the attempt record to the outcome record: retries and 429 waits included.</p>` : '<p class="muted">No completed calls.</p>'}
${options.reconciliation ? reconciliationHtml(options.reconciliation, limit) : ''}
<h2>Journals</h2>
<table id="journals"><thead><tr><th>file</th><th>records</th><th>torn lines</th><th>runs</th><th>problem</th></tr></thead><tbody>${journalRows}</tbody></table>
<p class="muted">kraken-import report${options.generatedAt ? ` · ${esc(options.generatedAt)}` : ''} · personal data Kraken quoted is shown as «redacted» unless the report was made with --show-personal-data.</p>
${
  options.webviewNonce
    ? `<script nonce="${esc(options.webviewNonce)}">acquireVsCodeApi().postMessage({ drawn: true });</script>
`
    : ''
}</body></html>
`;
}
