/** The sandbox's sign-in: its API key, the JWT-shaped tokens it issues and checks, and the GraphQL token mutation. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import type { Ctx, Reply, SandboxCore } from './core';
import { answerGraphql, type TokenGrant } from './graphql';
import type { RequestLogEntry } from './state';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function issueToken(sb: SandboxCore, via: 'APIKey' | 'refreshToken'): TokenGrant {
  const { state } = sb;
  const now = Date.now();
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = {
    sub: 'sandbox-data-import-user',
    iss: 'kraken-import-sandbox (not Kraken)',
    iat: Math.floor(now / 1000),
    exp: Math.floor((now + sb.settings.tokenTtlMs) / 1000),
  };
  const payload = b64url(JSON.stringify({ ...claims, gen: state.tokenGeneration, jti: randomBytes(6).toString('hex') }));
  const signature = b64url(createHmac('sha256', sb.secret).update(`${header}.${payload}`).digest());
  const refreshToken = randomBytes(20).toString('hex');
  const refreshExpiresAt = now + sb.settings.refreshTtlMs;
  state.refreshTokens.set(refreshToken, { expiresAt: refreshExpiresAt, generation: state.tokenGeneration });
  state.tokenGrants.push({ at: new Date(now).toISOString(), via });
  return {
    token: `${header}.${payload}.${signature}`,
    refreshToken,
    refreshExpiresIn: Math.floor(refreshExpiresAt / 1000),
    payload: claims,
  };
}

function verifyToken(sb: SandboxCore, token: string): 'ok' | 'invalid' | 'expired' {
  const { state } = sb;
  const parts = token.split('.');
  if (parts.length !== 3) return 'invalid';
  const expected = createHmac('sha256', sb.secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (payload.gen !== state.tokenGeneration) return 'invalid';
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) return 'expired';
    return 'ok';
  } catch {
    return 'invalid';
  }
}

export function keyMatches(sb: SandboxCore, given: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(sb.settings.apiKey);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** undefined when authenticated, else the 401 reply. */
export function authenticate(sb: SandboxCore, req: http.IncomingMessage, entry: RequestLogEntry): Reply | undefined {
  const header = req.headers.authorization;
  if (!header) {
    entry.auth = 'none';
    return {
      status: 401,
      body: { detail: 'Authentication credentials were not provided.', code: 'not_authenticated' },
      headers: { 'WWW-Authenticate': 'Token' },
    };
  }
  const m = /^(Token|JWT|Bearer)\s+(.+)$/i.exec(header.trim());
  if (m && m[1].toLowerCase() === 'token') {
    if (keyMatches(sb, m[2].trim())) {
      entry.auth = 'api-key';
      return undefined;
    }
    entry.auth = 'invalid';
    return { status: 401, body: { detail: 'Invalid token.', code: 'authentication_failed' }, headers: { 'WWW-Authenticate': 'Token' } };
  }
  const token = m ? m[2].trim() : header.trim();
  const v = verifyToken(sb, token);
  if (v === 'ok') {
    entry.auth = 'jwt';
    return undefined;
  }
  entry.auth = 'invalid';
  return {
    status: 401,
    body:
      v === 'expired'
        ? { detail: 'Signature has expired.', code: 'authentication_failed' }
        : { detail: 'Invalid token.', code: 'authentication_failed' },
    headers: { 'WWW-Authenticate': 'Token' },
  };
}

// GraphQL (graphql.ts): the document is parsed, validated and executed by graphql-js; only the token logic is here.
export function graphql(sb: SandboxCore, ctx: Ctx): Reply {
  const { state } = sb;
  return answerGraphql(ctx.rawBody, (input) => {
    if (typeof input.APIKey === 'string') {
      // Never echo the key back.
      return keyMatches(sb, input.APIKey) ? issueToken(sb, 'APIKey') : { refused: 'Authentication failed: the API key is not valid.' };
    }
    if (typeof input.refreshToken === 'string') {
      const r = state.refreshTokens.get(input.refreshToken);
      if (!r || r.expiresAt <= Date.now() || r.generation !== state.tokenGeneration)
        return { refused: 'The refresh token is invalid or has expired.' };
      state.refreshTokens.delete(input.refreshToken);
      return issueToken(sb, 'refreshToken');
    }
    return { refused: 'Provide APIKey or refreshToken (the sandbox supports no other inputs).' };
  });
}
