/**
 * The Kraken data-import API client. No `vscode` import: the extension and the CLI both use it.
 *
 *   const client = new KrakenClient(env, () => secrets.get(key), { log: (l) => channel.appendLine(l) });
 *   const r = await client.validateAccount(body, { signal, onProgress });
 *   if (r.ok) … else r.reason / r.message / r.errors
 *
 * Retry rules (one place: exchange.ts; whether a call may run twice is its endpoint's `repeatWithinCall`, see
 * core/src/endpoints):
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
 * Modules: token.ts (signing in), exchange.ts + retry.ts (request and retry policy), answers.ts + read*.ts (how each
 * endpoint's answer reads), importStatus.ts (the v2 status and its polling), callSpec.ts (a call from its endpoint's
 * definition). This class ties them together, one short method per endpoint.
 *
 * The API key is read through `getApiKey()` when needed. It and the tokens are kept only in private (#) fields, to
 * scrub them from every answer text, message and log line; they never appear in a result or a thrown object.
 */
import { endpoint, fillPath, type EndpointDef } from '../endpoints';
import type { Exchange, ReadContext } from './answers';
import { specFor, type CallArgs } from './callSpec';
import { exchange, type ExchangeDeps } from './exchange';
import { checkBaseUrl } from './http';
import { followImportStatus } from './importStatus';
import { readCreateV1, readCreateV2, readStage, readValidate } from './readAccount';
import {
  readBusinessPaymentInstruction,
  readNotes,
  readPaymentInstruction,
  readRegistrationFlows,
  readStatements,
  readTransactions,
} from './readPostImport';
import { readImportProcessList, readImportStatus, readTransferStatus } from './readQueries';
import { DEFAULT_RETRY } from './retry';
import { REQUEST_TIMEOUT_SECONDS } from './timeout';
import { Secrets } from './secrets';
import { TokenSource } from './token';
import type {
  BusinessPaymentInstructionData,
  CallOptions,
  CreateV1Data,
  CreateV1Request,
  CreateV2Data,
  CreateV2TaskParams,
  ImportProcessList,
  ImportProcessListing,
  ImportStatusData,
  ItemsData,
  KrakenClientOptions,
  KrakenEnvironment,
  KrakenResult,
  PaymentInstructionData,
  PollOptions,
  RegistrationFlowsData,
  RetryPolicy,
  StageData,
  StatementsData,
  TransactionParams,
  TransferStatusData,
  ValidateData,
} from './types';

export { jwtExpiry } from './token';
export { parseImportStatus } from './importStatus';

const path = (id: Parameters<typeof endpoint>[0]) => endpoint(id).path;
const pathWith =
  (id: Parameters<typeof endpoint>[0], a: string, b?: string) =>
  (x: string, y?: string): string => {
    const params: Record<string, string> = { [a]: x };
    if (b !== undefined && y !== undefined) params[b] = y;
    return fillPath(endpoint(id), params);
  };

/** The endpoints' paths (from core/src/endpoints), for callers that name one. */
export const PATHS = {
  graphql: path('obtainToken'),
  validateV1: path('validateAccount'),
  stageV1: path('stageAccount'),
  createV1: path('createAccountV1'),
  validateV2: path('validateAccountV2'),
  createV2: path('createAccountV2'),
  importStatus: pathWith('importStatus', 'import_supplier_code', 'external_identifier') as (code: string, ext: string) => string,
  transferStatus: pathWith('accountTransferStatus', 'import_supplier_code', 'external_account_number') as (
    code: string,
    ext: string,
  ) => string,
  notes: path('postNotes'),
  transactions: path('postTransactions'),
  statements: path('postStatements'),
  paymentInstruction: path('postPaymentInstruction'),
  businessPaymentInstruction: path('postBusinessPaymentInstruction'),
  importProcesses: (which: ImportProcessList, code: string): string => fillPath(listEndpoint(which), { import_supplier_code: code }),
  registrationFlows: pathWith('sendRegistrationFlows', 'import_supplier_code', 'external_account_number') as (
    code: string,
    ext: string,
  ) => string,
} as const;

function listEndpoint(which: ImportProcessList): EndpointDef {
  return endpoint(
    which === 'all' ? 'listAllImportProcesses' : which === 'pending' ? 'listPendingImportProcesses' : 'listImportedImportProcesses',
  );
}

export const DEFAULT_TIMEOUT_MS = REQUEST_TIMEOUT_SECONDS.default * 1000;

export class KrakenClient {
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  // Private (#) so that inspecting or serialising the client never shows the token or the key.
  readonly #secrets = new Secrets();
  readonly #tokens: TokenSource;
  readonly #deps: ExchangeDeps;

