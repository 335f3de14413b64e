/**
 * The wave commands of the editor: Open Send Journal, Show Wave Report, Close Send Journal, Reconcile Wave with
 * Kraken. Registered by commands/ui/register.ts (they share its environments, keys and trust checks).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KrakenClient } from '../../../../core/src/kraken';
import { KRAKEN_COMMANDS, type EnvironmentSetting } from '../../../../core/src/send';
import { fetchKrakenLists, readWave, reconcile, waveAccounts, type Reconciliation, type WaveRun } from '../../../../core/src/waves';
import { JournalView, type JournalViewApi } from './journalView';
import { payloadAssociations } from '../../settings';

export interface WaveCommandDeps {
  log: vscode.LogOutputChannel;
  /** The environment named, or the active one (asks to pick one when there is none). */
  environment(name?: string): Promise<EnvironmentSetting | undefined>;
  client(env: EnvironmentSetting): KrakenClient;
  ensureApiKey(env: EnvironmentSetting): Promise<boolean>;
  /** A message when nothing may be sent (untrusted workspace), else undefined. */
  blocked(): string | undefined;
}

export interface WaveCommandArgs {
  /** Journal files (paths or URIs). */
  journals?: Array<string | vscode.Uri>;
  /** Reconcile: the wave's payload files and folders. */
  wave?: Array<string | vscode.Uri>;
  environment?: string;
  /** Reconcile: only these import suppliers. */
  importSuppliers?: string[];
  /** Reconcile: do not open the report webview. */
  noReport?: boolean;
}

const toUri = (v: string | vscode.Uri): vscode.Uri =>
  typeof v === 'string' ? (/^[a-z][\w+.-]+:/i.test(v) && !/^[a-z]:[\\/]/i.test(v) ? vscode.Uri.parse(v) : vscode.Uri.file(v)) : v;

function readWaveArgs(a: unknown): WaveCommandArgs {
  if (a instanceof vscode.Uri) return { journals: [a] };
  if (Array.isArray(a)) return { journals: a.filter((x) => x instanceof vscode.Uri || typeof x === 'string') };
  return a && typeof a === 'object' ? (a as WaveCommandArgs) : {};
}

