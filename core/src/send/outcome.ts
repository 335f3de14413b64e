/**
 * A Kraken client result -> what the user sees: one message (with a level), the findings that become "Kraken"
 * diagnostics on the document, and what to do next (poll, offer to set the key). Pure: no `vscode` import.
 *
 * Findings carry document paths (already mapped from the request body through the plan); `path: null` means
 * "no place in the document": the diagnostic goes on the first line.
 */
import type {
  BusinessPaymentInstructionData,
  CreateV1Data,
  CreateV2Data,
  ImportStatusData,
  ItemResult,
  ItemsData,
  KrakenFailure,
  KrakenFieldError,
  KrakenResult,
  PaymentInstructionData,
  StageData,
  StatementsData,
} from '../kraken/types';
import { endpoint } from '../endpoints';
import { describeIdentity, type AccountIdentity, type RequestPlan } from './plan';
import { isObject } from '../json';

export type FindingSeverity = 'error' | 'warning' | 'information';

export interface KrakenFinding {
  /** Dotted document path (`customers.0.landline`), or null for the first line. */
  path: string | null;
  severity: FindingSeverity;
  message: string;
  code?: string;
}

export type Level = 'success' | 'info' | 'warning' | 'error';

/** Something the notification offers as a button. */
export type FollowUp = 'set-api-key' | 'check-status' | 'show-responses';

