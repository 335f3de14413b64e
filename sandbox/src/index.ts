/**
 * The local Kraken sandbox: a rehearsal and test tool that imitates Kraken's documented data-import endpoints.
 * It is NOT Kraken: it says so on every start and in an `X-Kraken-Sandbox` header on every answer.
 *
 * Imitated (kraken-api-notes §1–§3 and the seed pages):
 * - `POST /v1/graphql/` `obtainKrakenToken(input: {APIKey | refreshToken})` → a JWT-shaped token with `exp`
 *   (any GraphQL form: variables, literals, aliases, fragments; graphql-js reads it, see graphql.ts);
 * - auth: `Authorization: <token>` (also `JWT <token>`, `Bearer <token>`) or `Token <api key>`, else 401;
 * - v1: validate-account (200 with the data / 400), create-or-update (201 staged / 200 updated / 400 already
 *   imported), process (201 `{kraken_account_number}` / 400 not staged, already imported, dry-run rollback / 429
 *   above the concurrency limit);
 * - v2: accounts/validate (200 `{}` / 400), accounts (201 `{}` scheduled; 400 `import_process_failed_validation`,
 *   already imported with `account_id`), accounts/{code}/{ext} (status PENDING → IN_PROGRESS → PROCESSED or
 *   DRY_RUN_SUCCEEDED over `processingMs`; 404 `not_found`);
 * - post-import: notes (dedup by body + created_at), transactions (dedup by transaction_id; URL flags), historical
 *   statements, payment instruction, send-registration-flows; 404 for an account that is not imported;
 * - business: `POST /v1/data-import/business/`, business-payment-instruction (404 for an unknown business);
 * - queries: account-transfer-status, and the all/pending/imported account import process lists (lists.ts).
 * Bodies are validated with our own language service; error-severity findings become Kraken-shaped 400s.
 *
 * Modules: core.ts (options, settings, the shared context), auth.ts (key, tokens, GraphQL), router.ts (Kraken's
 * endpoints from core/src/endpoints, each naming its handler in routes/), v2.ts (import processes over time),
 * answers.ts (Kraken-shaped bodies), faults.ts, requests.ts (request log, faults, writing), control.ts, state.ts.
 *
 * Control endpoints (not Kraken; loopback callers or `Token <api key>`): `/__sandbox/` (state), `/__sandbox/faults`,
 * `/__sandbox/requests`, `/__sandbox/reset`, `/__sandbox/revoke-tokens`, `/__sandbox/import-account`,
 * `/__sandbox/businesses`.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createKrakenService } from '../../core/src/service';
import { settingsOf, type SandboxCore, type SandboxOptions } from './core';
import { FaultController, type Fault, type FaultSpec } from './faults';
import { requestHandler } from './requests';
import { SandboxState, type RequestLogEntry } from './state';

export { FaultController, SandboxState };
export type { FaultSpec, Fault, RequestLogEntry, SandboxOptions };
export { krakenCode } from './answers';
export { SANDBOX_HEADER, SANDBOX_HEADER_VALUE } from './requests';

export interface SandboxHandle {
  url: string;
  port: number;
  close(): Promise<void>;
  state: SandboxState;
  faults: FaultController;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  const sb: SandboxCore = {
    options,
    settings: settingsOf(options),
    state: new SandboxState(),
    faults: new FaultController(),
    service: options.service ?? createKrakenService(),
    secret: randomBytes(32),
    wait,
    log,
  };

  const server = http.createServer(requestHandler(sb, () => closed));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  log(
    `*** kraken-import SANDBOX on ${url} — a local imitation of Kraken's data-import API for rehearsals and tests. THIS IS NOT KRAKEN: nothing sent here reaches a Kraken instance. ***`,
  );

  return {
    url,
    port,
    state: sb.state,
    faults: sb.faults,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
