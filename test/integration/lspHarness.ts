/**
 * A real LSP conversation with the built server (dist/server.js over stdio): JSON-RPC framing written here so the
 * test talks to the server exactly as an editor does, with no client library in between.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';

import { REPO_ROOT } from '../helpers';

export { REPO_ROOT };
export const SERVER = path.join(REPO_ROOT, 'dist', 'server.js');

export interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Array<{
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity?: number;
    code?: string | number;
    source?: string;
    message: string;
    data?: unknown;
  }>;
}

/** What VS Code's client announces of what the server uses (snippets, code action literals, pull diagnostics with refresh). */
export const VSCODE_LIKE_CAPABILITIES = {
  general: { positionEncodings: ['utf-16'] },
  window: { workDoneProgress: true, showDocument: { support: true } },
  workspace: {
    configuration: true,
    applyEdit: true,
    workspaceFolders: true,
    diagnostics: { refreshSupport: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
  },
  textDocument: {
    completion: { completionItem: { snippetSupport: true } },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'source', 'source.fixAll'] } } },
  },
};

type Waiter = { predicate: (m: Message) => boolean; resolve: (m: Message) => void };

export class LspServer {
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly waiters: Waiter[] = [];
  /** Every notification received, in order. */
  readonly notifications: Message[] = [];
  readonly stderr: string[] = [];
  private versions = new Map<string, number>();
  /** Settings returned for workspace/configuration requests. */
  settings: Record<string, unknown> = {};
  /** Every request the server sent to this client, in order. */
  readonly serverRequests: Message[] = [];
  /** Answers a server request (default: workspace/configuration from `settings`, null for the rest). */
  answer?: (method: string, params: unknown) => unknown;

  constructor(readonly process: ChildProcessWithoutNullStreams) {
    process.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (message.id !== undefined && message.method === undefined) {
      const p = this.pending.get(Number(message.id));
      if (!p) return;
      this.pending.delete(Number(message.id));
      if (message.error) p.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else p.resolve(message.result);
      return;
    }
    if (message.id !== undefined && message.method) {
      // A request from the server.
      this.serverRequests.push(message);
      let result: unknown = null;
      if (this.answer) result = this.answer(message.method, message.params) ?? null;
      else if (message.method === 'workspace/configuration') {
        const items = (message.params as { items: Array<{ section?: string }> }).items;
        result = items.map((i) => (i.section ? (this.settings[i.section] ?? null) : this.settings));
      }
      this.write({ jsonrpc: '2.0', id: message.id, result });
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].predicate(message)) {
          this.waiters[i].resolve(message);
          this.waiters.splice(i, 1);
        }
      }
      return;
    }
    this.notifications.push(message);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].predicate(message)) {
        this.waiters[i].resolve(message);
        this.waiters.splice(i, 1);
      }
    }
  }

  private write(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.process.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.process.stdin.write(body);
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the first notification (already received or future) that matches. */
  waitFor(predicate: (m: Message) => boolean, since = 0): Promise<Message> {
    const seen = this.notifications.slice(since).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  /** The next publishDiagnostics for a URI that satisfies the predicate (default: any), after `since`. */
  async waitForDiagnostics(
    uri: string,
    predicate: (d: PublishedDiagnostics) => boolean = () => true,
    since = 0,
  ): Promise<PublishedDiagnostics> {
    const m = await this.waitFor(
      (n) =>
        n.method === 'textDocument/publishDiagnostics' &&
        (n.params as PublishedDiagnostics).uri === uri &&
        predicate(n.params as PublishedDiagnostics),
      since,
    );
    return m.params as PublishedDiagnostics;
  }

  /** The first request from the server (already received or future) that matches. */
  waitForServerRequest(predicate: (m: Message) => boolean): Promise<Message> {
    const seen = this.serverRequests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) =>
      this.waiters.push({ predicate: (m) => m.method !== undefined && m.id !== undefined && predicate(m), resolve }),
    );
  }

  async initialize(
    capabilities: Record<string, unknown> = {},
    initializationOptions?: unknown,
    extra: Record<string, unknown> = {},
  ): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions,
      ...extra,
    });
    this.notify('initialized', {});
    return result;
  }

  open(uri: string, text: string, languageId = 'json'): number {
    const since = this.notifications.length;
    this.versions.set(uri, 1);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return since;
  }

  /** Replaces the whole text (or applies ranged edits) and returns the notification index to wait from. */
  change(
    uri: string,
    changes: Array<{ text: string; range?: { start: { line: number; character: number }; end: { line: number; character: number } } }>,
  ): number {
    const since = this.notifications.length;
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return since;
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  close(uri: string): void {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  async shutdown(): Promise<void> {
    if (this.process.exitCode !== null) return;
    await this.request('shutdown', null);
    this.notify('exit', null);
    if (this.process.exitCode === null) await once(this.process, 'exit');
  }
}

export function startLspServer(args: string[] = ['--stdio'], command: string[] = [SERVER], env?: Record<string, string>): LspServer {
  const child = spawn(process.execPath, [...command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  return new LspServer(child);
}
