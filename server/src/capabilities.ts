/** What the client can do (read once from InitializeParams) and what the server announces in return. */
import { CodeActionKind, type InitializeParams, type InitializeResult, TextDocumentSyncKind } from 'vscode-languageserver';
import { FIX_ALL_KIND } from '../../core/src/service';

/** What the client said it can do (InitializeParams.capabilities), read once; the server uses nothing else. */
export interface ClientFeatures {
  /**
   * Pull diagnostics (`textDocument/diagnostic`), only when the client can also be asked to pull again
   * (`workspace.diagnostics.refreshSupport`): without that, a settings change would show only after the next edit,
   * so such a client gets pushed diagnostics.
   */
  pullDiagnostics: boolean;
  configurationRequests: boolean;
  snippets: boolean;
  codeActionLiterals: boolean;
  applyEdit: boolean;
  workDoneProgress: boolean;
  showDocument: boolean;
  watchedFilesRegistration: boolean;
  workspaceFolders: boolean;
}

export function clientFeatures(params: InitializeParams): ClientFeatures {
  const c = params.capabilities;
  return {
    pullDiagnostics: !!c.textDocument?.diagnostic && c.workspace?.diagnostics?.refreshSupport === true,
    configurationRequests: !!c.workspace?.configuration,
    snippets: c.textDocument?.completion?.completionItem?.snippetSupport === true,
    codeActionLiterals: !!c.textDocument?.codeAction?.codeActionLiteralSupport,
    applyEdit: c.workspace?.applyEdit === true,
    workDoneProgress: c.window?.workDoneProgress === true,
    showDocument: c.window?.showDocument?.support === true,
    watchedFilesRegistration: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolders: c.workspace?.workspaceFolders === true,
  };
}

/** The command a client without code action literals runs for a fix: the server applies the edit it carries. */
export const APPLY_EDIT_COMMAND = 'krakenImport.server.applyEdit';

/** The server's capabilities for a client with these features. */
export function serverCapabilities(client: ClientFeatures, params: InitializeParams): InitializeResult {
  const general = (params.capabilities as { general?: { positionEncodings?: string[] } }).general;
  return {
    capabilities: {
      // Positions are UTF-16 code units (the encoding every client must support); said explicitly to clients that
      // offer a choice, so none of them converts as if it were UTF-8.
      ...(general?.positionEncodings ? { positionEncoding: 'utf-16' } : {}),
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['"', ':', ','], resolveProvider: false },
      hoverProvider: true,
      // Kinds may be announced only to a client that understands code action literals.
      codeActionProvider: client.codeActionLiterals ? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] } : true,
      ...(!client.codeActionLiterals && client.applyEdit ? { executeCommandProvider: { commands: [APPLY_EDIT_COMMAND] } } : {}),
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      ...(client.pullDiagnostics
        ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false, identifier: 'kraken-import' } }
        : {}),
      ...(client.workspaceFolders ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
    },
    serverInfo: { name: 'kraken-import', version: '0.1.0' },
  };
}
