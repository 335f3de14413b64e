/**
 * The local Kraken sandbox: a rehearsal and test tool that imitates Kraken's documented data-import endpoints.
 * It is NOT Kraken: it says so on every start and in an `X-Kraken-Sandbox` header on every answer.
 *
 * Imitated (kraken-api-notes §1–§3 and the seed pages):
 * - `POST /v1/graphql/` `obtainKrakenToken(input: {APIKey | refreshToken})` → a JWT-shaped token with `exp`
 *   (any GraphQL form: variables, literals, aliases, fragments; graphql-js reads it, see graphql.ts);
 * - auth: `Authorization: <token>` (also `JWT <token>`, `Bearer <token>`) or `Token <api key>`, else 401;
 * - v1: validate-account (200 with the data / 400), create-or-update (201 staged / 200 updated / 400 already
 *   imported), process (201 `{kraken_account_number}` / 400 not staged, already imported, dry-run rollback / 429
 *   above the concurrency limit);
 * - v2: accounts/validate (200 `{}` / 400), accounts (201 `{}` scheduled; 400 `import_process_failed_validation`,
 *   already imported with `account_id`), accounts/{code}/{ext} (status PENDING → IN_PROGRESS → PROCESSED or
 *   DRY_RUN_SUCCEEDED over `processingMs`; 404 `not_found`);
 * - post-import: notes (dedup by body + created_at), transactions (dedup by transaction_id; URL flags), historical
 *   statements, payment instruction, send-registration-flows; 404 for an account that is not imported;
 * - business: `POST /v1/data-import/business/`, business-payment-instruction (404 for an unknown business);
 * - queries: account-transfer-status, and the all/pending/imported account import process lists (lists.ts).
 * Bodies are validated with our own language service; error-severity findings become Kraken-shaped 400s.
 *
 * Control endpoints (not Kraken; loopback callers or `Token <api key>`): `/__sandbox/` (state), `/__sandbox/faults`,
 * `/__sandbox/requests`, `/__sandbox/reset`, `/__sandbox/revoke-tokens`, `/__sandbox/import-account`,
 * `/__sandbox/businesses`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createKrakenService, type Diagnostic, type KindId, type KrakenService } from '../../core/src/service';
import { answerGraphql, type TokenGrant } from './graphql';
import { defaultFaultBody, FaultController, validateFaultSpec, type Fault, type FaultSpec } from './faults';
import { accountKey, newKrakenAccountNumber, SandboxState, type ImportProcess, type RequestLogEntry } from './state';
import { listImportProcesses } from './lists';
import { isObject } from '../../core/src/json';

export { FaultController, SandboxState };
export type { FaultSpec, Fault, RequestLogEntry };

export const SANDBOX_HEADER = 'X-Kraken-Sandbox';
export const SANDBOX_HEADER_VALUE = 'local sandbox - this is not Kraken';

export interface SandboxOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The API key that `obtainKrakenToken` and `Token <key>` accept. Default `sandbox`. */
  apiKey?: string;
  /** How long a v2 import process takes from PENDING to its final status, ms. Default 3000. */
  processingMs?: number;
  /** How long a v1 create takes, ms (the concurrency slot is held meanwhile). Default 200. */
  createDelayMs?: number;
  /** Creates processed at once before answering 429. Default 40. */
  concurrencyLimit?: number;
  /** `Retry-After` seconds on the concurrency 429. Default 1. */
  retryAfterSeconds?: number;
  /** Lifetime of an access token, ms. Default 1 h. */
  tokenTtlMs?: number;
  /** Lifetime of a refresh token, ms. Default 7 days. */
  refreshTtlMs?: number;
  /** When set, the only `operations_team_name` values v1 create accepts. */
  operationsTeams?: string[];
  /** Where the banner and request lines go. Default: stderr. */
  log?: (line: string) => void;
  /** Log one line per request. Default false. */
  logRequests?: boolean;
  /** Called for every request (not the control endpoints) once it has been read, before any fault delay. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** The language service used to validate bodies (default: bundled schemas). */
  service?: KrakenService;
}

