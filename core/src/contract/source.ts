/**
 * Where an instance contract comes from: `bundled`, a file, or a URL fetched over HTTPS (plain http only to a
 * loopback host) and kept on disk with its fetch time and ETag, so validation works offline from the last copy.
 *
 * No `vscode` import: the extension (client/src/contract.ts, global storage) and the CLI (core/src/contract/load.ts,
 * ~/.cache/kraken-import) both use it. The HTTP exchange is the Kraken client's transport (node:http/https, so the
 * editor's proxy settings apply).
 *
 * Fetching: `If-None-Match` with the cached ETag (304 → the cached text, now confirmed current). Credentials are
 * sent only when the instance asks for them (401/403) and only to the URL's own origin (never after a redirect to
 * another origin). Any failure (network, timeout, HTTP error) falls back to the cached copy and says how old it is;
 * with no cached copy it is an error.
 */
import { sha256Hex } from '../hash';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isLoopbackHost, send, TransportError, type HttpResponse } from '../kraken/http';

export type ContractSpec = { type: 'bundled' } | { type: 'file'; path: string } | { type: 'url'; url: string };

/** `bundled` (or empty), an http(s) URL, a `file:` URL, or a path (relative paths against `baseDir`). */
export function parseContractSpec(value: string | undefined, baseDir: string = process.cwd()): ContractSpec {
  const v = (value ?? '').trim();
  if (!v || v.toLowerCase() === 'bundled') return { type: 'bundled' };
  if (/^https?:\/\//i.test(v)) return { type: 'url', url: v };
  if (/^file:\/\//i.test(v)) return { type: 'file', path: decodeURIComponent(new URL(v).pathname.replace(/^\/([a-zA-Z]:)/, '$1')) };
  const expanded = v.startsWith('~/') && process.env.HOME ? path.join(process.env.HOME, v.slice(2)) : v;
  return { type: 'file', path: path.resolve(baseDir, expanded) };
}

/** Why a contract URL cannot be fetched, or undefined when it can. */
export function contractUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL`;
  }
  if (url.username || url.password) return 'the contract URL must not carry a user name or password';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:')
    return isLoopbackHost(url.hostname) ? undefined : `plain http is only allowed to a loopback host, not ${url.hostname}: use https`;
  return `unsupported URL scheme ${url.protocol} (use https)`;
}

export interface CachedContract {
  url: string;
  /** When the server last gave us this text (200) or confirmed it (304). ISO 8601. */
  fetchedAt: string;
  etag?: string;
  text: string;
}

export interface LoadedContract {
  /** The URL, or the absolute file path. */
  source: string;
  text: string;
  /**
   * `file`: read from disk. `fetched`: downloaded now. `not-modified`: the server confirmed the cached copy (304).
   * `cache`: the server could not be used (offline, error, refused): the cached copy, `fetchedAt` old.
   */
  origin: 'file' | 'fetched' | 'not-modified' | 'cache';
  fetchedAt?: string;
  etag?: string;
  /** With `cache`: why the network copy was not used. */
  reason?: string;
  /** Milliseconds since `fetchedAt` (URL sources). */
  ageMs?: number;
  /** Whether credentials were sent (the instance asked for them). */
  authenticated?: boolean;
}

export interface FetchContractOptions {
  /** Folder of cached contracts (one JSON file per URL). */
  cacheDir: string;
  timeoutMs?: number;
  /** The `Authorization` header value, asked for only when the instance answers 401/403. */
  authorization?: () => Promise<string | undefined>;
  /** What to tell the user when the instance wants credentials and there are none. */
  credentialsHint?: string;
  /** Use the cache only (untrusted workspace, `--offline`). */
  offline?: boolean;
  signal?: AbortSignal;
  userAgent?: string;
  now?: () => number;
  /** The agent for a URL (the CLI's proxy tunnel, see kraken/proxy.ts); unset in the extension (VS Code's proxy). */
  agentFor?: (url: URL) => import('node:http').Agent | undefined;
}

const ACCEPT = 'application/vnd.oai.openapi, application/vnd.oai.openapi+json, application/yaml;q=0.9, application/json;q=0.9, */*;q=0.1';
const MAX_REDIRECTS = 5;

export function cacheFileFor(cacheDir: string, url: string): string {
  return path.join(cacheDir, `${sha256Hex(url)}.json`);
}

export function readCachedContract(cacheDir: string, url: string): CachedContract | undefined {
  try {
    const c = JSON.parse(readFileSync(cacheFileFor(cacheDir, url), 'utf8')) as CachedContract;
    if (c && typeof c.text === 'string' && typeof c.fetchedAt === 'string' && c.url === url) return c;
  } catch {
    // no cache, or unreadable: treated as none
  }
  return undefined;
}

function writeCachedContract(cacheDir: string, entry: CachedContract): void {
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const file = cacheFileFor(cacheDir, entry.url);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
  renameSync(tmp, file);
}

/** "3 minutes", "2 hours", "5 days". */
export function describeAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const unit = (n: number, u: string) => `${n} ${u}${n === 1 ? '' : 's'}`;
  if (s < 60) return unit(s, 'second');
  const m = Math.round(s / 60);
  if (m < 60) return unit(m, 'minute');
  const h = Math.round(m / 60);
  if (h < 48) return unit(h, 'hour');
  return unit(Math.round(h / 24), 'day');
}

/** One line about where the contract text came from, for the CLI's stderr and the extension's log. */
export function describeLoaded(l: LoadedContract): string {
  const age = l.ageMs !== undefined ? describeAge(l.ageMs) : undefined;
  switch (l.origin) {
    case 'file':
      return `read ${l.source}`;
    case 'fetched':
      return `fetched ${l.source}${l.authenticated ? ' (with credentials)' : ''}`;
    case 'not-modified':
      return `${l.source} is unchanged (304 Not Modified): using the cached copy`;
    case 'cache':
      return `cannot fetch ${l.source}: ${(l.reason ?? 'offline').replace(/\.$/, '')}. Using the cached copy fetched ${age} ago (${l.fetchedAt}).`;
  }
}

function header(h: HttpResponse['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export class ContractFetchError extends Error {}

/** Fetches a contract URL with the cache described above. Throws `ContractFetchError` when there is no copy at all. */
export async function fetchContract(url: string, options: FetchContractOptions): Promise<LoadedContract> {
  const now = options.now ?? Date.now;
  const problem = contractUrlProblem(url);
  if (problem) throw new ContractFetchError(`Cannot fetch the contract: ${problem}.`);
  const cached = readCachedContract(options.cacheDir, url);
  const fromCache = (reason: string): LoadedContract => {
    if (!cached) throw new ContractFetchError(`Cannot fetch the contract ${url}: ${reason}. There is no cached copy to use offline.`);
    return {
      source: url,
      text: cached.text,
      origin: 'cache',
      fetchedAt: cached.fetchedAt,
      etag: cached.etag,
      reason,
      ageMs: Math.max(0, now() - Date.parse(cached.fetchedAt)),
    };
  };
  if (options.offline) return fromCache('offline');

  let target = new URL(url);
  const origin = target.origin;
  let auth: string | undefined;
  let authTried = false;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { Accept: ACCEPT, 'User-Agent': options.userAgent ?? 'kraken-import' };
    if (cached?.etag) headers['If-None-Match'] = cached.etag;
    // Credentials go to the contract's own origin only.
    if (auth && target.origin === origin) headers.Authorization = auth;
    let res: HttpResponse;
    try {
      const agent = options.agentFor?.(target);
      res = await send({
        method: 'GET',
        url: target,
        headers,
        timeoutMs: options.timeoutMs ?? 30_000,
        signal: options.signal,
        ...(agent ? { agent } : {}),
      });
    } catch (error) {
      const message = error instanceof TransportError ? error.message.replace(/\.$/, '') : String((error as Error)?.message ?? error);
      return fromCache(message);
    }
    if ([301, 302, 303, 307, 308].includes(res.status)) {
      const location = header(res.headers, 'location');
      if (!location) return fromCache(`HTTP ${res.status} without a Location`);
      const next = new URL(location, target);
      const redirectProblem = contractUrlProblem(next.toString());
      if (redirectProblem) return fromCache(`redirected to ${next.origin}: ${redirectProblem}`);
      target = next;
      continue;
    }
    if ((res.status === 401 || res.status === 403) && !authTried && options.authorization && target.origin === origin) {
      authTried = true;
      auth = await options.authorization();
      if (auth) {
        hop--; // the same URL again, now with credentials
        continue;
      }
    }
    if (res.status === 401 || res.status === 403) {
      const why = auth
        ? `the instance refused the credentials (HTTP ${res.status})`
        : `the instance asks for credentials (HTTP ${res.status})${options.credentialsHint ? `; ${options.credentialsHint}` : ''}`;
      return fromCache(why);
    }
    if (res.status === 304 && cached) {
      const entry: CachedContract = {
        ...cached,
        fetchedAt: new Date(now()).toISOString(),
        etag: header(res.headers, 'etag') ?? cached.etag,
      };
      try {
        writeCachedContract(options.cacheDir, entry);
      } catch {
        // the copy stays as it was
      }
      return {
        source: url,
        text: cached.text,
        origin: 'not-modified',
        fetchedAt: entry.fetchedAt,
        etag: entry.etag,
        ageMs: 0,
        authenticated: !!auth,
      };
    }
    if (res.status !== 200) return fromCache(`HTTP ${res.status}`);
    if (!res.text.trim()) return fromCache('the answer was empty');
    const entry: CachedContract = { url, fetchedAt: new Date(now()).toISOString(), etag: header(res.headers, 'etag'), text: res.text };
    try {
      writeCachedContract(options.cacheDir, entry);
    } catch {
      // used now, not kept
    }
    return {
      source: url,
      text: res.text,
      origin: 'fetched',
      fetchedAt: entry.fetchedAt,
      etag: entry.etag,
      ageMs: 0,
      authenticated: !!auth,
    };
  }
  return fromCache(`more than ${MAX_REDIRECTS} redirects`);
}

/** Reads a file or fetches a URL (`bundled` yields undefined). */
export async function loadContractText(spec: ContractSpec, options: FetchContractOptions): Promise<LoadedContract | undefined> {
  if (spec.type === 'bundled') return undefined;
  if (spec.type === 'file') {
    let text: string;
    try {
      text = readFileSync(spec.path, 'utf8');
    } catch (error) {
      throw new ContractFetchError(
        `Cannot read the contract ${spec.path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
      );
    }
    return { source: spec.path, text, origin: 'file' };
  }
  return fetchContract(spec.url, options);
}
