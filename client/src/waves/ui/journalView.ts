/**
 * "Kraken Import: Open Send Journal": the journals of `kraken-import send` (several at once, one per shard) in the
 * editor — each failed or unknown unit's Kraken errors on its payload file at their paths (.jsonl records on their
 * lines) as a diagnostics collection of its own ("Kraken journal"), the run as a tree (per action: ok, done before,
 * failed, unknown; failures grouped by Kraken code; a click opens the payload at the error), the run report in a
 * webview, and reconciliation with Kraken. Thin: the wave is read by ../run.ts, placed by ../place.ts, drawn by
 * ../reportHtml.ts, reconciled by ../reconcile.ts.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Range } from '../../../../core/src/service';
import { KRAKEN_COMMANDS } from '../../../../core/src/send';
import { showPersonalData } from '../../settings';
import {
  failureCodeLabel,
  foldWaveRun,
  type PlacedError,
  placeUnitErrors,
  type Reconciliation,
  renderReportHtml,
  unitErrors,
  type UnitStatus,
  unitWhere,
  type WaveRun,
  type WaveUnit,
} from '../../../../core/src/waves';

export const JOURNAL_VIEW_ID = 'krakenImport.sendJournal';
const CONTEXT_OPEN = 'krakenImport.journalOpen';
const STATUS_LABEL: Record<UnitStatus, string> = { ok: 'ok', 'done-before': 'done before', failed: 'failed', unknown: 'unknown' };
const STATUS_ICON: Record<UnitStatus, vscode.ThemeIcon> = {
  ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  'done-before': new vscode.ThemeIcon('history'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  unknown: new vscode.ThemeIcon('question', new vscode.ThemeColor('problemsWarningIcon.foreground')),
};
/** Units listed under one node at most (the rest are summed up in one item). */
const MAX_CHILDREN = 500;

export type JournalNode =
  | { type: 'action'; action: string }
  | { type: 'status'; action: string; status: UnitStatus }
  | { type: 'code'; action: string; status: UnitStatus; code: string }
  | { type: 'unit'; unit: WaveUnit; code?: string }
  | { type: 'more'; count: number }
  | { type: 'report' };

function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Codes of a unit's errors (as in run.ts's failure groups). */
function codesOf(u: WaveUnit): string[] {
  if (u.outcome?.errors?.length) return [...new Set(u.outcome.errors.map((e) => e.code ?? `reason:${u.outcome?.reason ?? 'invalid'}`))];
  return [`reason:${u.inDoubt ? 'in-doubt' : (u.outcome?.reason ?? u.status)}`];
}

export interface JournalViewApi {
  /** What is open now. */
  run(): WaveRun | undefined;
  /** Where each unit's payload file was found. */
  fileOf(u: WaveUnit): vscode.Uri | undefined;
  diagnostics(uri: vscode.Uri): readonly vscode.Diagnostic[];
  /** The tree's children of a node (the roots for undefined), for tests. */
  children(node?: JournalNode): JournalNode[];
  label(node: JournalNode): string;
  /** The tree's item of a node (label, command), for tests. */
  treeItem(node: JournalNode): vscode.TreeItem;
  /** The HTML the report webview shows. */
  reportHtml(): string | undefined;
}

