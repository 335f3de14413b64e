/**
 * What the Kraken commands share: the environments and keys, the Kraken diagnostics, the response log and tabs, the
 * prompts; and the small steps every command takes (find the document, its kind, the environment, the key; say
 * something; record a call). The commands themselves live beside this file, one group per module.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentInfoRequest, type DocumentInfo } from '../../../../core/src/protocol';
import { detectKind } from '../../../../core/src/service';
import type { ExchangeRecord, KrakenResult, ProgressEvent } from '../../../../core/src/kraken';
import {
  type ActionId,
  type EnvironmentSetting,
  type FollowUp,
  formatResponseEntry,
  KRAKEN_COMMANDS,
  type Outcome,
  type RequestPlan,
  type ResponseEntry,
  ResponseHistory,
  type StoredResponse,
  type TransactionOptions,
} from '../../../../core/src/send';
import { KrakenDiagnostics } from './diagnostics';
import { EnvironmentManager } from './environments';
import { ResponseView } from './responseView';
import { vscodePrompts, type Prompts } from './prompts';
import { payloadAssociations, showPersonalData } from '../../settings';

/** Options a command accepts as its second argument (or first, with `uri`), e.g. from a test or a keybinding. */
export interface KrakenCommandArgs {
  uri?: string | vscode.Uri;
  environment?: string;
  operationsTeam?: string;
  transactionOptions?: Partial<TransactionOptions>;
  /** Registration flows: '' for none. */
  supplyStartDate?: string;
  importSupplierCode?: string;
  externalIdentifier?: string;
}

/** Outcome of a command, returned to `executeCommand` callers (tests). */
export type CommandResult = (Outcome & { action?: ActionId; environment?: string }) | { skipped: string };

export type ParsedDocument = { ok: true; value: unknown } | { ok: false };

const FOLLOW_UP_LABELS: Record<FollowUp, string> = {
  'set-api-key': 'Set API Key',
  'check-status': 'Check Import Status',
  'show-responses': 'Show Responses',
};

function isUri(v: unknown): v is vscode.Uri {
  return v instanceof vscode.Uri;
}

/** `(uri)`, `(uri, args)`, `(args)` or `()` → the arguments. */
export function readArgs(a: unknown, b: unknown): KrakenCommandArgs {
  const args: KrakenCommandArgs = {};
  if (isUri(a) || typeof a === 'string') args.uri = a;
  else if (a && typeof a === 'object') Object.assign(args, a);
  if (b && typeof b === 'object' && !isUri(b) && !Array.isArray(b)) Object.assign(args, b);
  return args;
}

export function parseDocument(doc: vscode.TextDocument): ParsedDocument {
  try {
    return { ok: true, value: JSON.parse(doc.getText()) };
  } catch {
    return { ok: false };
  }
}

export function isJsonDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'json' || doc.languageId === 'jsonc';
}

function showAt(level: string) {
  return level === 'error'
    ? vscode.window.showErrorMessage
    : level === 'warning'
      ? vscode.window.showWarningMessage
      : vscode.window.showInformationMessage;
}

/** Shows a message and returns it as the command's "skipped" result. */
export function skipped(message: string, level: 'info' | 'warning' | 'error' = 'warning'): CommandResult {
  void showAt(level)(message);
  return { skipped: message };
}

/** Nothing is sent from an untrusted workspace: the reason, shown, or undefined when trusted. */
export function untrusted(): CommandResult | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  return skipped(
    'Kraken Import sends nothing to Kraken from an untrusted workspace. Local validation still works; trust the workspace to send.',
  );
}

/** The response-log entry of one call. */
export function entryFrom(
  result: KrakenResult<unknown>,
  env: EnvironmentSetting,
  request: string,
  action: string,
  account: string,
  message: string,
): ResponseEntry {
  return {
    at: new Date().toISOString(),
    environment: env.name,
    request,
    action,
    account,
    ok: result.ok,
    status: result.ok ? result.status : result.status,
    reason: result.ok ? undefined : result.reason,
    message,
    attempts: result.attempts,
    body: result.body,
  };
}

/** Runs `fn` under a cancellable progress notification; cancelling aborts the HTTP call. */
export function withProgress<T>(
  title: string,
  fn: (signal: AbortSignal, report: (e: ProgressEvent | string) => void) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await fn(abort.signal, (e) => progress.report({ message: typeof e === 'string' ? e : e.message }));
      } finally {
        sub.dispose();
      }
    },
  );
}

