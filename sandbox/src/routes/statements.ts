/** `POST /v1/data-import/historical-statements/create/`: 201 echoing the body; 400 for a statement_id the account has. */
import { accountNotFound, drfNested, importedFor, isObject, type KrakenError, parseJson, str, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function statements(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'statements');
  if (errors.length) return { status: 400, body: drfNested(errors) };
  const b = p.body as Record<string, unknown>;
  const account = importedFor(sb.state, b);
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
}