export class JournalView implements vscode.TreeDataProvider<JournalNode>, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('kraken-journal');
  private readonly changed = new vscode.EventEmitter<JournalNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private current: WaveRun | undefined;
  private journals: vscode.Uri[] = [];
  /** Unit -> the payload file it names, resolved. */
  private readonly files = new Map<WaveUnit, vscode.Uri>();
  /** Payload file -> its failed/unknown units (for placing again after an edit). */
  private readonly failing = new Map<string, { uri: vscode.Uri; units: WaveUnit[] }>();
  private readonly placed = new Map<WaveUnit, PlacedError[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private panel: vscode.WebviewPanel | undefined;
  private reconciliation: Reconciliation | undefined;
  readonly treeView: vscode.TreeView<JournalNode>;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.treeView = vscode.window.createTreeView(JOURNAL_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.collection,
      this.changed,
      this.treeView,
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        if (!e.contentChanges.length || !this.failing.has(key)) return;
        clearTimeout(this.timers.get(key));
        this.timers.set(
          key,
          setTimeout(() => this.placeFile(key, e.document.getText()), 150),
        );
      }),
      // Closed without saving: the file on disk is what the errors belong to again.
      vscode.workspace.onDidCloseTextDocument(async (doc) => {
        const key = doc.uri.toString();
        if (!this.failing.has(key)) return;
        try {
          this.placeFile(key, new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri)));
        } catch {
          /* gone: keep what is shown */
        }
      }),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  get api(): JournalViewApi {
    return {
      run: () => this.current,
      fileOf: (u) => this.files.get(u),
      diagnostics: (uri) => this.collection.get(uri) ?? [],
      children: (node) => this.getChildren(node),
      label: (node) => String(this.getTreeItem(node).label ?? ''),
      treeItem: (node) => this.getTreeItem(node),
      reportHtml: () => (this.current ? this.html() : undefined),
    };
  }

  openJournals(): readonly vscode.Uri[] {
    return this.journals;
  }

  /** Reads the journals, places their errors, fills the tree. Resolves with the wave. */
  async open(journals: vscode.Uri[]): Promise<WaveRun> {
    const inputs = await Promise.all(
      journals.map(async (uri) => {
        try {
          return { file: uri.fsPath || uri.path, text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) };
        } catch (error) {
          return { file: uri.fsPath || uri.path, problem: error instanceof vscode.FileSystemError ? error.code : String(error) };
        }
      }),
    );
    const run = foldWaveRun(inputs, {
      showPersonalData: showPersonalData(this.log),
    });
    // Journals and files by their workspace-relative names in the tree and the page.
    run.journals.forEach((j, i) => (j.file = vscode.workspace.asRelativePath(journals[i])));
    const byPath = new Map(journals.map((j, i) => [j.fsPath || j.path, run.journals[i].file]));
    for (const u of run.units) u.journal = byPath.get(u.journal) ?? u.journal;
    this.current = run;
    this.journals = journals;
    this.reconciliation = undefined;
    this.files.clear();
    this.failing.clear();
    this.placed.clear();
    this.collection.clear();

    // The payload files: as the journal names them, relative to the journal's folder or to a workspace folder.
    const resolved = new Map<string, vscode.Uri | undefined>();
    const resolve = async (u: WaveUnit): Promise<vscode.Uri | undefined> => {
      const journalUri = journals[run.journals.findIndex((j) => j.file === u.journal)] ?? journals[0];
      const cacheKey = `${journalUri.toString()}\u0000${u.file}`;
      if (resolved.has(cacheKey)) return resolved.get(cacheKey);
      const candidates: vscode.Uri[] = path.isAbsolute(u.file)
        ? [vscode.Uri.file(u.file)]
        : [
            vscode.Uri.joinPath(journalUri, '..', u.file),
            ...(vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, u.file)),
          ];
      let found: vscode.Uri | undefined;
      for (const c of candidates) {
        try {
          await vscode.workspace.fs.stat(c);
          found = c;
          break;
        } catch {
          /* next */
        }
      }
      resolved.set(cacheKey, found);
      return found;
    };
    for (const u of run.units) {
      const uri = await resolve(u);
      if (uri) this.files.set(u, uri);
      if (uri && (u.status === 'failed' || u.status === 'unknown')) {
        const key = uri.toString();
        const entry = this.failing.get(key) ?? { uri, units: [] };
        entry.units.push(u);
        this.failing.set(key, entry);
      }
    }
    const missing = run.units.filter((u) => (u.status === 'failed' || u.status === 'unknown') && !this.files.has(u));
    if (missing.length)
      this.log.warn(`send journal: ${missing.length} failed unit(s) name payload files that were not found (first: ${missing[0].file})`);
    for (const [key, { uri }] of this.failing) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      try {
        this.placeFile(key, open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
      } catch (error) {
        this.log.warn(`send journal: cannot read ${uri.fsPath}: ${String(error)}`);
      }
    }
    await vscode.commands.executeCommand('setContext', CONTEXT_OPEN, true);
    this.changed.fire(undefined);
    this.treeView.message = `${run.journals.map((j) => j.file).join(', ')} — ${run.units.length} units`;
    if (this.panel) void this.showReport();
    return run;
  }

  close(): void {
    this.current = undefined;
    this.journals = [];
    this.reconciliation = undefined;
    this.files.clear();
    this.failing.clear();
    this.placed.clear();
    this.collection.clear();
    this.treeView.message = undefined;
    this.panel?.dispose();
    void vscode.commands.executeCommand('setContext', CONTEXT_OPEN, false);
    this.changed.fire(undefined);
  }

  private placeFile(key: string, text: string): void {
    const entry = this.failing.get(key);
    if (!entry) return;
    const file = entry.uri.path;
    const { placed, lost } = placeUnitErrors(file, text, entry.units);
    for (const u of entry.units) this.placed.set(u, []);
    for (const p of placed) this.placed.get(p.unit)!.push(p);
    const diagnostics = placed.map((p) => {
      const d = new vscode.Diagnostic(
        toRange(p.range),
        p.message,
        p.unit.status === 'failed' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = 'Kraken (journal)';
      if (p.code) d.code = p.code;
      return d;
    });
    if (lost.length) {
      const d = new vscode.Diagnostic(
        new vscode.Range(0, 0, 0, 1),
        `${lost.length} record(s) the send journal names are no longer in this file (lines ${lost.map((u) => u.line).join(', ')}).`,
        vscode.DiagnosticSeverity.Information,
      );
      d.source = 'Kraken (journal)';
      diagnostics.push(d);
    }
    this.collection.set(entry.uri, diagnostics);
  }

  // ---------------------------------------------------------------- tree

  getChildren(node?: JournalNode): JournalNode[] {
    const run = this.current;
    if (!run) return [];
    if (!node) return [{ type: 'report' }, ...run.actions.map((a) => ({ type: 'action' as const, action: a.action }))];
    if (node.type === 'action') {
      const t = run.actions.find((a) => a.action === node.action)!;
      return (['failed', 'unknown', 'ok', 'done-before'] as const)
        .filter((s) => t[s] > 0)
        .map((status) => ({ type: 'status' as const, action: node.action, status }));
    }
    const unitsOf = (action: string, status: UnitStatus) => run.units.filter((u) => u.action === action && u.status === status);
    const capped = (units: WaveUnit[], code?: string): JournalNode[] => {
      const list: JournalNode[] = units.slice(0, MAX_CHILDREN).map((unit) => ({ type: 'unit' as const, unit, ...(code ? { code } : {}) }));
      if (units.length > MAX_CHILDREN) list.push({ type: 'more', count: units.length - MAX_CHILDREN });
      return list;
    };
    if (node.type === 'status') {
      const units = unitsOf(node.action, node.status);
      if (node.status === 'ok' || node.status === 'done-before') return capped(units);
      const codes = new Map<string, number>();
      for (const u of units) for (const c of codesOf(u)) codes.set(c, (codes.get(c) ?? 0) + 1);
      return [...codes.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([code]) => ({ type: 'code' as const, action: node.action, status: node.status, code }));
    }
    if (node.type === 'code')
      return capped(
        unitsOf(node.action, node.status).filter((u) => codesOf(u).includes(node.code)),
        node.code,
      );
    return [];
  }

  getTreeItem(node: JournalNode): vscode.TreeItem {
    const run = this.current;
    switch (node.type) {
      case 'report': {
        const item = new vscode.TreeItem('Open run report', vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('graph');
        item.command = { command: KRAKEN_COMMANDS.showWaveReport, title: 'Open run report' };
        return item;
      }
      case 'action': {
        const t = run!.actions.find((a) => a.action === node.action)!;
        const item = new vscode.TreeItem(
          node.action,
          t.failed || t.unknown ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.description = `${t.ok} ok · ${t['done-before']} done before · ${t.failed} failed · ${t.unknown} unknown`;
        item.iconPath = new vscode.ThemeIcon('symbol-event');
        item.id = `action:${node.action}`;
        return item;
      }
      case 'status': {
        const n = run!.units.filter((u) => u.action === node.action && u.status === node.status).length;
        const item = new vscode.TreeItem(
          `${STATUS_LABEL[node.status]} (${n})`,
          node.status === 'failed' || node.status === 'unknown'
            ? vscode.TreeItemCollapsibleState.Expanded
            : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.iconPath = STATUS_ICON[node.status];
        item.id = `status:${node.action}:${node.status}`;
        return item;
      }
      case 'code': {
        const n = run!.units.filter((u) => u.action === node.action && u.status === node.status && codesOf(u).includes(node.code)).length;
        const item = new vscode.TreeItem(`${failureCodeLabel(node.code)} (${n})`, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('symbol-key');
        item.id = `code:${node.action}:${node.status}:${node.code}`;
        return item;
      }
      case 'unit': {
        const u = node.unit;
        const item = new vscode.TreeItem(unitWhere(u), vscode.TreeItemCollapsibleState.None);
        const first =
          (this.placed.get(u) ?? []).find(
            (p) => !node.code || (p.code ?? `reason:${u.outcome?.reason ?? (u.inDoubt ? 'in-doubt' : 'invalid')}`) === node.code,
          ) ?? this.placed.get(u)?.[0];
        item.description = [u.account, u.outcome?.kraken?.accountNumber].filter(Boolean).join(' · ');
        item.tooltip = new vscode.MarkdownString(
          [
            `**${u.action}** ${STATUS_LABEL[u.status]} — ${unitWhere(u)}`,
            u.account ? `account ${u.account}` : '',
            `journal ${u.journal}`,
            ...unitErrors(u).map((e) => `- ${e.path ? `\`${e.path}\`: ` : ''}${e.message}${e.code ? ` (${e.code})` : ''}`),
          ]
            .filter(Boolean)
            .join('\n\n'),
        );
        item.iconPath = STATUS_ICON[u.status];
        const uri = this.files.get(u);
        if (uri) {
          item.resourceUri = undefined;
          item.command = {
            command: 'vscode.open',
            title: 'Open payload',
            arguments: [
              uri,
              {
                selection: first ? toRange(first.range) : new vscode.Range((u.line ?? 1) - 1, 0, (u.line ?? 1) - 1, 0),
                preview: true,
              } satisfies vscode.TextDocumentShowOptions,
            ],
          };
        } else item.description = `${item.description ? `${item.description} · ` : ''}file not found`;
        return item;
      }
      case 'more':
        return new vscode.TreeItem(`… ${node.count} more (see the run report)`, vscode.TreeItemCollapsibleState.None);
    }
  }

  // ---------------------------------------------------------------- report

  private html(nonce?: string): string {
    return renderReportHtml(this.current!, {
      reconciliation: this.reconciliation,
      generatedAt: new Date().toISOString(),
      title: `Kraken import wave report — ${this.current!.journals.map((j) => j.file).join(', ')}`,
      ...(nonce ? { webviewNonce: nonce } : {}),
    });
  }

  /**
   * The run report in a webview. Its CSP forbids every fetch; its one script (with a nonce) only says the page is
   * drawn. Resolves once it is.
   */
  async showReport(): Promise<vscode.WebviewPanel | undefined> {
    if (!this.current) return undefined;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('krakenImport.waveReport', 'Kraken wave report', vscode.ViewColumn.Active, {
        enableScripts: true,
        enableFindWidget: true,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    const panel = this.panel;
    const drawn = new Promise<void>((resolve) => {
      const sub = panel.webview.onDidReceiveMessage((m: { drawn?: boolean }) => {
        if (m?.drawn) {
          sub.dispose();
          resolve();
        }
      });
      panel.onDidDispose(() => {
        sub.dispose();
        resolve();
      });
    });
    panel.webview.html = this.html(randomBytes(16).toString('base64'));
    panel.reveal();
    await drawn;
    return this.panel;
  }

  setReconciliation(r: Reconciliation): void {
    this.reconciliation = r;
    if (this.panel) void this.showReport();
  }
}
