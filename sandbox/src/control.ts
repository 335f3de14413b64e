/**
 * Control endpoints (not Kraken; loopback callers or `Token <api key>`): `/__sandbox/` (state), `/__sandbox/faults`,
 * `/__sandbox/requests`, `/__sandbox/reset`, `/__sandbox/revoke-tokens`, `/__sandbox/import-account`,
 * `/__sandbox/businesses`.
 */
import type * as http from 'node:http';
import { isObject } from './answers';
import { keyMatches } from './auth';
import type { Ctx, Reply, SandboxCore } from './core';
import { validateFaultSpec, type FaultSpec } from './faults';
import { settleAll } from './v2';

export async function control(sb: SandboxCore, ctx: Ctx, req: http.IncomingMessage): Promise<Reply> {
  const { state } = sb;
  const remote = req.socket.remoteAddress ?? '';
  const loopback = remote === '::1' || remote.startsWith('127.') || remote.startsWith('::ffff:127.');
  const auth = req.headers.authorization ?? '';
  if (!loopback && !(/^Token\s+/i.test(auth) && keyMatches(sb, auth.replace(/^Token\s+/i, '').trim()))) {
    return {
      status: 401,
      body: { detail: 'The sandbox control endpoints need a loopback caller or "Authorization: Token <sandbox api key>".' },
    };
  }
  const body = (): unknown => {
    if (!ctx.rawBody.trim()) return {};
    return JSON.parse(ctx.rawBody);
  };
  const sub = ctx.path.replace(/^\/__sandbox\/?/, '').replace(/\/$/, '');
  try {
    switch (`${ctx.method} ${sub}`) {
      case 'GET ':
        settleAll(sb);
        return { status: 200, body: { sandbox: 'kraken-import local sandbox (not Kraken)', ...state.summary(), faults: sb.faults.list() } };
      case 'GET faults':
        return { status: 200, body: sb.faults.list() };
      case 'POST faults': {
        const b = body();
        const specs = Array.isArray(b) ? b : [b];
        for (const s of specs) {
          const problem = validateFaultSpec(s);
          if (problem) return { status: 400, body: { detail: problem } };
        }
        const ids = specs.map((s) => sb.faults.add(s as FaultSpec));
        return { status: 201, body: { ids } };
      }
      case 'DELETE faults':
        sb.faults.clear();
        return { status: 204 };
      case 'GET requests':
        return { status: 200, body: state.requests };
      case 'DELETE requests':
        state.requests.length = 0;
        return { status: 204 };
      case 'POST reset':
        state.reset();
        sb.faults.clear();
        return { status: 204 };
      case 'POST revoke-tokens':
        state.revokeTokens();
        return { status: 204 };
      case 'POST import-account': {
        const b = body();
        if (!isObject(b) || typeof b.import_supplier !== 'string' || typeof b.external_account_number !== 'string') {
          return { status: 400, body: { detail: 'Send an account body with "import_supplier" and "external_account_number".' } };
        }
        const a = state.importAccount(b.import_supplier, b.external_account_number, b);
        return { status: 201, body: { kraken_account_number: a.krakenAccountNumber } };
      }
      case 'POST businesses': {
        const b = body();
        if (!isObject(b) || typeof b.import_supplier_code !== 'string' || typeof b.external_business_identifier !== 'string') {
          return { status: 400, body: { detail: 'Send {"import_supplier_code", "external_business_identifier"}.' } };
        }
        return { status: 201, body: { kraken_business_id: state.addBusiness(b.import_supplier_code, b.external_business_identifier) } };
      }
      default:
        return { status: 404, body: { detail: `Unknown sandbox control endpoint ${ctx.method} ${ctx.path}.` } };
    }
  } catch (e) {
    return { status: 400, body: { detail: (e as Error).message } };
  }
}
