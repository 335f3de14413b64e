/** `POST /v2/data-import/accounts/`: 201 `{}` scheduled; 400 `import_process_failed_validation`, already imported with `account_id`. */
import { isObject, parseJson, standardized, str, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';
import { settleAll } from '../v2';

export function createV2(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'account-v2-create');
  const b = isObject(p.body) ? p.body : {};
  const payload = isObject(b.payload) ? b.payload : undefined;
  const tp = isObject(b.task_params) ? b.task_params : {};
  const now = Date.now();
  const start = str(tp.schedule_window_start) ? Date.parse(tp.schedule_window_start as string) : undefined;
  const end = str(tp.schedule_window_end) ? Date.parse(tp.schedule_window_end as string) : undefined;
  if (start !== undefined && !Number.isNaN(start) && start < now - 60_000)
    errors.push({
      attr: 'task_params.schedule_window_start',
      code: 'schedule_window_start_in_past',
      detail: 'The schedule window start must not be in the past.',
    });
  if (end !== undefined && !Number.isNaN(end) && end > now + 4 * 24 * 3600_000)
    errors.push({
      attr: 'task_params.schedule_window_end',
      code: 'schedule_window_end_too_far_in_future',
      detail: 'The schedule window end must not be more than 4 days in the future.',
    });
  if (start !== undefined && end !== undefined && start > end)
    errors.push({
      attr: 'task_params',
      code: 'schedule_window_start__after_end',
      detail: 'The schedule window start must be before its end.',
    });
  const ext = payload ? str(payload.external_account_number) : undefined;
  if (payload && ext === undefined && !errors.some((e) => e.attr === 'payload.external_account_number')) {
    errors.push({ attr: 'payload.external_account_number', code: 'required', detail: 'This field is required to create an account.' });
  }
  if (errors.length) {
    if (errors.every((e) => e.attr.startsWith('payload.') || e.attr === 'payload')) {
      return {
        status: 400,
        body: {
          code: 'import_process_failed_validation',
          detail:
            'Import process validation failed during account creation. Please validate the import process to get full details of the validation errors.',
          domain: 'import_process',
        },
      };
    }
    return { status: 400, body: standardized('Invalid request.', errors, 'invalid') };
  }
  const supplier = str(payload!.import_supplier)!;
  const key = accountKey(supplier, ext!);
  settleAll(sb);
  const imported = state.imported.get(key);
  if (imported) {
    return {
      status: 400,
      body: {
        non_field_errors: {
          detail: `The account import process with the account number ${ext} has already been imported.`,
          code: 'account_import_process_already_imported',
        },
        account_id: imported.krakenAccountNumber,
      },
    };
  }
  const existing = state.processes.get(key);
  if (existing && !existing.settled && Date.now() < existing.doneAt) {
    return {
      status: 400,
      body: {
        non_field_errors: {
          detail: `An import process for ${ext} is already scheduled or in progress.`,
          code: 'account_import_process_in_progress',
        },
      },
    };
  }
  const dryRun = tp.is_dry_run === true;
  const startAt = start !== undefined && !Number.isNaN(start) && start > now ? start : now;
  const forced = ctx.fault?.importOutcome;
  const outcome = forced === 'ERRORED' && dryRun ? 'DRY_RUN_ERRORED' : (forced ?? (dryRun ? 'DRY_RUN_SUCCEEDED' : 'PROCESSED'));
  state.processes.set(key, {
    importSupplier: supplier,
    externalIdentifier: ext!,
    payload: payload!,
    dryRun,
    createdAt: now,
    startAt,
    doneAt: startAt + sb.settings.processingMs,
    outcome,
    latestError:
      outcome === 'ERRORED' || outcome === 'DRY_RUN_ERRORED'
        ? {
            code: ctx.fault?.latestError?.code ?? 'account_import_failed',
            detail: ctx.fault?.latestError?.detail ?? 'The account could not be imported (sandbox fault).',
            domain: ctx.fault?.latestError?.domain ?? 'account_import',
          }
        : null,
    settled: false,
    krakenIdentifier: null,
  });
  return { status: 201, body: {} };
}
