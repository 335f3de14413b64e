/**
 * "Kraken Import: Validate Workspace": every payload file of the workspace (krakenImport.workspaceValidation.include
 * / exclude) checked on disk without opening it. The client reads each file (vscode.workspace.fs, so remote and
 * virtual workspaces work) and the language server validates its text (krakenImport/validateFile, the same
 * service as for open documents); the findings go into a DiagnosticCollection of their own, so they show in the
 * Problems panel. Documents open in an editor are left to the language server (no duplicates). A rerun validates
 * only files whose mtime or size changed. Progress is shown and the run can be cancelled.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ValidateFileRequest, type ValidateFileParams, type ValidateFileResult } from '../../core/src/protocol';
import {
  combineGlobs,
  DEFAULT_EXCLUDE,
  DEFAULT_INCLUDE,
  EXCLUDE_SETTING,
  globFilter,
  globsSetting,
  INCLUDE_SETTING,
  ownedByLanguageServer,
  planValidation,
  summaryMessage,
  ValidationCache,
  type PlannedFile,
  type WorkspaceValidationSummary,
} from '../../core/src/files';

export const VALIDATE_WORKSPACE_COMMAND = 'krakenImport.validateWorkspace';
/** Requests in flight to the server at once (it validates one at a time; a few keep it busy while files are read). */
const PARALLEL = 4;

function openOwnedUris(): Set<string> {
  return new Set(
    vscode.workspace.textDocuments.filter((d) => ownedByLanguageServer(d.languageId, d.uri.scheme)).map((d) => d.uri.toString()),
  );
}

export function registerWorkspaceValidation(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const collection = vscode.languages.createDiagnosticCollection('krakenImport.workspace');
  const cache = new ValidationCache();
  let running: vscode.CancellationTokenSource | undefined;
  context.subscriptions.push(collection);

  // The language server owns an open document's diagnostics; once it is closed, the next run checks it again.
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (ownedByLanguageServer(d.languageId, d.uri.scheme)) {
        collection.delete(d.uri);
        cache.forget(d.uri.toString());
      }
    }),
    vscode.workspace.onDidCloseTextDocument((d) => cache.forget(d.uri.toString())),
    // Rules, associations, globs or the contract changed: every file's findings may differ.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('krakenImport')) cache.clear();
    }),
  );
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{json,jsonl,ndjson}', true, true, false);
  context.subscriptions.push(
    watcher,
    watcher.onDidDelete((uri) => {
      collection.delete(uri);
      cache.forget(uri.toString());
    }),
  );

  const run = async (): Promise<WorkspaceValidationSummary | undefined> => {
    const client = getClient();
    if (!client) {
      void vscode.window.showErrorMessage('Kraken Import: the language server is not running; workspace validation needs it.');
      return undefined;
    }
    if (running) {
      void vscode.window.showInformationMessage('Kraken Import: workspace validation is already running.');
      return undefined;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) {
      void vscode.window.showInformationMessage('Kraken Import: open a folder to validate its payload files.');
      return undefined;
    }
    running = new vscode.CancellationTokenSource();
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Kraken Import: validating workspace', cancellable: true },
        async (progress, token) => {
          const cancelled = () => token.isCancellationRequested || !!running?.token.isCancellationRequested;
          token.onCancellationRequested(() => running?.cancel());
          progress.report({ message: 'finding payload files…' });
          const files = await findPayloadFiles(folders, running!.token);
          const plan = planValidation(files, cache, openOwnedUris());
          for (const uri of plan.gone) {
            collection.delete(vscode.Uri.parse(uri));
            cache.forget(uri);
          }
          for (const uri of plan.open) collection.delete(vscode.Uri.parse(uri));
          const summary: WorkspaceValidationSummary = {
            validated: 0,
            unchanged: plan.unchanged.length,
            open: plan.open.length,
            tooLarge: plan.tooLarge.length,
            failed: 0,
            errors: 0,
            warnings: 0,
            filesWithProblems: 0,
            cancelled: false,
          };
          const total = plan.validate.length;
          let next = 0;
          const worker = async (): Promise<void> => {
            while (next < total && !cancelled()) {
              const file = plan.validate[next++];
              const ok = await validateOne(client, file, collection, running!.token);
              if (ok) {
                cache.set(file.uri, file.stamp);
                summary.validated++;
              } else if (!cancelled()) summary.failed++;
              progress.report({
                message: `${summary.validated + summary.failed}/${total} changed file${total === 1 ? '' : 's'}`,
                increment: total ? 100 / total : 100,
              });
            }
          };
          await Promise.all(Array.from({ length: Math.min(PARALLEL, Math.max(1, total)) }, worker));
          summary.cancelled = cancelled();
          collection.forEach((_uri, diagnostics) => {
            const e = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
            const w = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
            summary.errors += e;
            summary.warnings += w;
            if (e || w) summary.filesWithProblems++;
          });
          const message = `Kraken Import: ${summaryMessage(summary)}`;
          const show = summary.errors || summary.warnings ? 'Show Problems' : undefined;
          void (
            summary.errors
              ? vscode.window.showWarningMessage(message, ...(show ? [show] : []))
              : vscode.window.showInformationMessage(message, ...(show ? [show] : []))
          ).then((choice) => {
            if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
          });
          return summary;
        },
      );
    } finally {
      running.dispose();
      running = undefined;
    }
  };

  context.subscriptions.push(vscode.commands.registerCommand(VALIDATE_WORKSPACE_COMMAND, run));
}

