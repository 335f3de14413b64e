/**
 * "Send the open document": which Kraken calls a payload kind offers in an environment's flow, and the call itself.
 * Shared by the extension's commands/CodeLens and the CLI, so both map kinds to endpoints the same way.
 */
import type { KindId } from '../../../server/src/service/kinds';
import type { KrakenClient } from './index';
import type { CallOptions, KrakenResult, TransactionParams } from './types';

export type DocumentAction =
  | 'validate'
  | 'stage'
  | 'create'
  | 'notes'
  | 'transactions'
  | 'statements'
  | 'payment-instruction'
  | 'business-payment-instruction';

/** The actions a document of this kind offers in this flow, in the order a migration runs them. */
export function documentActions(kind: KindId, flow: 'v1' | 'v2'): DocumentAction[] {
  switch (kind) {
    case 'account': return flow === 'v1' ? ['validate', 'stage', 'create'] : ['validate', 'create'];
    case 'account-v2-validate': return ['validate'];
    case 'account-v2-create': return ['create'];
    case 'account-v1-create': return ['create'];
    case 'notes': return ['notes'];
    case 'transactions': return ['transactions'];
    case 'statements': return ['statements'];
    case 'payment-instruction': return ['payment-instruction'];
    case 'business-payment-instruction': return ['business-payment-instruction'];
    default: return [];
  }
}

export interface SendOptions extends CallOptions {
  /** For `create`: a dry run (overrides the document's `dry_run` / `task_params.is_dry_run`). */
  dryRun?: boolean;
  /** For `transactions`: the URL flags. */
  transactionParams?: TransactionParams;
  /** For `create` from an account document in v1: the operations team (default: the environment's). */
  operationsTeam?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Sends a parsed document of `kind` for `action`. A `create` on an account document is the v1 process request built
 * from the account (`external_account_number`, `import_supplier` → `import_supplier_code`, the operations team) or
 * the v2 create with the account as `payload`, after the environment's flow.
 */
export async function sendDocument(
  client: KrakenClient,
  kind: KindId,
  action: DocumentAction,
  body: unknown,
  opts: SendOptions = {},
): Promise<KrakenResult<unknown>> {
  const flow = client.env.flow;
  if (!documentActions(kind, flow).includes(action)) {
    return {
      ok: false, reason: 'config', errors: [], attempts: 0,
      message: `A ${kind} document cannot be sent for "${action}" in the ${flow} flow of "${client.env.name}" (possible: ${documentActions(kind, flow).join(', ') || 'none'}).`,
    };
  }
  const b = isObject(body) ? body : {};
  switch (action) {
    case 'validate':
      return kind === 'account' && flow === 'v1' ? client.validateAccount(body, opts) : client.validateAccountV2(body, opts);
    case 'stage':
      return client.stageAccount(body, opts);
    case 'create': {
      if (kind === 'account-v1-create') {
        return client.createAccountV1({
          external_account_number: String(b.external_account_number ?? ''),
          import_supplier_code: String(b.import_supplier_code ?? ''),
          operations_team_name: typeof b.operations_team_name === 'string' ? b.operations_team_name : opts.operationsTeam ?? client.env.operationsTeam,
          dry_run: opts.dryRun ?? b.dry_run === true,
        }, opts);
      }
      if (kind === 'account-v2-create') {
        const tp = isObject(b.task_params) ? b.task_params : {};
        return client.createAccountV2(b.payload, {
          is_dry_run: opts.dryRun ?? tp.is_dry_run === true,
          ...(tp.schedule_window_start !== undefined ? { schedule_window_start: tp.schedule_window_start as string | null } : {}),
          ...(tp.schedule_window_end !== undefined ? { schedule_window_end: tp.schedule_window_end as string | null } : {}),
        }, opts);
      }
      // An account document.
      if (flow === 'v2') return client.createAccountV2(body, { is_dry_run: opts.dryRun ?? false }, opts);
      return client.createAccountV1({
        external_account_number: String(b.external_account_number ?? ''),
        import_supplier_code: String(b.import_supplier ?? client.env.importSupplier ?? ''),
        operations_team_name: opts.operationsTeam ?? client.env.operationsTeam,
        dry_run: opts.dryRun ?? false,
      }, opts);
    }
    case 'notes': return client.postNotes(body, opts);
    case 'transactions': return client.postTransactions(body, opts.transactionParams, opts);
    case 'statements': return client.postStatements(body, opts);
    case 'payment-instruction': return client.postPaymentInstruction(body, opts);
    case 'business-payment-instruction': return client.postBusinessPaymentInstruction(body, opts);
  }
}
