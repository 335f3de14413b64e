/**
 * Kraken error bodies -> `{ attr, code?, detail }[]`.
 *
 * Shapes handled (kraken-api-notes §3.1):
 * - standardized: `{"detail","code","errors":[{"detail","code","attr"}]}` (attr may be null or "non_field_errors");
 * - DRF nested: `{"customers":{"0":{"landline":["abcde is not a valid phone number"]}}}` and lists of per-item
 *   objects (`{"transactions":[{}, {"reason":["…"]}]}`);
 * - `non_field_errors` as a list (of strings or `{detail, code}`) or as one object `{detail, code}`, beside context
 *   fields (`external_account_number`, `kraken_account_number`, `account_id`);
 * - `{code, detail, domain}` and `{detail, code}` (ErrorResponse);
 * - `{error_detail, …}` (payment instructions) and `{status: "TRANSACTION_IMPORT_ERROR", error_detail, transaction_data}`;
 * - a plain string (or a JSON string).
 */
import type { KrakenFieldError } from './types';
import { isObject } from '../json';

/** Top-level fields Kraken puts beside errors for context; they are not errors themselves. */
const CONTEXT_KEYS = new Set([
  'external_account_number',
  'kraken_account_number',
  'account_number',
  'account_id',
  'import_supplier',
  'import_supplier_code',
  'external_business_identifier',
  'reference',
  'transaction_data',
  'domain',
  'status',
  'mpxn',
  'meter_points',
]);

const NON_FIELD = new Set(['non_field_errors', '__all__']);