export interface SandboxHandle {
  url: string;
  port: number;
  close(): Promise<void>;
  state: SandboxState;
  faults: FaultController;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: string;
  fault?: Fault;
  entry: RequestLogEntry;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

// ---------------------------------------------------------------- helpers

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function truthyParam(v: string | null, dflt: boolean): boolean | 'invalid' {
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

interface KrakenError {
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

function standardized(detail: string, errors: KrakenError[], code = 'account_failed_validation'): Record<string, unknown> {
  return { detail, code, errors };
}

/** DRF's nested shape: `{"transactions": {"0": {"reason": ["…"]}}}`. */
function drfNested(errors: KrakenError[]): Record<string, unknown> {
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

function isDate(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The start of the open statement period of an imported account: the day after its last statement closing date. */
function openPeriodStart(body: Record<string, unknown>): string | undefined {
  const dates: string[] = [];
  if (isDate(body.last_statement_closing_date)) dates.push(body.last_statement_closing_date);
  if (Array.isArray(body.ledgers))
    for (const l of body.ledgers) if (isObject(l) && isDate(l.last_statement_closing_date)) dates.push(l.last_statement_closing_date);
  if (!dates.length) return undefined;
  return addDays(dates.sort().at(-1)!, 1);
}

/** Meter point identifiers of an account payload (DE supply points, UK MPAN/MPRN, AU NMI). */
function meterPoints(body: Record<string, unknown>): string[] {
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

// ---------------------------------------------------------------- the server

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const apiKey = options.apiKey ?? 'sandbox';
  const host = options.host ?? '127.0.0.1';
  const processingMs = options.processingMs ?? 3000;
  const createDelayMs = options.createDelayMs ?? 200;
  const concurrencyLimit = options.concurrencyLimit ?? 40;
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const tokenTtlMs = options.tokenTtlMs ?? 60 * 60 * 1000;
  const refreshTtlMs = options.refreshTtlMs ?? 7 * 24 * 60 * 60 * 1000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const service = options.service ?? createKrakenService();
  const secret = randomBytes(32);
  const state = new SandboxState();
  const faults = new FaultController();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let seq = 0;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  // ---- tokens

  const issueToken = (via: 'APIKey' | 'refreshToken'): TokenGrant => {
    const now = Date.now();
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const claims = {
      sub: 'sandbox-data-import-user',
      iss: 'kraken-import-sandbox (not Kraken)',
      iat: Math.floor(now / 1000),
      exp: Math.floor((now + tokenTtlMs) / 1000),
    };
    const payload = b64url(JSON.stringify({ ...claims, gen: state.tokenGeneration, jti: randomBytes(6).toString('hex') }));
    const signature = b64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
    const refreshToken = randomBytes(20).toString('hex');
    const refreshExpiresAt = now + refreshTtlMs;
    state.refreshTokens.set(refreshToken, { expiresAt: refreshExpiresAt, generation: state.tokenGeneration });
    state.tokenGrants.push({ at: new Date(now).toISOString(), via });
    return {
      token: `${header}.${payload}.${signature}`,
      refreshToken,
      refreshExpiresIn: Math.floor(refreshExpiresAt / 1000),
      payload: claims,
    };
  };

  const verifyToken = (token: string): 'ok' | 'invalid' | 'expired' => {
    const parts = token.split('.');
    if (parts.length !== 3) return 'invalid';
    const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    try {
      const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
      if (payload.gen !== state.tokenGeneration) return 'invalid';
      if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) return 'expired';
      return 'ok';
    } catch {
      return 'invalid';
    }
  };

  const keyMatches = (given: string): boolean => {
    const a = Buffer.from(given);
    const b = Buffer.from(apiKey);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  /** undefined when authenticated, else the 401 reply. */
  const authenticate = (req: http.IncomingMessage, entry: RequestLogEntry): Reply | undefined => {
    const header = req.headers.authorization;
    if (!header) {
      entry.auth = 'none';
      return {
        status: 401,
        body: { detail: 'Authentication credentials were not provided.', code: 'not_authenticated' },
        headers: { 'WWW-Authenticate': 'Token' },
      };
    }
    const m = /^(Token|JWT|Bearer)\s+(.+)$/i.exec(header.trim());
    if (m && m[1].toLowerCase() === 'token') {
      if (keyMatches(m[2].trim())) {
        entry.auth = 'api-key';
        return undefined;
      }
      entry.auth = 'invalid';
      return { status: 401, body: { detail: 'Invalid token.', code: 'authentication_failed' }, headers: { 'WWW-Authenticate': 'Token' } };
    }
    const token = m ? m[2].trim() : header.trim();
    const v = verifyToken(token);
    if (v === 'ok') {
      entry.auth = 'jwt';
      return undefined;
    }
    entry.auth = 'invalid';
    return {
      status: 401,
      body:
        v === 'expired'
          ? { detail: 'Signature has expired.', code: 'authentication_failed' }
          : { detail: 'Invalid token.', code: 'authentication_failed' },
      headers: { 'WWW-Authenticate': 'Token' },
    };
  };

  // ---- v2 import processes: status is a function of time; the final status is applied when first seen.

  const processStatus = (p: ImportProcess, now = Date.now()): string => {
    if (now >= p.doneAt) return p.outcome;
    if (now >= p.startAt + (p.doneAt - p.startAt) / 3) return 'IN_PROGRESS';
    return 'PENDING';
  };

  const settle = (p: ImportProcess): void => {
    if (p.settled || Date.now() < p.doneAt) return;
    p.settled = true;
    if (p.outcome === 'PROCESSED') {
      const key = accountKey(p.importSupplier, p.externalIdentifier);
      const number = newKrakenAccountNumber();
      state.imported.set(key, {
        importSupplier: p.importSupplier,
        externalAccountNumber: p.externalIdentifier,
        krakenAccountNumber: number,
        body: p.payload,
        importedAt: new Date(p.doneAt).toISOString(),
        via: 'v2',
      });
      p.krakenIdentifier = number;
    }
  };

  const settleAll = (): void => {
    for (const p of state.processes.values()) settle(p);
  };

  // ---- validation with our language service

  const validate = (body: unknown, kind: KindId): KrakenError[] =>
    findingsToErrors(service.validate(JSON.stringify(body), { kind }).diagnostics);

  const parseJson = (ctx: Ctx): { ok: true; body: unknown } | { ok: false; reply: Reply } => {
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
  };

  const alreadyImportedV1 = (ext: string, number: string): Reply => ({
    status: 400,
    body: {
      external_account_number: ext,
      kraken_account_number: number,
      non_field_errors: [`The account import process with the account number ${ext} has already been imported.`],
    },
  });

  const accountNotFound = (ext: string | undefined): Reply => ({
    status: 404,
    body: { detail: `Account not found for ${ext ?? '(no external_account_number)'}.`, code: 'account_not_found' },
  });

  /** The imported account a post-import body names (import_supplier + external_account_number | account_number). */
  const importedFor = (b: Record<string, unknown>) => {
    const supplier = str(b.import_supplier) ?? str(b.import_supplier_code) ?? '';
    const ext = str(b.external_account_number);
    if (ext !== undefined) return state.imported.get(accountKey(supplier, ext));
    const number = str(b.account_number);
    return number ? state.findImportedByKrakenNumber(supplier, number) : undefined;
  };

  // ---- handlers

  // GraphQL (graphql.ts): the document is parsed, validated and executed by graphql-js; only the token logic is here.
  const graphql = (ctx: Ctx): Reply =>
    answerGraphql(ctx.rawBody, (input) => {
      if (typeof input.APIKey === 'string') {
        // Never echo the key back.
        return keyMatches(input.APIKey) ? issueToken('APIKey') : { refused: 'Authentication failed: the API key is not valid.' };
      }
      if (typeof input.refreshToken === 'string') {
        const r = state.refreshTokens.get(input.refreshToken);
        if (!r || r.expiresAt <= Date.now() || r.generation !== state.tokenGeneration)
          return { refused: 'The refresh token is invalid or has expired.' };
        state.refreshTokens.delete(input.refreshToken);
        return issueToken('refreshToken');
      }
      return { refused: 'Provide APIKey or refreshToken (the sandbox supports no other inputs).' };
    });

  const validateV1 = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'account');
    if (errors.length) return { status: 400, body: standardized('Could not validate account data.', errors) };
    return { status: 200, body: p.body };
  };

  const stageV1 = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'account');
    const b = isObject(p.body) ? p.body : {};
    const supplier = str(b.import_supplier);
    const ext = str(b.external_account_number);
    if (ext === undefined && !errors.some((e) => e.attr === 'external_account_number')) {
      errors.push({ attr: 'external_account_number', code: 'required', detail: 'This field is required to stage an account.' });
    }
    if (errors.length) return { status: 400, body: standardized('Could not stage account data.', errors) };
    const key = accountKey(supplier!, ext!);
    const imported = state.imported.get(key);
    if (imported) return alreadyImportedV1(ext!, imported.krakenAccountNumber);
    const existing = state.staged.get(key);
    if (existing) {
      existing.body = b;
      existing.updates++;
      return { status: 200, body: { import_supplier: supplier, external_account_number: ext } };
    }
    state.staged.set(key, {
      importSupplier: supplier!,
      externalAccountNumber: ext!,
      body: b,
      stagedAt: new Date().toISOString(),
      updates: 0,
    });
    return { status: 201, body: { import_supplier: supplier, external_account_number: ext } };
  };

  const createV1 = async (ctx: Ctx): Promise<Reply> => {
    if (state.inFlightCreates >= concurrencyLimit) {
      return {
        status: 429,
        body: {
          detail: `Too many accounts are being processed at once (concurrency limit ${concurrencyLimit}). Retry once other accounts have finished processing.`,
          code: 'too_many_requests',
        },
        headers: { 'Retry-After': String(retryAfterSeconds) },
      };
    }
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'account-v1-create');
    if (errors.length) return { status: 400, body: standardized('Could not process account.', errors) };
    const b = p.body as Record<string, unknown>;
    const ext = str(b.external_account_number)!;
    const supplier = str(b.import_supplier_code)!;
    const team = str(b.operations_team_name);
    const dryRun = b.dry_run === true;
    const key = accountKey(supplier, ext);
    const imported = state.imported.get(key);
    if (imported) return alreadyImportedV1(ext, imported.krakenAccountNumber);
    const staged = state.staged.get(key);
    if (!staged) {
      return {
        status: 400,
        body: standardized('Could not process account.', [
          {
            attr: 'non_field_errors',
            code: 'import_process_does_not_exist',
            detail: `No staged account data was found for ${ext} (import supplier ${supplier}): stage the account first (create-or-update).`,
          },
        ]),
      };
    }
    if (!team) {
      return {
        status: 400,
        body: standardized('Could not process account.', [
          { attr: 'operations_team_name', code: 'operations_team_should_be_provided', detail: 'An operations team must be provided.' },
        ]),
      };
    }
    if (options.operationsTeams && !options.operationsTeams.includes(team)) {
      return {
        status: 400,
        body: standardized('Could not process account.', [
          {
            attr: 'operations_team_name',
            code: 'operations_team_name_does_not_exist',
            detail: `The operations team "${team}" does not exist.`,
          },
        ]),
      };
    }
    if (state.processing.has(key)) {
      return {
        status: 400,
        body: standardized('Could not process account.', [
          { attr: 'non_field_errors', code: 'account_import_process_in_progress', detail: 'This account is already being processed.' },
        ]),
      };
    }
    // Stage and create re-run the validate rules ("extra safety check").
    const again = validate(staged.body, 'account');
    if (again.length) return { status: 400, body: standardized('Could not process account.', again) };
    state.inFlightCreates++;
    state.processing.add(key);
    try {
      await wait(createDelayMs);
    } finally {
      state.inFlightCreates--;
      state.processing.delete(key);
    }
    if (dryRun) return { status: 400, body: { detail: 'Account would successfully import. Rolled back due to Dry Run.', code: '400' } };
    const number = newKrakenAccountNumber();
    state.imported.set(key, {
      importSupplier: supplier,
      externalAccountNumber: ext,
      krakenAccountNumber: number,
      body: staged.body,
      importedAt: new Date().toISOString(),
      via: 'v1',
    });
    state.staged.delete(key);
    return { status: 201, body: { external_account_number: ext, kraken_account_number: number } };
  };