export interface Outcome {
  level: Level;
  message: string;
  findings: KrakenFinding[];
  /**
   * True when this answer is about the document (a success, Kraken's validation errors, "already imported"):
   * its findings replace the document's Kraken diagnostics. False for transport, auth and server trouble, which
   * leave them as they were.
   */
  replacesDiagnostics: boolean;
  krakenAccountNumber?: string;
  /** v2 create was scheduled: poll the import status next. */
  poll?: boolean;
  followUps: FollowUp[];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `customers.0.landline: abcde is not a valid phone number` for messages about unplaced errors. */
function errorLine(e: KrakenFieldError): string {
  return `${e.attr ? `${e.attr}: ` : ''}${e.detail}${e.code ? ` (${e.code})` : ''}`;
}

/** Kraken's field errors -> findings on document paths (through the plan's body -> document mapping). */
export function errorsToFindings(errors: KrakenFieldError[], mapPath: (bodyPath: string) => string | null): KrakenFinding[] {
  return errors.map((e) => {
    const path = e.attr === '' ? null : mapPath(e.attr);
    // An error whose field has no place in the document keeps its field name in the message.
    const message = path === null && e.attr ? `${e.attr}: ${e.detail}` : e.detail;
    return { path, severity: 'error' as const, message, ...(e.code ? { code: e.code } : {}) };
  });
}

const ITEM_STATUS_TEXT: Record<string, string> = {
  NOTE_ALREADY_EXISTS: 'a note with this body (and created_at) is already on the account; it was not added again',
  NOTE_CREATION_SUCCESS: 'note created',
  TRANSACTION_ALREADY_EXISTS: 'a transaction with this transaction_id is already on the account; it was not added again',
  TRANSACTION_ADDED_TO_ACCOUNT: 'transaction added',
  TRANSACTION_IMPORT_ERROR: 'the transaction could not be imported',
  REGISTRATION_FLOW_SUCCESS: 'registration flow sent',
  REGISTRATION_FLOW_ERROR: 'the registration flow could not be sent',
};

/**
 * Finds where a value sits in the document: the path of the first string leaf equal to it, preferring leaves under
 * one of `preferKeys` (e.g. an MPAN/MPRN for a registration flow's `mpxn`).
 */
export function findValuePath(doc: unknown, value: string, preferKeys: readonly string[] = []): string | undefined {
  let fallback: string | undefined;
  const visit = (v: unknown, path: string[]): string | undefined => {
    if (typeof v === 'string' || typeof v === 'number') {
      if (String(v) === value) {
        const key = path[path.length - 1];
        if (key !== undefined && preferKeys.includes(key)) return path.join('.');
        fallback ??= path.join('.');
      }
      return undefined;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const hit = visit(v[i], [...path, String(i)]);
        if (hit) return hit;
      }
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        const hit = visit(x, [...path, k]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return visit(doc, []) ?? fallback;
}

const METER_POINT_KEYS = ['mpxn', 'mpan', 'mprn', 'identifier', 'supply_point_identifier', 'meter_point_identifier', 'malo_number'];

/** Where a per-item result goes in the document (null: unplaced). */
function itemPath(item: ItemResult, plan: Pick<RequestPlan, 'call' | 'mapPath'>, doc: unknown): string | null {
  if (plan.call.method === 'sendRegistrationFlows') {
    const mpxn =
      isObject(item.data) && (typeof item.data.mpxn === 'string' || typeof item.data.mpxn === 'number')
        ? String(item.data.mpxn)
        : undefined;
    if (!mpxn) return null;
    const hit = findValuePath(doc, mpxn, METER_POINT_KEYS);
    if (!hit) return null;
    // Put it on the meter point (the object holding the identifier), not only on the identifier string.
    const parts = hit.split('.');
    return parts.length > 1 ? parts.slice(0, -1).join('.') : hit;
  }
  if (!item.path || item.index < 0) return null;
  return plan.mapPath(item.path);
}

/** Findings for per-item results: errors and "already exists" on their item; created items need none. */
export function itemFindings(items: ItemResult[], plan: Pick<RequestPlan, 'call' | 'mapPath'>, doc: unknown): KrakenFinding[] {
  const out: KrakenFinding[] = [];
  for (const item of items) {
    if (item.outcome === 'created') continue;
    const path = itemPath(item, plan, doc);
    const what = ITEM_STATUS_TEXT[item.status] ?? `Kraken answered ${item.status}`;
    const mpxn =
      plan.call.method === 'sendRegistrationFlows' && isObject(item.data) && item.data.mpxn !== undefined
        ? `${String(item.data.mpxn)}: `
        : '';
    const unplaced = path === null && !mpxn && item.index >= 0 ? `item ${item.index}: ` : '';
    const detail = item.detail ? `: ${item.detail}` : '';
    const severity: FindingSeverity = item.outcome === 'error' ? 'error' : item.outcome === 'exists' ? 'information' : 'warning';
    out.push({ path, severity, code: item.status, message: `${unplaced}${mpxn}${item.status} — ${what}${detail}` });
  }
  return out;
}

function itemsSummary(label: string, data: ItemsData, verbs: { created: string; existing: string }): string {
  const parts = [`${data.created} ${verbs.created}`];
  if (data.existing) parts.push(`${data.existing} ${verbs.existing}`);
  if (data.failed) parts.push(`${data.failed} failed`);
  const unknown = data.items.length - data.created - data.existing - data.failed;
  if (unknown > 0) parts.push(`${unknown} with another status`);
  return `${label}: ${parts.join(', ')}`;
}

function itemsLevel(data: ItemsData): Level {
  if (data.failed && !data.created && !data.existing) return 'error';
  if (data.failed || data.items.some((i) => i.outcome === 'unknown')) return 'warning';
  return 'success';
}

/** What a failure message needs to know about the request. */
interface FailureContext {
  identity: AccountIdentity;
  flow: RequestPlan['flow'];
}

/** The words for a failure reason; `where` names the environment. */
function failureMessage(f: KrakenFailure, plan: FailureContext, where: string): { level: Level; message: string; followUps: FollowUp[] } {
  const who = describeIdentity(plan.identity);
  const http = f.status ? ` (HTTP ${f.status})` : '';
  switch (f.reason) {
    case 'invalid': {
      const n = f.errors.length;
      const first = f.errors[0] ? `: ${errorLine(f.errors[0])}` : '';
      return {
        level: 'error',
        message: n
          ? `${where} rejected ${who}: ${plural(n, 'error')}${n > 1 ? ` (first${first})` : first}`
          : `${where} rejected ${who}: ${f.message}`,
        followUps: [],
      };
    }
    case 'already-imported':
      return {
        level: 'warning',
        message: f.krakenAccountNumber
          ? `${who} has already been imported into ${where} as Kraken account ${f.krakenAccountNumber}.`
          : `${who} has already been imported into ${where}. ${f.message}`,
        followUps: [],
      };
    case 'not-found':
      // A post-import call's 404 already says the account must be imported first (kraken/answers.ts notImported).
      return { level: 'error', message: `${where}: not found${http}: ${f.message}`, followUps: [] };
    case 'unauthorized':
      return { level: 'error', message: `${where} did not accept the API key${http}. ${f.message}`, followUps: ['set-api-key'] };
    case 'no-api-key':
      return { level: 'error', message: `No API key for ${where}. Set one with "Kraken Import: Set API Key".`, followUps: ['set-api-key'] };
    case 'forbidden':
      return {
        level: 'error',
        message: `${where} refused the request${http}: the key has no permission for it. ${f.message}`,
        followUps: [],
      };
    case 'rate-limited':
      return {
        level: 'warning',
        message: `${where} is busy${http}: too many accounts are being processed at once. Retry once others have finished. ${f.message}`,
        followUps: [],
      };
    case 'server-error':
      return { level: 'error', message: `${where} failed${http}: ${f.message}`, followUps: ['show-responses'] };
    case 'outcome-unknown':
      return {
        level: 'warning',
        message: `No answer from ${where} for ${who}: the request may or may not have been processed. Check the import status before sending it again. ${f.message}`,
        followUps: plan.flow === 'v2' ? ['check-status'] : [],
      };
    case 'timeout':
      return { level: 'error', message: `${where} did not answer in time. ${f.message}`, followUps: [] };
    case 'network':
      return { level: 'error', message: `Could not reach ${where}: ${f.message}`, followUps: [] };
    case 'cancelled':
      return { level: 'info', message: `Cancelled: ${f.message}`, followUps: [] };
    case 'config':
      return { level: 'error', message: `${where} cannot be used: ${f.message}`, followUps: [] };
    case 'unexpected':
    default:
      return { level: 'error', message: `Unexpected answer from ${where}${http}: ${f.message}`, followUps: ['show-responses'] };
  }
}

/** Describes a v2 import status (from a poll or a status check). `latest_error` becomes a first-line finding. */
export function describeImportStatus(data: ImportStatusData, identity: AccountIdentity, where: string): Outcome {
  const who = describeIdentity(identity);
  const err = data.latestError ? `${data.latestError.detail}${data.latestError.code ? ` (${data.latestError.code})` : ''}` : '';
  const findings: KrakenFinding[] = data.latestError
    ? [
        {
          path: null,
          severity: data.phase === 'failed' ? 'error' : 'warning',
          message: `Import ${data.status}: ${err}`,
          ...(data.latestError.code ? { code: data.latestError.code } : {}),
        },
      ]
    : [];
  const base = { findings, followUps: [] as FollowUp[], replacesDiagnostics: data.final };
  switch (data.phase) {
    case 'succeeded':
      return data.status === 'DRY_RUN_SUCCEEDED'
        ? {
            ...base,
            level: 'success',
            message: `Dry run succeeded in ${where}: ${who} would import (status DRY_RUN_SUCCEEDED; nothing was created).`,
          }
        : {
            ...base,
            level: 'success',
            message: `Imported ${who} into ${where}${data.krakenIdentifier ? `: Kraken ${data.krakenIdentifier}` : ''} (status ${data.status}).`,
            ...(data.krakenIdentifier ? { krakenAccountNumber: data.krakenIdentifier } : {}),
          };
    case 'failed':
      return { ...base, level: 'error', message: `Import of ${who} in ${where} ended ${data.status}${err ? `: ${err}` : ''}.` };
    case 'cancelled':
      return {
        ...base,
        level: 'warning',
        message: `Import of ${who} in ${where} was cancelled (status ${data.status})${err ? `: ${err}` : ''}.`,
      };
    case 'pending':
      return { ...base, level: 'info', message: `Import of ${who} in ${where} is ${data.status}${err ? ` (latest error: ${err})` : ''}.` };
    default:
      return {
        ...base,
        level: 'warning',
        message: `Import of ${who} in ${where} has status ${data.status}, which this extension does not know${err ? ` (latest error: ${err})` : ''}.`,
      };
  }
}

/** The outcome of a failed status read (nothing about the document: diagnostics stay as they are). */
export function describeStatusFailure(
  result: KrakenFailure,
  identity: AccountIdentity,
  flow: RequestPlan['flow'],
  envName: string,
): Outcome {
  const { level, message, followUps } = failureMessage(result, { identity, flow }, `Kraken (${envName})`);
  return { level, message, findings: [], replacesDiagnostics: false, followUps: followUps.filter((f) => f !== 'check-status') };
}

/**
 * The outcome of a call made from a plan. `doc` is the document value the request was built from (for placing
 * per-item results that Kraken identifies by value, such as an MPAN).
 */
export function describeResult(plan: RequestPlan, envName: string, result: KrakenResult<unknown>, doc?: unknown): Outcome {
  const where = `Kraken (${envName})`;
  const who = describeIdentity(plan.identity);
  if (!result.ok) {
    const { level, message, followUps } = failureMessage(result, plan, where);
    // A per-item 400 (TRANSACTION_IMPORT_ERROR) comes back both as items and as errors derived from them: the
    // item findings say more, so errors carrying an item status are left out.
    const itemStatuses = new Set((result.items ?? []).map((i) => i.status));
    const fieldErrors = result.errors.filter((e) => !(e.code && itemStatuses.has(e.code)));
    const deduped = [...errorsToFindings(fieldErrors, plan.mapPath), ...(result.items ? itemFindings(result.items, plan, doc) : [])];
    const replaces = result.reason === 'invalid' || result.reason === 'already-imported';
    return {
      level,
      message,
      findings: replaces ? deduped : [],
      replacesDiagnostics: replaces,
      followUps,
      ...(result.krakenAccountNumber ? { krakenAccountNumber: result.krakenAccountNumber } : {}),
    };
  }
  const ok = (level: Level, message: string, extra: Partial<Outcome> = {}): Outcome => ({
    level,
    message,
    findings: [],
    replacesDiagnostics: true,
    followUps: [],
    ...extra,
  });
  switch (plan.call.method) {
    case 'validateAccount':
    case 'validateAccountV2':
      return ok('success', `${where} validated ${who}: no errors.`);
    case 'stageAccount': {
      const d = result.data as StageData;
      return d.outcome === 'updated'
        ? ok('success', `Updated the staged data of ${who} in ${where} (HTTP 200: it had been staged before).`)
        : ok('success', `Staged ${who} in ${where} (HTTP 201: staged for the first time).`);
    }
    case 'createAccountV1': {
      const d = result.data as CreateV1Data;
      if (d.outcome === 'dry-run-succeeded')
        return ok('success', `Dry run succeeded: ${who} would import into ${where}. Kraken rolled it back; nothing was created.`);
      if (d.outcome === 'already-imported')
        return ok(
          'warning',
          `${who} has already been imported into ${where}${d.krakenAccountNumber ? ` as Kraken account ${d.krakenAccountNumber}` : ''}.`,
          {
            ...(d.krakenAccountNumber ? { krakenAccountNumber: d.krakenAccountNumber } : {}),
          },
        );
      return ok('success', `Created Kraken account ${d.krakenAccountNumber ?? '(number not given)'} from ${who} in ${where}.`, {
        ...(d.krakenAccountNumber ? { krakenAccountNumber: d.krakenAccountNumber } : {}),
      });
    }
    case 'createAccountV2': {
      const d = result.data as CreateV2Data;
      if (d.outcome === 'already-imported')
        return ok(
          'warning',
          `${who} has already been imported into ${where}${d.krakenAccountNumber ? ` as Kraken account ${d.krakenAccountNumber}` : ''}.`,
          {
            ...(d.krakenAccountNumber ? { krakenAccountNumber: d.krakenAccountNumber } : {}),
          },
        );
      return ok('info', `${where} scheduled the ${d.dryRun ? 'dry-run ' : ''}import of ${who}.`, { poll: !!plan.poll });
    }
    case 'postNotes':
    case 'postTransactions':
    case 'sendRegistrationFlows': {
      const d = result.data as ItemsData;
      const items = endpoint(plan.call.method).answer.items!;
      const label = `${items.label} for ${who} in ${where}${plan.dryRun ? ' (dry run)' : ''}`;
      const verbs = items.verbs;
      return ok(itemsLevel(d), itemsSummary(label, d, verbs), { findings: itemFindings(d.items, plan, doc) });
    }
    case 'postStatements': {
      const d = result.data as StatementsData;
      const n = Array.isArray(d.statements) ? d.statements.length : 0;
      return ok('success', `${where} accepted ${plural(n, 'historical statement')} for ${who}.`);
    }
    case 'postPaymentInstruction': {
      const d = result.data as PaymentInstructionData;
      return ok(
        'success',
        `Payment instruction${d.reference ? ` ${d.reference}` : ''} created${d.krakenAccountNumber ? ` on Kraken account ${d.krakenAccountNumber}` : ''} for ${who} in ${where}.`,
      );
    }
    case 'postBusinessPaymentInstruction': {
      const d = result.data as BusinessPaymentInstructionData;
      return ok('success', `Business payment instruction${d.reference ? ` ${d.reference}` : ''} created for ${who} in ${where}.`);
    }
  }
}
