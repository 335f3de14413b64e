/**
 * One HTTP request to the sandbox: read the body (up to a limit), log it in the request log, apply a fault (delay,
 * status, dropped connection), then route it; every answer carries the sandbox header.
 */
import type * as http from 'node:http';
import type { Ctx, Reply, SandboxCore } from './core';
import { control } from './control';
import { defaultFaultBody } from './faults';
import { route } from './router';
import type { RequestLogEntry } from './state';

export const SANDBOX_HEADER = 'X-Kraken-Sandbox';
export const SANDBOX_HEADER_VALUE = 'local sandbox - this is not Kraken';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function write(res: http.ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { [SANDBOX_HEADER]: SANDBOX_HEADER_VALUE, ...reply.headers };
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The server's request listener. */
export function requestHandler(sb: SandboxCore, isClosed: () => boolean): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  let seq = 0;
  const nextSeq = (): number => ++seq;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const isControl = url.pathname.startsWith('/__sandbox');
    const entry: RequestLogEntry = {
      seq: nextSeq(),
      at: new Date().toISOString(),
      method,
      path: url.pathname,
      query: url.search,
      auth: 'n/a',
    };
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      void (async () => {
        const ctx: Ctx = { method, path: url.pathname, query: url.searchParams, rawBody: Buffer.concat(chunks).toString('utf8'), entry };
        if (isControl) {
          write(res, await control(sb, ctx, req));
          return;
        }
        sb.state.requests.push(entry);
        if (tooLarge) {
          entry.status = 413;
          write(res, { status: 413, body: { detail: 'Request body too large.', code: 'too_large' } });
          return;
        }
        const fault = sb.faults.take(method, url.pathname);
        if (fault) {
          ctx.fault = fault;
          entry.fault = fault.id;
        }
        try {
          sb.options.onRequest?.(entry);
        } catch {
          /* a test hook must not break the sandbox */
        }
        if (fault?.delayMs) {
          await sb.wait(fault.delayMs);
          // A caller that gave up during the delay (timeout, cancel) is not answered, and its request is not handled:
          // use `drop` to rehearse a request that was handled but never answered.
          if (req.socket.destroyed) {
            entry.abandoned = true;
            return;
          }
        }
        if (isClosed()) return;
        const drop = (): void => {
          entry.dropped = true;
          req.socket.destroy();
        };
        if (fault && fault.drop === 'before') return drop();
        let reply: Reply;
        if (fault?.status !== undefined) {
          const headers = { ...fault.headers };
          if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
          reply = { status: fault.status, body: fault.body ?? defaultFaultBody(fault.status), headers };
        } else {
          try {
            reply = await route(sb, ctx, req);
          } catch (e) {
            sb.log(`sandbox: internal error on ${method} ${url.pathname}: ${(e as Error).stack ?? e}`);
            reply = { status: 500, body: { detail: 'A server error occurred (sandbox bug).', code: 'error' } };
          }
        }
        if (fault && (fault.drop === true || fault.drop === 'after')) return drop();
        entry.status = reply.status;
        if (sb.options.logRequests)
          sb.log(`sandbox: ${method} ${url.pathname}${url.search} → ${reply.status}${fault ? ` (fault ${fault.id})` : ''}`);
        write(res, reply);
      })();
    });
  };
}
