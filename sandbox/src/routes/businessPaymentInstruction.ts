/** `POST /v1/data-import/business-payment-instruction/create/`: 404 for an unknown business. */
import { drfNested, parseJson, str, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function businessPaymentInstruction(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'business-payment-instruction');
  if (errors.length) return { status: 400, body: drfNested(errors) };
  const b = p.body as Record<string, unknown>;
  const supplier = str(b.import_supplier_code) ?? '';
  const ext = str(b.external_business_identifier) ?? '';
  if (!state.businesses.has(accountKey(supplier, ext))) {
    return { status: 404, body: { detail: `Business import process not found for ${ext}.`, code: 'not_found' } };
  }
  state.businessPaymentInstructions.push({ key: accountKey(supplier, ext), reference: str(b.reference) });
  return { status: 201, body: { reference: str(b.reference) ?? '', external_business_identifier: ext } };
}
