/**
 * One call with its retries (the one place of the retry rules, see client.ts): auth, 401 refresh, 429 wait, 5xx
 * backoff, network errors. Resolves with the final answer for any status that is not retried (2xx, 400, 404, …) or
 * with a failure; reports the exchange to `onExchange` (scrubbed).
 */
import { formatErrors, normaliseErrors } from './errors';
import { checkBaseUrl, send, seconds, TransportError, type HttpResponse } from './http';
import { backoff, emit, retryAfterMs, sleep } from './retry';
import type { Answer, Exchange, ReadContext } from './answers';
import type { Secrets } from './secrets';
import { keyRefused } from './token';
import type {
  CallOptions,
  ExchangeRecord,
  FailureReason,
  KrakenClientOptions,
  KrakenEnvironment,
  KrakenFailure,
  RetryPolicy,
} from './types';

export interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | boolean | undefined>;
  body?: unknown;
  /** What the call is, for messages: "validate the account". */
  what: string;
  /** The request may run twice without harm (the endpoint's repeat-within-a-call fact). */
  repeatable: boolean;
  /** Send the Authorization header (all but the token mutation). */
  auth?: boolean;
}

export interface ExchangeDeps {
  env: KrakenEnvironment;
  options: KrakenClientOptions;
  retry: RetryPolicy;
  timeoutMs: number;
  secrets: Secrets;
  log(line: string): void;
  authorization(opts: CallOptions): Promise<{ header: string } | { failure: KrakenFailure }>;
  /** Drop the cached token (Kraken answered 401 to it). */
  forgetToken(): void;
}

/** Counters of one call's attempts and retries. */
interface Attempts {
  attempts: number;
  serverRetries: number;
  rateRetries: number;
  refreshed: boolean;
}

/** Either try again, or this is the call's result. */
type Step = 'again' | Exchange;

export function urlOf(env: KrakenEnvironment, spec: Pick<CallSpec, 'path' | 'query'>): URL {
  const base = env.baseUrl.replace(/\/+$/, '');
  const url = new URL(base + spec.path);
  for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

function readContext(deps: ExchangeDeps): ReadContext {
  return { envName: deps.env.name, scrub: (t) => deps.secrets.scrub(t) };
}

function failed(
  deps: ExchangeDeps,
  reason: FailureReason,
  message: string,
  attempts: number,
  extra: Partial<KrakenFailure> = {},
): Exchange {
  return { ok: false, failure: { ok: false, reason, message: deps.secrets.scrub(message), errors: [], attempts, ...extra } };
}

/** The call, and the record of it for `onExchange` (the response view). */
export async function exchange(deps: ExchangeDeps, spec: CallSpec, opts: CallOptions): Promise<Exchange> {
  const started = Date.now();
  const x = await exchangeWithRetries(deps, spec, opts);
  if (opts.onExchange && spec.auth !== false) {
    try {
      opts.onExchange(exchangeRecord(deps, spec, x, Date.now() - started));
    } catch {
      /* a broken viewer must not break a call */
    }
  }
  return x;
}

function exchangeRecord(deps: ExchangeDeps, spec: CallSpec, x: Exchange, durationMs: number): ExchangeRecord {
  const scrub = (t: string) => deps.secrets.scrub(t);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((x.ok ? x.answer.headers : undefined) ?? {})) {
    if (/^(content-type|retry-after|x-kraken-sandbox)$/i.test(k) && v !== undefined)
      headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  let requestBody: unknown;
  if (spec.body !== undefined) {
    try {
      requestBody = JSON.parse(scrub(JSON.stringify(spec.body)));
    } catch {
      requestBody = undefined;
    }
  }
  return {
    method: spec.method,
    url: scrub(urlOf(deps.env, spec).toString()),
    auth: deps.env.auth ?? 'kraken-token',
    ...(requestBody !== undefined ? { requestBody } : {}),
    status: x.ok ? x.answer.status : x.failure.status,
    responseBody: x.ok ? x.answer.body : x.failure.body,
    ...(Object.keys(headers).length ? { responseHeaders: headers } : {}),
    attempts: x.ok ? x.answer.attempts : x.failure.attempts,
    durationMs,
    ...(x.ok ? {} : { failure: { reason: x.failure.reason, message: x.failure.message } }),
  };
}

async function exchangeWithRetries(deps: ExchangeDeps, spec: CallSpec, opts: CallOptions): Promise<Exchange> {
  const problem = checkBaseUrl(deps.env.baseUrl);
  if (problem) return failed(deps, 'config', problem, 0);
  const bodyText = spec.body !== undefined ? JSON.stringify(spec.body) : undefined;
  const url = urlOf(deps.env, spec);
  const n: Attempts = { attempts: 0, serverRetries: 0, rateRetries: 0, refreshed: false };
  for (;;) {
    if (opts.signal?.aborted) return failed(deps, 'cancelled', `Cancelled: did not ${spec.what}.`, n.attempts);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': deps.options.userAgent ?? 'kraken-import',
      ...deps.options.headers,
    };
    if (bodyText !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.auth !== false) {
      const auth = await deps.authorization(opts);
      if ('failure' in auth) return { ok: false, failure: { ...auth.failure, attempts: n.attempts + auth.failure.attempts } };
      headers.Authorization = auth.header;
    }
    n.attempts++;
    emit(opts, {
      kind: 'request',
      attempt: n.attempts,
      message: `Asking Kraken "${deps.env.name}" to ${spec.what}${n.attempts > 1 ? ` (attempt ${n.attempts})` : ''}…`,
    });
    const started = Date.now();
    const label = `${spec.method} ${url.pathname}`;
    let res: HttpResponse;
    try {
      const agent = deps.options.agentFor?.(url);
      const timeoutMs = opts.timeoutMs ?? deps.timeoutMs;
      res = await send({ method: spec.method, url, headers, body: bodyText, timeoutMs, signal: opts.signal, ...(agent ? { agent } : {}) });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      deps.log(
        `${label} → ${e.kind}${e.code ? ` ${e.code}` : ''} after ${Date.now() - started} ms (attempt ${n.attempts}${e.sent ? ', request sent' : ''})`,
      );
      const step = await onTransportError(deps, spec, e, n, opts);
      if (step === 'again') continue;
      return step;
    }
    deps.log(`${label} → ${res.status} in ${Date.now() - started} ms (attempt ${n.attempts})`);
    const step = await onAnswer(deps, spec, res, n, opts);
    if (step === 'again') continue;
    return step;
  }
}

