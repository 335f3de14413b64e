/** `POST /v1/data-import/transactions/create/`: deduplicated by transaction_id (check_previously_added); force_add_to_current_statement moves old dates. */
import {
  accountNotFound,
  drfNested,
  importedFor,
  isDate,
  isObject,
  openPeriodStart,
  parseJson,
  str,
  truthyParam,
  validate,
} from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function transactions(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  const check = truthyParam(ctx.query.get('check_previously_added'), true);
  const force = truthyParam(ctx.query.get('force_add_to_current_statement'), true);
  const paramErrors: Record<string, string[]> = {};
  if (check === 'invalid') paramErrors.check_previously_added = ['Must be a valid boolean.'];
  if (force === 'invalid') paramErrors.force_add_to_current_statement = ['Must be a valid boolean.'];
  if (Object.keys(paramErrors).length) return { status: 400, body: paramErrors };
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'transactions');
  if (errors.length) return { status: 400, body: drfNested(errors) };
  const b = p.body as Record<string, unknown>;
  const account = importedFor(sb.state, b);
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
}