  constructor(
    readonly env: KrakenEnvironment,
    getApiKey: () => Promise<string | undefined>,
    private readonly options: KrakenClientOptions = {},
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const log = (line: string): void => this.log(line);
    this.#deps = {
      env,
      options,
      retry: this.retry,
      timeoutMs: this.timeoutMs,
      secrets: this.#secrets,
      log,
      authorization: (opts) => this.#tokens.authorization(opts),
      forgetToken: () => this.#tokens.forget(),
    };
    this.#tokens = new TokenSource({
      env,
      getApiKey,
      secrets: this.#secrets,
      log,
      exchange: (spec, opts) => exchange(this.#deps, spec, opts),
    });
  }

  /** Why this environment cannot be used (non-HTTPS URL…), or undefined. Nothing is sent. */
  static checkEnvironment(env: KrakenEnvironment): string | undefined {
    return checkBaseUrl(env.baseUrl);
  }

  /**
   * The `Authorization` header value this environment sends (a Kraken token obtained with the key, or `Token <key>`),
   * for other requests to the same instance such as its served contract; undefined when there is no usable key.
   */
  async authorizationHeader(opts: CallOptions = {}): Promise<string | undefined> {
    const auth = await this.#tokens.authorization(opts);
    return 'header' in auth ? auth.header : undefined;
  }

  /** Forget the cached token (e.g. after the user changed the key). */
  signOut(): void {
    this.#tokens.signOut();
  }

  // ---------------------------------------------------------------- v1 flow

  /** `POST /v1/data-import/validate-account/`: 200 (`{}` or the validated data) or 400 with errors. */
  async validateAccount(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<ValidateData>> {
    const def = endpoint('validateAccount');
    const x = await this.call(def, { body }, opts);
    return x.ok ? readValidate(this.ctx, def.answer.ok, x.answer, def.what) : x.failure;
  }

  /** `POST /v1/data-import/account-import-process/create-or-update/`: 201 staged the first time, 200 updated. */
  async stageAccount(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<StageData>> {
    const def = endpoint('stageAccount');
    const x = await this.call(def, { body }, opts);
    return x.ok ? readStage(this.ctx, def.answer.ok, x.answer, def.what) : x.failure;
  }

  /**
   * `POST /v1/data-import/account-import-process/process/`. Never sent twice unless Kraken said it was not
   * processed (429, 500, 503). The dry-run success (a 400 from Kraken) and "already imported" are successes.
   */
  async createAccountV1(request: CreateV1Request, opts: CallOptions = {}): Promise<KrakenResult<CreateV1Data>> {
    const def = endpoint('createAccountV1');
    const body: CreateV1Request = {
      external_account_number: request.external_account_number,
      import_supplier_code: request.import_supplier_code,
      ...(request.operations_team_name !== undefined ? { operations_team_name: request.operations_team_name } : {}),
      dry_run: request.dry_run ?? false,
    };
    const what = body.dry_run ? `${def.what} (dry run)` : def.what;
    const x = await this.call(def, { body, what }, opts);
    return x.ok ? readCreateV1(this.ctx, def.answer.ok, x.answer, what) : x.failure;
  }

  // ---------------------------------------------------------------- v2 flow

  /** `POST /v2/data-import/accounts/validate/`: the body as given (`{payload}` or a bare account). 200 `{}` or 400. */
  async validateAccountV2(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<ValidateData>> {
    const def = endpoint('validateAccountV2');
    const x = await this.call(def, { body }, opts);
    return x.ok ? readValidate(this.ctx, def.answer.ok, x.answer, def.what) : x.failure;
  }

  /**
   * `POST /v2/data-import/accounts/` with `{payload, task_params}`: 201 `{}` = scheduled (follow with
   * `pollImportStatus`). Never sent twice unless Kraken said it was not processed.
   */
  async createAccountV2(payload: unknown, taskParams: CreateV2TaskParams, opts: CallOptions = {}): Promise<KrakenResult<CreateV2Data>> {
    const def = endpoint('createAccountV2');
    const task_params: Record<string, unknown> = { is_dry_run: taskParams.is_dry_run };
    if (taskParams.schedule_window_start !== undefined) task_params.schedule_window_start = taskParams.schedule_window_start;
    if (taskParams.schedule_window_end !== undefined) task_params.schedule_window_end = taskParams.schedule_window_end;
    const what = taskParams.is_dry_run ? `${def.what} (dry run)` : def.what;
    const x = await this.call(def, { body: { payload, task_params }, what }, opts);
    return x.ok ? readCreateV2(this.ctx, def.answer.ok, x.answer, what, taskParams.is_dry_run) : x.failure;
  }

  /** `GET /v2/data-import/accounts/{import_supplier_code}/{external_identifier}/`. 404 → `not-found`. */
  async importStatus(
    importSupplierCode: string,
    externalIdentifier: string,
    opts: CallOptions = {},
  ): Promise<KrakenResult<ImportStatusData>> {
    const def = endpoint('importStatus');
    const params = { import_supplier_code: importSupplierCode, external_identifier: externalIdentifier };
    const x = await this.call(def, { params }, opts);
    return x.ok ? readImportStatus(this.ctx, x.answer, importSupplierCode, externalIdentifier, def.what) : x.failure;
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
    const def = endpoint('accountTransferStatus');
    const params = { import_supplier_code: importSupplierCode, external_account_number: externalAccountNumber };
    const x = await this.call(def, { params }, opts);
    return x.ok ? readTransferStatus(this.ctx, x.answer, importSupplierCode, externalAccountNumber, def.what) : x.failure;
  }

  /**
   * `GET /v1/data-import/{all,pending,imported}-account-import-processes/{import_supplier_code}/`: the import
   * supplier's account import processes (`all`: staged and imported; `pending`: staged; `imported`: with a Kraken
   * account). 404 → `not-found` (no such import supplier, or an instance without these endpoints).
   */
  async listImportProcesses(
    importSupplierCode: string,
    which: ImportProcessList,
    opts: CallOptions = {},
  ): Promise<KrakenResult<ImportProcessListing[]>> {
    const def = listEndpoint(which);
    const what = `${def.what} of ${importSupplierCode}`;
    const x = await this.call(def, { params: { import_supplier_code: importSupplierCode }, what }, opts);
    return x.ok ? readImportProcessList(this.ctx, x.answer, what) : x.failure;
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
    const read = () => this.importStatus(importSupplierCode, externalIdentifier, opts);
    return followImportStatus(read, (line) => this.log(line), importSupplierCode, externalIdentifier, opts);
  }

  // ---------------------------------------------------------------- post-import

  /** `POST /v1/data-import/notes/create/`: 201 with one status per note (NOTE_CREATION_SUCCESS, NOTE_ALREADY_EXISTS). */
  async postNotes(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<ItemsData>> {
    const def = endpoint('postNotes');
    const x = await this.call(def, { body }, opts);
    return x.ok ? readNotes(this.ctx, def.answer.ok, x.answer, body, def.what) : x.failure;
  }

  /**
   * `POST /v1/data-import/transactions/create/?check_previously_added=…&force_add_to_current_statement=…`.
   * 201 with one status per transaction; a 400 with TRANSACTION_IMPORT_ERROR comes back with its item.
   */
  async postTransactions(body: unknown, params: TransactionParams = {}, opts: CallOptions = {}): Promise<KrakenResult<ItemsData>> {
    const def = endpoint('postTransactions');
    const query = {
      check_previously_added: params.check_previously_added,
      force_add_to_current_statement: params.force_add_to_current_statement,
    };
    const x = await this.call(def, { query, body }, opts);
    return x.ok ? readTransactions(this.ctx, def.answer.ok, x.answer, body, def.what) : x.failure;
  }

  /** `POST /v1/data-import/historical-statements/create/`: 201 (or 200) echoing the validated data. */
  async postStatements(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<StatementsData>> {
    const def = endpoint('postStatements');
    const x = await this.call(def, { body }, opts);
    return x.ok ? readStatements(this.ctx, def.answer.ok, x.answer, body, def.what) : x.failure;
  }

  /** `POST /v1/data-import/payment-instruction/create/`: 201 `{kraken_account_number, reference}`. 500 is retried as-is (documented). */
  async postPaymentInstruction(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<PaymentInstructionData>> {
    const def = endpoint('postPaymentInstruction');
    const x = await this.call(def, { body }, opts);
    return x.ok ? readPaymentInstruction(this.ctx, def.answer.ok, x.answer, body, def.what) : x.failure;
  }

  /** `POST /v1/data-import/business-payment-instruction/create/`: 201 `{reference, external_business_identifier}`. */
  async postBusinessPaymentInstruction(body: unknown, opts: CallOptions = {}): Promise<KrakenResult<BusinessPaymentInstructionData>> {
    const def = endpoint('postBusinessPaymentInstruction');
    const x = await this.call(def, { body }, opts);
    return x.ok ? readBusinessPaymentInstruction(this.ctx, def.answer.ok, x.answer, body, def.what) : x.failure;
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
    const def = endpoint('sendRegistrationFlows');
    const pathParams = { import_supplier_code: importSupplierCode, external_account_number: externalAccountNumber };
    const x = await this.call(def, { params: pathParams, query: { supply_start_date: params.supply_start_date } }, opts);
    return x.ok ? readRegistrationFlows(this.ctx, def.answer.ok, x.answer, externalAccountNumber, def.what) : x.failure;
  }

  // ---------------------------------------------------------------- plumbing

  /** A call to an endpoint, built from its definition (path, query, repeat safety within the call). */
  private call(def: EndpointDef, args: CallArgs, opts: CallOptions): Promise<Exchange> {
    return exchange(this.#deps, specFor(def, args), opts);
  }

  private get ctx(): ReadContext {
    return { envName: this.env.name, scrub: (t) => this.#secrets.scrub(t) };
  }

  private log(line: string): void {
    try {
      this.options.log?.(this.#secrets.scrub(line));
    } catch {
      /* a broken logger must not break a call */
    }
  }
}
