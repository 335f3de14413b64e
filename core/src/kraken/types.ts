/**
 * Types of the Kraken data-import HTTP client. No `vscode` import: the extension and the CLI both use this module.
 *
 * Every call resolves to a `KrakenResult<T>`: `{ ok: true, data }` or `{ ok: false, reason, message, errors }`.
 * Calls do not throw for anything that happens on the wire (HTTP statuses, timeouts, network errors, cancellation);
 * only programmer errors (e.g. a body that cannot be serialised) throw.
 */

export interface KrakenEnvironment {
  /** What the user calls it ("DE test", "production"). Shown in messages. */
  name: string;
  /** The instance's API host, e.g. `https://api.oeg-kraken.energy` (no `/v1`). HTTPS except loopback hosts. */
  baseUrl: string;
  /** `v1`: validate → stage → create (process). `v2`: validate → create (import process) → status. */
  flow: 'v1' | 'v2';
  /** Default import supplier code (`TENTACLE_ENERGY`). */
  importSupplier?: string;
  /** Default `operations_team_name` for v1 create. */
  operationsTeam?: string;
  /** A production instance: the UI asks before creating anything. The client itself does not treat it differently. */
  production?: boolean;
  /** Path or URL of the instance's served contract (`/data-import/schema/`), for the language service. */
  contract?: string;
  /**
   * `kraken-token` (default): obtain a JWT with the GraphQL mutation `obtainKrakenToken(input: {APIKey})` at
   * `{baseUrl}/v1/graphql/` and send `Authorization: <token>`.
   * `api-key-header`: send `Authorization: Token <key>`.
   */
  auth?: 'kraken-token' | 'api-key-header';
}

export interface KrakenClientOptions {
  /** Timeout of each HTTP request (connect to last byte), ms. Default 60 000. */
  timeoutMs?: number;
  /** One line per request and per retry decision. Never carries the key, the token, or request bodies. */
  log?: (line: string) => void;
  /** Retry tuning (mostly for tests). */
  retry?: Partial<RetryPolicy>;
  /** Extra headers on every request (e.g. a correlation id). Must not carry credentials. */
  headers?: Record<string, string>;
  /** Value of the `User-Agent` header. */
  userAgent?: string;
  /**
   * The agent for a URL (the CLI's proxy tunnel from HTTPS_PROXY/NO_PROXY, see proxy.ts); undefined: the default.
   * The extension leaves it unset: VS Code applies its proxy settings to the http/https modules.
   */
  agentFor?: (url: URL) => import('node:http').Agent | undefined;
}

export interface RetryPolicy {
  /** Retries after a 5xx or a network error (when the call may be repeated). Default 3. */
  retries: number;
  /** Retries after a 429. Default 8. */
  rateLimitRetries: number;
  /** First backoff delay, ms; doubled per attempt, with ±50 % jitter. Default 500. */
  baseDelayMs: number;
  /** Cap of one backoff delay, ms (also caps `Retry-After`). Default 30 000. */
  maxDelayMs: number;
}

/** A field error, normalised from any of Kraken's error body shapes. */
export interface KrakenFieldError {
  /** Dotted path (`customers.0.landline`), relative to the request body; '' for a non-field error. */
  attr: string;
  code?: string;
  detail: string;
}

export type ProgressKind = 'request' | 'retry' | 'rate-limited' | 'auth' | 'status' | 'waiting';

export interface ProgressEvent {
  kind: ProgressKind;
  /** Plain words, ready for a progress notification. */
  message: string;
  attempt?: number;
  /** How long the client waits before the next attempt, ms. */
  waitMs?: number;
  /** For `status`: the import status just read. */
  status?: string;
}

/**
 * One call as sent and answered, for a response viewer: what went out (never the key or a token: the
 * Authorization header is named by its scheme only, and the body is scrubbed of them) and what came back.
 */
