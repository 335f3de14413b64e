/** `POST /v1/data-import/notes/create/`: deduplicated by body + created_at; 404 for an account not imported. */
import { accountNotFound, drfNested, importedFor, isObject, parseJson, str, validate } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function notes(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  const p = parseJson(ctx);
  if (!p.ok) return p.reply;
  const errors = validate(sb, p.body, 'notes');
  if (errors.length) return { status: 400, body: drfNested(errors) };
  const b = p.body as Record<string, unknown>;
  const account = importedFor(sb.state, b);
  if (!account) return accountNotFound(str(b.external_account_number) ?? str(b.account_number));
  const key = accountKey(account.importSupplier, account.externalAccountNumber);
  const existing = state.notes.get(key) ?? [];
  state.notes.set(key, existing);
  const results = (Array.isArray(b.notes) ? b.notes : []).map((n) => {
    const note = isObject(n) ? n : {};
    const body = str(note.body);
    const createdAt = str(note.created_at);
    const instant = createdAt ? Date.parse(createdAt) : undefined;
    const dup = existing.some((e) => e.body === body && (instant === undefined || e.instant === instant));
    const created = createdAt ?? new Date().toISOString();
    if (!dup) existing.push({ body, created_at: created, instant: Date.parse(created) });
    return { created_at: created, body: body ?? '', status: dup ? 'NOTE_ALREADY_EXISTS' : 'NOTE_CREATION_SUCCESS' };
  });
  return { status: 201, body: results };
}
