/**
 * Signing in: the `Authorization` header of an environment — `Token <key>`, or a Kraken token obtained with the key
 * (GraphQL `obtainKrakenToken`) and renewed with its refresh token. The key is read through `getApiKey()` when
 * needed; it and the tokens stay in private (#) fields and in the client's `Secrets`.
 */
import { endpoint } from '../endpoints';
import { failureFor, isObject, str, type Exchange, type ReadContext } from './answers';
import { emit, raceAbort } from './retry';
import type { Secrets } from './secrets';
import type { CallOptions, KrakenEnvironment, KrakenFailure } from './types';
import type { CallSpec } from './exchange';

/** Renew the token this long before it expires. */
const TOKEN_MARGIN_MS = 60_000;
const DEFAULT_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

const OBTAIN_TOKEN =
  'mutation ObtainKrakenToken($input: ObtainJSONWebTokenInput!) { obtainKrakenToken(input: $input) { token refreshToken refreshExpiresIn } }';

interface Token {
  value: string;
  expiresAt: number;
  refreshToken?: string;
  refreshExpiresAt?: number;
}

type Obtained = { token: Token } | { failure: KrakenFailure };

/** The `exp` claim of a JWT, in ms since the epoch. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    return typeof payload?.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** "Kraken did not accept the API key": the 401 of a call, or a refused token mutation. */
export function keyRefused(ctx: ReadContext, detail: string, attempts: number, status?: number): KrakenFailure {
  return {
    ok: false,
    reason: 'unauthorized',
    status,
    errors: [],
    attempts,
    message: ctx.scrub(
      `Kraken "${ctx.envName}" did not accept the API key${detail ? ` (${detail})` : ''}. Enter the key for this environment again.`,
    ),
  };
}

function noKey(envName: string): KrakenFailure {
  return {
    ok: false,
    reason: 'no-api-key',
    errors: [],
    attempts: 0,
    message: `No API key is stored for the Kraken environment "${envName}". Enter the key Kraken issued for it.`,
  };
}

export interface TokenDeps {
  env: KrakenEnvironment;
  getApiKey: () => Promise<string | undefined>;
  secrets: Secrets;
  log(line: string): void;
  /** Sends a request without the Authorization header (the token mutation). */
  exchange(spec: CallSpec, opts: CallOptions): Promise<Exchange>;
}

export class TokenSource {
  #token: Token | undefined;
  #obtaining: Promise<Obtained> | undefined;
  readonly #deps: TokenDeps;

  constructor(deps: TokenDeps) {
    this.#deps = deps;
  }

  private get ctx(): ReadContext {
    return { envName: this.#deps.env.name, scrub: (t) => this.#deps.secrets.scrub(t) };
  }

  /** Forget the cached token (e.g. after the user changed the key, or Kraken refused it). */
  forget(): void {
    this.#token = undefined;
  }

  signOut(): void {
    this.#token = undefined;
    this.#obtaining = undefined;
  }

  /** Authorization header value, or a failure (no key, key refused, Kraken unreachable). */
  async authorization(opts: CallOptions): Promise<{ header: string } | { failure: KrakenFailure }> {
    const mode = this.#deps.env.auth ?? 'kraken-token';
    if (mode === 'api-key-header') {
      const key = await this.readKey();
      if (!key) return { failure: noKey(this.#deps.env.name) };
      return { header: `Token ${key}` };
    }
    if (this.#token && this.#token.expiresAt - TOKEN_MARGIN_MS > Date.now()) return { header: this.#token.value };
    if (!this.#obtaining) {
      // Shared by concurrent calls, so it does not follow one caller's signal; each caller waits with its own.
      this.#obtaining = this.obtain({ timeoutMs: opts.timeoutMs, onProgress: opts.onProgress }).finally(() => {
        this.#obtaining = undefined;
      });
    }
    const r = await raceAbort(this.#obtaining, opts.signal);
    if (r === 'aborted')
      return { failure: { ok: false, reason: 'cancelled', errors: [], attempts: 0, message: 'Cancelled while signing in to Kraken.' } };
    if ('failure' in r) return r;
    return { header: r.token.value };
  }

  private async readKey(): Promise<string | undefined> {
    let key: string | undefined;
    try {
      key = (await this.#deps.getApiKey())?.trim();
    } catch {
      key = undefined;
    }
    this.#deps.secrets.remember(key);
    return key || undefined;
  }

  /** `obtainKrakenToken` with the refresh token when it is still valid, else with the API key. */
  private async obtain(opts: CallOptions): Promise<Obtained> {
    const previous = this.#token;
    this.#token = undefined;
    if (previous?.refreshToken && (previous.refreshExpiresAt ?? 0) - TOKEN_MARGIN_MS > Date.now()) {
      const r = await this.mutation({ refreshToken: previous.refreshToken }, opts);
      if ('token' in r) return r;
      if (r.failure.reason !== 'unauthorized') return r;
      // The refresh token was refused: fall back to the key.
    }
    const key = await this.readKey();
    if (!key) return { failure: noKey(this.#deps.env.name) };
    return this.mutation({ APIKey: key }, opts);
  }

  private async mutation(input: Record<string, string>, opts: CallOptions): Promise<Obtained> {
    const def = endpoint('obtainToken');
    emit(opts, { kind: 'auth', message: `Signing in to "${this.#deps.env.name}"…` });
    const x = await this.#deps.exchange(
      {
        method: def.method,
        path: def.path,
        body: { query: OBTAIN_TOKEN, variables: { input } },
        what: def.what,
        repeatable: true,
        auth: false,
      },
      opts,
    );
    if (!x.ok) return { failure: x.failure };
    const a = x.answer;
    const b = isObject(a.body) ? a.body : {};
    const data = isObject(b.data) && isObject(b.data.obtainKrakenToken) ? b.data.obtainKrakenToken : undefined;
    const value = data ? str(data.token) : undefined;
    if (a.status === 200 && data && value) {
      this.#token = this.keep(value, data);
      return { token: this.#token };
    }
    const gqlErrors = Array.isArray(b.errors) ? b.errors : [];
    const detail = gqlErrors
      .map((e) =>
        isObject(e) ? [str(e.message), isObject(e.extensions) ? str(e.extensions.errorCode) : undefined].filter(Boolean).join(' ') : '',
      )
      .filter(Boolean)
      .join('; ');
    if (a.status === 200 || a.status === 400 || a.status === 401 || a.status === 403)
      return { failure: keyRefused(this.ctx, detail, a.attempts, a.status) };
    return { failure: failureFor(this.ctx, a, def.what) };
  }

  /** The token from a mutation's answer, remembered as a secret. */
  private keep(value: string, data: Record<string, unknown>): Token {
    const secrets = this.#deps.secrets;
    secrets.remember(value);
    const refresh = str(data.refreshToken);
    secrets.remember(refresh);
    const rexp = typeof data.refreshExpiresIn === 'number' ? data.refreshExpiresIn : undefined;
    const token: Token = {
      value,
      expiresAt: jwtExpiry(value) ?? Date.now() + DEFAULT_TOKEN_LIFETIME_MS,
      refreshToken: refresh,
      // Kraken gives a Unix timestamp (seconds); accept a duration in seconds too.
      refreshExpiresAt: rexp === undefined ? undefined : rexp > 1e9 ? rexp * 1000 : Date.now() + rexp * 1000,
    };
    this.#deps.log(`token obtained for "${this.#deps.env.name}", valid until ${new Date(token.expiresAt).toISOString()}`);
    return token;
  }
}
