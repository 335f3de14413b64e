/** `GET /v2/data-import/accounts/{code}/{ext}/`: PENDING → IN_PROGRESS → the final status over `processingMs`; 404. */
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';
import { processStatus, settle } from '../v2';

export function statusV2(sb: SandboxCore, _ctx: Ctx, [supplier, ext]: string[]): Reply {
  const { state } = sb;
  const p = state.processes.get(accountKey(supplier, ext));
  if (!p) return { status: 404, body: { detail: 'The requested resource was not found.', code: 'not_found' } };
  settle(sb, p);
  const status = processStatus(p);
  const final = p.settled;
  const iso = (ms: number) => new Date(ms).toISOString();
  const event = final
    ? status === 'ERRORED' || status === 'DRY_RUN_ERRORED'
      ? 'EVENT_ACCOUNT_IMPORT_PROCESS_ERRORED'
      : 'EVENT_ACCOUNT_IMPORT_PROCESS_PROCESSED'
    : 'EVENT_ACCOUNT_IMPORT_PROCESS_CREATED';
  const modified = final ? p.doneAt : status === 'IN_PROGRESS' ? p.startAt + (p.doneAt - p.startAt) / 3 : p.createdAt;
  return {
    status: 200,
    body: {
      status,
      kraken_identifier: final ? p.krakenIdentifier : null,
      created_at: iso(p.createdAt),
      modified_at: iso(modified),
      latest_event: { event, occurred_at: iso(modified), data: final && p.latestError ? p.latestError : null },
      latest_error: final ? p.latestError : null,
    },
  };
}
