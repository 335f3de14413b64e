/**
 * Kraken's endpoints, one definition file each (see types.ts for what a definition says). Adding an endpoint is one
 * file in this folder plus one line in `ENDPOINTS`. Order matters where a reader takes the first match: a kind's
 * endpoints and the contract's body → kind map follow this order.
 */
import { accountTransferStatus } from './accountTransferStatus';
import { createAccountV1 } from './createAccountV1';
import { createAccountV2 } from './createAccountV2';
import { importBusiness } from './importBusiness';
import { importStatus } from './importStatus';
import { listAllImportProcesses } from './listAllImportProcesses';
import { listImportedImportProcesses } from './listImportedImportProcesses';
import { listPendingImportProcesses } from './listPendingImportProcesses';
import { obtainToken } from './obtainToken';
import { postBusinessPaymentInstruction } from './postBusinessPaymentInstruction';
import { postNotes } from './postNotes';
import { postPaymentInstruction } from './postPaymentInstruction';
import { postStatements } from './postStatements';
import { postTransactions } from './postTransactions';
import { sendRegistrationFlows } from './sendRegistrationFlows';
import { stageAccount } from './stageAccount';
import type { ActionId, EndpointDef, EndpointId, Flow, RepeatSafety } from './types';
import { validateAccount } from './validateAccount';
import { validateAccountV2 } from './validateAccountV2';

export type {
  ActionId,
  AnswerReading,
  EndpointDef,
  EndpointId,
  EndpointUi,
  Flow,
  QueryParam,
  RepeatSafety,
  SandboxHandlerName,
} from './types';

export const ENDPOINTS: readonly EndpointDef[] = [
  validateAccount,
  stageAccount,
  validateAccountV2,
  createAccountV2,
  createAccountV1,
  postNotes,
  postTransactions,
  postStatements,
  postPaymentInstruction,
  postBusinessPaymentInstruction,
  sendRegistrationFlows,
  importStatus,
  accountTransferStatus,
  listAllImportProcesses,
  listPendingImportProcesses,
  listImportedImportProcesses,
  importBusiness,
  obtainToken,
];

const BY_ID = new Map(ENDPOINTS.map((e) => [e.id, e] as const));

/** The definition of an endpoint by its id. */
export function endpoint(id: EndpointId): EndpointDef {
  const def = BY_ID.get(id);
  if (!def) throw new Error(`no endpoint definition "${id}"`);
  return def;
}

/** The endpoint a send action calls in a flow, or undefined. */
export function endpointForAction(action: ActionId, flow: Flow): EndpointDef | undefined {
  return ENDPOINTS.find((e) => e.actions.includes(action) && (e.flow === undefined || e.flow === flow));
}

/** Every send action, in the order the commands list them. */
export const ACTION_IDS: readonly ActionId[] = [
  'validate',
  'stage',
  'create-dry-run',
  'create',
  'notes',
  'transactions',
  'statements',
  'payment-instruction',
  'business-payment-instruction',
  'registration-flows',
];

/** The short label of an action (CodeLens titles, quick picks, progress titles). */
export function actionLabel(action: ActionId): string {
  const ui = ENDPOINTS.find((e) => e.actions.includes(action))?.ui;
  if (!ui) throw new Error(`no endpoint offers the action "${action}"`);
  return action === 'create-dry-run' ? (ui.dryRunLabel ?? ui.label) : ui.label;
}

/** The path with its parameters filled in (URI-encoded). */
export function fillPath(def: EndpointDef, params: Readonly<Record<string, string>> = {}): string {
  return def.path.replace(/\{([^}]+)\}/g, (whole, name: string) => (name in params ? encodeURIComponent(params[name]) : whole));
}

/** `?a=1&b=2` for the query values that are given, in the definition's order ('' when none). */
export function queryString(def: EndpointDef, values: Readonly<Record<string, string | boolean | undefined>> = {}): string {
  const parts = def.query.filter((q) => values[q.name] !== undefined).map((q) => `${q.name}=${String(values[q.name])}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `POST /v1/data-import/notes/create/`: for logs, tooltips and the response view. */
export function describeEndpoint(
  def: EndpointDef,
  params?: Readonly<Record<string, string>>,
  query?: Readonly<Record<string, string | boolean | undefined>>,
): string {
  return `${def.method} ${fillPath(def, params)}${queryString(def, query)}`;
}

/** What a request carries that repeat safety depends on. */
export interface RepeatContext {
  query?: Readonly<Record<string, string | boolean | undefined>>;
  dryRun?: boolean;
}

/** Whether a repeat is safe for this request (one reading of `RepeatSafety` for the client and the CLI). */
export function repeatIsSafe(safety: RepeatSafety, ctx: RepeatContext = {}): boolean {
  const s = safety.safe;
  if (typeof s === 'boolean') return s;
  if (s === 'dry-run-only') return ctx.dryRun === true;
  return ctx.query?.[s.unlessQueryFalse] !== false;
}

/** A RegExp matching the endpoint's concrete paths; the groups are the path parameters in order. */
export function pathPattern(def: EndpointDef): RegExp {
  const source = def.path
    .split(/\{[^}]+\}/)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('([^/]+)');
  return new RegExp(`^${source}$`);
}
