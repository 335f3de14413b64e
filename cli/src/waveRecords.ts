/** `send`: journal records of outcomes (what Kraken answered, what a check in Kraken found) and where a unit is. */
import type { ImportStatusData, KrakenResult } from '../../core/src/kraken';
import { type CreateCheck, describeImportStatus, type EnvironmentSetting, type Outcome, type RequestPlan } from '../../core/src/send';
import type { JournalError, JournalRecord, JournalStatus, WaveItem } from '../../core/src/waves';

/** An outcome record: the status and what goes with it. */
export type OutcomeRecord = Partial<JournalRecord> & { status: JournalStatus };

export function where(item: WaveItem): string {
  return item.line === undefined ? item.file : `${item.file}:${item.line}`;
}

function errorsOf(outcome: Outcome, limit = 20): JournalError[] | undefined {
  if (!outcome.findings.length) return undefined;
  return outcome.findings.slice(0, limit).map((f) => ({ path: f.path, ...(f.code ? { code: f.code } : {}), message: f.message }));
}

export function v2StatusRecord(s: ImportStatusData, plan: RequestPlan, env: EnvironmentSetting): OutcomeRecord {
  const o = describeImportStatus(s, plan.identity, `Kraken (${env.name})`);
  const status: JournalStatus = s.phase === 'failed' || s.phase === 'cancelled' ? 'failed' : 'ok';
  return {
    status,
    http: 200,
    kraken: {
      importStatus: s.status,
      ...(s.krakenIdentifier ? { krakenIdentifier: s.krakenIdentifier, accountNumber: s.krakenIdentifier } : {}),
    },
    message: o.message,
    ...(s.latestError
      ? { errors: [{ path: null, ...(s.latestError.code ? { code: s.latestError.code } : {}), message: s.latestError.detail }] }
      : {}),
  };
}

/** The record of a create Kraken says went through (found by a check after an interrupted send). */
export function createdRecord(
  check: Extract<CreateCheck, { state: 'created' }>,
  plan: RequestPlan,
  env: EnvironmentSetting,
): OutcomeRecord {
  if ('importStatus' in check) return v2StatusRecord(check.importStatus, plan, env);
  return {
    status: 'ok',
    http: 200,
    kraken: { accountNumber: check.accountNumber },
    message: `Created: Kraken account ${check.accountNumber} (found by its transfer status after an interrupted send).`,
  };
}

/** The errors of a failed call: the outcome's findings (document paths), else Kraken's errors as sent. */
function failureErrors(outcome: Outcome, result: KrakenResult<unknown>): { errors?: JournalError[] } {
  const fromOutcome = errorsOf(outcome);
  if (fromOutcome) return { errors: fromOutcome };
  if (result.ok || !result.errors.length) return {};
  return {
    errors: result.errors.slice(0, 20).map((e) => ({ path: e.attr || null, ...(e.code ? { code: e.code } : {}), message: e.detail })),
  };
}

function krakenIds(result: KrakenResult<unknown>, outcome: Outcome): JournalRecord['kraken'] | undefined {
  const data = result.ok && result.data && typeof result.data === 'object' ? (result.data as Record<string, unknown>) : {};
  const ids: NonNullable<JournalRecord['kraken']> = {};
  const number = outcome.krakenAccountNumber ?? (typeof data.krakenAccountNumber === 'string' ? data.krakenAccountNumber : undefined);
  if (number) ids.accountNumber = number;
  if (typeof data.reference === 'string' && data.reference) ids.reference = data.reference;
  return Object.keys(ids).length ? ids : undefined;
}

/** The record of a call's answer (not followed further). */
export function answerRecord(result: KrakenResult<unknown>, outcome: Outcome): OutcomeRecord {
  if (result.ok) {
    const failedLevel = outcome.level === 'error';
    return {
      status: failedLevel ? 'failed' : 'ok',
      http: result.status,
      ...(krakenIds(result, outcome) ? { kraken: krakenIds(result, outcome) } : {}),
      message: outcome.message,
      ...(errorsOf(outcome) ? { errors: errorsOf(outcome) } : {}),
      attempts: result.attempts,
    };
  }
  const status: JournalStatus = result.reason === 'outcome-unknown' ? 'unknown' : 'failed';
  return {
    status,
    reason: result.reason,
    ...(result.status !== undefined ? { http: result.status } : {}),
    ...(result.krakenAccountNumber ? { kraken: { accountNumber: result.krakenAccountNumber } } : {}),
    message: outcome.message,
    ...failureErrors(outcome, result),
    attempts: result.attempts,
  };
}
