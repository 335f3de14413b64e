/**
 * What "send the open document to Kraken" means for a payload kind: which actions exist, which endpoint (client
 * method) each one calls, the exact body, and how paths in Kraken's answer map back to paths in the document.
 * Pure: no `vscode` import; the commands call `planRequest` and hand `call` to the Kraken client.
 *
 * Bodies follow the served contract: v2 validate is `{payload}` and v2 create `{payload, task_params}`, so a
 * bare account is wrapped for v2, and a wrapped one is unwrapped for the v1 endpoints (which take the bare
 * account). Which flow is used is the active environment's `flow`.
 */
import {
  ACTION_IDS,
  actionLabel,
  describeEndpoint,
  endpoint,
  endpointForAction,
  ENDPOINTS,
  repeatIsSafe,
  type ActionId,
  type EndpointId,
  type RepeatSafety,
} from '../endpoints';
import type { KindId } from '../service/kinds';
import type { EnvironmentSetting, Flow } from './environments';
import { isObject } from '../json';

export type { ActionId };

export const ACCOUNT_KINDS: readonly KindId[] = ['account', 'account-v2-validate', 'account-v2-create', 'account-v1-create'];
export const POST_IMPORT_KINDS = ['notes', 'transactions', 'statements', 'payment-instruction', 'business-payment-instruction'] as const;
export type PostImportKind = (typeof POST_IMPORT_KINDS)[number];

export function isAccountKind(kind: string | null | undefined): boolean {
  return !!kind && (ACCOUNT_KINDS as readonly string[]).includes(kind);
}

export function isPostImportKind(kind: string | null | undefined): kind is PostImportKind {
  return !!kind && (POST_IMPORT_KINDS as readonly string[]).includes(kind);
}

/** Short labels: CodeLens titles, quick-pick items and progress titles (from the endpoint definitions). */
export const ACTION_LABELS: Record<ActionId, string> = Object.fromEntries(ACTION_IDS.map((a) => [a, actionLabel(a)])) as Record<
  ActionId,
  string
>;

/**
 * The actions a document of this kind offers in an environment of this flow, in CodeLens order: those whose endpoint
 * in the flow is offered for the kind (the endpoint definitions' `offeredFor`). A v1 create request references staged
 * data; v2 has no staging, so only registration flows remain for it there.
 */
export function availableActions(kind: string | null | undefined, flow: Flow): ActionId[] {
  if (!kind) return [];
  return ACTION_IDS.filter((a) => (endpointForAction(a, flow)?.offeredFor as readonly string[] | undefined)?.includes(kind));
}

/** The actions shown in the CodeLens line at the top of a payload (registration flows stay in the menus). */
export function codeLensActions(kind: string | null | undefined, flow: Flow): ActionId[] {
  return availableActions(kind, flow).filter((a) => a !== 'registration-flows');
}

/** Why an action is not available (for a command run from the palette on the wrong document). */
export function unavailableReason(action: ActionId, kind: string | null | undefined, flow: Flow): string {
  if (!kind) return 'This document is not a recognised Kraken payload.';
  if (action === 'stage' && flow === 'v2') return 'The active environment uses the v2 (import process) flow, which has no staging step.';
  if ((action === 'create' || action === 'create-dry-run') && kind === 'account-v1-create' && flow === 'v2')
    return 'This is a v1 create request (it references staged data); the active environment uses the v2 flow, which creates from the account payload.';
  if (action === 'validate' && kind === 'account-v1-create')
    return 'A v1 create request has no account data to validate; validate the account payload instead.';
  return `"${ACTION_LABELS[action]}" does not apply to a ${kind} payload.`;
}

/** Who the request is about: shown in confirmations and messages, used for status and registration flows. */
export interface AccountIdentity {
  importSupplier?: string;
  externalAccountNumber?: string;
  /** A Kraken account number (`A-…`), which post-import bodies may give instead of the external number. */
  accountNumber?: string;
  externalBusinessIdentifier?: string;
  /** Document paths of the fields above, for mapping Kraken's errors back. */
  paths: { importSupplier?: string; externalAccountNumber?: string; accountNumber?: string; externalBusinessIdentifier?: string };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : undefined;
}

