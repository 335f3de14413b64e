/**
 * The VS Code extension: starts the language server for JSON documents, shows the payload kind in a language
 * status item, and hosts the commands. Kraken HTTP, secrets and UI live on this side; analysis in the server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { DocumentInfoChangedNotification, DocumentInfoRequest, type DocumentInfo } from '../../core/src/protocol';
import { registerKrakenCommands, type KrakenCommandsApi } from './commands/ui/register';
import { registerContract, type ContractApi } from './contract';
import { registerNewPayload } from './newPayload';
import { registerWalkthrough } from './walkthrough';
import { registerWorkspaceValidation } from './workspaceValidation';
import { createErrorHandler, createInitializationFailedHandler, ServerHealth, type HealthUi } from './serverHealth';

export interface ExtensionApi {
  client: LanguageClient;
  documentInfo(uri: vscode.Uri): Promise<DocumentInfo | null>;
  /** The Kraken commands (send to Kraken, environments, Kraken diagnostics): see client/src/commands/ui/register.ts. */
  kraken: KrakenCommandsApi;
  /** The instance contract in force (krakenImport.contract / the environment's contract): see client/src/contract.ts. */
  contract: ContractApi;
}

let client: LanguageClient | undefined;

/** JSON payloads, and JSON Lines waves (`.jsonl`/`.ndjson`, VS Code's `jsonl` language): checked per record. */
export const DOCUMENT_SELECTOR = ['json', 'jsonl'].flatMap((language) =>
  ['file', 'untitled', 'vscode-remote'].map((scheme) => ({ scheme, language })),
);

/** The settings the server checks with (the rest of krakenImport.* is the extension's own). */
const CHECK_SETTINGS = ['rules', 'payloadAssociations', 'maxFindings'] as const;

/**
 * The check settings the user (or the workspace) set, without VS Code's defaults: the server lays these on top of
 * the folder's kraken-import.config.json, so a default must not hide what the file says.
 */
export function explicitCheckSettings(scope?: vscode.Uri): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('krakenImport', scope);
  const out: Record<string, unknown> = {};
  for (const key of CHECK_SETTINGS) {
    const i = c.inspect(key);
    const value =
      i?.workspaceFolderLanguageValue ??
      i?.workspaceFolderValue ??
      i?.workspaceLanguageValue ??
      i?.workspaceValue ??
      i?.globalLanguageValue ??
      i?.globalValue;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function initializationOptions() {
  // VS Code has a command that opens completion again: the server attaches it after a property with suggested values.
  return { ...explicitCheckSettings(), retriggerCompletionCommand: 'editor.action.triggerSuggest' };
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const log = vscode.window.createOutputChannel('Kraken Import', { log: true });
  context.subscriptions.push(log);
  registerNewPayload(context);
  registerWalkthrough(context);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  // A crashed server is restarted (4 times in 3 minutes) and the user told once, in plain words: serverHealth.ts.
  const health = new ServerHealth();
  const healthUi: HealthUi = {
    log: (line) => log.warn(line),
    notify: (notice) => {
      const shown =
        notice.level === 'error'
          ? vscode.window.showErrorMessage(notice.message, 'Show Output')
          : vscode.window.showWarningMessage(notice.message, 'Show Output');
      void shown.then((choice) => choice && log.show(true));
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: log,
    errorHandler: createErrorHandler(health, healthUi, {
      continue: ErrorAction.Continue,
      shutdown: ErrorAction.Shutdown,
      restart: CloseAction.Restart,
      doNotRestart: CloseAction.DoNotRestart,
    }),
    initializationFailedHandler: createInitializationFailedHandler(health, healthUi),
    initializationOptions: initializationOptions(),
    synchronize: { configurationSection: 'krakenImport' },
    middleware: {
      workspace: {
        // The server asks for `krakenImport` per workspace folder: answer with what is set, not the defaults.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, i) =>
            item.section === 'krakenImport'
              ? explicitCheckSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : answers[i],
          );
        },
      },
    },
  };
  client = new LanguageClient('krakenImport', 'Kraken Import', serverOptions, clientOptions);

  const status = vscode.languages.createLanguageStatusItem('krakenImport.payloadKind', DOCUMENT_SELECTOR);
  status.name = 'Kraken payload';
  status.text = 'Kraken: …';
  context.subscriptions.push(status);

  const infos = new Map<string, DocumentInfo>();
  const showInfo = (info: DocumentInfo | null | undefined) => {
    if (!info || !info.kind) {
      status.text = 'Kraken: not a payload';
      status.detail = info?.reason ?? '';
      status.severity = vscode.LanguageStatusSeverity.Information;
      return;
    }
    status.text = `Kraken: ${info.kindLabel}`;
    status.detail = `${info.source === 'association' ? 'Associated' : 'Detected'}: ${info.reason}. Contract: ${info.contract}`;
    status.severity = info.errors
      ? vscode.LanguageStatusSeverity.Error
      : info.warnings
        ? vscode.LanguageStatusSeverity.Warning
        : vscode.LanguageStatusSeverity.Information;
  };
  const refreshStatus = async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !client) return;
    const known = infos.get(doc.uri.toString());
    if (known) return showInfo(known);
    try {
      showInfo(await client.sendRequest<DocumentInfo | null>(DocumentInfoRequest, { uri: doc.uri.toString() }));
    } catch (error) {
      log.warn(`document info: ${String(error)}`);
    }
  };

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => void refreshStatus()),
    vscode.workspace.onDidCloseTextDocument((doc) => infos.delete(doc.uri.toString())),
  );

  // The commands and the response tabs' file system first: a response tab VS Code restores after a reload
  // activates the extension (onFileSystem) and must find its provider while the server is still starting.
  const kraken = registerKrakenCommands(context, { client, log });
  await client.start();
  context.subscriptions.push(
    client.onNotification(DocumentInfoChangedNotification, (info: DocumentInfo & { uri: string }) => {
      infos.set(info.uri, info);
      if (vscode.window.activeTextEditor?.document.uri.toString() === info.uri) showInfo(info);
    }),
  );
  void refreshStatus();
  const contract = registerContract(context, client, log, DOCUMENT_SELECTOR);
  registerWorkspaceValidation(context, () => client);

  return {
    client,
    kraken,
    contract,
    documentInfo: (uri) => client!.sendRequest<DocumentInfo | null>(DocumentInfoRequest, { uri: uri.toString() }),
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
