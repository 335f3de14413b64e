/** `POST /v2/data-import/accounts/validate/`: 200 `{}` or 400 (a bare account or `{payload}`). */
import { isObject, parseJson, standardized, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';

export function validateV2(sb: SandboxCore, ctx: Ctx): Reply {
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const wrapped = isObject(p.body) && isObject(p.body.payload) && Object.keys(p.body).length === 1;
  const errors = validate(sb, p.body, wrapped ? 'account-v2-validate' : 'account');
  if (errors.length) return { status: 400, body: standardized('Could not validate account data.', errors) };
  return { status: 200, body: {} };
}
