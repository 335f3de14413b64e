/** The waiting part of the retry policy: backoff with jitter, Retry-After, cancellable sleeps, progress events. */
import type { CallOptions, ProgressEvent, RetryPolicy } from './types';

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, rateLimitRetries: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Resolves true after `ms`, false at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Seconds (or an HTTP date) → ms, undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff for the n-th retry, capped, with ±50 % jitter. */
export function backoff(policy: RetryPolicy, n: number): number {
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, n - 1));
  return Math.round(raw * (0.5 + Math.random()));
}

export function emit(opts: CallOptions, event: ProgressEvent): void {
  try {
    opts.onProgress?.(event);
  } catch {
    /* a broken progress callback must not break a call */
  }
}

/** `p`, or 'aborted' as soon as the signal aborts (p goes on). */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | 'aborted'> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