/** The account object inside a document of an account kind ('' = the root), or undefined. */
export function accountRootPath(kind: string | null | undefined): '' | 'payload' | undefined {
  if (kind === 'account') return '';
  if (kind === 'account-v2-validate' || kind === 'account-v2-create') return 'payload';
  return undefined;
}

export function accountIdentity(kind: string | null | undefined, doc: unknown): AccountIdentity {
  const id: AccountIdentity = { paths: {} };
  if (!isObject(doc)) return id;
  const take = (obj: Record<string, unknown>, prefix: string, field: keyof AccountIdentity['paths'], key: string) => {
    const v = str(obj[key]);
    if (v !== undefined) {
      id[field] = v;
      id.paths[field] = prefix ? `${prefix}.${key}` : key;
    }
  };
  const root = accountRootPath(kind);
  if (root !== undefined) {
    const account = root ? doc[root] : doc;
    if (isObject(account)) {
      take(account, root, 'importSupplier', 'import_supplier');
      take(account, root, 'externalAccountNumber', 'external_account_number');
    }
    return id;
  }
  if (kind === 'account-v1-create' || kind === 'business-payment-instruction') {
    take(doc, '', 'importSupplier', 'import_supplier_code');
    take(doc, '', 'externalAccountNumber', 'external_account_number');
    take(doc, '', 'externalBusinessIdentifier', 'external_business_identifier');
    return id;
  }
  take(doc, '', 'importSupplier', 'import_supplier');
  take(doc, '', 'externalAccountNumber', 'external_account_number');
  take(doc, '', 'accountNumber', 'account_number');
  return id;
}

/** "EXTERNAL-1234 (TENTACLE_ENERGY)": how messages name the account or business. */
export function describeIdentity(id: AccountIdentity): string {
  const who = id.externalAccountNumber ?? id.accountNumber ?? id.externalBusinessIdentifier;
  if (!who) return id.importSupplier ? `an account of ${id.importSupplier}` : 'an unnamed account';
  const business = !id.externalAccountNumber && !id.accountNumber && id.externalBusinessIdentifier ? 'business ' : '';
  return id.importSupplier ? `${business}${who} (${id.importSupplier})` : `${business}${who}`;
}

export interface TransactionOptions {
  check_previously_added: boolean;
  force_add_to_current_statement: boolean;
}

/** Kraken's defaults for the transactions URL flags (both true, per the served contract). */
export const DEFAULT_TRANSACTION_OPTIONS: TransactionOptions = { check_previously_added: true, force_add_to_current_statement: true };

/** One call on the Kraken client: the method name is the client's, the arguments what it needs. */
export type ClientCall =
  | { method: 'validateAccount'; body: unknown }
  | { method: 'stageAccount'; body: unknown }
  | { method: 'createAccountV1'; body: V1CreateBody }
  | { method: 'validateAccountV2'; body: { payload: unknown } }
  | { method: 'createAccountV2'; body: { payload: unknown; task_params: Record<string, unknown> } }
  | { method: 'postNotes'; body: unknown }
  | { method: 'postTransactions'; body: unknown; options: TransactionOptions }
  | { method: 'postStatements'; body: unknown }
  | { method: 'postPaymentInstruction'; body: unknown }
  | { method: 'postBusinessPaymentInstruction'; body: unknown }
  | { method: 'sendRegistrationFlows'; importSupplierCode: string; externalAccountNumber: string; supplyStartDate?: string };

export interface V1CreateBody {
  external_account_number: string;
  import_supplier_code: string;
  operations_team_name?: string;
  dry_run: boolean;
}

export interface RequestPlan {
  action: ActionId;
  kind: KindId;
  flow: Flow;
  call: ClientCall;
  identity: AccountIdentity;
  dryRun: boolean;
  /** A real account creation (v1 process or v2 schedule without dry run): always confirmed. */
  createsAccount: boolean;
  /** v2 create: the status to poll afterwards. */
  poll?: { importSupplierCode: string; externalIdentifier: string };
  /** Where per-item results sit in the document (`transactions`, `notes`), if the answer has items. */
  itemsPath?: string;
  /**
   * Maps a dotted path in Kraken's answer (relative to the body sent) to a dotted path in the document, or null
   * when it has no place there (the diagnostic then goes on the first line).
   */
  mapPath(bodyPath: string): string | null;
}

