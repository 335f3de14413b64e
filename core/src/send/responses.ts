/**
 * Kraken's answers as documents: each call from the editor is kept (redacted, bounded) per workspace and shown as
 * a read-only JSON tab — the request (the key never: the Authorization header is a placeholder) and the response.
 * "Copy as cURL" writes the request as a shell command with `$KRAKEN_API_KEY` where the key goes. Pure: no
 * `vscode` import (ui/responseView.ts is the face).
 */
import type { ExchangeRecord } from '../kraken/types';
import { redact, redactText, REDACTED } from '../kraken/redact';

export interface StoredResponse {
  /** Unique, stable: names the tab (`kraken-response:/<id>/…`). */
  id: string;
  /** ISO time of the answer. */
  at: string;
  environment: string;
  /** "validate", "create (dry run)", "import status". */
  action: string;
  account: string;
  /** What the editor said about it. */
  message: string;
  /** The document it was sent from. */
  document?: string;
  exchange: ExchangeRecord;
  /** Bodies were cut to fit the history's bound. */
  truncated?: boolean;
}

/** At most this many calls are kept per workspace (the oldest go first). */
/** The URI scheme of a kept call's read-only tab (package.json activates the extension on it: onFileSystem). */
export const RESPONSE_SCHEME = 'kraken-response';

export const MAX_STORED_RESPONSES = 50;
/** A body longer than this (as JSON text) is kept as its beginning. */
export const MAX_STORED_BODY_CHARS = 64 * 1024;

function bounded(value: unknown): { value: unknown; truncated: boolean } {
  if (value === undefined) return { value, truncated: false };
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined || text.length <= MAX_STORED_BODY_CHARS) return { value, truncated: false };
  return {
    value: `${text.slice(0, MAX_STORED_BODY_CHARS)}… (${text.length - MAX_STORED_BODY_CHARS} more characters not kept)`,
    truncated: true,
  };
}

/** The entry as it may be stored: personal data redacted (always), bodies bounded. */
export function storable(entry: Omit<StoredResponse, 'truncated'>): StoredResponse {
  const req = bounded(redact(entry.exchange.requestBody));
  const res = bounded(redact(entry.exchange.responseBody));
  const exchange: ExchangeRecord = {
    ...entry.exchange,
    ...(req.value !== undefined ? { requestBody: req.value } : {}),
    ...(res.value !== undefined ? { responseBody: res.value } : {}),
  };
  return { ...entry, message: redactText(entry.message), exchange, ...(req.truncated || res.truncated ? { truncated: true } : {}) };
}

/** Newest first, at most MAX_STORED_RESPONSES; anything unreadable in the stored list is dropped. */
export function addResponse(list: readonly StoredResponse[] | undefined, entry: StoredResponse): StoredResponse[] {
  const valid = (list ?? []).filter((e) => e && typeof e.id === 'string' && e.exchange && typeof e.exchange.url === 'string');
  return [entry, ...valid.filter((e) => e.id !== entry.id)].slice(0, MAX_STORED_RESPONSES);
}

/** What the Authorization header is shown as: never its value. */
export function authorizationPlaceholder(auth: ExchangeRecord['auth']): string {
  return auth === 'api-key-header' ? 'Token $KRAKEN_API_KEY' : '$KRAKEN_TOKEN (obtained with obtainKrakenToken from $KRAKEN_API_KEY)';
}

/** The tab's text: request and response as one JSON document. */
export function responseDocumentText(e: StoredResponse): string {
  const x = e.exchange;
  const doc = {
    kraken: {
      environment: e.environment,
      action: e.action,
      account: e.account,
      at: e.at,
      message: e.message,
      ...(e.document ? { document: e.document } : {}),
    },
    request: {
      method: x.method,
      url: x.url,
      headers: {
        Accept: 'application/json',
        ...(x.requestBody !== undefined ? { 'Content-Type': 'application/json' } : {}),
        Authorization: authorizationPlaceholder(x.auth),
      },
      ...(x.requestBody !== undefined ? { body: x.requestBody } : {}),
    },
    response:
      x.status !== undefined
        ? {
            status: x.status,
            ...(x.responseHeaders ? { headers: x.responseHeaders } : {}),
            attempts: x.attempts,
            durationMs: x.durationMs,
            body: x.responseBody ?? null,
          }
        : { status: null, attempts: x.attempts, durationMs: x.durationMs, failure: x.failure ?? null },
    ...(e.truncated ? { note: 'A body was longer than the history keeps; its beginning is shown.' } : {}),
    privacy: `Personal data is shown as ${REDACTED}; the API key and tokens are never kept.`,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** The tab's path: readable in the tab title, unique by id. */
export function responseDocumentPath(e: StoredResponse): string {
  const what =
    `${e.action} ${e.account}`
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'response';
  return `/${e.id}/${what}.json`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The request as a curl command. The key is `$KRAKEN_API_KEY` (double-quoted so the shell expands it); for an
 * environment that signs in (kraken-token), a first command obtains the token with the key (jq reads it).
 */
export function toCurl(e: StoredResponse): string {
  const x = e.exchange;
  const lines: string[] = [];
  const personal = x.requestBody !== undefined && JSON.stringify(x.requestBody).includes(REDACTED);
  if (personal)
    lines.push(`# Personal data in this body was redacted (${REDACTED}) when the call was kept: put the values back before sending.`);
  if (e.truncated) lines.push('# The body was cut when the call was kept: it is not the whole request.');
  let authHeader = '"Authorization: Token $KRAKEN_API_KEY"';
  if (x.auth === 'kraken-token') {
    const origin = new URL(x.url).origin;
    const mutation = JSON.stringify({
      query: 'mutation ObtainKrakenToken($input: ObtainJSONWebTokenInput!) { obtainKrakenToken(input: $input) { token } }',
      variables: { input: { APIKey: '__KEY__' } },
    });
    const [before, afterKey] = mutation.split('__KEY__');
    lines.push(
      `KRAKEN_TOKEN=$(curl -sS -X POST ${shellQuote(`${origin}/v1/graphql/`)} -H 'Content-Type: application/json' --data-binary ${shellQuote(before)}"$KRAKEN_API_KEY"${shellQuote(afterKey)} | jq -r .data.obtainKrakenToken.token)`,
    );
    authHeader = '"Authorization: $KRAKEN_TOKEN"';
  }
  const parts = [`curl -sS -X ${x.method} ${shellQuote(x.url)}`, `-H 'Accept: application/json'`, `-H ${authHeader}`];
  if (x.requestBody !== undefined) {
    parts.push(`-H 'Content-Type: application/json'`);
    parts.push(`--data-binary ${shellQuote(typeof x.requestBody === 'string' ? x.requestBody : JSON.stringify(x.requestBody))}`);
  }
  lines.push(parts.join(' \\\n  '));
  return lines.join('\n') + '\n';
}
