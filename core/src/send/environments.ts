/**
 * Kraken environments from `krakenImport.environments`: parsing, the HTTPS-only rule, and where an environment's
 * secret is kept. Pure: no `vscode` import.
 *
 * The API key itself never appears in settings: an entry that carries one (`apiKey`, `token`, ...) is reported
 * and the field ignored (its value is never echoed).
 */

import { isLoopbackHost } from '../kraken/http';
import { isObject } from '../json';

/** The one loopback rule, shared with the Kraken transport and the contract fetcher. */
export { isLoopbackHost };

export type Flow = 'v1' | 'v2';
/** `api-key-header`: `Authorization: Token <key>`. `kraken-token`: a JWT from `obtainKrakenToken` with the key. */
export type AuthMode = 'api-key-header' | 'kraken-token';

export interface EnvironmentSetting {
  name: string;
  baseUrl: string;
  flow: Flow;
  importSupplier?: string;
  operationsTeam?: string;
  production: boolean;
  /** Path or URL of the instance's served contract (`/data-import/schema/`), for the language service. */
  contract?: string;
  auth: AuthMode;
}

export const AUTH_MODES: readonly AuthMode[] = ['api-key-header', 'kraken-token'];
export const DEFAULT_AUTH: AuthMode = 'api-key-header';

/** The example entry contributed as the setting's default: the local sandbox (never production). */
export const EXAMPLE_ENVIRONMENT = {
  name: 'Local sandbox',
  baseUrl: 'http://127.0.0.1:8787',
  flow: 'v1',
  importSupplier: 'TENTACLE_ENERGY',
  operationsTeam: 'A',
  production: false,
  auth: 'api-key-header',
} as const;

/** The fields of an environment entry (package.json's krakenImport.environments items). */
export const ENVIRONMENT_FIELDS: readonly string[] = [
  'name',
  'baseUrl',
  'flow',
  'importSupplier',
  'operationsTeam',
  'production',
  'contract',
  'auth',
];

const SECRET_LIKE_FIELDS = ['apiKey', 'api_key', 'key', 'token', 'secret', 'password', 'authorization', 'organizationSecretKey'];

/** Why a base URL cannot be used (undefined: it can). HTTPS only, plain http only to a loopback address. */
export function baseUrlProblem(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `"${baseUrl}" is not a URL`;
  }
  if (url.username || url.password) return 'the base URL must not contain credentials; use "Kraken Import: Set API Key"';
  if (url.search || url.hash) return 'the base URL must not have a query or fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? undefined
      : `plain http is only allowed to a loopback address (127.0.0.1, ::1, localhost), not ${url.hostname}; use https`;
  }
  return `unsupported protocol ${url.protocol} (use https)`;
}

/** The origin plus path of a base URL without a trailing slash: what a stored secret is bound to. */
export function normalizeBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.replace(/\/+$/, '');
  }
}

/**
 * The SecretStorage key of an environment's API key. It names the environment and its base URL, so an entry
 * that keeps a name but points somewhere else (say, a workspace setting) never receives the stored key.
 */
export function secretKeyFor(env: Pick<EnvironmentSetting, 'name' | 'baseUrl'>): string {
  return `krakenImport.apiKey/${env.name}@${normalizeBaseUrl(env.baseUrl)}`;
}

export interface ParsedEnvironments {
  environments: EnvironmentSetting[];
  /** Human messages about entries that were skipped or fields that were ignored. Never contain values of secrets. */
  problems: string[];
}

