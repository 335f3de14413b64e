/**
 * Kraken's answers in editor tabs: a read-only file (`kraken-response:` scheme, a read-only file system provider:
 * the editor shows it locked and nothing can be written to it; `.json`, so highlighting and folding come from VS
 * Code's JSON mode) per call, a history kept in the workspace state (redacted, at most
 * MAX_STORED_RESPONSES calls), a quick pick to reopen one, and "Copy as cURL". The texts are made by
 * ../responses.ts.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExchangeRecord } from '../../../../core/src/kraken';
import {
  addResponse,
  RESPONSE_SCHEME,
  responseDocumentPath,
  responseDocumentText,
  storable,
  toCurl,
  type StoredResponse,
} from '../../../../core/src/send';

const STATE_KEY = 'krakenImport.responseHistory';

export class ResponseView implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      this.changed,
      vscode.workspace.registerFileSystemProvider(RESPONSE_SCHEME, this, { isReadonly: true, isCaseSensitive: true }),
    );
  }

  // ---- the read-only file system: one file per kept call
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const e = this.find(uri);
    if (!e) {
      if (uri.path === '/' || uri.path.split('/').length === 2) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    const t = Date.parse(e.at);
    return {
      type: vscode.FileType.File,
      ctime: t,
      mtime: t,
      size: Buffer.byteLength(responseDocumentText(e)),
      permissions: vscode.FilePermission.Readonly,
    };
  }
  readFile(uri: vscode.Uri): Uint8Array {
    const e = this.find(uri);
    if (!e) throw vscode.FileSystemError.FileNotFound(uri);
    return Buffer.from(responseDocumentText(e), 'utf8');
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  list(): StoredResponse[] {
    return this.context.workspaceState.get<StoredResponse[]>(STATE_KEY) ?? [];
  }

  uriOf(e: StoredResponse): vscode.Uri {
    return vscode.Uri.from({ scheme: RESPONSE_SCHEME, path: responseDocumentPath(e) });
  }

  find(uri: vscode.Uri): StoredResponse | undefined {
    const id = uri.path.split('/')[1];
    return this.list().find((e) => e.id === id);
  }

  /** Keeps a call (redacted, bounded) and returns the stored entry. */
  async add(entry: {
    environment: string;
    action: string;
    account: string;
    message: string;
    document?: vscode.Uri;
    exchange: ExchangeRecord;
  }): Promise<StoredResponse> {
    const stored = storable({
      id: `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
      at: new Date().toISOString(),
      environment: entry.environment,
      action: entry.action,
      account: entry.account,
      message: entry.message,
      ...(entry.document ? { document: vscode.workspace.asRelativePath(entry.document) } : {}),
      exchange: entry.exchange,
    });
    await this.context.workspaceState.update(STATE_KEY, addResponse(this.list(), stored));
    return stored;
  }

  /** Opens the call's tab beside the payload, without taking the focus from it. */
  async open(e: StoredResponse, options: { preserveFocus?: boolean; beside?: boolean } = {}): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(this.uriOf(e));
    if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
    return vscode.window.showTextDocument(doc, {
      viewColumn: options.beside === false ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside,
      preserveFocus: options.preserveFocus ?? true,
      preview: true,
    });
  }

  /** Quick pick over the history (newest first); resolves with the entry opened. */
  async pick(placeHolder = 'Kraken responses of this workspace (newest first)'): Promise<StoredResponse | undefined> {
    const items = this.list().map((e) => ({
      label: `${e.exchange.status ?? e.exchange.failure?.reason ?? '—'} ${e.action} — ${e.account}`,
      description: `${e.environment} · ${e.exchange.method} ${new URL(e.exchange.url).pathname}`,
      detail: `${e.at.replace('T', ' ').slice(0, 19)} UTC · ${e.message}`,
      entry: e,
      buttons: [{ iconPath: new vscode.ThemeIcon('terminal'), tooltip: 'Copy as cURL' }],
    }));
    if (!items.length) {
      void vscode.window.showInformationMessage('No Kraken responses in this workspace yet: send a payload to Kraken first.');
      return undefined;
    }
    const qp = vscode.window.createQuickPick<(typeof items)[number]>();
    qp.items = items;
    qp.placeholder = placeHolder;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    return new Promise((resolve) => {
      let done = false;
      const finish = (e: StoredResponse | undefined) => {
        if (done) return;
        done = true;
        qp.dispose();
        resolve(e);
      };
      qp.onDidTriggerItemButton(async ({ item }) => {
        await this.copyCurl(item.entry);
      });
      qp.onDidAccept(async () => {
        const item = qp.selectedItems[0];
        if (item) await this.open(item.entry, { preserveFocus: false, beside: false });
        finish(item?.entry);
      });
      qp.onDidHide(() => finish(undefined));
      qp.show();
    });
  }

  async copyCurl(e: StoredResponse): Promise<string> {
    const text = toCurl(e);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(
      `Copied as cURL: ${e.exchange.method} ${new URL(e.exchange.url).pathname} (the key is $KRAKEN_API_KEY).`,
    );
    return text;
  }
}