  const validateV2 = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const wrapped = isObject(p.body) && isObject(p.body.payload) && Object.keys(p.body).length === 1;
    const errors = validate(p.body, wrapped ? 'account-v2-validate' : 'account');
    if (errors.length) return { status: 400, body: standardized('Could not validate account data.', errors) };
    return { status: 200, body: {} };
  };

  const createV2 = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'account-v2-create');
    const b = isObject(p.body) ? p.body : {};
    const payload = isObject(b.payload) ? b.payload : undefined;
    const tp = isObject(b.task_params) ? b.task_params : {};
    const now = Date.now();
    const start = str(tp.schedule_window_start) ? Date.parse(tp.schedule_window_start as string) : undefined;
    const end = str(tp.schedule_window_end) ? Date.parse(tp.schedule_window_end as string) : undefined;
    if (start !== undefined && !Number.isNaN(start) && start < now - 60_000)
      errors.push({
        attr: 'task_params.schedule_window_start',
        code: 'schedule_window_start_in_past',
        detail: 'The schedule window start must not be in the past.',
      });
    if (end !== undefined && !Number.isNaN(end) && end > now + 4 * 24 * 3600_000)
      errors.push({
        attr: 'task_params.schedule_window_end',
        code: 'schedule_window_end_too_far_in_future',
        detail: 'The schedule window end must not be more than 4 days in the future.',
      });
    if (start !== undefined && end !== undefined && start > end)
      errors.push({
        attr: 'task_params',
        code: 'schedule_window_start__after_end',
        detail: 'The schedule window start must be before its end.',
      });
    const ext = payload ? str(payload.external_account_number) : undefined;
    if (payload && ext === undefined && !errors.some((e) => e.attr === 'payload.external_account_number')) {
      errors.push({ attr: 'payload.external_account_number', code: 'required', detail: 'This field is required to create an account.' });
    }
    if (errors.length) {
      if (errors.every((e) => e.attr.startsWith('payload.') || e.attr === 'payload')) {
        return {
          status: 400,
          body: {
            code: 'import_process_failed_validation',
            detail:
              'Import process validation failed during account creation. Please validate the import process to get full details of the validation errors.',
            domain: 'import_process',
          },
        };
      }
      return { status: 400, body: standardized('Invalid request.', errors, 'invalid') };
    }
    const supplier = str(payload!.import_supplier)!;
    const key = accountKey(supplier, ext!);
    settleAll();
    const imported = state.imported.get(key);
    if (imported) {
      return {
        status: 400,
        body: {
          non_field_errors: {
            detail: `The account import process with the account number ${ext} has already been imported.`,
            code: 'account_import_process_already_imported',
          },
          account_id: imported.krakenAccountNumber,
        },
      };
    }
    const existing = state.processes.get(key);
    if (existing && !existing.settled && Date.now() < existing.doneAt) {
      return {
        status: 400,
        body: {
          non_field_errors: {
            detail: `An import process for ${ext} is already scheduled or in progress.`,
            code: 'account_import_process_in_progress',
          },
        },
      };
    }
    const dryRun = tp.is_dry_run === true;
    const startAt = start !== undefined && !Number.isNaN(start) && start > now ? start : now;
    const forced = ctx.fault?.importOutcome;
    const outcome = forced === 'ERRORED' && dryRun ? 'DRY_RUN_ERRORED' : (forced ?? (dryRun ? 'DRY_RUN_SUCCEEDED' : 'PROCESSED'));
    state.processes.set(key, {
      importSupplier: supplier,
      externalIdentifier: ext!,
      payload: payload!,
      dryRun,
      createdAt: now,
      startAt,
      doneAt: startAt + processingMs,
      outcome,
      latestError:
        outcome === 'ERRORED' || outcome === 'DRY_RUN_ERRORED'
          ? {
              code: ctx.fault?.latestError?.code ?? 'account_import_failed',
              detail: ctx.fault?.latestError?.detail ?? 'The account could not be imported (sandbox fault).',
              domain: ctx.fault?.latestError?.domain ?? 'account_import',
            }
          : null,
      settled: false,
      krakenIdentifier: null,
    });
    return { status: 201, body: {} };
  };

  const statusV2 = (supplier: string, ext: string): Reply => {
    const p = state.processes.get(accountKey(supplier, ext));
    if (!p) return { status: 404, body: { detail: 'The requested resource was not found.', code: 'not_found' } };
    settle(p);
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
  };

  const notes = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'notes');
    if (errors.length) return { status: 400, body: drfNested(errors) };
    const b = p.body as Record<string, unknown>;
    const account = importedFor(b);
    if (!account) return accountNotFound(str(b.external_account_number) ?? str(b.account_number));
    const key = accountKey(account.importSupplier, account.externalAccountNumber);
    const existing = state.notes.get(key) ?? [];
    state.notes.set(key, existing);
    const results = (Array.isArray(b.notes) ? b.notes : []).map((n) => {
      const note = isObject(n) ? n : {};
      const body = str(note.body);
      const createdAt = str(note.created_at);
      const instant = createdAt ? Date.parse(createdAt) : undefined;
      const dup = existing.some((e) => e.body === body && (instant === undefined || e.instant === instant));
      const created = createdAt ?? new Date().toISOString();
      if (!dup) existing.push({ body, created_at: created, instant: Date.parse(created) });
      return { created_at: created, body: body ?? '', status: dup ? 'NOTE_ALREADY_EXISTS' : 'NOTE_CREATION_SUCCESS' };
    });
    return { status: 201, body: results };
  };

  const transactions = (ctx: Ctx): Reply => {
    const check = truthyParam(ctx.query.get('check_previously_added'), true);
    const force = truthyParam(ctx.query.get('force_add_to_current_statement'), true);
    const paramErrors: Record<string, string[]> = {};
    if (check === 'invalid') paramErrors.check_previously_added = ['Must be a valid boolean.'];
    if (force === 'invalid') paramErrors.force_add_to_current_statement = ['Must be a valid boolean.'];
    if (Object.keys(paramErrors).length) return { status: 400, body: paramErrors };
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'transactions');
    if (errors.length) return { status: 400, body: drfNested(errors) };
    const b = p.body as Record<string, unknown>;
    const account = importedFor(b);
    if (!account) return accountNotFound(str(b.external_account_number) ?? str(b.account_number));
    const key = accountKey(account.importSupplier, account.externalAccountNumber);
    const known = state.transactions.get(key) ?? new Map<string, Record<string, unknown>>();
    const periodStart = openPeriodStart(account.body);
    const list = Array.isArray(b.transactions) ? b.transactions.filter(isObject) : [];
    const results: Record<string, unknown>[] = [];
    const toAdd: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    for (const t of list) {
      const id = String(t.transaction_id ?? '');
      if (check === true && known.has(id)) {
        results.push({
          status: 'TRANSACTION_ALREADY_EXISTS',
          transaction_data: { ...known.get(id), status: 'TRANSACTION_IMPORT_SUCCESS' },
        });
        continue;
      }
      const data: Record<string, unknown> = { ...t };
      if (periodStart && isDate(t.transaction_date) && t.transaction_date < periodStart) {
        if (force === true) {
          data.transaction_date = periodStart;
          data.description = `Transaction date moved from ${t.transaction_date} to ${periodStart}, into the open statement period (force_add_to_current_statement).`;
        } else {
          const failure = {
            status: 'TRANSACTION_IMPORT_ERROR',
            error_detail: 'Transaction is not within the open statement period.',
            transaction_data: t,
          };
          failures.push(failure);
          results.push(failure);
          continue;
        }
      }
      toAdd.push(data);
      results.push({ status: 'TRANSACTION_ADDED_TO_ACCOUNT', transaction_data: data });
    }
    if (failures.length) {
      // Nothing is added when a transaction fails.
      return { status: 400, body: failures.length === 1 ? failures[0] : { results } };
    }
    for (const t of toAdd) known.set(String(t.transaction_id ?? ''), t);
    state.transactions.set(key, known);
    return { status: 201, body: { results } };
  };

  const statements = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'statements');
    if (errors.length) return { status: 400, body: drfNested(errors) };
    const b = p.body as Record<string, unknown>;
    const account = importedFor(b);
    if (!account) return accountNotFound(str(b.external_account_number));
    const key = accountKey(account.importSupplier, account.externalAccountNumber);
    const known = state.statements.get(key) ?? new Set<string>();
    const list = Array.isArray(b.statements) ? b.statements : [];
    const dupErrors: KrakenError[] = [];
    list.forEach((s, i) => {
      if (isObject(s) && known.has(String(s.statement_id))) {
        dupErrors.push({
          attr: `statements.${i}.statement_id`,
          code: 'historical_statement_already_exists',
          detail: `A historical statement with statement_id ${String(s.statement_id)} already exists on this account.`,
        });
      }
    });
    if (dupErrors.length) return { status: 400, body: drfNested(dupErrors) };
    for (const s of list) if (isObject(s)) known.add(String(s.statement_id));
    state.statements.set(key, known);
    return { status: 201, body: b };
  };

  const paymentInstruction = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'payment-instruction');
    if (errors.length) return { status: 400, body: drfNested(errors) };
    const b = p.body as Record<string, unknown>;
    const account = importedFor(b);
    if (!account) return accountNotFound(str(b.external_account_number));
    const reference = str(b.reference) ?? str(b.instruction_reference) ?? '';
    state.paymentInstructions.push({ key: accountKey(account.importSupplier, account.externalAccountNumber), reference, body: b });
    return { status: 201, body: { kraken_account_number: account.krakenAccountNumber, reference } };
  };

  const business = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const b = isObject(p.body) ? p.body : {};
    const inner = isObject(b.business) ? b.business : {};
    const supplier = str(b.import_supplier_code) ?? str(inner.import_supplier_code) ?? str(b.import_supplier);
    const ext = str(b.external_business_identifier) ?? str(inner.external_business_identifier);
    const errs: Record<string, string[]> = {};
    if (!isObject(b.business)) errs.business = ['This field is required.'];
    if (!supplier) errs.import_supplier_code = ['This field is required.'];
    if (!ext) errs.external_business_identifier = ['This field is required.'];
    if (Object.keys(errs).length) return { status: 400, body: errs };
    const existing = state.businesses.get(accountKey(supplier!, ext!));
    if (existing)
      return {
        status: 400,
        body: { non_field_errors: [`The business ${ext} has already been imported.`], kraken_business_id: existing.krakenBusinessId },
      };
    const id = state.addBusiness(supplier!, ext!);
    return { status: 201, body: { kraken_business_id: id, external_business_identifier: ext } };
  };

  const businessPaymentInstruction = (ctx: Ctx): Reply => {
    const p = parseJson(ctx);
    if (!p.ok) return p.reply;
    const errors = validate(p.body, 'business-payment-instruction');
    if (errors.length) return { status: 400, body: drfNested(errors) };
    const b = p.body as Record<string, unknown>;
    const supplier = str(b.import_supplier_code) ?? '';
    const ext = str(b.external_business_identifier) ?? '';
    if (!state.businesses.has(accountKey(supplier, ext))) {
      return { status: 404, body: { detail: `Business import process not found for ${ext}.`, code: 'not_found' } };
    }
    state.businessPaymentInstructions.push({ key: accountKey(supplier, ext), reference: str(b.reference) });
    return { status: 201, body: { reference: str(b.reference) ?? '', external_business_identifier: ext } };
  };

  const registrationFlows = (ctx: Ctx, supplier: string, ext: string): Reply => {
    const date = ctx.query.get('supply_start_date');
    if (date !== null && !isDate(date)) {
      return { status: 400, body: { supply_start_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] } };
    }
    const account = state.imported.get(accountKey(supplier, ext));
    const ids = account ? meterPoints(account.body) : [];
    if (!account || !ids.length) {
      return {
        status: 404,
        body: [
          {
            error_detail: account ? `No meter points to register were found for ${ext}.` : `Account not found for ${ext}.`,
            import_supplier_code: supplier,
            external_account_number: ext,
          },
        ],
      };
    }
    const key = accountKey(supplier, ext);
    const sent = state.registrations.get(key) ?? new Set<string>();
    state.registrations.set(key, sent);
    const meter_points = ids.map((mpxn) => {
      if (sent.has(mpxn))
        return { mpxn, error_detail: 'Registration flows were already sent for this meter point.', status: 'REGISTRATION_FLOW_ERROR' };
      sent.add(mpxn);
      return { mpxn, status: 'REGISTRATION_FLOW_SUCCESS' };
    });
    return { status: 200, body: [{ import_supplier_code: supplier, external_account_number: ext, meter_points }] };
  };

  // ---- control endpoints

  const control = async (ctx: Ctx, req: http.IncomingMessage): Promise<Reply> => {
    const remote = req.socket.remoteAddress ?? '';
    const loopback = remote === '::1' || remote.startsWith('127.') || remote.startsWith('::ffff:127.');
    const auth = req.headers.authorization ?? '';
    if (!loopback && !(/^Token\s+/i.test(auth) && keyMatches(auth.replace(/^Token\s+/i, '').trim()))) {
      return {
        status: 401,
        body: { detail: 'The sandbox control endpoints need a loopback caller or "Authorization: Token <sandbox api key>".' },
      };
    }
    const body = (): unknown => {
      if (!ctx.rawBody.trim()) return {};
      return JSON.parse(ctx.rawBody);
    };
    const sub = ctx.path.replace(/^\/__sandbox\/?/, '').replace(/\/$/, '');
    try {
      switch (`${ctx.method} ${sub}`) {
        case 'GET ':
          settleAll();
          return { status: 200, body: { sandbox: 'kraken-import local sandbox (not Kraken)', ...state.summary(), faults: faults.list() } };
        case 'GET faults':
          return { status: 200, body: faults.list() };
        case 'POST faults': {
          const b = body();
          const specs = Array.isArray(b) ? b : [b];
          for (const s of specs) {
            const problem = validateFaultSpec(s);
            if (problem) return { status: 400, body: { detail: problem } };
          }
          const ids = specs.map((s) => faults.add(s as FaultSpec));
          return { status: 201, body: { ids } };
        }
        case 'DELETE faults':
          faults.clear();
          return { status: 204 };
        case 'GET requests':
          return { status: 200, body: state.requests };
        case 'DELETE requests':
          state.requests.length = 0;
          return { status: 204 };
        case 'POST reset':
          state.reset();
          faults.clear();
          return { status: 204 };
        case 'POST revoke-tokens':
          state.revokeTokens();
          return { status: 204 };
        case 'POST import-account': {
          const b = body();
          if (!isObject(b) || typeof b.import_supplier !== 'string' || typeof b.external_account_number !== 'string') {
            return { status: 400, body: { detail: 'Send an account body with "import_supplier" and "external_account_number".' } };
          }
          const a = state.importAccount(b.import_supplier, b.external_account_number, b);
          return { status: 201, body: { kraken_account_number: a.krakenAccountNumber } };
        }
        case 'POST businesses': {
          const b = body();
          if (!isObject(b) || typeof b.import_supplier_code !== 'string' || typeof b.external_business_identifier !== 'string') {
            return { status: 400, body: { detail: 'Send {"import_supplier_code", "external_business_identifier"}.' } };
          }
          return { status: 201, body: { kraken_business_id: state.addBusiness(b.import_supplier_code, b.external_business_identifier) } };
        }
        default:
          return { status: 404, body: { detail: `Unknown sandbox control endpoint ${ctx.method} ${ctx.path}.` } };
      }
    } catch (e) {
      return { status: 400, body: { detail: (e as Error).message } };
    }
  };

  // ---- routing

  const route = async (ctx: Ctx, req: http.IncomingMessage): Promise<Reply> => {
    const { method, path } = ctx;
    if (path === '/' && method === 'GET') {
      return {
        status: 200,
        body: {
          sandbox: 'kraken-import local sandbox',
          warning: "This is a local imitation of Kraken's data-import API for rehearsals and tests. It is not Kraken.",
        },
      };
    }
    if (path === '/v1/graphql/') return method === 'POST' ? graphql(ctx) : notAllowed(method);
    if (!path.startsWith('/v1/data-import/') && !path.startsWith('/v2/data-import/')) return notFound(path);
    if (!path.endsWith('/'))
      return { status: 404, body: { detail: `Not found: Kraken paths end with a slash (${path}/).`, code: 'not_found' } };
    const denied = authenticate(req, ctx.entry);
    if (denied) return denied;
    settleAll();
    const post = (h: (c: Ctx) => Reply | Promise<Reply>): Reply | Promise<Reply> => (method === 'POST' ? h(ctx) : notAllowed(method));
    switch (path) {
      case '/v1/data-import/validate-account/':
        return post(validateV1);
      case '/v1/data-import/account-import-process/create-or-update/':
        return post(stageV1);
      case '/v1/data-import/account-import-process/process/':
        return post(createV1);
      case '/v2/data-import/accounts/validate/':
        return post(validateV2);
      case '/v2/data-import/accounts/':
        return post(createV2);
      case '/v1/data-import/notes/create/':
        return post(notes);
      case '/v1/data-import/transactions/create/':
        return post(transactions);
      case '/v1/data-import/historical-statements/create/':
        return post(statements);
      case '/v1/data-import/payment-instruction/create/':
        return post(paymentInstruction);
      case '/v1/data-import/business/':
        return post(business);
      case '/v1/data-import/business-payment-instruction/create/':
        return post(businessPaymentInstruction);
    }
    let m = /^\/v2\/data-import\/accounts\/([^/]+)\/([^/]+)\/$/.exec(path);
    if (m) return method === 'GET' ? statusV2(decodeURIComponent(m[1]), decodeURIComponent(m[2])) : notAllowed(method);
    m = /^\/v1\/data-import\/send-registration-flows\/([^/]+)\/([^/]+)\/$/.exec(path);
    if (m) return method === 'POST' ? registrationFlows(ctx, decodeURIComponent(m[1]), decodeURIComponent(m[2])) : notAllowed(method);
    const listed = listImportProcesses(state, method, path);
    if (listed) return listed;
    m = /^\/v1\/data-import\/account-transfer-status\/([^/]+)\/([^/]+)\/$/.exec(path);
    if (m && method === 'GET') {
      const a = state.imported.get(accountKey(decodeURIComponent(m[1]), decodeURIComponent(m[2])));
      if (!a) return { status: 404, body: { detail: 'Not found.', code: 'not_found' } };
      return {
        status: 200,
        body: { status: 'IN_PROGRESS', kraken_account_number: a.krakenAccountNumber, account_number: a.krakenAccountNumber },
      };
    }
    return notFound(path);
  };

  const notFound = (path: string): Reply => ({
    status: 404,
    body: { detail: `Not found: the sandbox does not imitate ${path}.`, code: 'not_found' },
  });
  const notAllowed = (method: string): Reply => ({
    status: 405,
    body: { detail: `Method "${method}" not allowed.`, code: 'method_not_allowed' },
  });

  const write = (res: http.ServerResponse, reply: Reply): void => {
    if (res.destroyed || res.headersSent) return;
    const headers: Record<string, string> = { [SANDBOX_HEADER]: SANDBOX_HEADER_VALUE, ...reply.headers };
    if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const isControl = url.pathname.startsWith('/__sandbox');
    const entry: RequestLogEntry = { seq: ++seq, at: new Date().toISOString(), method, path: url.pathname, query: url.search, auth: 'n/a' };
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      void (async () => {
        const ctx: Ctx = { method, path: url.pathname, query: url.searchParams, rawBody: Buffer.concat(chunks).toString('utf8'), entry };
        if (isControl) {
          write(res, await control(ctx, req));
          return;
        }
        state.requests.push(entry);
        if (tooLarge) {
          entry.status = 413;
          write(res, { status: 413, body: { detail: 'Request body too large.', code: 'too_large' } });
          return;
        }
        const fault = faults.take(method, url.pathname);
        if (fault) {
          ctx.fault = fault;
          entry.fault = fault.id;
        }
        try {
          options.onRequest?.(entry);
        } catch {
          /* a test hook must not break the sandbox */
        }
        if (fault?.delayMs) {
          await wait(fault.delayMs);
          // A caller that gave up during the delay (timeout, cancel) is not answered, and its request is not handled:
          // use `drop` to rehearse a request that was handled but never answered.
          if (req.socket.destroyed) {
            entry.abandoned = true;
            return;
          }
        }
        if (closed) return;
        const drop = (): void => {
          entry.dropped = true;
          req.socket.destroy();
        };
        if (fault && fault.drop === 'before') return drop();
        let reply: Reply;
        if (fault?.status !== undefined) {
          const headers = { ...fault.headers };
          if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
          reply = { status: fault.status, body: fault.body ?? defaultFaultBody(fault.status), headers };
        } else {
          try {
            reply = await route(ctx, req);
          } catch (e) {
            log(`sandbox: internal error on ${method} ${url.pathname}: ${(e as Error).stack ?? e}`);
            reply = { status: 500, body: { detail: 'A server error occurred (sandbox bug).', code: 'error' } };
          }
        }
        if (fault && (fault.drop === true || fault.drop === 'after')) return drop();
        entry.status = reply.status;
        if (options.logRequests)
          log(`sandbox: ${method} ${url.pathname}${url.search} → ${reply.status}${fault ? ` (fault ${fault.id})` : ''}`);
        write(res, reply);
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  log(
    `*** kraken-import SANDBOX on ${url} — a local imitation of Kraken's data-import API for rehearsals and tests. THIS IS NOT KRAKEN: nothing sent here reaches a Kraken instance. ***`,
  );

  return {
    url,
    port,
    state,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