/** Reads `krakenImport.environments` defensively: bad entries are skipped with a reason, never thrown. */
export function parseEnvironments(raw: unknown): ParsedEnvironments {
  const environments: EnvironmentSetting[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { environments, problems };
  if (!Array.isArray(raw)) return { environments, problems: ['krakenImport.environments must be a list'] };
  const seen = new Set<string>();
  raw.forEach((entry, i) => {
    const where = `krakenImport.environments[${i}]`;
    if (!isObject(entry)) {
      problems.push(`${where} is not an object`);
      return;
    }
    const name = typeof entry.name === 'string' ? entry.name.trim() : '';
    if (!name) {
      problems.push(`${where} has no "name"`);
      return;
    }
    if (seen.has(name)) {
      problems.push(`${where}: a second environment named "${name}" is ignored`);
      return;
    }
    for (const f of SECRET_LIKE_FIELDS) {
      if (f in entry)
        problems.push(
          `${where} ("${name}"): the "${f}" field is ignored; API keys are kept in VS Code's secret storage (Kraken Import: Set API Key), never in settings`,
        );
    }
    const baseUrl = typeof entry.baseUrl === 'string' ? entry.baseUrl.trim() : '';
    if (!baseUrl) {
      problems.push(`${where} ("${name}") has no "baseUrl"`);
      return;
    }
    const urlProblem = baseUrlProblem(baseUrl);
    if (urlProblem) {
      problems.push(`${where} ("${name}"): ${urlProblem}`);
      return;
    }
    const flow = entry.flow === undefined ? 'v1' : entry.flow;
    if (flow !== 'v1' && flow !== 'v2') {
      problems.push(`${where} ("${name}"): "flow" must be "v1" or "v2"`);
      return;
    }
    const auth = entry.auth === undefined ? DEFAULT_AUTH : entry.auth;
    if (!AUTH_MODES.includes(auth as AuthMode)) {
      problems.push(`${where} ("${name}"): "auth" must be one of ${AUTH_MODES.map((a) => `"${a}"`).join(', ')}`);
      return;
    }
    const optionalString = (key: string): string | undefined => {
      const v = entry[key];
      if (v === undefined || v === null || v === '') return undefined;
      if (typeof v === 'string') return v.trim() || undefined;
      problems.push(`${where} ("${name}"): "${key}" must be a string; ignored`);
      return undefined;
    };
    for (const key of Object.keys(entry)) {
      if (!ENVIRONMENT_FIELDS.includes(key) && !SECRET_LIKE_FIELDS.includes(key)) {
        problems.push(`${where} ("${name}"): unknown field "${key}" (${ENVIRONMENT_FIELDS.join(', ')})`);
      }
    }
    if (entry.production !== undefined && typeof entry.production !== 'boolean') {
      // Safer to ask for confirmation than to send to a production instance unasked: anything but false counts.
      problems.push(`${where} ("${name}"): "production" must be true or false; treated as true`);
    }
    seen.add(name);
    environments.push({
      name,
      baseUrl: normalizeBaseUrl(baseUrl),
      flow,
      importSupplier: optionalString('importSupplier'),
      operationsTeam: optionalString('operationsTeam'),
      production: entry.production !== undefined && entry.production !== false,
      contract: optionalString('contract'),
      auth: auth as AuthMode,
    });
  });
  return { environments, problems };
}

/** The active environment: the named one, else the first. */
export function pickActiveEnvironment(environments: EnvironmentSetting[], activeName: string | undefined): EnvironmentSetting | undefined {
  if (activeName) {
    const named = environments.find((e) => e.name === activeName);
    if (named) return named;
  }
  return environments[0];
}

/** Status bar text and tooltip for the active environment. */
export function environmentStatus(env: EnvironmentSetting | undefined): { text: string; tooltip: string; production: boolean } {
  if (!env)
    return {
      text: '$(cloud) Kraken: no environment',
      tooltip: 'No Kraken environment configured (krakenImport.environments). Click to choose.',
      production: false,
    };
  const flags = [env.flow, env.production ? 'PRODUCTION' : undefined, env.auth === 'kraken-token' ? 'Kraken token' : 'Token header']
    .filter(Boolean)
    .join(', ');
  return {
    text: `${env.production ? '$(warning)' : '$(cloud)'} Kraken: ${env.name}`,
    tooltip: `Kraken environment "${env.name}" (${flags})\n${env.baseUrl}\nClick to switch environment.`,
    production: env.production,
  };
}
