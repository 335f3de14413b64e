/**
 * The Kraken data-import API client. No `vscode` import: the extension and the CLI both use it.
 *
 *   const client = new KrakenClient(env, () => secrets.get(key), { log: (l) => channel.appendLine(l) });
 *   const r = await client.validateAccount(body, { signal, onProgress });
 *   if (r.ok) … else r.reason / r.message / r.errors
 *
 * Retry rules (one place: `exchange`):
 * - 500/502/503/504 → retried with exponential backoff + jitter, at most `retry.retries` times — except for calls
 *   that must not run twice (creates, and posts Kraken does not deduplicate), which are retried only on 500 and 503
 *   (Kraken answered and did not process the request); a 502/504 there comes from a gateway while Kraken may still be
 *   working, so it is reported as `outcome-unknown`.
 * - 429 → waited (Retry-After, else backoff) and retried, at most `retry.rateLimitRetries` times, reported through
 *   `onProgress`.
 * - 400 and other 4xx → never retried. 401 → the token is obtained again once, then `unauthorized`.
 * - Network errors before the request was sent (refused, DNS) → retried like a 5xx. After it was sent (reset,
 *   dropped, timed out): retried only for calls that may run twice; a create gets `outcome-unknown`.
 * - Timeouts after sending are not retried.
 *
 * The API key is read through `getApiKey()` when needed. It and the tokens are kept only in private (#) fields, to
 * scrub them from every answer text, message and log line; they never appear in a result or a thrown object.
 */
import { alreadyImportedAccount, formatErrors, isDryRunSuccess, normaliseErrors } from './errors';
import { checkBaseUrl, send, seconds, TransportError, type HttpResponse } from './http';
import { redactText } from './redact';
import {
  FINAL_IMPORT_STATUSES,
  PENDING_IMPORT_STATUSES,
  type BusinessPaymentInstructionData,
  type CallOptions,
  type CreateV1Data,
  type CreateV1Request,
  type CreateV2Data,
  type CreateV2TaskParams,
  type ExchangeRecord,
  type FailureReason,
  type ImportStatusData,
  type ItemResult,
  type ItemsData,
  type KrakenClientOptions,
  type KrakenEnvironment,
  type KrakenFailure,
  type KrakenFieldError,
  type KrakenResult,
  type ImportProcessList,
  type ImportProcessListing,
  type PaymentInstructionData,
  type PollOptions,
  type ProgressEvent,
  type RegistrationFlowsData,
  type RetryPolicy,
  type StageData,
  type StatementsData,
  type TransactionParams,
  type TransferStatusData,
  type ValidateData,
} from './types';
import { isObject } from '../json';

export const PATHS = {
  graphql: '/v1/graphql/',
  validateV1: '/v1/data-import/validate-account/',
  stageV1: '/v1/data-import/account-import-process/create-or-update/',
  createV1: '/v1/data-import/account-import-process/process/',
  validateV2: '/v2/data-import/accounts/validate/',
  createV2: '/v2/data-import/accounts/',
  importStatus: (code: string, ext: string) => `/v2/data-import/accounts/${encodeURIComponent(code)}/${encodeURIComponent(ext)}/`,
  transferStatus: (code: string, ext: string) =>
    `/v1/data-import/account-transfer-status/${encodeURIComponent(code)}/${encodeURIComponent(ext)}/`,
  notes: '/v1/data-import/notes/create/',
  transactions: '/v1/data-import/transactions/create/',
  statements: '/v1/data-import/historical-statements/create/',
  paymentInstruction: '/v1/data-import/payment-instruction/create/',
  businessPaymentInstruction: '/v1/data-import/business-payment-instruction/create/',
  importProcesses: (which: 'all' | 'pending' | 'imported', code: string) =>
    `/v1/data-import/${which}-account-import-processes/${encodeURIComponent(code)}/`,
  registrationFlows: (code: string, ext: string) =>
    `/v1/data-import/send-registration-flows/${encodeURIComponent(code)}/${encodeURIComponent(ext)}/`,
} as const;

export const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RETRY: RetryPolicy = { retries: 3, rateLimitRetries: 8, baseDelayMs: 500, maxDelayMs: 30_000 };
/** Renew the token this long before it expires. */
const TOKEN_MARGIN_MS = 60_000;
const DEFAULT_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

const OBTAIN_TOKEN =
  'mutation ObtainKrakenToken($input: ObtainJSONWebTokenInput!) { obtainKrakenToken(input: $input) { token refreshToken refreshExpiresIn } }';

interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | boolean | undefined>;
  body?: unknown;
  /** What the call is, for messages: "validate the account". */
  what: string;
  /** The request may run twice without harm (validate, stage, read, deduplicated posts). */
  repeatable: boolean;
  /** A create: never sent twice unless Kraken said it was not processed. */
  create?: boolean;
  /** Send the Authorization header (all but the token mutation). */
  auth?: boolean;
}

interface Answer {
  status: number;
  headers: HttpResponse['headers'];
  /** Parsed JSON, or the text when it is not JSON; undefined for an empty body. */
  body: unknown;
  attempts: number;
}

interface Token {
  value: string;
  expiresAt: number;
  refreshToken?: string;
  refreshExpiresAt?: number;
}