export function registerWaveCommands(
  context: vscode.ExtensionContext,
  deps: WaveCommandDeps,
): JournalViewApi & { reconciliation(): Reconciliation | undefined } {
  const view = new JournalView(deps.log);
  context.subscriptions.push(view);
  let last: Reconciliation | undefined;

  async function openJournal(a: unknown, b?: unknown): Promise<WaveRun | undefined> {
    // The explorer's context menu passes (clicked, selected[]).
    const args = Array.isArray(b) && b.length ? readWaveArgs(b) : readWaveArgs(a);
    let journals = args.journals?.map(toUri);
    if (!journals?.length) {
      journals = await vscode.window.showOpenDialog({
        canSelectMany: true,
        canSelectFiles: true,
        canSelectFolders: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        filters: { 'Send journals': ['jsonl'] },
        openLabel: 'Open Send Journal(s)',
        title: 'The journals of a wave (kraken-import send --journal …), one per shard',
      });
      if (!journals?.length) return undefined;
    }
    const run = await view.open(journals);
    const failed = run.units.filter((u) => u.status === 'failed').length;
    const unknown = run.units.filter((u) => u.status === 'unknown').length;
    const broken = run.journals.filter((j) => j.problem);
    if (broken.length) void vscode.window.showErrorMessage(`Cannot read ${broken.map((j) => `${j.file} (${j.problem})`).join(', ')}.`);
    else if (!run.units.length)
      void vscode.window.showWarningMessage(
        `${run.journals.map((j) => j.file).join(', ')}: no send records in ${journals.length === 1 ? 'this journal' : 'these journals'}.`,
      );
    else {
      void vscode.window.showInformationMessage(`Send journal: ${run.units.length} units, ${failed} failed, ${unknown} unknown.`);
    }
    await vscode.commands.executeCommand(`${'krakenImport.sendJournal'}.focus`);
    return run;
  }

  async function reconcileWave(a: unknown): Promise<Reconciliation | undefined> {
    const blocked = deps.blocked();
    if (blocked) {
      void vscode.window.showWarningMessage(blocked);
      return undefined;
    }
    const args = readWaveArgs(a);
    const env = await deps.environment(args.environment);
    if (!env) return undefined;
    let wave = args.wave?.map(toUri);
    if (!wave?.length) {
      wave = await vscode.window.showOpenDialog({
        canSelectMany: true,
        canSelectFiles: true,
        canSelectFolders: true,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        openLabel: 'Reconcile',
        title: `The wave's payload files or folders, to check against Kraken "${env.name}"`,
      });
      if (!wave?.length) return undefined;
    }
    if (args.journals?.length) await view.open(args.journals.map(toUri));
    else if (!view.api.run()) await view.open([]);
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(wave[0].fsPath);
    let associations: Record<string, string>;
    try {
      associations = payloadAssociations();
    } catch (error) {
      // Nothing is asked of Kraken with payload kinds we would have guessed at.
      void vscode.window.showErrorMessage(`Kraken Import: ${(error as Error).message}. Fix it to check this wave.`);
      return undefined;
    }
    const { items, missing, unreadable } = readWave(
      wave.map((u) => u.fsPath),
      { cwd, associations, exclude: view.openJournals().map((j) => j.fsPath) },
    );
    if (missing.length || unreadable.length) {
      void vscode.window.showErrorMessage(`Cannot read ${[...missing, ...unreadable].join(', ')}.`);
      return undefined;
    }
    const accounts = waveAccounts(items);
    const suppliers = args.importSuppliers?.length
      ? [...new Set(args.importSuppliers)]
      : [...new Set(accounts.map((x) => x.importSupplier))].sort();
    if (!suppliers.length && env.importSupplier) suppliers.push(env.importSupplier);
    if (!suppliers.length) {
      void vscode.window.showWarningMessage('The wave names no import supplier: nothing to ask Kraken about.');
      return undefined;
    }
    if (!(await deps.ensureApiKey(env))) {
      void vscode.window.showWarningMessage(`No API key for "${env.name}": nothing was sent. Set one with "Kraken Import: Set API Key".`);
      return undefined;
    }
    let client: KrakenClient;
    try {
      client = deps.client(env);
    } catch (error) {
      // krakenImport.requestTimeoutSeconds that is no timeout (the message names it): nothing is asked of Kraken.
      void vscode.window.showErrorMessage(`Kraken Import: ${(error as Error).message}: nothing was sent.`);
      return undefined;
    }
    const fetched = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Kraken (${env.name}): account import processes of ${suppliers.join(', ')}`,
        cancellable: true,
      },
      async (_p, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await fetchKrakenLists(client, suppliers, { signal: abort.signal });
        } finally {
          sub.dispose();
        }
      },
    );
    if (!fetched.ok) {
      void vscode.window.showErrorMessage(
        `Could not read the ${fetched.which} account import processes of ${fetched.importSupplier}: ${fetched.failure.message}`,
      );
      return undefined;
    }
    const result = reconcile({
      environment: env.name,
      accounts: accounts.filter((x) => suppliers.includes(x.importSupplier)),
      lists: fetched.lists,
      run: view.api.run(),
    });
    last = result;
    view.setReconciliation(result);
    if (!args.noReport) await view.showReport();
    const message = `Reconciled ${result.waveAccounts} accounts with Kraken "${env.name}": ${result.imported.length} imported, ${result.staged.length} staged, ${result.unseen.length} not in Kraken, ${result.extra.length} in Kraken but not in the wave, ${result.disagreements.length} disagreeing with the journals — ${result.attention.length} need attention.`;
    void (result.attention.length ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
    return result;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand(KRAKEN_COMMANDS.openSendJournal, openJournal),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.showWaveReport, async () => {
      if (!view.api.run() && !(await openJournal(undefined))) return undefined;
      return (await view.showReport()) ? true : undefined;
    }),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.closeSendJournal, () => view.close()),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.reconcileWave, reconcileWave),
  );
  return { ...view.api, reconciliation: () => last };
}