export interface PlanInput {
  action: ActionId;
  kind: string | null | undefined;
  /** The document's current JSON value (already parsed). */
  doc: unknown;
  env: Pick<EnvironmentSetting, 'flow' | 'operationsTeam'>;
  /** Resolved by the caller for v1 create: the document's, the environment's, or one the user gave. */
  operationsTeam?: string;
  transactionOptions?: TransactionOptions;
  /** Registration flows: `YYYY-MM-DD`, or undefined for Kraken's earliest valid date. */
  supplyStartDate?: string;
}

export type PlanResult = { ok: true; plan: RequestPlan } | { ok: false; reason: string };

const identityPath = (p: string) => p;

/** `payload.x` / `x` (relative to the account) → the account-relative path; task_params and others → undefined. */
function accountRelative(bodyPath: string, bodyIsWrapped: boolean): string | undefined {
  if (bodyPath === 'payload') return '';
  if (bodyPath.startsWith('payload.')) return bodyPath.slice('payload.'.length);
  if (bodyIsWrapped && (bodyPath === 'task_params' || bodyPath.startsWith('task_params.'))) return undefined;
  return bodyPath;
}

function join(prefix: string, path: string): string {
  return prefix && path ? `${prefix}.${path}` : prefix || path;
}

/** The dotted path of a v1-create error field in a document of `kind`, from the identity paths. */
function v1CreatePathMapper(kind: KindId, identity: AccountIdentity): (p: string) => string | null {
  const accountRoot = accountRootPath(kind);
  return (p) => {
    if (p === 'external_account_number') return identity.paths.externalAccountNumber ?? null;
    if (p === 'import_supplier_code') return identity.paths.importSupplier ?? null;
    if (kind === 'account-v1-create') return p === 'operations_team_name' || p === 'dry_run' ? p : null;
    if (p === 'operations_team_name' || p === 'dry_run' || p === '') return null;
    // Create re-runs the validate rules on the staged account: those paths are the account's.
    return accountRoot === undefined ? null : join(accountRoot, p);
  };
}

/** What a body builder gets: the input, the document as an object, who it is about, and the plan's common fields. */
interface BuildContext {
  input: PlanInput;
  doc: Record<string, unknown>;
  kind: KindId;
  identity: AccountIdentity;
  accountRoot: '' | 'payload' | undefined;
  account: unknown;
  base: Pick<RequestPlan, 'action' | 'kind' | 'flow' | 'identity' | 'dryRun' | 'createsAccount'>;
}

const NO_ACCOUNT: PlanResult = { ok: false, reason: 'The document has no account object ("payload" is missing or not an object).' };

/** v1 validate and stage: the bare account. */
function accountV1(method: 'validateAccount' | 'stageAccount'): (c: BuildContext) => PlanResult {
  return (c) => {
    if (!isObject(c.account)) return NO_ACCOUNT;
    const mapPath = (p: string) => join(c.accountRoot ?? '', p);
    return { ok: true, plan: { ...c.base, call: { method, body: c.account }, mapPath } };
  };
}

/** v2 validate: `{payload}` as the contract declares it. */
function validateV2(c: BuildContext): PlanResult {
  if (!isObject(c.account)) return NO_ACCOUNT;
  const mapPath = (p: string) => {
    const rel = accountRelative(p, true);
    return rel === undefined ? null : join(c.accountRoot ?? '', rel);
  };
  return { ok: true, plan: { ...c.base, call: { method: 'validateAccountV2', body: { payload: c.account } }, mapPath } };
}