/** A request that failed on the wire: retried only when nothing was sent or the call may run twice. */
async function onTransportError(deps: ExchangeDeps, spec: CallSpec, e: TransportError, n: Attempts, opts: CallOptions): Promise<Step> {
  const unknownOutcome = e.sent && !spec.repeatable;
  if (e.kind === 'cancelled') {
    if (unknownOutcome) {
      return failed(
        deps,
        'outcome-unknown',
        `Cancelled after the request to ${spec.what} was sent: Kraken may have processed it. Check the import status (or the account in Kraken) before sending it again.`,
        n.attempts,
      );
    }
    return failed(deps, 'cancelled', `Cancelled: did not ${spec.what}.`, n.attempts);
  }
  if (unknownOutcome) {
    return failed(
      deps,
      'outcome-unknown',
      `Outcome unknown — ${e.message} Kraken may or may not have processed the request to ${spec.what}. Check the import status (or the account in Kraken) before sending it again; it was not sent twice.`,
      n.attempts,
    );
  }
  if (e.kind === 'timeout' && e.sent) {
    return failed(deps, 'timeout', `${e.message} Did not ${spec.what}; try again later or raise the timeout.`, n.attempts);
  }
  if (n.serverRetries < deps.retry.retries) {
    n.serverRetries++;
    const wait = backoff(deps.retry, n.serverRetries);
    emit(opts, {
      kind: 'retry',
      attempt: n.attempts,
      waitMs: wait,
      message: `${e.message} Trying again in ${seconds(wait)} (retry ${n.serverRetries} of ${deps.retry.retries}).`,
    });
    if (!(await sleep(wait, opts.signal))) return failed(deps, 'cancelled', `Cancelled: did not ${spec.what}.`, n.attempts);
    return 'again';
  }
  return failed(
    deps,
    e.kind === 'timeout' ? 'timeout' : 'network',
    `${e.message} Could not ${spec.what} after ${n.attempts} attempts.`,
    n.attempts,
  );
}

/** Kraken answered: 401 (sign in again once), 429 (wait), 5xx (retry when allowed), anything else is the answer. */
async function onAnswer(deps: ExchangeDeps, spec: CallSpec, res: HttpResponse, n: Attempts, opts: CallOptions): Promise<Step> {
  const text = deps.secrets.scrub(res.text);
  let body: unknown = undefined;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (res.status === 401 && spec.auth !== false) return onUnauthorized(deps, body, n, opts);
  if (res.status === 429) return onRateLimited(deps, spec, res, body, n, opts);
  if (res.status >= 500) return onServerError(deps, spec, res, body, n, opts);
  const answer: Answer = { status: res.status, headers: res.headers, body, attempts: n.attempts };
  return { ok: true, answer };
}

