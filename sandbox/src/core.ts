/** What every part of the sandbox shares: its options and settings, its state and faults, the request context, the reply. */
import type { KrakenService } from '../../core/src/service';
import type { Fault, FaultController } from './faults';
import type { RequestLogEntry, SandboxState } from './state';

export interface SandboxOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The API key that `obtainKrakenToken` and `Token <key>` accept. Default `sandbox`. */
  apiKey?: string;
  /** How long a v2 import process takes from PENDING to its final status, ms. Default 3000. */
  processingMs?: number;
  /** How long a v1 create takes, ms (the concurrency slot is held meanwhile). Default 200. */
  createDelayMs?: number;
  /** Creates processed at once before answering 429. Default 40. */
  concurrencyLimit?: number;
  /** `Retry-After` seconds on the concurrency 429. Default 1. */
  retryAfterSeconds?: number;
  /** Lifetime of an access token, ms. Default 1 h. */
  tokenTtlMs?: number;
  /** Lifetime of a refresh token, ms. Default 7 days. */
  refreshTtlMs?: number;
  /** When set, the only `operations_team_name` values v1 create accepts. */
  operationsTeams?: string[];
  /** Where the banner and request lines go. Default: stderr. */
  log?: (line: string) => void;
  /** Log one line per request. Default false. */
  logRequests?: boolean;
  /** Called for every request (not the control endpoints) once it has been read, before any fault delay. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** The language service used to validate bodies (default: bundled schemas). */
  service?: KrakenService;
}

/** The options with their defaults applied. */
export interface SandboxSettings {
  apiKey: string;
  processingMs: number;
  createDelayMs: number;
  concurrencyLimit: number;
  retryAfterSeconds: number;
  tokenTtlMs: number;
  refreshTtlMs: number;
}

export function settingsOf(options: SandboxOptions): SandboxSettings {
  return {
    apiKey: options.apiKey ?? 'sandbox',
    processingMs: options.processingMs ?? 3000,
    createDelayMs: options.createDelayMs ?? 200,
    concurrencyLimit: options.concurrencyLimit ?? 40,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    tokenTtlMs: options.tokenTtlMs ?? 60 * 60 * 1000,
    refreshTtlMs: options.refreshTtlMs ?? 7 * 24 * 60 * 60 * 1000,
  };
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: string;
  fault?: Fault;
  entry: RequestLogEntry;
}

/** One running sandbox: what its handlers read and change. */
export interface SandboxCore {
  options: SandboxOptions;
  settings: SandboxSettings;
  state: SandboxState;
  faults: FaultController;
  service: KrakenService;
  /** Signs the tokens. */
  secret: Buffer;
  /** Resolves after `ms` (at once once the sandbox is closed). */
  wait(ms: number): Promise<void>;
  log(line: string): void;
}
