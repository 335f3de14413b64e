/** `POST /v1/data-import/business/`: 201 `{kraken_business_id}`; 400 for a business imported before. */
import { isObject, parseJson, str } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function business(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const b = isObject(p.body) ? p.body : {};
  const inner = isObject(b.business) ? b.business : {};
  const supplier = str(b.import_supplier_code) ?? str(inner.import_supplier_code) ?? str(b.import_supplier);
  const ext = str(b.external_business_identifier) ?? str(inner.external_business_identifier);
  const errs: Record<string, string[]> = {};
  if (!isObject(b.business)) errs.business = ['This field is required.'];
  if (!supplier) errs.import_supplier_code = ['This field is required.'];
  if (!ext) errs.external_business_identifier = ['This field is required.'];
  if (Object.keys(errs).length) return { status: 400, body: errs };
  const existing = state.businesses.get(accountKey(supplier!, ext!));
  if (existing)
    return {
      status: 400,
      body: { non_field_errors: [`The business ${ext} has already been imported.`], kraken_business_id: existing.krakenBusinessId },
    };
  const id = state.addBusiness(supplier!, ext!);
  return { status: 201, body: { kraken_business_id: id, external_business_identifier: ext } };
}