function join(base: string, key: string | number): string {
  if (NON_FIELD.has(String(key))) return base;
  return base === '' ? String(key) : `${base}.${key}`;
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** `{detail, code}` / `{message, code}` / `{string, code}` (an ErrorDetail). */
function detailObject(v: Record<string, unknown>): KrakenFieldError | undefined {
  const text =
    typeof v.detail === 'string'
      ? v.detail
      : typeof v.message === 'string'
        ? v.message
        : typeof v.string === 'string'
          ? v.string
          : undefined;
  if (text === undefined) return undefined;
  const keys = Object.keys(v).filter((k) => !['detail', 'message', 'string', 'code', 'attr', 'domain'].includes(k));
  if (keys.length) return undefined;
  return { attr: '', code: typeof v.code === 'string' ? v.code : v.code !== undefined ? String(v.code) : undefined, detail: text };
}

function walk(value: unknown, attr: string, out: KrakenFieldError[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    out.push({ attr, detail: value });
    return;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    out.push({ attr, detail: String(value) });
    return;
  }
  if (Array.isArray(value)) {
    // A list of messages for one field, or a list of per-item error objects (index = position).
    const allMessages = value.every((v) => typeof v === 'string' || (isObject(v) && detailObject(v)));
    if (allMessages) {
      for (const v of value) {
        if (typeof v === 'string') out.push({ attr, detail: v });
        else {
          const d = detailObject(v as Record<string, unknown>)!;
          out.push({ ...d, attr });
        }
      }
      return;
    }
    value.forEach((v, i) => walk(v, join(attr, i), out));
    return;
  }
  if (isObject(value)) {
    const d = detailObject(value);
    if (d) {
      out.push({ ...d, attr });
      return;
    }
    for (const [k, v] of Object.entries(value)) walk(v, join(attr, k), out);
  }
}

function withCode(e: KrakenFieldError): KrakenFieldError {
  return e.code === undefined ? { attr: e.attr, detail: e.detail } : e;
}

/** Normalises a Kraken error body (parsed JSON or raw text). Never throws. */
export function normaliseErrors(body: unknown): KrakenFieldError[] {
  if (body === null || body === undefined || body === '') return [];
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (/^[[{"]/.test(trimmed)) {
      try {
        return normaliseErrors(JSON.parse(trimmed));
      } catch {
        /* plain text */
      }
    }
    return trimmed ? [{ attr: '', detail: trimmed }] : [];
  }
  if (Array.isArray(body)) {
    const out: KrakenFieldError[] = [];
    // A list of messages, or a list of per-item answers ([{error_detail, …}] from registration flows).
    body.forEach((item, i) => {
      if (typeof item === 'string') out.push({ attr: '', detail: item });
      else if (isObject(item) && typeof item.error_detail === 'string')
        out.push({ attr: '', code: typeof item.status === 'string' ? item.status : undefined, detail: item.error_detail });
      else walk(item, String(i), out);
    });
    return out.map(withCode);
  }
  if (!isObject(body)) return [{ attr: '', detail: asText(body) }];

  // Standardized.
  if (Array.isArray(body.errors)) {
    const out: KrakenFieldError[] = [];
    for (const e of body.errors) {
      if (isObject(e)) {
        const rawAttr = typeof e.attr === 'string' ? e.attr : '';
        const attr = rawAttr
          .split('.')
          .filter((s) => !NON_FIELD.has(s))
          .join('.');
        out.push(withCode({ attr, code: typeof e.code === 'string' ? e.code : undefined, detail: asText(e.detail ?? e.message ?? e) }));
      } else if (typeof e === 'string') out.push({ attr: '', detail: e });
    }
    if (out.length) return out;
    if (typeof body.detail === 'string')
      return [withCode({ attr: '', code: typeof body.code === 'string' ? body.code : undefined, detail: body.detail })];
    return [];
  }

  // {error_detail, …} and {status: TRANSACTION_IMPORT_ERROR, error_detail, transaction_data}.
  if (typeof body.error_detail === 'string') {
    return [
      withCode({
        attr: '',
        code: typeof body.status === 'string' ? body.status : typeof body.code === 'string' ? body.code : undefined,
        detail: body.error_detail,
      }),
    ];
  }

  // ErrorResponse {detail, code[, domain]}.
  if (typeof body.detail === 'string' && Object.keys(body).every((k) => ['detail', 'code', 'domain', 'status'].includes(k))) {
    return [withCode({ attr: '', code: body.code !== undefined ? String(body.code) : undefined, detail: body.detail })];
  }

  const out: KrakenFieldError[] = [];
  const hasNonField = 'non_field_errors' in body || 'detail' in body;
  for (const [k, v] of Object.entries(body)) {
    if (NON_FIELD.has(k)) {
      walk(v, '', out);
      continue;
    }
    if (k === 'detail' && typeof v === 'string') {
      out.push(withCode({ attr: '', code: typeof body.code === 'string' ? body.code : undefined, detail: v }));
      continue;
    }
    if (k === 'code' && hasNonField) continue;
    // Context beside non-field errors (already imported: external_account_number, kraken_account_number, account_id).
    if (CONTEXT_KEYS.has(k) && (hasNonField || typeof v !== 'object')) continue;
    walk(v, k, out);
  }
  return out.map(withCode);
}

/** One line for a list of errors: `customers.0.landline: abcde is not a valid phone number (invalid_phone_number)`. */
export function formatErrors(errors: KrakenFieldError[], max = 5): string {
  const lines = errors.slice(0, max).map((e) => `${e.attr ? `${e.attr}: ` : ''}${e.detail}${e.code ? ` (${e.code})` : ''}`);
  if (errors.length > max) lines.push(`… and ${errors.length - max} more`);
  return lines.join('; ');
}

/** The Kraken account number an "already imported" body names, if any. */
export function alreadyImportedAccount(body: unknown): { imported: boolean; krakenAccountNumber?: string } {
  if (!isObject(body)) {
    return { imported: typeof body === 'string' && /already been imported/i.test(body) };
  }
  const errors = normaliseErrors(body);
  const imported = errors.some(
    (e) =>
      /already(?: been)? imported/i.test(e.detail) ||
      e.code === 'account_import_process_already_imported' ||
      e.code === 'account_already_imported',
  );
  const number =
    typeof body.kraken_account_number === 'string'
      ? body.kraken_account_number
      : typeof body.account_id === 'string'
        ? body.account_id
        : undefined;
  return { imported: imported || (number !== undefined && 'non_field_errors' in body), krakenAccountNumber: number };
}

export const DRY_RUN_SUCCESS = /Account would successfully import\.?\s*Rolled back due to Dry Run/i;

/** Kraken's v1 dry-run success, which arrives as a 400. */
export function isDryRunSuccess(body: unknown): boolean {
  if (typeof body === 'string') return DRY_RUN_SUCCESS.test(body);
  if (isObject(body)) {
    if (typeof body.detail === 'string' && DRY_RUN_SUCCESS.test(body.detail)) return true;
    return normaliseErrors(body).some((e) => DRY_RUN_SUCCESS.test(e.detail));
  }
  if (Array.isArray(body)) return body.some((v) => typeof v === 'string' && DRY_RUN_SUCCESS.test(v));
  return false;
}
