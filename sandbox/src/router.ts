/**
 * The sandbox's router: Kraken's endpoints come from the endpoint table (core/src/endpoints), each naming the
 * handler here that serves it; the banner, the slash rule and authentication come first.
 */
import type * as http from 'node:http';
import { ENDPOINTS, pathPattern, type SandboxHandlerName } from '../../core/src/endpoints';
import { notAllowed, notFound } from './answers';
import { authenticate, graphql } from './auth';
import type { Ctx, Reply, SandboxCore } from './core';
import { business } from './routes/business';
import { businessPaymentInstruction } from './routes/businessPaymentInstruction';
import { createV1 } from './routes/createV1';
import { createV2 } from './routes/createV2';
import { listImportProcesses } from './routes/listImportProcesses';
import { notes } from './routes/notes';
import { paymentInstruction } from './routes/paymentInstruction';
import { registrationFlows } from './routes/registrationFlows';
import { stageV1 } from './routes/stageV1';
import { statements } from './routes/statements';
import { statusV2 } from './routes/statusV2';
import { transactions } from './routes/transactions';
import { transferStatus } from './routes/transferStatus';
import { validateV1 } from './routes/validateV1';
import { validateV2 } from './routes/validateV2';
import { settleAll } from './v2';

/** A handler gets the decoded path parameters in the order the endpoint's path names them. */
type Handler = (sb: SandboxCore, ctx: Ctx, params: string[]) => Reply | Promise<Reply>;

const HANDLERS: Record<SandboxHandlerName, Handler> = {
  graphql: (sb, ctx) => graphql(sb, ctx),
  validateV1,
  stageV1,
  createV1,
  validateV2,
  createV2,
  statusV2,
  transferStatus,
  listImportProcesses,
  notes,
  transactions,
  statements,
  paymentInstruction,
  business,
  businessPaymentInstruction,
  registrationFlows,
};

const ROUTES = ENDPOINTS.map((def) => ({ def, pattern: pathPattern(def), handler: HANDLERS[def.sandbox] }));

/** The route of a path: its endpoint's handler and parameters, or undefined. */
function match(path: string) {
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m) return { ...r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

export async function route(sb: SandboxCore, ctx: Ctx, req: http.IncomingMessage): Promise<Reply> {
  const { method, path } = ctx;
  if (path === '/' && method === 'GET') {
    return {
      status: 200,
      body: {
        sandbox: 'kraken-import local sandbox',
        warning: "This is a local imitation of Kraken's data-import API for rehearsals and tests. It is not Kraken.",
      },
    };
  }
  const unauthenticated = match(path);
  if (unauthenticated && !unauthenticated.def.auth) {
    return method === unauthenticated.def.method ? unauthenticated.handler(sb, ctx, unauthenticated.params) : notAllowed(method);
  }
  if (!path.startsWith('/v1/data-import/') && !path.startsWith('/v2/data-import/')) return notFound(path);
  if (!path.endsWith('/'))
    return { status: 404, body: { detail: `Not found: Kraken paths end with a slash (${path}/).`, code: 'not_found' } };
  const denied = authenticate(sb, req, ctx.entry);
  if (denied) return denied;
  settleAll(sb);
  const r = match(path);
  if (!r) return notFound(path);
  return method === r.def.method ? r.handler(sb, ctx, r.params) : notAllowed(method);
}
