/** What the server's handlers share: the connection, the open documents, the client's features, the settings. */
import { type Connection, MessageType, ShowMessageNotification, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';
import type { KrakenService, RuleSeverity } from '../../core/src/service';
import { isJsonLinesPath } from '../../core/src/files';
import { WorkspaceSettings } from './node/workspaceSettings';
import { type ClientFeatures, clientFeatures } from './capabilities';

export interface ServerSettings {
  rules?: Record<string, RuleSeverity>;
  payloadAssociations?: Record<string, string>;
  maxFindings?: number;
}

export class ServerSession {
  readonly documents = new TextDocuments(TextDocument);
  client: ClientFeatures = clientFeatures({ capabilities: {}, processId: null, rootUri: null });
  /** True once the settings are in (initializationOptions, config files, editor settings). */
  settled = false;
  readonly ready: Promise<void>;
  markReady: () => void = () => {};
  readonly settings: WorkspaceSettings;

  constructor(readonly connection: Connection) {
    this.ready = new Promise<void>((resolve) => (this.markReady = resolve));
    this.settings = new WorkspaceSettings({
      log: (line) => connection.console.info(line),
      problem: (message, file) => this.reportProblem(message, file),
      editorSettings: async (scopeUri) =>
        this.client.configurationRequests
          ? connection.workspace.getConfiguration(scopeUri ? { scopeUri, section: 'krakenImport' } : { section: 'krakenImport' })
          : undefined,
      progress: async (title, run) => {
        if (!this.client.workDoneProgress) return run();
        const progress = await connection.window.createWorkDoneProgress();
        progress.begin(title);
        try {
          return await run();
        } finally {
          progress.done();
        }
      },
    });
  }

  /** A settings problem: shown to the user, with a button that opens the file when the client can open documents. */
  reportProblem(message: string, file?: string): void {
    const { connection } = this;
    connection.console.warn(message);
    const text = `Kraken Import: ${message}`;
    if (file && this.client.showDocument) {
      void connection.window.showWarningMessage(text, { title: 'Open File' }).then((choice) => {
        if (choice) void connection.window.showDocument({ uri: pathToFileURL(file).toString(), takeFocus: true });
      });
    } else void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: text });
  }

  serviceFor(doc: TextDocument): KrakenService {
    return this.settings.folderFor(doc.uri).service;
  }

  isLines(doc: TextDocument): boolean {
    return doc.languageId === 'jsonl' || isJsonLinesPath(doc.uri);
  }
}
