/** `POST /v1/data-import/account-import-process/process/`: 201 `{kraken_account_number}`; 400 not staged, already imported, dry-run rollback; 429 above the concurrency limit. */
import { alreadyImportedV1, parseJson, standardized, str, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey, newKrakenAccountNumber } from '../state';

export async function createV1(sb: SandboxCore, ctx: Ctx): Promise<Reply> {
  const { state } = sb;
  if (state.inFlightCreates >= sb.settings.concurrencyLimit) {
    return {
      status: 429,
      body: {
        detail: `Too many accounts are being processed at once (concurrency limit ${sb.settings.concurrencyLimit}). Retry once other accounts have finished processing.`,
        code: 'too_many_requests',
      },
      headers: { 'Retry-After': String(sb.settings.retryAfterSeconds) },
    };
  }
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'account-v1-create');
  if (errors.length) return { status: 400, body: standardized('Could not process account.', errors) };
  const b = p.body as Record<string, unknown>;
  const ext = str(b.external_account_number)!;
  const supplier = str(b.import_supplier_code)!;
  const team = str(b.operations_team_name);
  const dryRun = b.dry_run === true;
  const key = accountKey(supplier, ext);
  const imported = state.imported.get(key);
  if (imported) return alreadyImportedV1(ext, imported.krakenAccountNumber);
  const staged = state.staged.get(key);
  if (!staged) {
    return {
      status: 400,
      body: standardized('Could not process account.', [
        {
          attr: 'non_field_errors',
          code: 'import_process_does_not_exist',
          detail: `No staged account data was found for ${ext} (import supplier ${supplier}): stage the account first (create-or-update).`,
        },
      ]),
    };
  }
  if (!team) {
    return {
      status: 400,
      body: standardized('Could not process account.', [
        { attr: 'operations_team_name', code: 'operations_team_should_be_provided', detail: 'An operations team must be provided.' },
      ]),
    };
  }
  if (sb.options.operationsTeams && !sb.options.operationsTeams.includes(team)) {
    return {
      status: 400,
      body: standardized('Could not process account.', [
        {
          attr: 'operations_team_name',
          code: 'operations_team_name_does_not_exist',
          detail: `The operations team "${team}" does not exist.`,
        },
      ]),
    };
  }
  if (state.processing.has(key)) {
    return {
      status: 400,
      body: standardized('Could not process account.', [
        { attr: 'non_field_errors', code: 'account_import_process_in_progress', detail: 'This account is already being processed.' },
      ]),
    };
  }
  // Stage and create re-run the validate rules ("extra safety check").
  const again = validate(sb, staged.body, 'account');
  if (again.length) return { status: 400, body: standardized('Could not process account.', again) };
  state.inFlightCreates++;
  state.processing.add(key);
  try {
    await sb.wait(sb.settings.createDelayMs);
  } finally {
    state.inFlightCreates--;
    state.processing.delete(key);
  }
  if (dryRun) return { status: 400, body: { detail: 'Account would successfully import. Rolled back due to Dry Run.', code: '400' } };
  const number = newKrakenAccountNumber();
  state.imported.set(key, {
    importSupplier: supplier,
    externalAccountNumber: ext,
    krakenAccountNumber: number,
    body: staged.body,
    importedAt: new Date().toISOString(),
    via: 'v1',
  });
  state.staged.delete(key);
  return { status: 201, body: { external_account_number: ext, kraken_account_number: number } };
}
