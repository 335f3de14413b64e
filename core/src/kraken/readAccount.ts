/** How the account endpoints' answers read: validate, stage, and the v1 and v2 creates. */
import { fail, failureFor, isObject, isOk, str, success, type Answer, type ReadContext } from './answers';
import { alreadyImportedAccount, isDryRunSuccess } from './errors';
import type { CreateV1Data, CreateV2Data, KrakenResult, StageData, ValidateData } from './types';

/** Validate (v1 and v2): 200 (`{}` or the validated data) or 400 with errors. */
export function readValidate(ctx: ReadContext, ok: readonly number[], a: Answer, what: string): KrakenResult<ValidateData> {
  if (isOk(ok, a)) return success(a, { valid: true });
  return failureFor(ctx, a, what);
}

/** Stage: 201 staged the first time, 200 updated; 400 "already imported". */
export function readStage(ctx: ReadContext, ok: readonly number[], a: Answer, what: string): KrakenResult<StageData> {
  if (isOk(ok, a)) {
    const b = isObject(a.body) ? a.body : {};
    return success(a, {
      outcome: a.status === 201 ? 'staged' : 'updated',
      importSupplier: str(b.import_supplier) ?? str(b.import_supplier_code),
      externalAccountNumber: str(b.external_account_number),
    });
  }
  if (a.status === 400) {
    const imported = alreadyImportedAccount(a.body);
    if (imported.imported) {
      return fail(
        ctx,
        a,
        'already-imported',
        `The account was imported already${imported.krakenAccountNumber ? ` as ${imported.krakenAccountNumber}` : ''}: staged data can no longer be changed.`,
        { krakenAccountNumber: imported.krakenAccountNumber },
      );
    }
  }
  return failureFor(ctx, a, what);
}

/** v1 create: the dry-run success (a 400 from Kraken) and "already imported" are successes. */
export function readCreateV1(ctx: ReadContext, ok: readonly number[], a: Answer, what: string): KrakenResult<CreateV1Data> {
  const b = isObject(a.body) ? a.body : {};
  if (isOk(ok, a)) {
    const number = str(b.kraken_account_number) ?? str(b.account_number);
    return success(a, { outcome: 'created', krakenAccountNumber: number, message: `Account created${number ? `: ${number}` : ''}.` });
  }
  if (a.status === 400) {
    if (isDryRunSuccess(a.body)) {
      return success(a, {
        outcome: 'dry-run-succeeded',
        message: 'Dry run succeeded: the account would import. Kraken rolled it back (nothing was created).',
      });
    }
    const imported = alreadyImportedAccount(a.body);
    if (imported.imported) {
      return success(a, {
        outcome: 'already-imported',
        krakenAccountNumber: imported.krakenAccountNumber,
        message: `The account was imported already${imported.krakenAccountNumber ? ` as ${imported.krakenAccountNumber}` : ''}.`,
      });
    }
  }
  return failureFor(ctx, a, what);
}

/** v2 create: 201 `{}` = scheduled; 400 "already imported" is a success. */
export function readCreateV2(
  ctx: ReadContext,
  ok: readonly number[],
  a: Answer,
  what: string,
  dryRun: boolean,
): KrakenResult<CreateV2Data> {
  if (isOk(ok, a)) {
    return success(a, {
      outcome: 'scheduled',
      dryRun,
      message: dryRun
        ? 'Dry run scheduled: Kraken will try the import and roll it back. Follow the import status.'
        : 'Account creation scheduled. Follow the import status.',
    });
  }
  if (a.status === 400) {
    const imported = alreadyImportedAccount(a.body);
    if (imported.imported) {
      return success(a, {
        outcome: 'already-imported',
        dryRun,
        krakenAccountNumber: imported.krakenAccountNumber,
        message: `The account was imported already${imported.krakenAccountNumber ? ` as ${imported.krakenAccountNumber}` : ''}.`,
      });
    }
  }
  return failureFor(ctx, a, what);
}
