/**
 * Sends in doubt: an earlier send of the same request was interrupted (or its answer was lost), so Kraken may or may
 * not have processed it. Pure decisions; the caller does the I/O (journal, Kraken calls).
 *
 * The rule: a create is never sent again blindly. Kraken is asked whether it went through (v2: the import status, a
 * process created after the attempt; v1: the transfer status, a Kraken account number); only when Kraken has no trace
 * of it is it sent again. Other requests are sent again when Kraken deduplicates or merely checks them, or when the
 * user says so (after checking in Kraken).
 */
import type { ImportStatusData, KrakenResult, TransferStatusData } from '../kraken/types';
import type { RequestPlan } from './plan';

/** What to do with a request whose earlier send is in doubt: ask Kraken first, send it (again), or hold it as unknown. */
export type InDoubtDecision = 'ask-kraken' | 'send' | 'hold';

export function decideInDoubt(o: {
  /** The request creates an account (a create; dry runs create nothing). */
  createsAccount: boolean;
  /** Kraken deduplicates or merely checks this request, so sending it twice does no harm (the endpoint's repeatAfterInterruption). */
  resendable: boolean;
  /** The user checked in Kraken and asked to send such requests again. */
  retryUnknown: boolean;
}): InDoubtDecision {
  if (o.createsAccount) return 'ask-kraken';
  return o.resendable || o.retryUnknown ? 'send' : 'hold';
}

/** The message of a request held because it may not be sent twice; `why` is the endpoint's reason (core/src/endpoints). */
export function heldInDoubtMessage(why: string): string {
  return `Outcome unknown — an earlier send was interrupted and ${why}. Check in Kraken, then rerun with --retry-unknown to send it again.`;
}

/** The message of an in-doubt create Kraken could not be asked about. */
export function unknownCreateMessage(why: string): string {
  return `Outcome unknown — an earlier send may have created it; ${why}. Check in Kraken.`;
}

/** A create sent now whose answer was lost after sending (and not cancelled): ask Kraken before deciding anything. */
export function askKrakenAfterSend(result: KrakenResult<unknown>, plan: RequestPlan, cancelled: boolean): boolean {
  return !result.ok && result.reason === 'outcome-unknown' && plan.createsAccount && !cancelled;
}

/** What Kraken's answer says about an in-doubt create. */
export type CreateCheck =
  | { state: 'created'; importStatus: ImportStatusData }
  | { state: 'created'; accountNumber: string }
  | { state: 'not-processed'; why: string }
  | { state: 'unknown'; message: string };

/** Clock skew allowed between our attempt and Kraken's process creation time. */
const SKEW_MS = 5 * 60_000;

/** The account to look the create up by, or why it cannot be looked up. */
export function createLookup(plan: RequestPlan): { importSupplierCode: string; externalIdentifier: string } | CreateCheck {
  const code = plan.identity.importSupplier;
  const ext = plan.identity.externalAccountNumber;
  if (!code || !ext)
    return { state: 'unknown', message: 'the payload names no import supplier and external account number to look it up by' };
  return { importSupplierCode: code, externalIdentifier: ext };
}

/** v2: the import status after an in-doubt create made at `attemptAt`. */
export function judgeImportStatus(r: KrakenResult<ImportStatusData>, attemptAt: string | undefined): CreateCheck {
  if (!r.ok) {
    return r.reason === 'not-found'
      ? { state: 'not-processed', why: 'Kraken has no import process for it' }
      : { state: 'unknown', message: `could not read the import status: ${r.message}` };
  }
  const s = r.data;
  const created = s.createdAt ? Date.parse(s.createdAt) : NaN;
  const attempt = attemptAt ? Date.parse(attemptAt) : NaN;
  // A dry-run process, or one created well before our attempt (clock skew allowed), is not our create.
  if (/^DRY_RUN_/i.test(s.status) || (!Number.isNaN(created) && !Number.isNaN(attempt) && created < attempt - SKEW_MS)) {
    return { state: 'not-processed', why: `the only import process is an earlier one (${s.status})` };
  }
  return { state: 'created', importStatus: s };
}

/** v1: the transfer status after an in-doubt create. */
export function judgeTransferStatus(r: KrakenResult<TransferStatusData>): CreateCheck {
  if (!r.ok) {
    return r.reason === 'not-found'
      ? { state: 'not-processed', why: 'Kraken has no account for it (transfer status 404)' }
      : { state: 'unknown', message: `could not read the transfer status: ${r.message}` };
  }
  if (!r.data.krakenAccountNumber)
    return { state: 'not-processed', why: `Kraken has no account for it yet (transfer status ${r.data.status})` };
  return { state: 'created', accountNumber: r.data.krakenAccountNumber };
}