function onUnauthorized(deps: ExchangeDeps, body: unknown, n: Attempts, opts: CallOptions): Step {
  if ((deps.env.auth ?? 'kraken-token') === 'kraken-token' && !n.refreshed) {
    n.refreshed = true;
    deps.forgetToken();
    emit(opts, { kind: 'auth', attempt: n.attempts, message: 'Kraken did not accept the token; signing in again.' });
    return 'again';
  }
  const errors = normaliseErrors(body);
  const detail = errors.map((e) => e.detail).join(' ');
  return { ok: false, failure: { ...keyRefused(readContext(deps), detail, n.attempts, 401), body, errors } };
}

async function onRateLimited(
  deps: ExchangeDeps,
  spec: CallSpec,
  res: HttpResponse,
  body: unknown,
  n: Attempts,
  opts: CallOptions,
): Promise<Step> {
  const policy = deps.retry;
  if (n.rateRetries < policy.rateLimitRetries) {
    n.rateRetries++;
    const after = retryAfterMs(res.headers['retry-after']);
    // Retry-After is a minimum; a growing backoff keeps a "Retry-After: 0" storm from burning the retries at once.
    const wait = Math.min(policy.maxDelayMs, Math.max(after ?? 0, backoff(policy, n.rateRetries)));
    emit(opts, {
      kind: 'rate-limited',
      attempt: n.attempts,
      waitMs: wait,
      message: `Kraken is busy (429: too many accounts being processed at once). Waiting ${seconds(wait)} before trying again (${n.rateRetries} of ${policy.rateLimitRetries}).`,
    });
    if (!(await sleep(wait, opts.signal)))
      return failed(deps, 'cancelled', `Cancelled while waiting to ${spec.what} (Kraken was busy; nothing was processed).`, n.attempts);
    return 'again';
  }
  return failed(
    deps,
    'rate-limited',
    `Kraken is still busy after ${n.rateRetries} retries (429: the concurrency limit on accounts processed at once). Nothing was processed; try again once other imports have finished.`,
    n.attempts,
    { status: 429, body, errors: normaliseErrors(body) },
  );
}

/**
 * 500/502/503/504: retried with backoff — except for calls that must not run twice, which are retried only on 500
 * and 503 (Kraken answered and did not process the request); their 502/504 is `outcome-unknown`.
 */
async function onServerError(
  deps: ExchangeDeps,
  spec: CallSpec,
  res: HttpResponse,
  body: unknown,
  n: Attempts,
  opts: CallOptions,
): Promise<Step> {
  const policy = deps.retry;
  const notProcessed = res.status === 500 || res.status === 503;
  const retryable = [500, 502, 503, 504].includes(res.status) && (spec.repeatable || notProcessed);
  if (retryable && n.serverRetries < policy.retries) {
    n.serverRetries++;
    const after = res.status === 503 ? retryAfterMs(res.headers['retry-after']) : undefined;
    const wait = after !== undefined ? Math.min(policy.maxDelayMs, Math.max(after, policy.baseDelayMs)) : backoff(policy, n.serverRetries);
    emit(opts, {
      kind: 'retry',
      attempt: n.attempts,
      waitMs: wait,
      message: `Kraken answered ${res.status}. Trying again in ${seconds(wait)} (retry ${n.serverRetries} of ${policy.retries}).`,
    });
    if (!(await sleep(wait, opts.signal))) return failed(deps, 'cancelled', `Cancelled: did not ${spec.what}.`, n.attempts);
    return 'again';
  }
  if (!retryable && !spec.repeatable && (res.status === 502 || res.status === 504)) {
    return failed(
      deps,
      'outcome-unknown',
      `Outcome unknown — a gateway answered ${res.status} while Kraken may still be working on the request to ${spec.what}. Check the import status (or the account in Kraken) before sending it again; it was not sent twice.`,
      n.attempts,
      { status: res.status, body },
    );
  }
  const errors = normaliseErrors(body);
  return failed(
    deps,
    'server-error',
    `Kraken answered ${res.status} (server error)${retryable ? ` ${n.attempts} times` : ''}; could not ${spec.what}.${errors.length ? ` ${formatErrors(errors)}` : ''}`,
    n.attempts,
    { status: res.status, body, errors },
  );
}
