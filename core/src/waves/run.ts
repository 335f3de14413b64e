/**
 * A wave as its send journals tell it: one or several journals (one per shard) folded into units, per-action
 * outcomes, failures grouped by Kraken code, a per-minute timeline and the slowest calls. No `vscode` import: the
 * CLI's `report` and `reconcile`, and the editor's "Open Send Journal", all read a wave through this module, so the
 * page, the tree and the terminal cannot count differently.
 *
 * A unit's state is its latest record (send.ts writes an `attempt` before every request and an `outcome` after):
 * - `ok`, `failed`, `unknown`: the latest outcome, written by the journal's latest run;
 * - `done-before`: `ok`, written by an earlier run of that journal (a rerun skips it and writes nothing);
 * - an attempt with no outcome after it (the process was killed) is `unknown` and `inDoubt`.
 * Personal data is redacted as `send` redacts it (again, in case a journal was written with --show-personal-data),
 * unless `showPersonalData`.
 */
import { readFileSync } from 'node:fs';
import { parseJournalText, type JournalError, type JournalRecord } from './journal';
import { redactFieldMessage, redactText } from '../kraken/redact';

export type UnitStatus = 'ok' | 'failed' | 'unknown' | 'done-before';
export const UNIT_STATUSES: readonly UnitStatus[] = ['ok', 'failed', 'unknown', 'done-before'];

export interface WaveUnit {
  /** The journal file it comes from (as given). */
  journal: string;
  env: string;
  key: string;
  action: string;
  /** The payload file, as the journal names it (relative to where `send` ran, forward slashes). */
  file: string;
  /** 1-based line of a .jsonl/.ndjson record. */
  line?: number;
  account?: string;
  status: UnitStatus;
  /** An attempt was written after the latest outcome (or with none at all). */
  inDoubt: boolean;
  outcome?: JournalRecord;
  attempt?: JournalRecord;
  /** `outcome.at - attempt.at` of the latest call, ms. */
  durationMs?: number;
}

export interface ActionTally {
  action: string;
  ok: number;
  failed: number;
  unknown: number;
  'done-before': number;
  total: number;
}

export interface FailureGroup {
  /** Kraken's error code, or `reason:<client failure reason>` for failures without one (`reason:rate-limited`). */
  code: string;
  /** Errors with this code. */
  errors: number;
  /** Units with at least one. */
  units: number;
  /** Up to `examples` (default 5) of them. */
  examples: Array<{ unit: WaveUnit; path: string | null; message: string }>;
}

export interface MinuteBucket {
  /** Start of the minute, ISO (UTC). */
  minute: string;
  ok: number;
  failed: number;
  unknown: number;
  /** 429 answers of the calls that ended in this minute. */
  rateLimited: number;
  /** Their waits, ms. */
  waitedMs: number;
  /** 5xx / network retries of the calls that ended in this minute. */
  retries: number;
}

export interface SlowCall {
  unit: WaveUnit;
  run: string;
  ms: number;
  attempts?: number;
  http?: number;
  status?: string;
}

export interface JournalSummary {
  file: string;
  records: number;
  torn: number;
  runs: string[];
  envs: string[];
  /** Could not be read at all (missing, not a journal). */
  problem?: string;
}

export interface WaveRun {
  journals: JournalSummary[];
  units: WaveUnit[];
  actions: ActionTally[];
  failures: FailureGroup[];
  timeline: MinuteBucket[];
  slowest: SlowCall[];
  totals: {
    records: number;
    outcomes: number;
    /** HTTP attempts of all outcome records (the `attempts` field). */
    httpAttempts: number;
    rateLimited: number;
    waitedMs: number;
    retries: number;
    first?: string;
    last?: string;
  };
}

export interface ReadWaveOptions {
  showPersonalData?: boolean;
  /** Examples kept per failure code. Default 5. */
  examples?: number;
  /** Slowest calls kept. Default 10. */
  slowest?: number;
}

/** Reads journal files from disk and folds them (a missing or unreadable file is named in its summary). */
export function readWaveRun(files: string[], options: ReadWaveOptions = {}): WaveRun {
  return foldWaveRun(
    files.map((file) => {
      try {
        return { file, text: readFileSync(file, 'utf8') };
      } catch (e) {
        return { file, problem: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message };
      }
    }),
    options,
  );
}

function minuteOf(at: string): string | undefined {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return undefined;
  return new Date(Math.floor(t / 60_000) * 60_000).toISOString();
}

