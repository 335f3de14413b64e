/** `POST /v1/data-import/account-import-process/create-or-update/`: 201 staged, 200 updated, 400 already imported. */
import { alreadyImportedV1, isObject, parseJson, standardized, str, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function stageV1(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'account');
  const b = isObject(p.body) ? p.body : {};
  const supplier = str(b.import_supplier);
  const ext = str(b.external_account_number);
  if (ext === undefined && !errors.some((e) => e.attr === 'external_account_number')) {
    errors.push({ attr: 'external_account_number', code: 'required', detail: 'This field is required to stage an account.' });
  }
  if (errors.length) return { status: 400, body: standardized('Could not stage account data.', errors) };
  const key = accountKey(supplier!, ext!);
  const imported = state.imported.get(key);
  if (imported) return alreadyImportedV1(ext!, imported.krakenAccountNumber);
  const existing = state.staged.get(key);
  if (existing) {
    existing.body = b;
    existing.updates++;
    return { status: 200, body: { import_supplier: supplier, external_account_number: ext } };
  }
  state.staged.set(key, {
    importSupplier: supplier!,
    externalAccountNumber: ext!,
    body: b,
    stagedAt: new Date().toISOString(),
    updates: 0,
  });
  return { status: 201, body: { import_supplier: supplier, external_account_number: ext } };
}
