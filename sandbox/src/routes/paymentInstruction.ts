/** `POST /v1/data-import/payment-instruction/create/`: 201 `{kraken_account_number, reference}`. */
import { accountNotFound, drfNested, importedFor, parseJson, str, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function paymentInstruction(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'payment-instruction');
  if (errors.length) return { status: 400, body: drfNested(errors) };
  const b = p.body as Record<string, unknown>;
  const account = importedFor(sb.state, b);
  if (!account) return accountNotFound(str(b.external_account_number));
  const reference = str(b.reference) ?? str(b.instruction_reference) ?? '';
  state.paymentInstructions.push({ key: accountKey(account.importSupplier, account.externalAccountNumber), reference, body: b });
  return { status: 201, body: { kraken_account_number: account.krakenAccountNumber, reference } };
}
