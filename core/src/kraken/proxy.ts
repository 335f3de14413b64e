/**
 * Proxies from the environment, for the CLI (the extension keeps VS Code's proxy settings, which VS Code applies to
 * the extension host's http/https modules): `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY`
 * for http URLs, `all_proxy`/`ALL_PROXY` for both, `no_proxy`/`NO_PROXY` for the exceptions — read as curl reads
 * them: the lower-case name first, a proxy URL without a scheme is http://, `*` in no_proxy turns proxies off,
 * a no_proxy entry matches the host and its subdomains (a leading dot is optional), an IPv4 address or CIDR range,
 * with an optional `:port`.
 *
 * HTTPS goes through the proxy as a CONNECT tunnel, TLS end to end with Kraken (certificates are checked against
 * Kraken's host name as without a proxy). Plain http is only allowed to loopback hosts (the local sandbox), which
 * are reached directly. Proxy credentials in the URL are sent as Proxy-Authorization (Basic) and never printed.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { isLoopbackHost } from './http';

export type ProxyEnv = Record<string, string | undefined>;

function envValue(env: ProxyEnv, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A proxy URL as curl reads it (no scheme: http://). Throws on one it cannot use. */
export function parseProxyUrl(value: string, variable: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${variable} is not a proxy URL (expected e.g. http://proxy.example:3128)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${variable}: ${url.protocol.replace(/:$/, '')} proxies are not supported (http:// or https:// proxies only)`);
  }
  return url;
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return undefined;
  return m.slice(1).reduce((n, o) => n * 256 + Number(o), 0);
}

/** Whether `no_proxy` exempts this URL. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[,\s]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch && !entry.startsWith('[') && entry.split(':').length === 2) {
      entry = portMatch[1];
      entryPort = portMatch[2];
    }
    if (entryPort && entryPort !== port) continue;
    entry = entry
      .replace(/^\*?\./, '')
      .replace(/\.$/, '')
      .replace(/^\[|\]$/g, '');
    const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      const net = ipv4(cidr[1]);
      const addr = ipv4(host);
      const bits = Number(cidr[2]);
      if (net !== undefined && addr !== undefined && bits <= 32) {
        const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
        if ((net & mask) >>> 0 === (addr & mask) >>> 0) return true;
      }
      continue;
    }
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy for a URL from the environment, or undefined for a direct connection. */
export function proxyFor(url: URL, env: ProxyEnv): { proxy: URL; variable: string } | undefined {
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined; // the local sandbox: always direct
  const scheme = url.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const found = [scheme, 'all_proxy'].find((v) => envValue(env, v) !== undefined);
  if (!found) return undefined;
  if (bypassesProxy(url, envValue(env, 'no_proxy'))) return undefined;
  // The name as it is set (curl's order: the lower-case one first).
  const variable = env[found] !== undefined && env[found]!.trim() !== '' ? found : found.toUpperCase();
  return { proxy: parseProxyUrl(envValue(env, found)!, variable), variable };
}

/** The proxy's address for messages: scheme, host and port, never its credentials. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

function proxyError(proxy: URL, target: string, message: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`through the proxy ${describeProxy(proxy)} (to ${target}): ${message}`);
  e.code = 'EPROXY';
  return e;
}

/** An https.Agent that reaches every host through a CONNECT tunnel of `proxy`. */
export class TunnelAgent extends https.Agent {
  constructor(
    readonly proxy: URL,
    options: https.AgentOptions = {},
  ) {
    super({ keepAlive: true, ...options });
  }

  override createConnection(requestOptions: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const options = requestOptions as tls.ConnectionOptions & { host?: string; port?: number };
    const target = `${options.host}:${options.port ?? 443}`;
    const proxy = this.proxy;
    const headers: Record<string, string> = { Host: target };
    if (proxy.username || proxy.password) {
      headers['Proxy-Authorization'] =
        `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    }
    const connect = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
    });
    let done = false;
    const fail = (err: Error): void => {
      if (done) return;
      done = true;
      callback?.(err, undefined as unknown as Duplex);
    };
    connect.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        fail(proxyError(proxy, target, `the proxy answered the CONNECT with ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
        return;
      }
      done = true;
      // TLS with Kraken inside the tunnel; the certificate is checked against Kraken's name.
      const secure = tls.connect({ ...options, socket, servername: options.servername ?? options.host });
      callback?.(null, secure);
    });
    connect.once('response', (res) => {
      res.resume();
      fail(proxyError(proxy, target, `the proxy answered ${res.statusCode} instead of opening a tunnel`));
    });
    connect.once('error', (e: NodeJS.ErrnoException) => fail(proxyError(proxy, target, `${e.code ? `${e.code}: ` : ''}${e.message}`)));
    connect.end();
    return undefined;
  }
}

/**
 * For the CLI: a function giving each URL its agent (a tunnel through the environment's proxy, or undefined for a
 * direct connection). Throws at once when a proxy variable cannot be used, naming the variable.
 */
export function proxyAgentsFromEnv(env: ProxyEnv): (url: URL) => http.Agent | undefined {
  for (const v of ['https_proxy', 'http_proxy', 'all_proxy']) {
    const value = envValue(env, v);
    if (value !== undefined) parseProxyUrl(value, env[v] !== undefined ? v : v.toUpperCase());
  }
  const agents = new Map<string, TunnelAgent>();
  return (url) => {
    const p = proxyFor(url, env);
    if (!p || url.protocol !== 'https:') return undefined;
    const key = p.proxy.href;
    let agent = agents.get(key);
    if (!agent) agents.set(key, (agent = new TunnelAgent(p.proxy)));
    return agent;
  };
}