/** v1 create (process): the staged account named by its identity, with the operations team. */
function createV1({ input, kind, identity, base }: BuildContext): PlanResult {
  const dryRun = input.action === 'create-dry-run';
  if (!identity.externalAccountNumber)
    return { ok: false, reason: 'The document has no "external_account_number" to create the account from.' };
  if (!identity.importSupplier)
    return {
      ok: false,
      reason: `The document has no "${kind === 'account-v1-create' ? 'import_supplier_code' : 'import_supplier'}" to create the account from.`,
    };
  const team = input.operationsTeam?.trim();
  if (!team)
    return {
      ok: false,
      reason: 'No operations team: set "operationsTeam" on the environment, or give "operations_team_name" when asked.',
    };
  const body: V1CreateBody = {
    external_account_number: identity.externalAccountNumber,
    import_supplier_code: identity.importSupplier,
    operations_team_name: team,
    dry_run: dryRun,
  };
  return {
    ok: true,
    plan: {
      ...base,
      dryRun,
      createsAccount: !dryRun,
      call: { method: 'createAccountV1', body },
      mapPath: v1CreatePathMapper(kind, identity),
    },
  };
}

/** v2 create: `{payload, task_params}`; the command decides dry run or not, the document's schedule window is kept. */
function createV2({ input, doc, kind, identity, accountRoot, account, base }: BuildContext): PlanResult {
  const dryRun = input.action === 'create-dry-run';
  if (!isObject(account)) return NO_ACCOUNT;
  const docTaskParams = kind === 'account-v2-create' && isObject(doc.task_params) ? doc.task_params : {};
  const task_params = { ...docTaskParams, is_dry_run: dryRun };
  const mapPath = (p: string) => {
    if (p === 'task_params' || p.startsWith('task_params.'))
      return kind === 'account-v2-create' && p !== 'task_params.is_dry_run' ? p : null;
    const rel = accountRelative(p, true);
    return rel === undefined ? null : join(accountRoot ?? '', rel);
  };
  const poll =
    identity.importSupplier && identity.externalAccountNumber
      ? { importSupplierCode: identity.importSupplier, externalIdentifier: identity.externalAccountNumber }
      : undefined;
  return {
    ok: true,
    plan: {
      ...base,
      dryRun,
      createsAccount: !dryRun,
      poll,
      call: { method: 'createAccountV2', body: { payload: account, task_params } },
      mapPath,
    },
  };
}

/** Registration flows: the account's identity in the path, the supply start date in the query. */
function registrationFlows({ input, identity, base }: BuildContext): PlanResult {
  if (!identity.importSupplier || !identity.externalAccountNumber)
    return {
      ok: false,
      reason: 'Registration flows need the account\'s import supplier and "external_account_number" in the document.',
    };
  const date = input.supplyStartDate?.trim();
  if (date && dateProblem(date)) return { ok: false, reason: `supply_start_date: ${dateProblem(date)}` };
  return {
    ok: true,
    plan: {
      ...base,
      call: {
        method: 'sendRegistrationFlows',
        importSupplierCode: identity.importSupplier,
        externalAccountNumber: identity.externalAccountNumber,
        ...(date ? { supplyStartDate: date } : {}),
      },
      mapPath: () => null,
    },
  };
}

/** How each send endpoint's body is built from a document (the endpoint comes from the table). */
const BUILDERS: Partial<Record<EndpointId, (c: BuildContext) => PlanResult>> = {
  validateAccount: accountV1('validateAccount'),
  stageAccount: accountV1('stageAccount'),
  validateAccountV2: validateV2,
  createAccountV1: createV1,
  createAccountV2: createV2,
  postNotes: ({ doc, base }) => ({
    ok: true,
    plan: { ...base, call: { method: 'postNotes', body: doc }, itemsPath: 'notes', mapPath: identityPath },
  }),
  postTransactions: ({ input, doc, base }) => ({
    ok: true,
    plan: {
      ...base,
      dryRun: doc.dry_run === true,
      call: { method: 'postTransactions', body: doc, options: input.transactionOptions ?? DEFAULT_TRANSACTION_OPTIONS },
      itemsPath: 'transactions',
      mapPath: identityPath,
    },
  }),
  postStatements: ({ doc, base }) => ({
    ok: true,
    plan: { ...base, call: { method: 'postStatements', body: doc }, itemsPath: 'statements', mapPath: identityPath },
  }),
  postPaymentInstruction: ({ doc, base }) => ({
    ok: true,
    plan: { ...base, call: { method: 'postPaymentInstruction', body: doc }, mapPath: identityPath },
  }),
  postBusinessPaymentInstruction: ({ doc, base }) => ({
    ok: true,
    plan: { ...base, call: { method: 'postBusinessPaymentInstruction', body: doc }, mapPath: identityPath },
  }),
  sendRegistrationFlows: registrationFlows,
};

