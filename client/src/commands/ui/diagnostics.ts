/**
 * Kraken's findings as diagnostics (source "Kraken") beside the local ones. Each stays attached to its JSON path:
 * on every change the paths are located again with the server's `krakenImport/locatePaths` (the same locator as
 * local validation), and a finding whose path disappeared is dropped. Cleared by the next successful call, by a
 * command, or when the document closes.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LocatePathsRequest, type LocatePathsResult } from '../../../../core/src/protocol';
import type { Range } from '../../../../core/src/service';
import { firstLineRange, type KrakenFinding, type Located, place, relocate, type TrackedFinding } from '../../../../core/src/send';

const RELOCATE_DELAY_MS = 150;

const SEVERITY: Record<KrakenFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export class KrakenDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('kraken');
  private readonly tracked = new Map<string, TrackedFinding[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Bumped on every set/clear of a document, so a relocation that finishes late does not undo them. */
  private readonly generation = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && this.tracked.has(e.document.uri.toString())) this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.clear(doc.uri)),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  private async locate(doc: vscode.TextDocument, paths: string[]): Promise<LocatePathsResult | undefined> {
    if (!paths.length) return [];
    try {
      return await this.client.sendRequest<LocatePathsResult>(LocatePathsRequest, { uri: doc.uri.toString(), paths });
    } catch (error) {
      this.log.warn(`locatePaths failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private bump(key: string): number {
    const next = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, next);
    return next;
  }

  /** Replaces the document's Kraken diagnostics with these findings (an empty list clears them). */
  async set(doc: vscode.TextDocument, findings: KrakenFinding[]): Promise<void> {
    const key = doc.uri.toString();
    const gen = this.bump(key);
    clearTimeout(this.timers.get(key));
    if (!findings.length) {
      this.clear(doc.uri);
      return;
    }
    const paths = findings.map((f) => f.path).filter((p): p is string => p !== null);
    const located = await this.locate(doc, paths);
    if (this.generation.get(key) !== gen) return;
    const firstLine = firstLineRange(doc.lineCount ? doc.lineAt(0).text : '');
    let i = 0;
    const tracked = findings.map((f) => {
      const loc: Located = f.path === null ? undefined : located?.[i++];
      const t = place(f, loc, firstLine);
      // A path that does not exist (a missing required field) sits on its nearest ancestor: name it.
      return loc && !loc.exact && f.path ? { ...t, message: `${f.path}: ${t.message}` } : t;
    });
    this.tracked.set(key, tracked);
    this.publish(doc.uri, tracked);
  }

  clear(uri?: vscode.Uri): void {
    if (!uri) {
      for (const k of this.tracked.keys()) this.bump(k);
      this.tracked.clear();
      this.collection.clear();
      return;
    }
    const key = uri.toString();
    this.bump(key);
    clearTimeout(this.timers.get(key));
    this.tracked.delete(key);
    this.collection.delete(uri);
  }

  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  private schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    // After a short pause: the language client has sent the change to the server by then.
    this.timers.set(
      key,
      setTimeout(() => void this.relocateAll(doc), RELOCATE_DELAY_MS),
    );
  }

  private async relocateAll(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    this.timers.delete(key);
    const current = this.tracked.get(key);
    if (!current?.length || doc.isClosed) return;
    const gen = this.generation.get(key);
    const version = doc.version;
    const paths = current.map((f) => f.path).filter((p): p is string => p !== null);
    const located = await this.locate(doc, paths);
    // Edited again meanwhile (another pass is scheduled), or replaced/cleared: this answer is stale.
    if (this.generation.get(key) !== gen || doc.version !== version || doc.isClosed) return;
    const firstLine = firstLineRange(doc.lineCount ? doc.lineAt(0).text : '');
    let i = 0;
    const next: TrackedFinding[] = [];
    for (const f of current) {
      const loc: Located = f.path === null ? undefined : located?.[i++];
      const moved = relocate(f, located === undefined ? undefined : loc, firstLine);
      if (moved) next.push(moved);
    }
    if (next.length) this.tracked.set(key, next);
    else this.tracked.delete(key);
    this.publish(doc.uri, next);
  }

  private publish(uri: vscode.Uri, findings: TrackedFinding[]): void {
    this.collection.set(
      uri,
      findings.map((f) => {
        const d = new vscode.Diagnostic(toRange(f.range ?? firstLineRange('')), f.message, SEVERITY[f.severity]);
        d.source = 'Kraken';
        if (f.code) d.code = f.code;
        return d;
      }),
    );
  }
}