export interface ExchangeRecord {
  method: 'GET' | 'POST';
  /** Full URL with its query. */
  url: string;
  /** `Token` (the API key in `Authorization: Token <key>`) or `kraken-token` (`Authorization: <token>`). */
  auth: 'api-key-header' | 'kraken-token';
  requestBody?: unknown;
  /** Final HTTP status; undefined when no answer came back. */
  status?: number;
  responseBody?: unknown;
  /** Response headers worth reading (content type, Retry-After, the sandbox marker). */
  responseHeaders?: Record<string, string>;
  attempts: number;
  durationMs: number;
  /** The client's failure reason and message when the call failed without an answer. */
  failure?: { reason: string; message: string };
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Called once per call (after its retries) with what was sent and answered; not for the sign-in request. */
  onExchange?: (record: ExchangeRecord) => void;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
}

export type FailureReason =
  /** 400 with validation errors (see `errors`). */
  | 'invalid'
  /** 400: the account was imported already (`krakenAccountNumber` when Kraken said which). */
  | 'already-imported'
  /** 404: no such account / import process / business, in plain words in `message`. */
  | 'not-found'
  /** 401 after one token refresh, or the token could not be obtained with the key. Ask the user for the key. */
  | 'unauthorized'
  /** 403. */
  | 'forbidden'
  /** 429 still after the bounded retries. */
  | 'rate-limited'
  /** 5xx still after the bounded retries (or not retried: see `message`). */
  | 'server-error'
  /** A create was sent and no answer came back (dropped connection, timeout, cancelled in flight): it may or may not have been processed. Check the import status before sending again. */
  | 'outcome-unknown'
  /** No answer within the timeout (and the call was not a create in flight). */
  | 'timeout'
  /** Could not reach Kraken (refused, reset, DNS, TLS). */
  | 'network'
  /** Cancelled through the AbortSignal before anything was sent (or for a call that may be repeated). */
  | 'cancelled'
  /** The environment is unusable (non-HTTPS URL, bad URL) — nothing was sent. */
  | 'config'
  /** `getApiKey()` returned nothing. */
  | 'no-api-key'
  /** Any other status or an unreadable answer. */
  | 'unexpected';

export interface KrakenFailure {
  ok: false;
  reason: FailureReason;
  /** Plain words for the user. Never contains the API key or the token. */
  message: string;
  /** HTTP status when an answer came back. */
  status?: number;
  /** Normalised errors (empty when none). */
  errors: KrakenFieldError[];
  /** Per-item results when Kraken gave them (transactions, registration flows). */
  items?: ItemResult[];
  /** For `already-imported`. */
  krakenAccountNumber?: string;
  /** The answer's body (parsed JSON, or text), with the key scrubbed. */
  body?: unknown;
  /** HTTP attempts made for this call. */
  attempts: number;
}

export interface KrakenSuccess<T> {
  ok: true;
  status: number;
  data: T;
  body: unknown;
  attempts: number;
}

export type KrakenResult<T> = KrakenSuccess<T> | KrakenFailure;

// ---- per-call data ----

/** v1 `validate-account` (200 `{}` or the validated data) and v2 `accounts/validate` (200 `{}`). */
export interface ValidateData {
  valid: true;
}

/** v1 `create-or-update`: 201 staged the first time, 200 updated. */
export interface StageData {
  outcome: 'staged' | 'updated';
  importSupplier?: string;
  externalAccountNumber?: string;
}

export interface CreateV1Request {
  external_account_number: string;
  import_supplier_code: string;
  operations_team_name?: string;
  dry_run?: boolean;
}

/**
 * v1 `process`:
 * - `created`: 201 with the new Kraken account number;
 * - `dry-run-succeeded`: Kraken's 400 "Account would successfully import. Rolled back due to Dry Run.";
 * - `already-imported`: 400 naming the existing Kraken account number.
 */
export interface CreateV1Data {
  outcome: 'created' | 'dry-run-succeeded' | 'already-imported';
  krakenAccountNumber?: string;
  message: string;
}

export interface CreateV2TaskParams {
  is_dry_run: boolean;
  schedule_window_start?: string | null;
  schedule_window_end?: string | null;
}

/** v2 create: 201 `{}` = scheduled; or the 400 "already imported" with `account_id`. */
export interface CreateV2Data {
  outcome: 'scheduled' | 'already-imported';
  dryRun: boolean;
  krakenAccountNumber?: string;
  message: string;
}

