/**
 * The sandbox's memory: staged and imported accounts, v2 import processes, post-import data, tokens, the request
 * log. Nothing is persisted; `reset()` forgets everything.
 */
import { randomBytes } from 'node:crypto';

export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: string;
  /** Status sent; undefined when the connection was dropped or the server closed first. */
  status?: number;
  dropped?: boolean;
  /** The caller went away during a fault's delay; the request was not handled. */
  abandoned?: boolean;
  /** Id of the fault that answered or shaped this request. */
  fault?: string;
  /** How the request authenticated: a sandbox token, `Token <key>`, nothing, or wrongly. */
  auth: 'jwt' | 'api-key' | 'none' | 'invalid' | 'n/a';
}

export interface StagedAccount {
  importSupplier: string;
  externalAccountNumber: string;
  body: Record<string, unknown>;
  stagedAt: string;
  updates: number;
}

export interface ImportedAccount {
  importSupplier: string;
  externalAccountNumber: string;
  krakenAccountNumber: string;
  body: Record<string, unknown>;
  importedAt: string;
  via: 'v1' | 'v2' | 'seeded';
}

export type ProcessOutcome = 'PROCESSED' | 'DRY_RUN_SUCCEEDED' | 'ERRORED' | 'DRY_RUN_ERRORED' | 'CANCELLED';

export interface ImportProcess {
  importSupplier: string;
  externalIdentifier: string;
  payload: Record<string, unknown>;
  dryRun: boolean;
  createdAt: number;
  /** Processing starts at the schedule window start, or at creation. */
  startAt: number;
  /** When the final status is reached. */
  doneAt: number;
  outcome: ProcessOutcome;
  latestError: { code: string; detail: string; domain: string } | null;
  /** Set once the final status has been applied (account created for PROCESSED). */
  settled: boolean;
  krakenIdentifier: string | null;
}

export interface NoteRecord {
  body?: string;
  created_at?: string;
  /** Normalised instant of created_at for comparison. */
  instant?: number;
}

export function accountKey(importSupplier: string, externalAccountNumber: string): string {
  return `${importSupplier}\u0000${externalAccountNumber}`;
}

export function newKrakenAccountNumber(): string {
  return `A-${randomBytes(4).toString('hex').toUpperCase()}`;
}

export class SandboxState {
  readonly staged = new Map<string, StagedAccount>();
  readonly imported = new Map<string, ImportedAccount>();
  readonly processes = new Map<string, ImportProcess>();
  readonly notes = new Map<string, NoteRecord[]>();
  readonly transactions = new Map<string, Map<string, Record<string, unknown>>>();
  readonly statements = new Map<string, Set<string>>();
  readonly paymentInstructions: Array<{ key: string; reference: string; body: Record<string, unknown> }> = [];
  readonly businesses = new Map<string, { krakenBusinessId: string; importSupplier: string; externalBusinessIdentifier: string }>();
  readonly businessPaymentInstructions: Array<{ key: string; reference?: string }> = [];
  readonly registrations = new Map<string, Set<string>>();
  /** Every request except the control endpoints, in arrival order. Bodies are not kept. */
  readonly requests: RequestLogEntry[] = [];
  /** Tokens granted: through the API key or a refresh token. */
  readonly tokenGrants: Array<{ at: string; via: 'APIKey' | 'refreshToken' }> = [];
  /** v1 creates being processed now (for the concurrency limit). */
  inFlightCreates = 0;
  /** Accounts with a v1 create in flight. */
  readonly processing = new Set<string>();
  /** Bumped by `revokeTokens()`: tokens of an older generation are refused. */
  tokenGeneration = 0;
  readonly refreshTokens = new Map<string, { expiresAt: number; generation: number }>();

  reset(): void {
    this.staged.clear();
    this.imported.clear();
    this.processes.clear();
    this.notes.clear();
    this.transactions.clear();
    this.statements.clear();
    this.paymentInstructions.length = 0;
    this.businesses.clear();
    this.businessPaymentInstructions.length = 0;
    this.registrations.clear();
    this.requests.length = 0;
    this.tokenGrants.length = 0;
    this.refreshTokens.clear();
    this.processing.clear();
    this.tokenGeneration++;
  }

  /** Every issued token (and refresh token) stops working: the next call gets a 401. */
  revokeTokens(): void {
    this.tokenGeneration++;
  }

  /** Puts an imported account in place directly (for post-import rehearsals and tests). */
  importAccount(importSupplier: string, externalAccountNumber: string, body: Record<string, unknown> = {}): ImportedAccount {
    const key = accountKey(importSupplier, externalAccountNumber);
    const account: ImportedAccount = {
      importSupplier,
      externalAccountNumber,
      krakenAccountNumber: newKrakenAccountNumber(),
      body: { import_supplier: importSupplier, external_account_number: externalAccountNumber, ...body },
      importedAt: new Date().toISOString(),
      via: 'seeded',
    };
    this.imported.set(key, account);
    return account;
  }

  /** Puts an imported business in place (the business import itself is `POST /v1/data-import/business/`). */
  addBusiness(importSupplier: string, externalBusinessIdentifier: string): string {
    const id = `B-${randomBytes(4).toString('hex').toUpperCase()}`;
    this.businesses.set(accountKey(importSupplier, externalBusinessIdentifier), {
      krakenBusinessId: id,
      importSupplier,
      externalBusinessIdentifier,
    });
    return id;
  }

  findImportedByKrakenNumber(importSupplier: string, krakenAccountNumber: string): ImportedAccount | undefined {
    for (const a of this.imported.values())
      if (a.importSupplier === importSupplier && a.krakenAccountNumber === krakenAccountNumber) return a;
    return undefined;
  }

  /** Requests to a path (prefix) and method, for assertions. */
  requestsTo(pathPrefix: string, method?: string): RequestLogEntry[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix) && (!method || r.method === method.toUpperCase()));
  }

  summary(): Record<string, unknown> {
    return {
      staged: [...this.staged.values()].map((s) => ({
        import_supplier: s.importSupplier,
        external_account_number: s.externalAccountNumber,
        staged_at: s.stagedAt,
        updates: s.updates,
      })),
      imported: [...this.imported.values()].map((a) => ({
        import_supplier: a.importSupplier,
        external_account_number: a.externalAccountNumber,
        kraken_account_number: a.krakenAccountNumber,
        via: a.via,
        imported_at: a.importedAt,
      })),
      import_processes: [...this.processes.values()].map((p) => ({
        import_supplier: p.importSupplier,
        external_identifier: p.externalIdentifier,
        dry_run: p.dryRun,
        outcome: p.outcome,
        settled: p.settled,
      })),
      businesses: [...this.businesses.values()].map((b) => ({
        import_supplier_code: b.importSupplier,
        external_business_identifier: b.externalBusinessIdentifier,
        kraken_business_id: b.krakenBusinessId,
      })),
      in_flight_creates: this.inFlightCreates,
      requests: this.requests.length,
    };
  }
}
