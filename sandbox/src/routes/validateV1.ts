/** `POST /v1/data-import/validate-account/`: 200 with the data, or 400 with Kraken-shaped errors. */
import { parseJson, standardized, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';

export function validateV1(sb: SandboxCore, ctx: Ctx): Reply {
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'account');
  if (errors.length) return { status: 400, body: standardized('Could not validate account data.', errors) };
  return { status: 200, body: p.body };
}
