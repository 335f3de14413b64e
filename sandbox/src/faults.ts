/**
 * Fault injection: make the next matching request(s) fail, slow down or lose their connection.
 *
 *   sandbox.faults.add({ match: '/v1/data-import/validate-account/', status: 500, times: 2 });
 *   sandbox.faults.add({ match: '/v1/data-import/account-import-process/process/', drop: true });     // processed, then dropped
 *   sandbox.faults.add({ match: '/v1/data-import/account-import-process/process/', status: 429, times: 5, retryAfter: 0 });
 *   sandbox.faults.add({ match: '/v2/data-import/accounts/validate/', delayMs: 5000 });
 *   sandbox.faults.add({ match: '/v2/data-import/accounts/', method: 'POST', importOutcome: 'ERRORED' });
 *
 * Over HTTP: `POST /__sandbox/faults` with the same JSON (one object or a list), `GET` lists, `DELETE` clears.
 */
import { randomBytes } from 'node:crypto';
import type { ProcessOutcome } from './state';

export interface FaultSpec {
  /** Path prefix the fault applies to (`/v1/data-import/validate-account/`); `*` for every path. Query strings are ignored. */
  match: string;
  /** Only this method (GET, POST); any when absent. */
  method?: string;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** Body of that answer (JSON); a default body for the status when absent. */
  body?: unknown;
  headers?: Record<string, string>;
  /** `Retry-After` seconds for a 429/503 answer. */
  retryAfter?: number;
  /** How many matching requests it applies to. Default 1; 0 or less: until removed. */
  times?: number;
  /** Wait this long before answering (or before dropping). */
  delayMs?: number;
  /**
   * Close the connection without an answer. `true` / `'after'`: the request is handled first (a create is
   * processed — the "outcome unknown" case); `'before'`: it is not handled.
   */
  drop?: boolean | 'before' | 'after';
  /** For v2 create: the final status the scheduled import process reaches. */
  importOutcome?: Exclude<ProcessOutcome, 'PROCESSED' | 'DRY_RUN_SUCCEEDED'>;
  /** For v2 create with `importOutcome`: the `latest_error`. */
  latestError?: { code: string; detail: string; domain?: string };
}

export interface Fault extends FaultSpec {
  id: string;
  /** Requests it has applied to. */
  hits: number;
}

const DEFAULT_BODIES: Record<number, unknown> = {
  400: { detail: 'Bad request (sandbox fault).', code: 'invalid' },
  401: { detail: 'Authentication credentials were not provided.', code: 'not_authenticated' },
  403: { detail: 'You do not have permission to perform this action.', code: 'permission_denied' },
  404: { detail: 'The requested resource was not found.', code: 'not_found' },
  429: {
    detail: 'Too many accounts are being processed at once. Retry once other accounts have finished processing.',
    code: 'too_many_requests',
  },
  500: { detail: 'A server error occurred.', code: 'error' },
  502: { detail: 'Bad gateway.', code: 'bad_gateway' },
  503: { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' },
  504: { detail: 'Gateway timeout.', code: 'gateway_timeout' },
};

export function defaultFaultBody(status: number): unknown {
  return DEFAULT_BODIES[status] ?? { detail: `Sandbox fault ${status}.`, code: String(status) };
}

export function validateFaultSpec(spec: unknown): string | undefined {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    return 'A fault is a JSON object: {"match": "/v1/…/", "status": 500, "times": 2}.';
  const s = spec as Record<string, unknown>;
  if (typeof s.match !== 'string' || !s.match) return '"match" (a path prefix, or "*") is required.';
  if (s.status !== undefined && (typeof s.status !== 'number' || s.status < 100 || s.status > 599))
    return '"status" must be an HTTP status (100–599).';
  if (s.times !== undefined && typeof s.times !== 'number') return '"times" must be a number (0: until removed).';
  if (s.delayMs !== undefined && (typeof s.delayMs !== 'number' || s.delayMs < 0)) return '"delayMs" must be a non-negative number.';
  if (s.drop !== undefined && ![true, false, 'before', 'after'].includes(s.drop as never))
    return '"drop" must be true, "before" or "after".';
  if (s.status === undefined && s.drop === undefined && s.delayMs === undefined && s.importOutcome === undefined) {
    return 'A fault needs at least one of "status", "drop", "delayMs", "importOutcome".';
  }
  return undefined;
}

export class FaultController {
  private faults: Fault[] = [];

  /** Adds a fault; returns its id. Throws on an invalid spec. */
  add(spec: FaultSpec): string {
    const problem = validateFaultSpec(spec);
    if (problem) throw new Error(problem);
    const id = `fault-${randomBytes(3).toString('hex')}`;
    this.faults.push({ ...spec, id, hits: 0 });
    return id;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first live fault for this request, counted as used. */
  take(method: string, path: string): Fault | undefined {
    const f = this.faults.find(
      (x) => (x.match === '*' || path.startsWith(x.match)) && (!x.method || x.method.toUpperCase() === method.toUpperCase()),
    );
    if (!f) return undefined;
    f.hits++;
    const times = f.times ?? 1;
    if (times > 0 && f.hits >= times) this.remove(f.id);
    return { ...f };
  }
}
