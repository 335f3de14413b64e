/** `GET /v1/data-import/account-transfer-status/{code}/{ext}/`: `{status, kraken_account_number}` of an imported account; 404. */
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function transferStatus(sb: SandboxCore, _ctx: Ctx, [supplier, ext]: string[]): Reply {
  const a = sb.state.imported.get(accountKey(supplier, ext));
  if (!a) return { status: 404, body: { detail: 'Not found.', code: 'not_found' } };
  return {
    status: 200,
    body: { status: 'IN_PROGRESS', kraken_account_number: a.krakenAccountNumber, account_number: a.krakenAccountNumber },
  };
}