/** The shared state of the Kraken commands (one per extension activation). */
export class KrakenSession {
  prompts: Prompts = vscodePrompts;
  readonly envs: EnvironmentManager;
  readonly diagnostics: KrakenDiagnostics;
  readonly responses = vscode.window.createOutputChannel('Kraken Import: Responses', { log: true });
  readonly history = new ResponseHistory(10);
  readonly responseView: ResponseView;
  readonly lensChanged = new vscode.EventEmitter<void>();

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly client: LanguageClient,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.envs = new EnvironmentManager(context, log, () => this.prompts);
    this.diagnostics = new KrakenDiagnostics(client, log);
    this.responseView = new ResponseView(context);
    context.subscriptions.push(this.envs, this.diagnostics, this.responses, this.responseView, this.lensChanged);
  }

  /**
   * Before a call to Kraken: krakenImport.requestTimeoutSeconds that is no timeout is said, naming the setting, and
   * returned as the command's result (nothing is sent, never with a default in its place); undefined when it is one.
   */
  timeoutRefused(): CommandResult | undefined {
    try {
      this.envs.requestTimeoutMs();
      return undefined;
    } catch (error) {
      return skipped(`${(error as Error).message}: nothing was sent.`, 'error');
    }
  }

  showPersonalData(): boolean {
    return showPersonalData(this.log);
  }

  async resolveDocument(uri: KrakenCommandArgs['uri']): Promise<vscode.TextDocument | undefined> {
    if (uri) {
      const u = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
      return vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString()) ?? vscode.workspace.openTextDocument(u);
    }
    return vscode.window.activeTextEditor?.document;
  }

  /** The payload kind, as the language server sees it (falls back to content detection if it cannot answer). */
  async documentKind(doc: vscode.TextDocument, value?: unknown): Promise<string | null> {
    try {
      const info = await this.client.sendRequest<DocumentInfo | null>(DocumentInfoRequest, { uri: doc.uri.toString() });
      if (info) return info.kind;
    } catch (error) {
      this.log.debug(`documentInfo: ${String(error)}`);
    }
    const parsed = value !== undefined ? { ok: true as const, value } : parseDocument(doc);
    if (!parsed.ok) return null;
    let associations: Record<string, string>;
    try {
      associations = payloadAssociations();
    } catch (error) {
      // The server says so too (its settings check): here, detection by the payload's fields alone.
      this.log.warn(`${(error as Error).message}: not applied`);
      associations = {};
    }
    return detectKind(parsed.value, doc.uri.fsPath || doc.uri.path, associations).kind ?? null;
  }

  /** A stored key for the environment, or one asked for now (stored in SecretStorage). */
  async ensureApiKey(env: EnvironmentSetting): Promise<boolean> {
    if (await this.envs.hasApiKey(env)) return true;
    const key = await this.prompts.apiKey(env);
    return !!key && (await this.envs.setApiKey(env.name, key));
  }

  async activeEnvironment(name?: string): Promise<EnvironmentSetting | undefined> {
    if (name) {
      const env = this.envs.environments().find((e) => e.name === name);
      if (!env) void vscode.window.showErrorMessage(`No Kraken environment named "${name}".`);
      return env;
    }
    const env = this.envs.active();
    if (!env) await this.envs.select();
    return this.envs.active();
  }

  /** Shows the outcome with its follow-up buttons; a button runs its command. */
  notify(outcome: Outcome, plan?: RequestPlan): void {
    const buttons = outcome.followUps.map((f) => FOLLOW_UP_LABELS[f]);
    void showAt(outcome.level)(outcome.message, ...buttons).then((answer) => {
      const follow = outcome.followUps.find((f) => FOLLOW_UP_LABELS[f] === answer);
      if (follow === 'set-api-key') void vscode.commands.executeCommand(KRAKEN_COMMANDS.setApiKey);
      else if (follow === 'show-responses') void vscode.commands.executeCommand(KRAKEN_COMMANDS.showResponses);
      else if (follow === 'check-status') {
        const id = plan?.identity;
        void vscode.commands.executeCommand(KRAKEN_COMMANDS.checkStatus, {
          importSupplierCode: id?.importSupplier,
          externalIdentifier: id?.externalAccountNumber,
        });
      }
    });
  }

  /** Logs a call (history, response log) and keeps its exchange in a read-only tab beside the payload. */
  record(doc: vscode.TextDocument | undefined, entry: ResponseEntry, exchange?: ExchangeRecord): Promise<StoredResponse | undefined> {
    if (doc) this.history.add(doc.uri.toString(), entry);
    this.responses.info(formatResponseEntry(entry, this.showPersonalData()));
    if (!exchange) return Promise.resolve(undefined);
    // The call in a read-only tab beside the payload (kept redacted in the workspace history).
    return this.responseView
      .add({
        environment: entry.environment,
        action: entry.action,
        account: entry.account,
        message: entry.message,
        document: doc?.uri,
        exchange,
      })
      .then(async (stored) => {
        try {
          await this.responseView.open(stored);
        } catch (error) {
          this.log.warn(`could not open the response tab: ${String(error)}`);
        }
        return stored;
      });
  }
}
