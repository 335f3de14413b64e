/**
 * `send`: running a wave's units — journal check, the in-doubt rule (core/src/send/inDoubt.ts), the create gate,
 * attempt record, call, outcome record — on a pool of workers, with Ctrl-C handling.
 */
import { setMaxListeners } from 'node:events';
import { redactFieldMessage, redactText, type KrakenClient, type KrakenResult, type ProgressEvent } from '../../core/src/kraken';
import {
  askKrakenAfterSend,
  callKraken,
  type CreateCheck,
  createLookup,
  decideInDoubt,
  describeResult,
  heldInDoubtMessage,
  judgeImportStatus,
  judgeTransferStatus,
  operationsTeamFor,
  planRequest,
  resendAfterInterruption,
  unknownCreateMessage,
  type ActionId,
  type EnvironmentSetting,
  type RequestPlan,
} from '../../core/src/send';
import {
  unitKey,
  type Journal,
  type JournalError,
  type JournalRecord,
  type JournalStatus,
  type UnitState,
  type WaveItem,
} from '../../core/src/waves';
import type { ParsedArgs } from '../../core/src/args';
import type { CreateGate } from './createGate';
import type { SendIo } from './send';
import { ProgressView } from './sendProgress';
import { answerRecord, createdRecord, type OutcomeRecord, v2StatusRecord, where } from './waveRecords';
import { summaryLines, type Tally, type WaveStats, waveExitCode } from './waveSummary';
import { waveWork, type Problem, type WaveWork } from './waveUnits';

export interface WaveRunnerInput {
  args: ParsedArgs;
  io: SendIo;
  env: EnvironmentSetting;
  actions: ActionId[];
  items: WaveItem[];
  allCount: number;
  shard?: { index: number; count: number };
  journal: Journal;
  started: number;
  runId: string;
  stats: WaveStats;
  client: KrakenClient;
  gate: CreateGate;
  workers: number;
}

type Finish = (given: OutcomeRecord) => Promise<JournalStatus>;

export class WaveRunner {
  readonly #w: WaveRunnerInput;
  readonly #tallies: Map<string, Tally>;
  readonly #problems: Problem[] = [];
  readonly #wave: WaveWork;
  readonly #progress: ProgressView;
  readonly #controller = new AbortController();
  /** Per unit: the 429s, their waits and the 5xx/network retries of its calls, for the journal (the run report's timeline). */
  readonly #callStats = new Map<string, { rateLimited: number; waitedMs: number; retries: number }>();
  readonly #showPersonal: boolean;
  #stopping = false;
  #interrupted = false;

