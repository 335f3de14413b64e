/** `GET /v1/data-import/{all,pending,imported}-account-import-processes/{code}/` (lists.ts holds the listing). */
import type { Ctx, Reply, SandboxCore } from '../core';
import { listImportProcesses as list } from '../lists';

export function listImportProcesses(sb: SandboxCore, ctx: Ctx, [supplier]: string[]): Reply {
  const which = /^\/v1\/data-import\/(all|pending|imported)-/.exec(ctx.path)?.[1] as 'all' | 'pending' | 'imported';
  return list(sb.state, which, supplier);
}
