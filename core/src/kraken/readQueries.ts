/** How the read endpoints' answers read: the v2 import status, the v1 transfer status, the import process lists. */
import { fail, failureFor, isObject, str, success, type Answer, type ReadContext } from './answers';
import { parseImportStatus } from './importStatus';
import type { ImportProcessListing, ImportStatusData, KrakenResult, TransferStatusData } from './types';

export function readImportStatus(ctx: ReadContext, a: Answer, code: string, ext: string, what: string): KrakenResult<ImportStatusData> {
  if (a.status === 200) return success(a, parseImportStatus(isObject(a.body) ? a.body : {}));
  if (a.status === 404) {
    return fail(
      ctx,
      a,
      'not-found',
      `There is no import process for ${ext} (import supplier ${code}) on "${ctx.envName}": it has not been created yet, or the import supplier code or external identifier differ.`,
    );
  }
  return failureFor(ctx, a, what);
}

/** A Kraken account number means the account exists; 404 → `not-found`. */
export function readTransferStatus(ctx: ReadContext, a: Answer, code: string, ext: string, what: string): KrakenResult<TransferStatusData> {
  if (a.status === 200) {
    const b = isObject(a.body) ? a.body : {};
    return success(a, {
      status: str(b.status) ?? 'UNKNOWN',
      krakenAccountNumber: str(b.kraken_account_number) ?? str(b.account_number) ?? null,
    });
  }
  if (a.status === 404) {
    return fail(ctx, a, 'not-found', `Kraken "${ctx.envName}" has no account for ${ext} (import supplier ${code}).`);
  }
  return failureFor(ctx, a, what);
}

/**
 * The documented body is a list of `{external_account_number, kraken_account_number, account_created_at}`; the served
 * contract's example nests that list in another one, so one level of nesting is read too.
 */
export function readImportProcessList(ctx: ReadContext, a: Answer, what: string): KrakenResult<ImportProcessListing[]> {
  if (a.status === 200) {
    if (!Array.isArray(a.body)) return fail(ctx, a, 'unexpected', `Kraken's answer to ${what} is not a list.`);
    const flat = a.body.length > 0 && a.body.every((e) => Array.isArray(e)) ? (a.body as unknown[][]).flat() : a.body;
    const items: ImportProcessListing[] = [];
    for (const e of flat) {
      const ext = isObject(e) ? str(e.external_account_number) : undefined;
      if (!isObject(e) || ext === undefined)
        return fail(ctx, a, 'unexpected', `Kraken's answer to ${what} has an entry without external_account_number.`);
      items.push({
        externalAccountNumber: ext,
        krakenAccountNumber: str(e.kraken_account_number) ?? null,
        accountCreatedAt: str(e.account_created_at) ?? null,
      });
    }
    return success(a, items);
  }
  if (a.status === 404) {
    return fail(
      ctx,
      a,
      'not-found',
      `Kraken "${ctx.envName}" answered "not found" when asked to ${what}: check the import supplier code (the instance may not offer these endpoints).`,
    );
  }
  return failureFor(ctx, a, what);
}