export const FINAL_IMPORT_STATUSES = ['PROCESSED', 'DRY_RUN_SUCCEEDED', 'CANCELLED', 'ERRORED', 'DRY_RUN_ERRORED'] as const;
export const PENDING_IMPORT_STATUSES = ['PENDING', 'IN_PROGRESS'] as const;

export interface ImportStatusData {
  /** As Kraken sent it (a free string in the contract). */
  status: string;
  /** `succeeded`: PROCESSED / DRY_RUN_SUCCEEDED; `failed`: ERRORED / DRY_RUN_ERRORED; `cancelled`; `pending`: PENDING / IN_PROGRESS; `unknown`: any other value. */
  phase: 'succeeded' | 'failed' | 'cancelled' | 'pending' | 'unknown';
  final: boolean;
  krakenIdentifier: string | null;
  createdAt?: string;
  modifiedAt?: string;
  latestError: { code?: string; detail: string; domain?: string } | null;
  latestEvent?: { event?: string; occurred_at?: string; data?: unknown } | null;
}

/** v1 `account-transfer-status`: `status` UNKNOWN | IN_PROGRESS | COMPLETED (FR: also PENDING, REJECTED). */
export interface TransferStatusData {
  status: string;
  /** Set once the account exists in Kraken. */
  krakenAccountNumber: string | null;
}

export interface PollOptions extends CallOptions {
  /** First wait between reads, ms. Default 1 000. */
  intervalMs?: number;
  /** Cap of the wait between reads, ms. Default 15 000. */
  maxIntervalMs?: number;
  /** Give up after this long, ms (result: `timeout`, with the last status in `body`). Default 30 min. */
  deadlineMs?: number;
  /** How many reads in a row may return an unknown status before giving up. Default 20. */
  maxUnknown?: number;
}

/** One item of a per-item answer, with its index in the request's list so the UI can put it on the item. */
export interface ItemResult {
  /** Index in the request list (`notes[i]`, `transactions[i]`, meter point i); -1 when it could not be matched. */
  index: number;
  /** Dotted path of the item in the request body (`transactions.3`), '' when unmatched. */
  path: string;
  /** Kraken's status: NOTE_CREATION_SUCCESS, NOTE_ALREADY_EXISTS, TRANSACTION_ADDED_TO_ACCOUNT, TRANSACTION_ALREADY_EXISTS, TRANSACTION_IMPORT_ERROR, REGISTRATION_FLOW_SUCCESS, REGISTRATION_FLOW_ERROR… */
  status: string;
  /** `created`: added now; `exists`: was already there (not an error); `error`. */
  outcome: 'created' | 'exists' | 'error' | 'unknown';
  detail?: string;
  /** The item as Kraken echoed it (transaction_data, the note, the meter point). */
  data?: unknown;
}

export interface ItemsData {
  items: ItemResult[];
  created: number;
  existing: number;
  failed: number;
}

export interface TransactionParams {
  /** Default (Kraken's): true. */
  check_previously_added?: boolean;
  /** Default (Kraken's): true. */
  force_add_to_current_statement?: boolean;
}

export interface StatementsData {
  /** What Kraken echoed. */
  statements: unknown[];
}

export interface PaymentInstructionData {
  krakenAccountNumber?: string;
  reference?: string;
}

export interface BusinessPaymentInstructionData {
  externalBusinessIdentifier?: string;
  reference?: string;
}

export interface RegistrationFlowsData extends ItemsData {
  importSupplierCode?: string;
  externalAccountNumber?: string;
}

/** Which list of account import processes (v1 query endpoints): all, pending (staged) or imported. */
export type ImportProcessList = 'all' | 'pending' | 'imported';

/** One entry of `GET /v1/data-import/{all,pending,imported}-account-import-processes/{import_supplier_code}/`. */
export interface ImportProcessListing {
  externalAccountNumber: string;
  /** Null while the account is pending (staged). */
  krakenAccountNumber: string | null;
  accountCreatedAt: string | null;
}
