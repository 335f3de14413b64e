/** The v2 import status: reading Kraken's answer, the words for each status, and following it until it is final. */
import { isObject, str } from './answers';
import { seconds } from './http';
import { redactText } from './redact';
import { emit, sleep } from './retry';
import { FINAL_IMPORT_STATUSES, PENDING_IMPORT_STATUSES, type ImportStatusData, type KrakenResult, type PollOptions } from './types';

export function parseImportStatus(b: Record<string, unknown>): ImportStatusData {
  const status = str(b.status) ?? 'UNKNOWN';
  const upper = status.toUpperCase();
  const phase: ImportStatusData['phase'] =
    upper === 'PROCESSED' || upper === 'DRY_RUN_SUCCEEDED'
      ? 'succeeded'
      : upper === 'ERRORED' || upper === 'DRY_RUN_ERRORED'
        ? 'failed'
        : upper === 'CANCELLED'
          ? 'cancelled'
          : (PENDING_IMPORT_STATUSES as readonly string[]).includes(upper)
            ? 'pending'
            : 'unknown';
  const le = isObject(b.latest_error) ? b.latest_error : undefined;
  return {
    status,
    phase,
    final: (FINAL_IMPORT_STATUSES as readonly string[]).includes(upper),
    krakenIdentifier: str(b.kraken_identifier) ?? null,
    createdAt: str(b.created_at),
    modifiedAt: str(b.modified_at),
    latestError: le ? { code: str(le.code), detail: str(le.detail) ?? JSON.stringify(le), domain: str(le.domain) } : null,
    latestEvent: isObject(b.latest_event) ? (b.latest_event as ImportStatusData['latestEvent']) : null,
  };
}

function statusMessage(s: ImportStatusData): string {
  switch (s.status.toUpperCase()) {
    case 'PENDING':
      return 'Import scheduled, waiting to start.';
    case 'IN_PROGRESS':
      return 'Import in progress.';
    case 'PROCESSED':
      return `Import processed${s.krakenIdentifier ? `: ${s.krakenIdentifier}` : ''}.`;
    case 'DRY_RUN_SUCCEEDED':
      return 'Dry run succeeded: the account would import (nothing was created).';
    case 'CANCELLED':
      return 'Import cancelled.';
    case 'ERRORED':
      return `Import failed${s.latestError ? `: ${s.latestError.detail}` : ''}.`;
    case 'DRY_RUN_ERRORED':
      return `Dry run failed${s.latestError ? `: ${s.latestError.detail}` : ''}.`;
    default:
      return `Kraken reported the import status "${s.status}", which this tool does not know; still waiting.`;
  }
}

/**
 * Reads the import status until it is final (PROCESSED, DRY_RUN_SUCCEEDED, CANCELLED, ERRORED, DRY_RUN_ERRORED),
 * waiting longer between reads (backoff). Unknown statuses are reported and waited on, up to `maxUnknown` reads in
 * a row. Resolves with the final status (a failed import is `ok: true` with `phase: 'failed'`).
 */
export async function followImportStatus(
  read: () => Promise<KrakenResult<ImportStatusData>>,
  log: (line: string) => void,
  importSupplierCode: string,
  externalIdentifier: string,
  opts: PollOptions,
): Promise<KrakenResult<ImportStatusData>> {
  const interval0 = opts.intervalMs ?? 1000;
  const maxInterval = opts.maxIntervalMs ?? 15_000;
  const deadline = Date.now() + (opts.deadlineMs ?? 30 * 60 * 1000);
  const maxUnknown = opts.maxUnknown ?? 20;
  let interval = interval0;
  let unknownInARow = 0;
  let lastStatus: string | undefined;
  let reads = 0;
  for (;;) {
    const r = await read();
    reads++;
    if (!r.ok) return r;
    const s = r.data;
    if (s.status !== lastStatus) {
      emit(opts, { kind: 'status', status: s.status, message: statusMessage(s) });
      log(`import status ${importSupplierCode}/${redactText(externalIdentifier)}: ${s.status}`);
      lastStatus = s.status;
    }
    if (s.final) return r;
    if (s.phase === 'unknown') {
      unknownInARow++;
      if (unknownInARow >= maxUnknown) {
        return {
          ok: false,
          reason: 'unexpected',
          status: r.status,
          errors: [],
          body: r.body,
          attempts: reads,
          message: `Kraken keeps reporting the import status "${s.status}", which this tool does not know. Check the account in Kraken's support site before doing anything else.`,
        };
      }
    } else unknownInARow = 0;
    const wait = Math.min(interval, Math.max(0, deadline - Date.now()));
    if (wait <= 0 || Date.now() >= deadline) {
      return {
        ok: false,
        reason: 'timeout',
        status: r.status,
        errors: [],
        body: r.body,
        attempts: reads,
        message: `The import is still ${s.status} after ${seconds(opts.deadlineMs ?? 30 * 60 * 1000)}. It may still finish: read the import status again later.`,
      };
    }
    emit(opts, {
      kind: 'waiting',
      status: s.status,
      waitMs: wait,
      message: `Import ${s.status.toLowerCase().replace(/_/g, ' ')}; checking again in ${seconds(wait)}.`,
    });
    if (!(await sleep(wait, opts.signal))) {
      return {
        ok: false,
        reason: 'cancelled',
        errors: [],
        attempts: reads,
        message: `Stopped following the import status (last: ${s.status}). The import itself goes on in Kraken.`,
      };
    }
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}
