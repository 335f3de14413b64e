/**
 * The server's life and its settings: initialize (client features, initialization options, folders), initialized
 * (load the settings, watch the config files, follow the workspace folders), settings and config-file changes.
 */
import { DidChangeWatchedFilesNotification, type InitializeResult, MessageType, ShowMessageNotification } from 'vscode-languageserver';
import { CONFIG_FILE } from '../../core/src/config';
import { parseInitializationOptions } from './node/workspaceSettings';
import { clientFeatures, serverCapabilities } from './capabilities';
import type { ServerSession } from './session';
import type { DocumentValidation } from './validation';

function registerInitialize(session: ServerSession): void {
  const { connection, settings } = session;
  connection.onInitialize((params): InitializeResult => {
    session.client = clientFeatures(params);
    try {
      settings.init = parseInitializationOptions(params.initializationOptions);
    } catch (error) {
      // Named and shown, never silently ignored; the rest of the server works with the defaults.
      settings.init = {};
      const message = (error as Error).message;
      connection.console.error(message);
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `Kraken Import: ${message}` });
    }
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    settings.setFolders(folders);
    return serverCapabilities(session.client, params);
  });
}

function registerInitialized(session: ServerSession, validation: DocumentValidation): void {
  const { connection, settings } = session;
  const onConfigFileChanged = () => validation.revalidateAll();
  connection.onInitialized(() => {
    void (async () => {
      try {
        await settings.loadAll();
      } catch (error) {
        connection.console.error(`loading the settings failed: ${(error as Error)?.stack ?? String(error)}`);
      }
      session.settled = true;
      session.markReady();
      const { client } = session;
      // Config files: watched by the client when it can watch for the server, else by the file system.
      if (client.watchedFilesRegistration) {
        void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${CONFIG_FILE}` }] });
      } else settings.watchWithFileSystem(onConfigFileChanged);
      if (client.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
          const now = settings
            .all()
            .map((f) => f.uri)
            .filter((u) => u && !e.removed.some((r) => r.uri.replace(/\/$/, '') === u));
          settings.setFolders([...now, ...e.added.map((a) => a.uri)]);
          void settings.loadAll().then(() => {
            if (!client.watchedFilesRegistration) settings.watchWithFileSystem(onConfigFileChanged);
            validation.revalidateAll();
          });
        });
      }
      validation.revalidateAll();
    })();
  });
}

function registerSettingsChanges(session: ServerSession, validation: DocumentValidation): void {
  const { connection, settings } = session;
  connection.onDidChangeWatchedFiles((params) => {
    void (async () => {
      let changed = false;
      for (const c of params.changes) {
        const folder = settings.folderOfConfig(c.uri);
        if (folder && (await settings.reloadFile(folder))) changed = true;
      }
      if (changed) validation.revalidateAll();
    })();
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { krakenImport?: unknown } | undefined)?.krakenImport;
    void (async () => {
      await session.ready;
      // A client that answers workspace/configuration is asked (per folder); others push their settings here.
      await settings.loadEditorSettings(session.client.configurationRequests ? undefined : pushed);
      await settings.applyAll();
      validation.revalidateAll();
    })();
  });

  connection.onShutdown(() => settings.dispose());
}

export function registerLifecycle(session: ServerSession, validation: DocumentValidation): void {
  registerInitialize(session);
  registerInitialized(session, validation);
  registerSettingsChanges(session, validation);
}