  constructor(w: WaveRunnerInput) {
    this.#w = w;
    this.#tallies = new Map(w.actions.map((a) => [a, { sent: 0, ok: 0, failed: 0, unknown: 0, done: 0, reconciled: 0 }]));
    // Personal data Kraken quotes back (a malformed email, a date of birth) stays out of the output and the journal.
    this.#showPersonal = w.args.flags.has('show-personal-data');
    const notJson = (message: string): string =>
      this.#showPersonal ? message : message.replace(/"[\s\S]*" is not valid JSON/, '"…" is not valid JSON');
    this.#wave = waveWork(w.items, w.actions, w.env, (problem) => this.#privacy(notJson(problem))!);
    w.stats.notPayload = this.#wave.notPayload;
    w.stats.notApplicable = this.#wave.notApplicable;
    const total = this.#wave.work.reduce((n, u) => n + u.actions.length, 0);
    this.#progress = new ProgressView(w.io, total, w.args.flags.has('quiet'));
    setMaxListeners(0, this.#controller.signal); // one abort listener per request in flight
  }

  #privacy(text: string | undefined): string | undefined {
    return text === undefined ? undefined : redactText(text, { show: this.#showPersonal });
  }

  #privateErrors(errors: JournalError[] | undefined): JournalError[] | undefined {
    return errors?.map((e) => ({ ...e, message: redactFieldMessage(e.path, e.message, { show: this.#showPersonal }) }));
  }

  readonly #onSignal = (): void => {
    this.#interrupted = true;
    if (!this.#stopping) {
      this.#stopping = true;
      this.#progress.note(
        'kraken-import: stopping — finishing what is in flight (press Ctrl-C again to cancel it; a cancelled create becomes "outcome unknown")',
      );
    } else this.#controller.abort();
  };

  /** Resolves once the record is on disk (fsync'd). */
  #record(item: WaveItem, action: ActionId, key: string, rest: Partial<JournalRecord> & Pick<JournalRecord, 'phase'>): Promise<void> {
    const { runId, env, journal } = this.#w;
    return journal.append({
      v: 1 as const,
      run: runId,
      env: env.name,
      key,
      file: item.file,
      ...(item.line !== undefined ? { line: item.line } : {}),
      ...(item.identified ? { account: item.identityKey } : {}),
      action,
      at: new Date().toISOString(),
      ...rest,
    });
  }

  readonly #onProgress = (e: ProgressEvent): void => {
    const { stats, gate } = this.#w;
    if (e.kind === 'rate-limited') {
      stats.rateLimited++;
      stats.rateWaitMs += e.waitMs ?? 0;
      gate.rateLimited(e.waitMs ?? 1000);
      this.#progress.changed();
    } else if (e.kind === 'retry') stats.retries++;
  };

  #unitProgress(key: string) {
    return (e: ProgressEvent): void => {
      this.#onProgress(e);
      if (e.kind !== 'rate-limited' && e.kind !== 'retry') return;
      const s = this.#callStats.get(key) ?? { rateLimited: 0, waitedMs: 0, retries: 0 };
      if (e.kind === 'rate-limited') {
        s.rateLimited++;
        s.waitedMs += e.waitMs ?? 0;
      } else s.retries++;
      this.#callStats.set(key, s);
    };
  }

  /** Asks Kraken whether an in-doubt create went through (the decision is core's; this is the I/O). */
  async #checkCreate(plan: RequestPlan, attemptAt: string | undefined): Promise<CreateCheck> {
    const lookup = createLookup(plan);
    if ('state' in lookup) return lookup;
    const { client, env } = this.#w;
    const opts = { signal: this.#controller.signal, onProgress: this.#onProgress };
    if (env.flow === 'v2')
      return judgeImportStatus(await client.importStatus(lookup.importSupplierCode, lookup.externalIdentifier, opts), attemptAt);
    return judgeTransferStatus(await client.accountTransferStatus(lookup.importSupplierCode, lookup.externalIdentifier, opts));
  }

  /** The outcome record: journal, tally, problems, progress line. */
  async #finish(item: WaveItem, action: ActionId, key: string, given: OutcomeRecord): Promise<JournalStatus> {
    const tally = this.#tallies.get(action)!;
    const calls = this.#callStats.get(key);
    this.#callStats.delete(key);
    const rec = {
      ...given,
      ...(calls?.rateLimited ? { rateLimited: calls.rateLimited, waitedMs: calls.waitedMs } : {}),
      ...(calls?.retries ? { retries: calls.retries } : {}),
      ...(given.message !== undefined ? { message: this.#privacy(given.message) } : {}),
      ...(given.errors ? { errors: this.#privateErrors(given.errors) } : {}),
    };
    await this.#record(item, action, key, { phase: 'outcome', ...rec });
    tally[rec.status]++;
    if (rec.status !== 'ok')
      this.#problems.push({ where: where(item), action, status: rec.status, message: rec.message ?? rec.reason ?? rec.status });
    this.#progress.unit(
      rec.status,
      `${rec.status.padEnd(7)} ${action.padEnd(14)} ${where(item)}  ${item.identified ? item.identityKey : ''}${rec.kraken?.accountNumber ? `  ${rec.kraken.accountNumber}` : ''}  ${rec.message ?? ''}`,
    );
    return rec.status;
  }

  /**
   * An earlier send of this unit is in doubt: the outcome when it is settled without sending (found in Kraken, or
   * held as unknown), undefined when it is to be sent.
   */
  async #settleInDoubt(action: ActionId, plan: RequestPlan, state: UnitState, finish: Finish): Promise<JournalStatus | undefined> {
    const resend = resendAfterInterruption(plan);
    const decision = decideInDoubt({
      createsAccount: plan.createsAccount,
      resendable: resend.safe,
      retryUnknown: this.#w.args.flags.has('retry-unknown'),
    });
    if (decision === 'send') return undefined;
    if (decision === 'hold') return finish({ status: 'unknown', reason: 'in-doubt', message: heldInDoubtMessage(resend.reason) });
    const r = await this.#checkCreate(plan, state.attempt?.at);
    if (r.state === 'created') {
      this.#tallies.get(action)!.reconciled++;
      return finish({ reason: 'reconciled', ...createdRecord(r, plan, this.#w.env) });
    }
    if (r.state === 'unknown') return finish({ status: 'unknown', reason: 'in-doubt', message: unknownCreateMessage(r.message) });
    // Not processed: Kraken has no trace of it, so sending it is not sending it twice.
    return undefined;
  }

  /** After a successful create with --wait: follow its import status to its final state. */
  async #followImport(plan: RequestPlan, result: KrakenResult<unknown>, message: string, finish: Finish): Promise<JournalStatus> {
    const { client, env, io } = this.#w;
    const poll = plan.poll!;
    const polled = await client.pollImportStatus(poll.importSupplierCode, poll.externalIdentifier, {
      signal: this.#controller.signal,
      onProgress: this.#onProgress,
      intervalMs: io.pollIntervalMs ?? 1000,
      maxIntervalMs: 10_000,
    });
    if (polled.ok) return finish({ ...v2StatusRecord(polled.data, plan, env), attempts: result.attempts });
    return finish({
      status: 'ok',
      reason: 'scheduled',
      http: result.ok ? result.status : undefined,
      message: `${message} The import status could not be followed: ${polled.message}`,
      attempts: result.attempts,
    });
  }

  /** The call (inside the create gate when it takes a slot), with the check in Kraken when a create's answer is lost. */
  async #send(item: WaveItem, action: ActionId, key: string, plan: RequestPlan, slot: boolean, finish: Finish): Promise<JournalStatus> {
    const { client, env, gate } = this.#w;
    const signal = this.#controller.signal;
    await this.#record(item, action, key, { phase: 'attempt' }); // on disk before the request leaves
    this.#tallies.get(action)!.sent++;
    const progressOf = this.#unitProgress(key);
    let result: KrakenResult<unknown> = await callKraken(client, plan.call, { signal, onProgress: progressOf });
    let outcome = describeResult(plan, env.name, result, item.doc);
    if (askKrakenAfterSend(result, plan, signal.aborted)) {
      // The connection dropped after sending: ask Kraken before deciding anything.
      const r = await this.#checkCreate(plan, new Date(Date.now() - 60_000).toISOString());
      if (r.state === 'created') {
        this.#tallies.get(action)!.reconciled++;
        if (slot) gate.succeeded();
        return finish({ reason: 'reconciled', ...createdRecord(r, plan, env), attempts: result.attempts });
      }
      if (r.state === 'not-processed') {
        // Kraken never saw it: one more send is the first one that counts.
        await this.#record(item, action, key, { phase: 'attempt', reason: 'resend-after-check' });
        result = await callKraken(client, plan.call, { signal, onProgress: progressOf });
        outcome = describeResult(plan, env.name, result, item.doc);
      }
    }
    if (result.ok) {
      if (slot) gate.succeeded();
      if (this.#w.args.flags.has('wait') && plan.poll && outcome.poll) return this.#followImport(plan, result, outcome.message, finish);
    }
    return finish(answerRecord(result, outcome));
  }

  /** One action on one payload: journal check, in-doubt rule, gate, call, outcome record. */
  async #runUnit(item: WaveItem, action: ActionId): Promise<JournalStatus | 'done'> {
    const { env, journal, args, gate } = this.#w;
    const key = unitKey(action, item);
    const finish: Finish = (given) => this.#finish(item, action, key, given);
    const state: UnitState | undefined = journal.get(env.name, key);
    if (state?.outcome?.status === 'ok' && !state.inDoubt) {
      this.#tallies.get(action)!.done++;
      this.#progress.unit(
        'done',
        `done    ${action.padEnd(14)} ${where(item)}  (already ${state.outcome.kraken?.accountNumber ? `done: ${state.outcome.kraken.accountNumber}` : 'done'} in ${state.outcome.run})`,
      );
      return 'done';
    }
    const operationsTeam = args.options['operations-team'] ?? operationsTeamFor(item.kind, item.doc, env);
    const planned = planRequest({ action, kind: item.kind, doc: item.doc, env, operationsTeam });
    if (!planned.ok) return finish({ status: 'failed', reason: 'not-sent', message: planned.reason });
    const plan = planned.plan;
    if (state && (state.inDoubt || state.outcome?.status === 'unknown')) {
      const settled = await this.#settleInDoubt(action, plan, state, finish);
      if (settled) return settled;
    }
    // Dry-run creates are processed by Kraken like creates (and count against its concurrency limit).
    const slot = action === 'create' || action === 'create-dry-run';
    if (slot && !(await gate.acquire(this.#controller.signal)))
      return finish({ status: 'failed', reason: 'cancelled', message: 'Cancelled before it was sent.' });
    try {
      return await this.#send(item, action, key, plan, slot, finish);
    } finally {
      if (slot) gate.release();
    }
  }

  async #workers(): Promise<void> {
    const { work } = this.#wave;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!this.#stopping && next < work.length) {
        const { item, actions: itemActions } = work[next++];
        for (let i = 0; i < itemActions.length; i++) {
          if (i > 0 && this.#stopping) {
            this.#progress.skip(itemActions.length - i); // stopping: the next step waits for the rerun
            break;
          }
          const status = await this.#runUnit(item, itemActions[i]);
          if (status !== 'ok' && status !== 'done') {
            this.#progress.skip(itemActions.length - i - 1);
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#w.workers, Math.max(1, work.length)) }, worker));
  }

  /** Runs the wave, prints the summary, returns the exit code. */
  async run(): Promise<number> {
    const w = this.#w;
    if (w.io.signals) {
      process.on('SIGINT', this.#onSignal);
      process.on('SIGTERM', this.#onSignal);
    }
    try {
      await this.#workers();
    } finally {
      if (w.io.signals) {
        process.off('SIGINT', this.#onSignal);
        process.off('SIGTERM', this.#onSignal);
      }
      this.#progress.end();
    }
    const summary = {
      env: w.env,
      actions: w.actions,
      itemCount: w.items.length,
      allCount: w.allCount,
      shard: w.shard,
      workers: w.workers,
      started: w.started,
      stats: w.stats,
      tallies: this.#tallies,
      local: this.#wave.local,
      problems: this.#problems,
      journal: w.journal,
      cwd: w.io.cwd,
      interrupted: this.#interrupted,
    };
    w.io.stdout.write(summaryLines(summary).join('\n') + '\n');
    return waveExitCode(summary);
  }
}
