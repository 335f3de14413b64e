/** Kraken-shaped answers: error bodies from our findings, parse errors, the common 400/404s, and small readers. */
import type { Diagnostic, KindId } from '../../core/src/service';
import type { Ctx, Reply, SandboxCore } from './core';
import { accountKey, type SandboxState } from './state';
import { isObject } from '../../core/src/json';

export { isObject } from '../../core/src/json';

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function truthyParam(v: string | null, dflt: boolean): boolean | 'invalid' {
  if (v === null) return dflt;
  const x = v.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(x)) return true;
  if (['false', '0', 'no', 'off'].includes(x)) return false;
  return 'invalid';
}

/** Our finding codes → the codes Kraken uses for the same problem; codes without a counterpart are kept (snake_case). */
export function krakenCode(code: string): string {
  const map: Record<string, string> = {
    'missing-property': 'required',
    'null-not-allowed': 'null',
    'invalid-type': 'invalid',
    'invalid-enum': 'invalid_choice',
    'invalid-format': 'invalid',
    'invalid-pattern': 'invalid',
    'too-long': 'max_length',
    'too-short': 'min_length',
    'too-many-items': 'max_length',
    'too-few-items': 'min_length',
    'out-of-range': 'invalid',
    'date-order': 'start_date_later_than_end_date',
    'ledger-code-reference': 'ledger_code_does_not_exist',
    'syntax-error': 'parse_error',
  };
  if (map[code]) return map[code];
  if (/phone/.test(code)) return 'invalid_phone_number';
  if (/postcode/.test(code)) return 'invalid_postcode';
  if (/iban/.test(code)) return 'invalid_iban';
  if (/(malo|melo|mpan|mprn|prm|pce|supply-point)/.test(code)) return 'invalid_supply_point_identifier';
  if (/email/.test(code)) return 'invalid';
  return code.replace(/-/g, '_');
}

export interface KrakenError {
  attr: string;
  code: string;
  detail: string;
}

function findingsToErrors(diagnostics: Diagnostic[]): KrakenError[] {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      // A missing property's path is the field's own (Kraken's attr).
      const property = d.code === 'missing-property' && typeof d.data?.property === 'string' ? d.data.property : undefined;
      const attr = d.path;
      // A rule implementing a declared Kraken validator carries Kraken's own code.
      const declared = typeof d.data?.krakenCode === 'string' ? d.data.krakenCode : undefined;
      return {
        attr: attr || 'non_field_errors',
        code: declared ?? krakenCode(d.code),
        detail: property ? 'This field is required.' : d.message,
      };
    });
}

/** Validation with our language service: error-severity findings as Kraken errors. */
export function validate(sb: SandboxCore, body: unknown, kind: KindId): KrakenError[] {
  return findingsToErrors(sb.service.validate(JSON.stringify(body), { kind }).diagnostics);
}

export function standardized(detail: string, errors: KrakenError[], code = 'account_failed_validation'): Record<string, unknown> {
  return { detail, code, errors };
}

/** DRF's nested shape: `{"transactions": {"0": {"reason": ["…"]}}}`. */
export function drfNested(errors: KrakenError[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of errors) {
    const parts = e.attr === 'non_field_errors' ? ['non_field_errors'] : e.attr.split('.');
    let node: Record<string, unknown> = out;
    parts.forEach((p, i) => {
      if (i === parts.length - 1) {
        const list = Array.isArray(node[p]) ? (node[p] as unknown[]) : [];
        list.push(e.detail);
        node[p] = list;
      } else {
        if (!isObject(node[p])) node[p] = {};
        node = node[p] as Record<string, unknown>;
      }
    });
  }
  return out;
}

export function isDate(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The start of the open statement period of an imported account: the day after its last statement closing date. */
export function openPeriodStart(body: Record<string, unknown>): string | undefined {
  const dates: string[] = [];
  if (isDate(body.last_statement_closing_date)) dates.push(body.last_statement_closing_date);
  if (Array.isArray(body.ledgers))
    for (const l of body.ledgers) if (isObject(l) && isDate(l.last_statement_closing_date)) dates.push(l.last_statement_closing_date);
  if (!dates.length) return undefined;
  return addDays(dates.sort().at(-1)!, 1);
}

/** Meter point identifiers of an account payload (DE supply points, UK MPAN/MPRN, AU NMI). */
export function meterPoints(body: Record<string, unknown>): string[] {
  const ids: string[] = [];
  const visit = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (isObject(v)) {
      if (key === 'supply_points' && typeof v.identifier === 'string') ids.push(v.identifier);
      for (const k of ['mpan', 'mprn', 'nmi', 'mirn'])
        if (typeof v[k] === 'string' && (key?.endsWith('meter_points') ?? false)) ids.push(v[k] as string);
      for (const [k, x] of Object.entries(v)) if (k !== 'ledgers' && k !== 'notes') visit(x, k);
    }
  };
  visit(body);
  return [...new Set(ids)];
}

export function parseJson(ctx: Ctx): { ok: true; body: unknown } | { ok: false; reply: Reply } {
  if (ctx.rawBody.trim() === '')
    return {
      ok: false,
      reply: { status: 400, body: { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)', code: 'parse_error' } },
    };
  try {
    return { ok: true, body: JSON.parse(ctx.rawBody) };
  } catch (e) {
    return { ok: false, reply: { status: 400, body: { detail: `JSON parse error - ${(e as Error).message}`, code: 'parse_error' } } };
  }
}

export function alreadyImportedV1(ext: string, number: string): Reply {
  return {
    status: 400,
    body: {
      external_account_number: ext,
      kraken_account_number: number,
      non_field_errors: [`The account import process with the account number ${ext} has already been imported.`],
    },
  };
}

export function accountNotFound(ext: string | undefined): Reply {
  return {
    status: 404,
    body: { detail: `Account not found for ${ext ?? '(no external_account_number)'}.`, code: 'account_not_found' },
  };
}

/** The imported account a post-import body names (import_supplier + external_account_number | account_number). */
export function importedFor(state: SandboxState, b: Record<string, unknown>) {
  const supplier = str(b.import_supplier) ?? str(b.import_supplier_code) ?? '';
  const ext = str(b.external_account_number);
  if (ext !== undefined) return state.imported.get(accountKey(supplier, ext));
  const number = str(b.account_number);
  return number ? state.findImportedByKrakenNumber(supplier, number) : undefined;
}

export function notFound(path: string): Reply {
  return { status: 404, body: { detail: `Not found: the sandbox does not imitate ${path}.`, code: 'not_found' } };
}

export function notAllowed(method: string): Reply {
  return { status: 405, body: { detail: `Method "${method}" not allowed.`, code: 'method_not_allowed' } };
}