type Exchange = { ok: true; answer: Answer } | { ok: false; failure: KrakenFailure };

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
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
function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The `exp` claim of a JWT, in ms since the epoch. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    return typeof payload?.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class KrakenClient {
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  // Private (#) so that inspecting or serialising the client never shows the token or the key.
  #token: Token | undefined;
  #obtaining: Promise<{ token: Token } | { failure: KrakenFailure }> | undefined;
  /** Strings that must never leave this object (the key and tokens seen), for scrubbing. */
  readonly #secrets = new Set<string>();
  readonly #getApiKey: () => Promise<string | undefined>;

  constructor(
    readonly env: KrakenEnvironment,
    getApiKey: () => Promise<string | undefined>,
    private readonly options: KrakenClientOptions = {},
  ) {
    this.#getApiKey = getApiKey;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Why this environment cannot be used (non-HTTPS URL…), or undefined. Nothing is sent. */
  static checkEnvironment(env: KrakenEnvironment): string | undefined {
    return checkBaseUrl(env.baseUrl);
  }

  /** Forget the cached token (e.g. after the user changed the key). */
  /**
   * The `Authorization` header value this environment sends (a Kraken token obtained with the key, or `Token <key>`),
   * for other requests to the same instance such as its served contract; undefined when there is no usable key.
   */
  async authorizationHeader(opts: CallOptions = {}): Promise<string | undefined> {
    const auth = await this.authorization(opts);
    return 'header' in auth ? auth.header : undefined;
  }

  signOut(): void {
    this.#token = undefined;
    this.#obtaining = undefined;
  }

  // ---------------------------------------------------------------- v1 flow

  /** `POST /v1/data-import/validate-account/`: 200 (`{}` or the validated data) or 400 with errors. */
  async validateAccount(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<ValidateData>> {
    const x = await this.exchange({ method: 'POST', path: PATHS.validateV1, body, what: 'validate the account', repeatable: true }, opts);
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 200 || a.status === 201) return this.success(a, { valid: true });
    return this.failureFor(a, 'validate the account');
  }

  /** `POST /v1/data-import/account-import-process/create-or-update/`: 201 staged the first time, 200 updated. */
  async stageAccount(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<StageData>> {
    const x = await this.exchange({ method: 'POST', path: PATHS.stageV1, body, what: 'stage the account', repeatable: true }, opts);
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 200 || a.status === 201) {
      const b = isObject(a.body) ? a.body : {};
      return this.success(a, {
        outcome: a.status === 201 ? 'staged' : 'updated',
        importSupplier: str(b.import_supplier) ?? str(b.import_supplier_code),
        externalAccountNumber: str(b.external_account_number),
      });
    }
    if (a.status === 400) {
      const imported = alreadyImportedAccount(a.body);
      if (imported.imported) {
        return this.fail(
          a,
          'already-imported',
          `The account was imported already${imported.krakenAccountNumber ? ` as ${imported.krakenAccountNumber}` : ''}: staged data can no longer be changed.`,
          { krakenAccountNumber: imported.krakenAccountNumber },
        );
      }
    }
    return this.failureFor(a, 'stage the account');
  }

  /**
   * `POST /v1/data-import/account-import-process/process/`. Never sent twice unless Kraken said it was not
   * processed (429, 500, 503). The dry-run success (a 400 from Kraken) and "already imported" are successes.
   */
  async createAccountV1(request: CreateV1Request, opts: CallOptions = {}): Promise<KrakenResult<CreateV1Data>> {
    const body: CreateV1Request = {
      external_account_number: request.external_account_number,
      import_supplier_code: request.import_supplier_code,
      ...(request.operations_team_name !== undefined ? { operations_team_name: request.operations_team_name } : {}),
      dry_run: request.dry_run ?? false,
    };
    const what = body.dry_run ? 'create the account (dry run)' : 'create the account';
    const x = await this.exchange({ method: 'POST', path: PATHS.createV1, body, what, repeatable: false, create: true }, opts);
    if (!x.ok) return x.failure;
    const a = x.answer;
    const b = isObject(a.body) ? a.body : {};
    if (a.status === 201 || a.status === 200) {
      const number = str(b.kraken_account_number) ?? str(b.account_number);
      return this.success(a, {
        outcome: 'created',
        krakenAccountNumber: number,
        message: `Account created${number ? `: ${number}` : ''}.`,
      });
    }
    if (a.status === 400) {
      if (isDryRunSuccess(a.body)) {
        return this.success(a, {
          outcome: 'dry-run-succeeded',
          message: 'Dry run succeeded: the account would import. Kraken rolled it back (nothing was created).',
        });
      }
      const imported = alreadyImportedAccount(a.body);
      if (imported.imported) {
        return this.success(a, {
          outcome: 'already-imported',
          krakenAccountNumber: imported.krakenAccountNumber,
          message: `The account was imported already${imported.krakenAccountNumber ? ` as ${imported.krakenAccountNumber}` : ''}.`,
        });
      }
    }
    return this.failureFor(a, what);
  }

  // ---------------------------------------------------------------- v2 flow

  /** `POST /v2/data-import/accounts/validate/`: the body as given (`{payload}` or a bare account). 200 `{}` or 400. */
  async validateAccountV2(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<ValidateData>> {
    const x = await this.exchange({ method: 'POST', path: PATHS.validateV2, body, what: 'validate the account', repeatable: true }, opts);
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 200 || a.status === 201) return this.success(a, { valid: true });
    return this.failureFor(a, 'validate the account');
  }

  /**
   * `POST /v2/data-import/accounts/` with `{payload, task_params}`: 201 `{}` = scheduled (follow with
   * `pollImportStatus`). Never sent twice unless Kraken said it was not processed.
   */
  async createAccountV2(payload: unknown, taskParams: CreateV2TaskParams, opts: CallOptions = {}): Promise<KrakenResult<CreateV2Data>> {
    const task_params: Record<string, unknown> = { is_dry_run: taskParams.is_dry_run };
    if (taskParams.schedule_window_start !== undefined) task_params.schedule_window_start = taskParams.schedule_window_start;
    if (taskParams.schedule_window_end !== undefined) task_params.schedule_window_end = taskParams.schedule_window_end;
    const what = taskParams.is_dry_run ? 'schedule the account creation (dry run)' : 'schedule the account creation';
    const x = await this.exchange(
      { method: 'POST', path: PATHS.createV2, body: { payload, task_params }, what, repeatable: false, create: true },
      opts,
    );
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 201 || a.status === 200 || a.status === 202) {
      return this.success(a, {
        outcome: 'scheduled',
        dryRun: taskParams.is_dry_run,
        message: taskParams.is_dry_run
          ? 'Dry run scheduled: Kraken will try the import and roll it back. Follow the import status.'
          : 'Account creation scheduled. Follow the import status.',
      });
    }
    if (a.status === 400) {
      const imported = alreadyImportedAccount(a.body);
      if (imported.imported) {
        return this.success(a, {
          outcome: 'already-imported',
          dryRun: taskParams.is_dry_run,
          krakenAccountNumber: imported.krakenAccountNumber,
          message: `The account was imported already${imported.krakenAccountNumber ? ` as ${imported.krakenAccountNumber}` : ''}.`,
        });
      }
    }
    return this.failureFor(a, what);
  }

  /** `GET /v2/data-import/accounts/{import_supplier_code}/{external_identifier}/`. 404 → `not-found`. */
  async importStatus(
    importSupplierCode: string,
    externalIdentifier: string,
    opts: CallOptions = {},
  ): Promise<KrakenResult<ImportStatusData>> {
    const x = await this.exchange(
      { method: 'GET', path: PATHS.importStatus(importSupplierCode, externalIdentifier), what: 'read the import status', repeatable: true },
      opts,
    );
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 200) {
      const b = isObject(a.body) ? a.body : {};
      return this.success(a, parseImportStatus(b));
    }
    if (a.status === 404) {
      return this.fail(
        a,
        'not-found',
        `There is no import process for ${externalIdentifier} (import supplier ${importSupplierCode}) on "${this.env.name}": it has not been created yet, or the import supplier code or external identifier differ.`,
      );
    }
    return this.failureFor(a, 'read the import status');
  }

  /**
   * `GET /v1/data-import/account-transfer-status/{import_supplier_code}/{external_account_number}/` (v1 flow):
   * `{status, kraken_account_number}`. A Kraken account number means the account exists; 404 → `not-found`.
   */
  async accountTransferStatus(
    importSupplierCode: string,
    externalAccountNumber: string,
    opts: CallOptions = {},
  ): Promise<KrakenResult<TransferStatusData>> {
    const x = await this.exchange(
      {
        method: 'GET',
        path: PATHS.transferStatus(importSupplierCode, externalAccountNumber),
        what: 'read the account transfer status',
        repeatable: true,
      },
      opts,
    );
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 200) {
      const b = isObject(a.body) ? a.body : {};
      return this.success(a, {
        status: str(b.status) ?? 'UNKNOWN',
        krakenAccountNumber: str(b.kraken_account_number) ?? str(b.account_number) ?? null,
      });
    }
    if (a.status === 404) {
      return this.fail(
        a,
        'not-found',
        `Kraken "${this.env.name}" has no account for ${externalAccountNumber} (import supplier ${importSupplierCode}).`,
      );
    }
    return this.failureFor(a, 'read the account transfer status');
  }

  /**
   * `GET /v1/data-import/{all,pending,imported}-account-import-processes/{import_supplier_code}/`: the import
   * supplier's account import processes (`all`: staged and imported; `pending`: staged; `imported`: with a Kraken
   * account). The documented body is a list of `{external_account_number, kraken_account_number, account_created_at}`;
   * the served contract's example nests that list in another one, so one level of nesting is read too. 404 →
   * `not-found` (no such import supplier, or an instance without these endpoints).
   */
  async listImportProcesses(
    importSupplierCode: string,
    which: ImportProcessList,
    opts: CallOptions = {},
  ): Promise<KrakenResult<ImportProcessListing[]>> {
    const what = `list the ${which === 'all' ? '' : `${which} `}account import processes of ${importSupplierCode}`;
    const x = await this.exchange({ method: 'GET', path: PATHS.importProcesses(which, importSupplierCode), what, repeatable: true }, opts);
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 200) {
      if (!Array.isArray(a.body)) return this.fail(a, 'unexpected', `Kraken's answer to ${what} is not a list.`);
      const flat = a.body.length > 0 && a.body.every((e) => Array.isArray(e)) ? (a.body as unknown[][]).flat() : a.body;
      const items: ImportProcessListing[] = [];
      for (const e of flat) {
        const ext = isObject(e) ? str(e.external_account_number) : undefined;
        if (!isObject(e) || ext === undefined)
          return this.fail(a, 'unexpected', `Kraken's answer to ${what} has an entry without external_account_number.`);
        items.push({
          externalAccountNumber: ext,
          krakenAccountNumber: str(e.kraken_account_number) ?? null,
          accountCreatedAt: str(e.account_created_at) ?? null,
        });
      }
      return this.success(a, items);
    }
    if (a.status === 404) {
      return this.fail(
        a,
        'not-found',
        `Kraken "${this.env.name}" answered "not found" when asked to ${what}: check the import supplier code (the instance may not offer these endpoints).`,
      );
    }
    return this.failureFor(a, what);
  }

  /**
   * Reads the import status until it is final (PROCESSED, DRY_RUN_SUCCEEDED, CANCELLED, ERRORED, DRY_RUN_ERRORED),
   * waiting longer between reads (backoff). Unknown statuses are reported and waited on, up to `maxUnknown` reads in
   * a row. Resolves with the final status (a failed import is `ok: true` with `phase: 'failed'`).
   */
  async pollImportStatus(
    importSupplierCode: string,
    externalIdentifier: string,
    opts: PollOptions = {},
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
      const r = await this.importStatus(importSupplierCode, externalIdentifier, opts);
      reads++;
      if (!r.ok) return r;
      const s = r.data;
      if (s.status !== lastStatus) {
        emit(opts, { kind: 'status', status: s.status, message: statusMessage(s) });
        this.log(`import status ${importSupplierCode}/${redactText(externalIdentifier)}: ${s.status}`);
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

  // ---------------------------------------------------------------- post-import

  /** `POST /v1/data-import/notes/create/`: 201 with one status per note (NOTE_CREATION_SUCCESS, NOTE_ALREADY_EXISTS). */
  async postNotes(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<ItemsData>> {
    // Kraken deduplicates notes by body (+ created_at), so a repeat is harmless.
    const x = await this.exchange({ method: 'POST', path: PATHS.notes, body, what: 'add the notes', repeatable: true }, opts);
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 201 || a.status === 200) {
      const sent = isObject(body) && Array.isArray(body.notes) ? body.notes : [];
      const answers = Array.isArray(a.body) ? a.body : isObject(a.body) && Array.isArray(a.body.results) ? a.body.results : [];
      const items = answers.map((n, i) => {
        const note = isObject(n) ? n : {};
        let index = sent.findIndex(
          (s) => isObject(s) && s.body === note.body && (s.created_at === undefined || sameInstant(s.created_at, note.created_at)),
        );
        if (index < 0 && answers.length === sent.length) index = i;
        return item(index, 'notes', str(note.status) ?? 'UNKNOWN', undefined, n);
      });
      return this.success(a, summarise(items));
    }
    if (a.status === 404) return this.notImported(a, body, 'add notes');
    return this.failureFor(a, 'add the notes');
  }

  /**
   * `POST /v1/data-import/transactions/create/?check_previously_added=…&force_add_to_current_statement=…`.
   * 201 with one status per transaction; a 400 with TRANSACTION_IMPORT_ERROR comes back with its item.
   */
  async postTransactions(body: unknown, params: TransactionParams = {}, opts: CallOptions = {}): Promise<KrakenResult<ItemsData>> {
    const query = {
      check_previously_added: params.check_previously_added,
      force_add_to_current_statement: params.force_add_to_current_statement,
    };
    // Without Kraken's duplicate check a repeat could add the transactions twice.
    const repeatable = params.check_previously_added !== false;
    const x = await this.exchange(
      { method: 'POST', path: PATHS.transactions, query, body, what: 'add the transactions', repeatable },
      opts,
    );
    if (!x.ok) return x.failure;
    const a = x.answer;
    const sent = isObject(body) && Array.isArray(body.transactions) ? body.transactions : [];
    const toItems = (answers: unknown[]): ItemResult[] =>
      answers.map((r, i) => {
        const res = isObject(r) ? r : {};
        const data = isObject(res.transaction_data) ? res.transaction_data : undefined;
        const id = data ? str(data.transaction_id) : undefined;
        let index = id !== undefined ? sent.findIndex((t) => isObject(t) && str(t.transaction_id) === id) : -1;
        if (index < 0 && answers.length === sent.length) index = i;
        return item(index, 'transactions', str(res.status) ?? 'UNKNOWN', str(res.error_detail), data ?? r);
      });
    if (a.status === 201 || a.status === 200) {
      const answers = isObject(a.body) && Array.isArray(a.body.results) ? a.body.results : Array.isArray(a.body) ? a.body : [];
      return this.success(a, summarise(toItems(answers)));
    }
    if (a.status === 400) {
      const answers =
        isObject(a.body) && Array.isArray(a.body.results)
          ? a.body.results
          : isObject(a.body) && a.body.status === 'TRANSACTION_IMPORT_ERROR'
            ? [a.body]
            : Array.isArray(a.body) && a.body.some((r) => isObject(r) && 'status' in r)
              ? a.body
              : undefined;
      if (answers) {
        const items = toItems(answers);
        const errors: KrakenFieldError[] = items
          .filter((it) => it.outcome === 'error')
          .map((it) => ({ attr: it.path, code: it.status, detail: it.detail ?? 'The transaction could not be imported.' }));
        return this.fail(a, 'invalid', `Kraken did not import the transactions: ${formatErrors(errors)}`, { items, errors });
      }
    }
    if (a.status === 404) return this.notImported(a, body, 'add transactions');
    return this.failureFor(a, 'add the transactions');
  }

  /** `POST /v1/data-import/historical-statements/create/`: 201 (or 200) echoing the validated data. */
  async postStatements(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<StatementsData>> {
    const x = await this.exchange({ method: 'POST', path: PATHS.statements, body, what: 'add the statements', repeatable: false }, opts);
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 201 || a.status === 200) {
      const statements = isObject(a.body) && Array.isArray(a.body.statements) ? a.body.statements : Array.isArray(a.body) ? a.body : [];
      return this.success(a, { statements });
    }
    if (a.status === 404) return this.notImported(a, body, 'add statements');
    return this.failureFor(a, 'add the statements');
  }

  /** `POST /v1/data-import/payment-instruction/create/`: 201 `{kraken_account_number, reference}`. 500 is retried as-is (documented). */
  async postPaymentInstruction(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<PaymentInstructionData>> {
    const x = await this.exchange(
      { method: 'POST', path: PATHS.paymentInstruction, body, what: 'create the payment instruction', repeatable: false },
      opts,
    );
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 201 || a.status === 200) {
      const b = isObject(a.body) ? a.body : {};
      return this.success(a, {
        krakenAccountNumber: str(b.kraken_account_number),
        reference: str(b.reference) ?? str(b.instruction_reference),
      });
    }
    if (a.status === 404) return this.notImported(a, body, 'create a payment instruction');
    if (a.status === 400 && isObject(a.body) && typeof a.body.error_detail === 'string') {
      return this.fail(
        a,
        'invalid',
        `Kraken could not create the payment instruction: ${a.body.error_detail} Do not send it again unchanged (Kraken: a persistent problem with the payment vendor).`,
      );
    }
    return this.failureFor(a, 'create the payment instruction');
  }

  /** `POST /v1/data-import/business-payment-instruction/create/`: 201 `{reference, external_business_identifier}`. */
  async postBusinessPaymentInstruction(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<BusinessPaymentInstructionData>> {
    const x = await this.exchange(
      { method: 'POST', path: PATHS.businessPaymentInstruction, body, what: 'create the business payment instruction', repeatable: false },
      opts,
    );
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 201 || a.status === 200) {
      const b = isObject(a.body) ? a.body : {};
      return this.success(a, { externalBusinessIdentifier: str(b.external_business_identifier), reference: str(b.reference) });
    }
    if (a.status === 404) {
      const ext = isObject(body) ? str(body.external_business_identifier) : undefined;
      return this.fail(
        a,
        'not-found',
        `No imported business ${ext ?? ''} was found on "${this.env.name}": import the business first.`.replace('  ', ' '),
      );
    }
    if (a.status === 400 && isObject(a.body) && typeof a.body.error_detail === 'string') {
      return this.fail(
        a,
        'invalid',
        `Kraken could not create the business payment instruction: ${a.body.error_detail} Do not send it again unchanged (Kraken: a persistent problem with the payment vendor).`,
      );
    }
    return this.failureFor(a, 'create the business payment instruction');
  }

  /**
   * `POST /v1/data-import/send-registration-flows/{code}/{ext}/?supply_start_date=…`: 200 with a status per meter
   * point (REGISTRATION_FLOW_SUCCESS, REGISTRATION_FLOW_ERROR with error_detail).
   */
  async sendRegistrationFlows(
    importSupplierCode: string,
    externalAccountNumber: string,
    params: { supply_start_date?: string } = {},
    opts: CallOptions = {},
  ): Promise<KrakenResult<RegistrationFlowsData>> {
    const x = await this.exchange(
      {
        method: 'POST',
        path: PATHS.registrationFlows(importSupplierCode, externalAccountNumber),
        query: { supply_start_date: params.supply_start_date },
        what: 'send the registration flows',
        repeatable: false,
      },
      opts,
    );
    if (!x.ok) return x.failure;
    const a = x.answer;
    if (a.status === 200 || a.status === 201) {
      const accounts = Array.isArray(a.body) ? a.body : isObject(a.body) ? [a.body] : [];
      const first = isObject(accounts[0]) ? accounts[0] : {};
      const meterPoints = accounts.flatMap((acc) => (isObject(acc) && Array.isArray(acc.meter_points) ? acc.meter_points : []));
      const items = meterPoints.map((mp, i) => {
        const m = isObject(mp) ? mp : {};
        return { ...item(i, '', str(m.status) ?? 'UNKNOWN', str(m.error_detail), mp), path: '' };
      });
      return this.success(a, {
        ...summarise(items),
        importSupplierCode: str(first.import_supplier_code),
        externalAccountNumber: str(first.external_account_number),
      });
    }
    if (a.status === 404) {
      const detail = normaliseErrors(a.body)
        .map((e) => e.detail)
        .join(' ');
      return this.fail(
        a,
        'not-found',
        `${detail || `Account ${externalAccountNumber} was not found.`} Registration flows can only be sent for an imported account with meter points.`,
      );
    }
    return this.failureFor(a, 'send the registration flows');
  }

  // ---------------------------------------------------------------- plumbing

  private log(line: string): void {
    try {
      this.options.log?.(this.scrub(line));
    } catch {
      /* a broken logger must not break a call */
    }
  }

  /** Removes the key and tokens from a text. */
  private scrub(text: string): string {
    let out = text;
    for (const s of this.#secrets) if (s.length >= 4) out = out.split(s).join('[secret]');
    return out;
  }

  private remember(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  private success<T>(a: Answer, data: T): KrakenSuccess<T> {
    return { ok: true, status: a.status, data, body: a.body, attempts: a.attempts };
  }

  private fail(a: Answer, reason: FailureReason, message: string, extra: Partial<KrakenFailure> = {}): KrakenFailure {
    const errors = extra.errors ?? normaliseErrors(a.body);
    return { ok: false, reason, status: a.status, message: this.scrub(message), errors, body: a.body, attempts: a.attempts, ...extra };
  }

  /** The generic mapping of a non-success answer. */
  private failureFor(a: Answer, what: string): KrakenFailure {
    const errors = normaliseErrors(a.body);
    const detail = errors.length ? `: ${formatErrors(errors)}` : '.';
    switch (a.status) {
      case 400:
      case 422:
        return this.fail(a, 'invalid', `Kraken did not accept the request to ${what}${detail}`, { errors });
      case 403:
        return this.fail(
          a,
          'forbidden',
          `Kraken refused to ${what} (403 Forbidden): the key for "${this.env.name}" is not allowed to do this.`,
        );
      case 404:
        return this.fail(a, 'not-found', `Kraken answered "not found" when asked to ${what}${detail}`);
      case 409:
        return this.fail(a, 'invalid', `Kraken reported a conflict when asked to ${what}${detail}`);
      default:
        return this.fail(a, a.status >= 500 ? 'server-error' : 'unexpected', `Kraken answered ${a.status} when asked to ${what}${detail}`);
    }
  }

  private notImported(a: Answer, body: unknown, what: string): KrakenFailure {
    const b = isObject(body) ? body : {};
    const ext = str(b.external_account_number) ?? str(b.account_number);
    const supplier = str(b.import_supplier) ?? str(b.import_supplier_code);
    const detail = normaliseErrors(a.body)
      .map((e) => e.detail)
      .join(' ');
    return this.fail(
      a,
      'not-found',
      `Account ${ext ?? '(no external_account_number)'}${supplier ? ` (import supplier ${supplier})` : ''} was not found on "${this.env.name}"${detail ? ` (${detail})` : ''}. You can only ${what} once the account has been imported — staging it is not enough.`,
    );
  }

  private url(spec: CallSpec): URL {
    const base = this.env.baseUrl.replace(/\/+$/, '');
    const url = new URL(base + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private backoff(n: number): number {
    const raw = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** Math.max(0, n - 1));
    return Math.round(raw * (0.5 + Math.random()));
  }

  /** Authorization header value, or a failure (no key, key refused, Kraken unreachable). */
  private async authorization(opts: CallOptions): Promise<{ header: string } | { failure: KrakenFailure }> {
    const mode = this.env.auth ?? 'kraken-token';
    if (mode === 'api-key-header') {
      const key = await this.readKey();
      if (!key) return { failure: this.noKey() };
      return { header: `Token ${key}` };
    }
    if (this.#token && this.#token.expiresAt - TOKEN_MARGIN_MS > Date.now()) return { header: this.#token.value };
    if (!this.#obtaining) {
      // Shared by concurrent calls, so it does not follow one caller's signal; each caller waits with its own.
      this.#obtaining = this.obtainToken({ timeoutMs: opts.timeoutMs, onProgress: opts.onProgress }).finally(() => {
        this.#obtaining = undefined;
      });
    }
    const r = await raceAbort(this.#obtaining, opts.signal);
    if (r === 'aborted')
      return { failure: { ok: false, reason: 'cancelled', errors: [], attempts: 0, message: 'Cancelled while signing in to Kraken.' } };
    if ('failure' in r) return r;
    return { header: r.token.value };
  }

  private async readKey(): Promise<string | undefined> {
    let key: string | undefined;
    try {
      key = (await this.#getApiKey())?.trim();
    } catch {
      key = undefined;
    }
    this.remember(key);
    return key || undefined;
  }

  private noKey(): KrakenFailure {
    return {
      ok: false,
      reason: 'no-api-key',
      errors: [],
      attempts: 0,
      message: `No API key is stored for the Kraken environment "${this.env.name}". Enter the key Kraken issued for it.`,
    };
  }

  private keyRefused(detail: string, attempts: number, status?: number): KrakenFailure {
    return {
      ok: false,
      reason: 'unauthorized',
      status,
      errors: [],
      attempts,
      message: this.scrub(
        `Kraken "${this.env.name}" did not accept the API key${detail ? ` (${detail})` : ''}. Enter the key for this environment again.`,
      ),
    };
  }

  /** `obtainKrakenToken` with the refresh token when it is still valid, else with the API key. */
  private async obtainToken(opts: CallOptions): Promise<{ token: Token } | { failure: KrakenFailure }> {
    const previous = this.#token;
    this.#token = undefined;
    if (previous?.refreshToken && (previous.refreshExpiresAt ?? 0) - TOKEN_MARGIN_MS > Date.now()) {
      const r = await this.tokenMutation({ refreshToken: previous.refreshToken }, opts);
      if ('token' in r) return r;
      if (r.failure.reason !== 'unauthorized') return r;
      // The refresh token was refused: fall back to the key.
    }
    const key = await this.readKey();
    if (!key) return { failure: this.noKey() };
    return this.tokenMutation({ APIKey: key }, opts);
  }

  private async tokenMutation(input: Record<string, string>, opts: CallOptions): Promise<{ token: Token } | { failure: KrakenFailure }> {
    emit(opts, { kind: 'auth', message: `Signing in to "${this.env.name}"…` });
    const x = await this.exchange(
      {
        method: 'POST',
        path: PATHS.graphql,
        body: { query: OBTAIN_TOKEN, variables: { input } },
        what: 'obtain a Kraken token',
        repeatable: true,
        auth: false,
      },
      opts,
    );
    if (!x.ok) return { failure: x.failure };
    const a = x.answer;
    const b = isObject(a.body) ? a.body : {};
    const data = isObject(b.data) && isObject(b.data.obtainKrakenToken) ? b.data.obtainKrakenToken : undefined;
    const value = data ? str(data.token) : undefined;
    if (a.status === 200 && value) {
      this.remember(value);
      const refresh = str(data!.refreshToken);
      this.remember(refresh);
      const rexp = typeof data!.refreshExpiresIn === 'number' ? data!.refreshExpiresIn : undefined;
      const token: Token = {
        value,
        expiresAt: jwtExpiry(value) ?? Date.now() + DEFAULT_TOKEN_LIFETIME_MS,
        refreshToken: refresh,
        // Kraken gives a Unix timestamp (seconds); accept a duration in seconds too.
        refreshExpiresAt: rexp === undefined ? undefined : rexp > 1e9 ? rexp * 1000 : Date.now() + rexp * 1000,
      };
      this.#token = token;
      this.log(`token obtained for "${this.env.name}", valid until ${new Date(token.expiresAt).toISOString()}`);
      return { token };
    }
    const gqlErrors = Array.isArray(b.errors) ? b.errors : [];
    const detail = gqlErrors
      .map((e) =>
        isObject(e) ? [str(e.message), isObject(e.extensions) ? str(e.extensions.errorCode) : undefined].filter(Boolean).join(' ') : '',
      )
      .filter(Boolean)
      .join('; ');
    if (a.status === 200 || a.status === 400 || a.status === 401 || a.status === 403)
      return { failure: this.keyRefused(detail, a.attempts, a.status) };
    return { failure: this.failureFor(a, 'obtain a Kraken token') };
  }

  /**
   * One call with its retries: auth, 401 refresh, 429 wait, 5xx backoff, network errors. Resolves with the final
   * answer for any status that is not retried (2xx, 400, 404, …) or with a failure.
   */
  private async exchange(spec: CallSpec, opts: CallOptions): Promise<Exchange> {
    const started = Date.now();
    const x = await this.exchangeWithRetries(spec, opts);
    if (opts.onExchange && spec.auth !== false) {
      const answerOf = x.ok ? x.answer : undefined;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(answerOf?.headers ?? {})) {
        if (/^(content-type|retry-after|x-kraken-sandbox)$/i.test(k) && v !== undefined)
          headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
      }
      let requestBody: unknown;
      if (spec.body !== undefined) {
        try {
          requestBody = JSON.parse(this.scrub(JSON.stringify(spec.body)));
        } catch {
          requestBody = undefined;
        }
      }
      const record: ExchangeRecord = {
        method: spec.method,
        url: this.scrub(this.url(spec).toString()),
        auth: this.env.auth ?? 'kraken-token',
        ...(requestBody !== undefined ? { requestBody } : {}),
        status: x.ok ? x.answer.status : x.failure.status,
        responseBody: x.ok ? x.answer.body : x.failure.body,
        ...(Object.keys(headers).length ? { responseHeaders: headers } : {}),
        attempts: x.ok ? x.answer.attempts : x.failure.attempts,
        durationMs: Date.now() - started,
        ...(x.ok ? {} : { failure: { reason: x.failure.reason, message: x.failure.message } }),
      };
      try {
        opts.onExchange(record);
      } catch {
        /* a broken viewer must not break a call */
      }
    }
    return x;
  }

  private async exchangeWithRetries(spec: CallSpec, opts: CallOptions): Promise<Exchange> {
    const fail = (reason: FailureReason, message: string, attempts: number, extra: Partial<KrakenFailure> = {}): Exchange => ({
      ok: false,
      failure: { ok: false, reason, message: this.scrub(message), errors: [], attempts, ...extra },
    });
    const problem = checkBaseUrl(this.env.baseUrl);
    if (problem) return fail('config', problem, 0);
    let bodyText: string | undefined;
    if (spec.body !== undefined) bodyText = JSON.stringify(spec.body);
    const url = this.url(spec);
    const label = `${spec.method} ${url.pathname}`;
    const mayRepeatAfterSend = spec.repeatable && !spec.create;
    let attempts = 0;
    let serverRetries = 0;
    let rateRetries = 0;
    let refreshed = false;

    for (;;) {
      if (opts.signal?.aborted) return fail('cancelled', `Cancelled: did not ${spec.what}.`, attempts);
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'User-Agent': this.options.userAgent ?? 'kraken-import',
        ...this.options.headers,
      };
      if (bodyText !== undefined) headers['Content-Type'] = 'application/json';
      if (spec.auth !== false) {
        const auth = await this.authorization(opts);
        if ('failure' in auth) return { ok: false, failure: { ...auth.failure, attempts: attempts + auth.failure.attempts } };
        headers.Authorization = auth.header;
      }
      attempts++;
      emit(opts, {
        kind: 'request',
        attempt: attempts,
        message: `Asking Kraken "${this.env.name}" to ${spec.what}${attempts > 1 ? ` (attempt ${attempts})` : ''}…`,
      });
      const started = Date.now();
      let res: HttpResponse;
      try {
        const agent = this.options.agentFor?.(url);
        res = await send({
          method: spec.method,
          url,
          headers,
          body: bodyText,
          timeoutMs: opts.timeoutMs ?? this.timeoutMs,
          signal: opts.signal,
          ...(agent ? { agent } : {}),
        });
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        this.log(
          `${label} → ${e.kind}${e.code ? ` ${e.code}` : ''} after ${Date.now() - started} ms (attempt ${attempts}${e.sent ? ', request sent' : ''})`,
        );
        const unknownOutcome = e.sent && !mayRepeatAfterSend;
        if (e.kind === 'cancelled') {
          if (unknownOutcome) {
            return fail(
              'outcome-unknown',
              `Cancelled after the request to ${spec.what} was sent: Kraken may have processed it. Check the import status (or the account in Kraken) before sending it again.`,
              attempts,
            );
          }
          return fail('cancelled', `Cancelled: did not ${spec.what}.`, attempts);
        }
        if (unknownOutcome) {
          return fail(
            'outcome-unknown',
            `Outcome unknown — ${e.message} Kraken may or may not have processed the request to ${spec.what}. Check the import status (or the account in Kraken) before sending it again; it was not sent twice.`,
            attempts,
          );
        }
        if (e.kind === 'timeout' && e.sent) {
          return fail('timeout', `${e.message} Did not ${spec.what}; try again later or raise the timeout.`, attempts);
        }
        if (serverRetries < this.retry.retries) {
          serverRetries++;
          const wait = this.backoff(serverRetries);
          emit(opts, {
            kind: 'retry',
            attempt: attempts,
            waitMs: wait,
            message: `${e.message} Trying again in ${seconds(wait)} (retry ${serverRetries} of ${this.retry.retries}).`,
          });
          if (!(await sleep(wait, opts.signal))) return fail('cancelled', `Cancelled: did not ${spec.what}.`, attempts);
          continue;
        }
        return fail(
          e.kind === 'timeout' ? 'timeout' : 'network',
          `${e.message} Could not ${spec.what} after ${attempts} attempts.`,
          attempts,
        );
      }

      const text = this.scrub(res.text);
      let body: unknown = undefined;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      this.log(`${label} → ${res.status} in ${Date.now() - started} ms (attempt ${attempts})`);
      const answer: Answer = { status: res.status, headers: res.headers, body, attempts };

      if (res.status === 401 && spec.auth !== false) {
        if ((this.env.auth ?? 'kraken-token') === 'kraken-token' && !refreshed) {
          refreshed = true;
          this.#token = undefined;
          emit(opts, { kind: 'auth', attempt: attempts, message: 'Kraken did not accept the token; signing in again.' });
          continue;
        }
        const detail = normaliseErrors(body)
          .map((e) => e.detail)
          .join(' ');
        return { ok: false, failure: { ...this.keyRefused(detail, attempts, 401), body, errors: normaliseErrors(body) } };
      }

      if (res.status === 429) {
        if (rateRetries < this.retry.rateLimitRetries) {
          rateRetries++;
          const after = retryAfterMs(res.headers['retry-after']);
          // Retry-After is a minimum; a growing backoff keeps a "Retry-After: 0" storm from burning the retries at once.
          const wait = Math.min(this.retry.maxDelayMs, Math.max(after ?? 0, this.backoff(rateRetries)));
          emit(opts, {
            kind: 'rate-limited',
            attempt: attempts,
            waitMs: wait,
            message: `Kraken is busy (429: too many accounts being processed at once). Waiting ${seconds(wait)} before trying again (${rateRetries} of ${this.retry.rateLimitRetries}).`,
          });
          if (!(await sleep(wait, opts.signal)))
            return fail('cancelled', `Cancelled while waiting to ${spec.what} (Kraken was busy; nothing was processed).`, attempts);
          continue;
        }
        return fail(
          'rate-limited',
          `Kraken is still busy after ${rateRetries} retries (429: the concurrency limit on accounts processed at once). Nothing was processed; try again once other imports have finished.`,
          attempts,
          { status: 429, body, errors: normaliseErrors(body) },
        );
      }

      if (res.status >= 500) {
        const notProcessed = res.status === 500 || res.status === 503;
        const retryable = [500, 502, 503, 504].includes(res.status) && (mayRepeatAfterSend || notProcessed);
        if (retryable && serverRetries < this.retry.retries) {
          serverRetries++;
          const after = res.status === 503 ? retryAfterMs(res.headers['retry-after']) : undefined;
          const wait =
            after !== undefined ? Math.min(this.retry.maxDelayMs, Math.max(after, this.retry.baseDelayMs)) : this.backoff(serverRetries);
          emit(opts, {
            kind: 'retry',
            attempt: attempts,
            waitMs: wait,
            message: `Kraken answered ${res.status}. Trying again in ${seconds(wait)} (retry ${serverRetries} of ${this.retry.retries}).`,
          });
          if (!(await sleep(wait, opts.signal))) return fail('cancelled', `Cancelled: did not ${spec.what}.`, attempts);
          continue;
        }
        if (!retryable && !mayRepeatAfterSend && (res.status === 502 || res.status === 504)) {
          return fail(
            'outcome-unknown',
            `Outcome unknown — a gateway answered ${res.status} while Kraken may still be working on the request to ${spec.what}. Check the import status (or the account in Kraken) before sending it again; it was not sent twice.`,
            attempts,
            { status: res.status, body },
          );
        }
        const errors = normaliseErrors(body);
        return fail(
          'server-error',
          `Kraken answered ${res.status} (server error)${retryable ? ` ${attempts} times` : ''}; could not ${spec.what}.${errors.length ? ` ${formatErrors(errors)}` : ''}`,
          attempts,
          { status: res.status, body, errors },
        );
      }

      return { ok: true, answer };
    }
  }
}

type KrakenSuccess<T> = Extract<KrakenResult<T>, { ok: true }>;

function emit(opts: CallOptions, event: ProgressEvent): void {
  try {
    opts.onProgress?.(event);
  } catch {
    /* a broken progress callback must not break a call */
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | 'aborted'> {
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

function sameInstant(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Date.parse(a);
  const y = Date.parse(b);
  return !Number.isNaN(x) && x === y;
}

const ITEM_OUTCOMES: Record<string, ItemResult['outcome']> = {
  NOTE_CREATION_SUCCESS: 'created',
  NOTE_ALREADY_EXISTS: 'exists',
  TRANSACTION_ADDED_TO_ACCOUNT: 'created',
  TRANSACTION_IMPORT_SUCCESS: 'created',
  TRANSACTION_ALREADY_EXISTS: 'exists',
  TRANSACTION_IMPORT_ERROR: 'error',
  REGISTRATION_FLOW_SUCCESS: 'created',
  REGISTRATION_FLOW_ERROR: 'error',
};

function item(index: number, listKey: string, status: string, detail: string | undefined, data: unknown): ItemResult {
  const outcome = ITEM_OUTCOMES[status] ?? (/ERROR|FAIL/.test(status) ? 'error' : 'unknown');
  return {
    index,
    path: index >= 0 && listKey ? `${listKey}.${index}` : '',
    status,
    outcome,
    ...(detail !== undefined ? { detail } : {}),
    data,
  };
}

function summarise(items: ItemResult[]): ItemsData {
  return {
    items,
    created: items.filter((i) => i.outcome === 'created').length,
    existing: items.filter((i) => i.outcome === 'exists').length,
    failed: items.filter((i) => i.outcome === 'error').length,
  };
}

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
