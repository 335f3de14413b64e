/** Kraken's answer as the client reads it, and the generic success and failure results built from it. */
import { formatErrors, normaliseErrors } from './errors';
import type { HttpResponse } from './http';
import type { FailureReason, KrakenFailure, KrakenResult } from './types';
import { isObject } from '../json';

export interface Answer {
  status: number;
  headers: HttpResponse['headers'];
  /** Parsed JSON, or the text when it is not JSON; undefined for an empty body. */
  body: unknown;
  attempts: number;
}

export type Exchange = { ok: true; answer: Answer } | { ok: false; failure: KrakenFailure };

export type KrakenSuccess<T> = Extract<KrakenResult<T>, { ok: true }>;

/** What reading an answer needs from the client: the environment's name and the scrubbing of secrets. */
export interface ReadContext {
  envName: string;
  scrub(text: string): string;
}

export { isObject } from '../json';

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Whether the status is one of the endpoint's success statuses. */
export function isOk(ok: readonly number[], a: Answer): boolean {
  return ok.includes(a.status);
}

export function success<T>(a: Answer, data: T): KrakenSuccess<T> {
  return { ok: true, status: a.status, data, body: a.body, attempts: a.attempts };
}

export function fail(
  ctx: ReadContext,
  a: Answer,
  reason: FailureReason,
  message: string,
  extra: Partial<KrakenFailure> = {},
): KrakenFailure {
  const errors = extra.errors ?? normaliseErrors(a.body);
  return { ok: false, reason, status: a.status, message: ctx.scrub(message), errors, body: a.body, attempts: a.attempts, ...extra };
}

/** The generic mapping of a non-success answer. */
export function failureFor(ctx: ReadContext, a: Answer, what: string): KrakenFailure {
  const errors = normaliseErrors(a.body);
  const detail = errors.length ? `: ${formatErrors(errors)}` : '.';
  switch (a.status) {
    case 400:
    case 422:
      return fail(ctx, a, 'invalid', `Kraken did not accept the request to ${what}${detail}`, { errors });
    case 403:
      return fail(
        ctx,
        a,
        'forbidden',
        `Kraken refused to ${what} (403 Forbidden): the key for "${ctx.envName}" is not allowed to do this.`,
      );
    case 404:
      return fail(ctx, a, 'not-found', `Kraken answered "not found" when asked to ${what}${detail}`);
    case 409:
      return fail(ctx, a, 'invalid', `Kraken reported a conflict when asked to ${what}${detail}`);
    default:
      return fail(ctx, a, a.status >= 500 ? 'server-error' : 'unexpected', `Kraken answered ${a.status} when asked to ${what}${detail}`);
  }
}

/** A post-import call's 404: the account is not (yet) imported. */
export function notImported(ctx: ReadContext, a: Answer, body: unknown, what: string): KrakenFailure {
  const b = isObject(body) ? body : {};
  const ext = str(b.external_account_number) ?? str(b.account_number);
  const supplier = str(b.import_supplier) ?? str(b.import_supplier_code);
  const detail = normaliseErrors(a.body)
    .map((e) => e.detail)
    .join(' ');
  return fail(
    ctx,
    a,
    'not-found',
    `Account ${ext ?? '(no external_account_number)'}${supplier ? ` (import supplier ${supplier})` : ''} was not found on "${ctx.envName}"${detail ? ` (${detail})` : ''}. You can only ${what} once the account has been imported — staging it is not enough.`,
  );
}