/** The included files of every workspace folder, with their mtime and size. */
async function findPayloadFiles(folders: readonly vscode.WorkspaceFolder[], token: vscode.CancellationToken): Promise<PlannedFile[]> {
  const config = vscode.workspace.getConfiguration('krakenImport');
  const include = globsSetting(config.get(INCLUDE_SETTING), DEFAULT_INCLUDE);
  const exclude = globsSetting(config.get(EXCLUDE_SETTING), DEFAULT_EXCLUDE);
  const includeGlob = combineGlobs(include);
  if (!includeGlob) return [];
  const excludeGlob = combineGlobs(exclude);
  const keep = globFilter(include, exclude);
  const out: PlannedFile[] = [];
  for (const folder of folders) {
    if (token.isCancellationRequested) break;
    const uris = await vscode.workspace.findFiles(
      new vscode.RelativePattern(folder, includeGlob),
      excludeGlob ? new vscode.RelativePattern(folder, excludeGlob) : null,
      undefined,
      token,
    );
    const kept = uris.filter((u) => keep(vscode.workspace.asRelativePath(u, false)));
    const stats = await Promise.all(
      kept.map(async (uri) => {
        try {
          const s = await vscode.workspace.fs.stat(uri);
          return s.type & vscode.FileType.File ? { uri: uri.toString(), stamp: { mtime: s.mtime, size: s.size } } : undefined;
        } catch {
          return undefined; // deleted meanwhile
        }
      }),
    );
    for (const s of stats) if (s) out.push(s);
  }
  return out.sort((a, b) => a.uri.localeCompare(b.uri));
}

/** Reads one file, asks the server to validate it, and puts its findings in the collection. False when it failed. */
async function validateOne(
  client: LanguageClient,
  file: PlannedFile,
  collection: vscode.DiagnosticCollection,
  token: vscode.CancellationToken,
): Promise<boolean> {
  const uri = vscode.Uri.parse(file.uri);
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    collection.delete(uri);
    return false;
  }
  if (token.isCancellationRequested) return false;
  try {
    const params: ValidateFileParams = { uri: file.uri, text };
    const result = await client.sendRequest<ValidateFileResult>(ValidateFileRequest, params, token);
    // Opened while it was being validated: the language server has it now.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === file.uri && ownedByLanguageServer(d.languageId, d.uri.scheme)))
      return true;
    if (!result.diagnostics.length) collection.delete(uri);
    else
      collection.set(
        uri,
        await client.protocol2CodeConverter.asDiagnostics(
          result.diagnostics as Parameters<typeof client.protocol2CodeConverter.asDiagnostics>[0],
        ),
      );
    return true;
  } catch {
    return false;
  }
}