function privateRecord(r: JournalRecord, show: boolean): JournalRecord {
  if (show) return r;
  const errors: JournalError[] | undefined = r.errors?.map((e) => ({ ...e, message: redactFieldMessage(e.path, e.message) }));
  return { ...r, ...(r.message !== undefined ? { message: redactText(r.message) } : {}), ...(errors ? { errors } : {}) };
}

/** Per action, in the order actions first appear. */
function tallyActions(units: WaveUnit[]): Map<string, ActionTally> {
  const actions = new Map<string, ActionTally>();
  for (const u of units) {
    const t = actions.get(u.action) ?? { action: u.action, ok: 0, failed: 0, unknown: 0, 'done-before': 0, total: 0 };
    t[u.status]++;
    t.total++;
    actions.set(u.action, t);
  }
  return actions;
}

/** The errors of a failed or unknown unit, each with its code (Kraken's, else `reason:…`). */
function unitErrors(u: WaveUnit): Array<{ code: string; path: string | null; message: string }> {
  if (u.outcome?.errors?.length)
    return u.outcome.errors.map((e) => ({ code: e.code ?? `reason:${u.outcome?.reason ?? 'invalid'}`, path: e.path, message: e.message }));
  return [
    {
      code: `reason:${u.inDoubt ? 'in-doubt' : (u.outcome?.reason ?? u.status)}`,
      path: null,
      message: u.inDoubt
        ? 'Sent, and no outcome was written (the run was interrupted): check in Kraken.'
        : (u.outcome?.message ?? u.status),
    },
  ];
}

/** Failures by code: the errors of units that are failed or unknown now, most units first. */
function groupFailures(units: WaveUnit[], examplesMax: number): FailureGroup[] {
  const groups = new Map<string, FailureGroup & { seen: Set<WaveUnit> }>();
  for (const u of units) {
    if (u.status !== 'failed' && u.status !== 'unknown') continue;
    for (const e of unitErrors(u)) {
      const g = groups.get(e.code) ?? { code: e.code, errors: 0, units: 0, examples: [], seen: new Set<WaveUnit>() };
      g.errors++;
      if (!g.seen.has(u)) {
        g.seen.add(u);
        g.units++;
      }
      if (g.examples.length < examplesMax) g.examples.push({ unit: u, path: e.path, message: e.message });
      groups.set(e.code, g);
    }
  }
  return [...groups.values()]
    .map(({ seen: _seen, ...g }) => g)
    .sort((a, b) => b.units - a.units || b.errors - a.errors || a.code.localeCompare(b.code));
}

/**
 * The timeline: every minute from the first to the last outcome (gaps as zeros), at most a day of minutes;
 * beyond that only the minutes that have outcomes.
 */
function fillTimeline(buckets: Map<string, MinuteBucket>): MinuteBucket[] {
  const present = [...buckets.values()].sort((a, b) => a.minute.localeCompare(b.minute));
  if (present.length <= 1) return present;
  const from = Date.parse(present[0].minute);
  const to = Date.parse(present[present.length - 1].minute);
  const span = (to - from) / 60_000 + 1;
  if (span > 24 * 60) return present;
  const timeline: MinuteBucket[] = [];
  for (let t = from; t <= to; t += 60_000) {
    const minute = new Date(t).toISOString();
    timeline.push(buckets.get(minute) ?? { minute, ok: 0, failed: 0, unknown: 0, rateLimited: 0, waitedMs: 0, retries: 0 });
  }
  return timeline;
}