/** Builds the request for an action on a document. Never throws; a missing prerequisite is a reason. */
export function planRequest(input: PlanInput): PlanResult {
  const { action, doc } = input;
  const kind = input.kind as KindId | null | undefined;
  const flow = input.env.flow;
  if (!kind || !availableActions(kind, flow).includes(action)) return { ok: false, reason: unavailableReason(action, kind, flow) };
  if (!isObject(doc)) return { ok: false, reason: 'The document is not a JSON object.' };
  const build = BUILDERS[endpointForAction(action, flow)?.id ?? 'obtainToken'];
  if (!build) return { ok: false, reason: unavailableReason(action, kind, flow) };
  const identity = accountIdentity(kind, doc);
  const accountRoot = accountRootPath(kind);
  const account = accountRoot === undefined ? undefined : accountRoot ? doc[accountRoot] : doc;
  const base = { action, kind, flow, identity, dryRun: false, createsAccount: false };
  return build({ input, doc, kind, identity, accountRoot, account, base });
}

/** Why a `supply_start_date` is not a date Kraken (DRF) parses, or undefined. */
export function dateProblem(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return 'use YYYY-MM-DD';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return `${value} is not a calendar date`;
  return undefined;
}

/** Where the v1 create's operations team comes from: the document, the environment, or the remembered answer. */
export function operationsTeamFor(
  kind: string | null | undefined,
  doc: unknown,
  env: Pick<EnvironmentSetting, 'operationsTeam'>,
  remembered?: string,
): string | undefined {
  if (kind === 'account-v1-create' && isObject(doc)) {
    const fromDoc = str(doc.operations_team_name);
    if (fromDoc) return fromDoc;
  }
  return env.operationsTeam ?? (remembered?.trim() || undefined);
}

/** Whether the action needs an operations team (v1 create only). */
export function needsOperationsTeam(action: ActionId, flow: Flow): boolean {
  return flow === 'v1' && (action === 'create' || action === 'create-dry-run');
}

/** `POST /v1/data-import/validate-account/`: the endpoint a call goes to, for logs and the response view. */
export function endpointOf(call: ClientCall): string {
  const def = endpoint(call.method);
  if (call.method === 'postTransactions') return describeEndpoint(def, {}, { ...call.options });
  if (call.method === 'sendRegistrationFlows')
    return describeEndpoint(
      def,
      { import_supplier_code: call.importSupplierCode, external_account_number: call.externalAccountNumber },
      { supply_start_date: call.supplyStartDate },
    );
  return describeEndpoint(def);
}

/** `GET /v2/data-import/accounts/{code}/{id}/` for the status check. */
export function statusEndpoint(importSupplierCode: string, externalIdentifier: string): string {
  return describeEndpoint(endpoint('importStatus'), { import_supplier_code: importSupplierCode, external_identifier: externalIdentifier });
}

/** The endpoint an action goes to in a flow (tooltips, quick picks); an action of the other flow names its own. */
export function actionEndpoint(action: ActionId, flow: Flow): string {
  const def = endpointForAction(action, flow) ?? ENDPOINTS.find((e) => e.actions.includes(action));
  return def ? describeEndpoint(def) : '';
}

/** Whether a plan's request may be sent again when an interrupted run cannot tell whether it went through, and why. */
export function resendAfterInterruption(plan: Pick<RequestPlan, 'call' | 'dryRun'>): { safe: boolean; reason: string } {
  const safety: RepeatSafety = endpoint(plan.call.method).repeatAfterInterruption;
  const query = plan.call.method === 'postTransactions' ? { ...plan.call.options } : undefined;
  return { safe: repeatIsSafe(safety, { query, dryRun: plan.dryRun }), reason: safety.reason };
}
