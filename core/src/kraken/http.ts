/**
 * The transport: one HTTP exchange on `node:http` / `node:https` (not fetch: VS Code applies `http.proxy` to the
 * extension host's http/https modules, so this is how the extension respects the user's proxy settings).
 *
 * HTTPS only, except loopback hosts. Certificate checks are never disabled. Every exchange has a timeout and can be
 * cancelled. Errors say whether the request had been sent, so the caller knows whether a create may have been
 * processed.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The connection's agent (the CLI's proxy tunnel); default: the module's global agent. */
  agent?: http.Agent;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export type TransportErrorKind = 'timeout' | 'network' | 'cancelled';

/** A failed exchange. Carries no request headers and no body. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** True once the connection was up and the request on its way: Kraken may have received and processed it. */
    readonly sent: boolean,
    /** ECONNRESET, ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED… */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** 127.0.0.0/8, localhost (and *.localhost), ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!v4 && v4.slice(1).every((octet) => Number(octet) <= 255);
}

/** Why a base URL cannot be used, or undefined when it can. */
export function checkBaseUrl(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `"${baseUrl}" is not a URL. Use the instance's API host, e.g. https://api.example-kraken.energy`;
  }
  if (url.username || url.password)
    return 'The Kraken URL must not carry a user name or password: the API key is kept in the secret store.';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return undefined;
    return `Refusing to talk to ${url.host} over plain http: Kraken is only reached over HTTPS (http is allowed for loopback hosts such as the local sandbox only). Change the URL to https://${url.host}${url.pathname === '/' ? '' : url.pathname}.`;
  }
  return `Unsupported URL scheme "${url.protocol}" in "${baseUrl}": use https://.`;
}

function describeNetworkError(code: string | undefined, host: string, fallback: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `Connection refused by ${host}: nothing is listening there (is the URL right, is the sandbox running?).`;
    case 'ECONNRESET':
      return `The connection to ${host} was reset.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Could not resolve ${host} (DNS). Check the URL and your network or proxy settings.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} is unreachable from this machine. Check your network or proxy settings.`;
    case 'ETIMEDOUT':
      return `Connecting to ${host} timed out.`;
    case 'EPIPE':
      return `The connection to ${host} was closed while sending.`;
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The TLS certificate of ${host} was not accepted (${code}). Certificate checks are never switched off; if a corporate proxy re-signs traffic, add its CA to the system (NODE_EXTRA_CA_CERTS).`;
    default:
      return `Network error talking to ${host}: ${fallback}`;
  }
}

/** One exchange. Resolves with any HTTP status; rejects with a TransportError. */
export function send(req: HttpRequest): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const host = req.url.host;
    if (req.signal?.aborted) {
      reject(new TransportError('cancelled', 'Cancelled before the request was sent.', false));
      return;
    }
    const isHttps = req.url.protocol === 'https:';
    const headers: Record<string, string | number> = { ...req.headers };
    const payload = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    if (payload) headers['Content-Length'] = payload.length;

    let sent = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (err: TransportError | undefined, res?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(res!);
    };

    const options: https.RequestOptions = { method: req.method, headers, ...(req.agent ? { agent: req.agent } : {}) };
    // Certificate verification stays on (rejectUnauthorized defaults to true and is never set here).
    const request = (isHttps ? https : http).request(req.url, options, (response) => {
      sent = true;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          request.destroy();
          finish(new TransportError('network', `The answer from ${host} is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB.`, true));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () =>
        finish(undefined, { status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', (e: NodeJS.ErrnoException) =>
        finish(new TransportError('network', `${describeNetworkError(e.code, host, e.message)} (while reading the answer)`, true, e.code)),
      );
      response.on('aborted', () =>
        finish(new TransportError('network', `The connection to ${host} was closed while reading the answer.`, true, 'ECONNRESET')),
      );
    });

    // "Sent" errs on the side of caution: once the connection is up, the request is on its way (a create cancelled
    // or dropped from then on may have reached Kraken). Before that (refused, DNS, TLS handshake) nothing was sent.
    request.on('socket', (socket) => {
      if (request.reusedSocket) {
        sent = true;
        return;
      }
      socket.once(isHttps ? 'secureConnect' : 'connect', () => {
        sent = true;
      });
    });
    request.on('finish', () => {
      sent = true;
    });
    request.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      const code = e.code;
      const message =
        code === 'ECONNRESET' && sent
          ? `The connection to ${host} was dropped after the request was sent and before an answer came back.`
          : describeNetworkError(code, host, e.message);
      finish(new TransportError('network', message, sent, code));
    });

    const onAbort = (): void => {
      const wasSent = sent;
      finish(
        new TransportError(
          'cancelled',
          wasSent ? 'Cancelled after the request was sent, before the answer arrived.' : 'Cancelled before the request was sent.',
          wasSent,
        ),
      );
      request.destroy();
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });

    timer = setTimeout(() => {
      const wasSent = sent;
      finish(
        new TransportError(
          'timeout',
          wasSent
            ? `No answer from ${host} within ${seconds(req.timeoutMs)} after the request was sent.`
            : `Could not send the request to ${host} within ${seconds(req.timeoutMs)}.`,
          wasSent,
          'ETIMEDOUT',
        ),
      );
      request.destroy();
    }, req.timeoutMs);

    if (payload) request.end(payload);
    else request.end();
  });
}