/** Folds journal texts (already read) into a wave. */
export function foldWaveRun(inputs: Array<{ file: string; text?: string; problem?: string }>, options: ReadWaveOptions = {}): WaveRun {
  const show = options.showPersonalData === true;
  const journals: JournalSummary[] = [];
  const units: WaveUnit[] = [];
  const buckets = new Map<string, MinuteBucket>();
  const slow: SlowCall[] = [];
  const totals: WaveRun['totals'] = { records: 0, outcomes: 0, httpAttempts: 0, rateLimited: 0, waitedMs: 0, retries: 0 };

  for (const input of inputs) {
    if (input.text === undefined) {
      journals.push({ file: input.file, records: 0, torn: 0, runs: [], envs: [], problem: input.problem ?? 'unreadable' });
      continue;
    }
    const { records: raw, torn } = parseJournalText(input.text);
    const records = raw.map((r) => privateRecord(r, show));
    const runs: string[] = [];
    const envs = new Set<string>();
    for (const r of records) {
      if (!runs.includes(r.run)) runs.push(r.run);
      envs.add(r.env);
    }
    journals.push({ file: input.file, records: records.length, torn, runs, envs: [...envs] });
    totals.records += records.length;
    const latestRun = records.length ? records[records.length - 1].run : undefined;

    // Per unit (env + key): the latest attempt and outcome, and the call durations.
    const calls: Array<{ id: string; run: string; ms: number; attempts?: number; http?: number; status?: string }> = [];
    const byUnit = new Map<string, { attempt?: JournalRecord; outcome?: JournalRecord; inDoubt: boolean; order: number }>();
    for (const r of records) {
      const id = `${r.env}\u0000${r.key}`;
      const u = byUnit.get(id) ?? { inDoubt: false, order: byUnit.size };
      if (r.phase === 'attempt') {
        // A resend after a check writes a second attempt: the call's duration counts from the first one.
        if (!u.inDoubt) u.attempt = r;
        u.inDoubt = true;
      } else {
        totals.outcomes++;
        totals.httpAttempts += r.attempts ?? 0;
        totals.rateLimited += r.rateLimited ?? 0;
        totals.waitedMs += r.waitedMs ?? 0;
        totals.retries += r.retries ?? 0;
        if (!totals.first || r.at < totals.first) totals.first = r.at;
        if (!totals.last || r.at > totals.last) totals.last = r.at;
        const minute = minuteOf(r.at);
        if (minute) {
          const b = buckets.get(minute) ?? { minute, ok: 0, failed: 0, unknown: 0, rateLimited: 0, waitedMs: 0, retries: 0 };
          if (r.status === 'ok' || r.status === 'failed' || r.status === 'unknown') b[r.status]++;
          b.rateLimited += r.rateLimited ?? 0;
          b.waitedMs += r.waitedMs ?? 0;
          b.retries += r.retries ?? 0;
          buckets.set(minute, b);
        }
        if (u.inDoubt && u.attempt && u.attempt.run === r.run) {
          const ms = Date.parse(r.at) - Date.parse(u.attempt.at);
          if (!Number.isNaN(ms)) calls.push({ id, run: r.run, ms, attempts: r.attempts, http: r.http, status: r.status });
        }
        u.outcome = r;
        u.inDoubt = false;
      }
      byUnit.set(id, u);
    }
    const made = new Map<string, WaveUnit>();
    for (const [id, u] of byUnit) {
      const last = u.inDoubt ? u.attempt! : u.outcome!;
      let status: UnitStatus;
      if (u.inDoubt) status = 'unknown';
      else if (u.outcome!.status === 'ok') status = u.outcome!.run === latestRun ? 'ok' : 'done-before';
      else status = u.outcome!.status === 'failed' ? 'failed' : 'unknown';
      const durationMs =
        u.attempt && u.outcome && !u.inDoubt && u.attempt.run === u.outcome.run
          ? Date.parse(u.outcome.at) - Date.parse(u.attempt.at)
          : undefined;
      const unit: WaveUnit = {
        journal: input.file,
        env: last.env,
        key: last.key,
        action: last.action,
        file: last.file,
        ...(last.line !== undefined ? { line: last.line } : {}),
        ...(last.account !== undefined ? { account: last.account } : {}),
        status,
        inDoubt: u.inDoubt,
        ...(u.outcome ? { outcome: u.outcome } : {}),
        ...(u.attempt ? { attempt: u.attempt } : {}),
        ...(durationMs !== undefined && !Number.isNaN(durationMs) ? { durationMs } : {}),
      };
      made.set(id, unit);
      units.push(unit);
    }
    for (const { id, ...call } of calls) slow.push({ unit: made.get(id)!, ...call });
  }

  const actions = tallyActions(units);
  const failures = groupFailures(units, options.examples ?? 5);
  const timeline = fillTimeline(buckets);
  const slowest = slow.sort((a, b) => b.ms - a.ms).slice(0, options.slowest ?? 10);
  return { journals, units, actions: [...actions.values()], failures, timeline, slowest, totals };
}

/** `wave.jsonl:12` or `wave.json`. */
export function unitWhere(u: Pick<WaveUnit, 'file' | 'line'>): string {
  return u.line === undefined ? u.file : `${u.file}:${u.line}`;
}

/** Plain label of a failure group's code. */
export function failureCodeLabel(code: string): string {
  return code.startsWith('reason:') ? `(no Kraken code: ${code.slice('reason:'.length)})` : code;
}
