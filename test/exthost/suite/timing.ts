// Timings for the bench (`npm run bench -- --only vscode`, bench/run.ts), taken inside a real extension host: how
// long kraken-import's activation takes (the activate() call, before any JSON editor is open), and how long from
// opening a payload to the language server's first diagnostics on it. It prints one line, `KRAKEN_TIMING {json}`,
// and asserts nothing: the bench reads the figures. Whether the language server and the extension found their V8 code
// caches (core/src/codeCache.ts) is in the line too; at the end the suite stops the language client as a window's close
// does, so the server exits cleanly and writes that cache for the next run that shares the cache folder.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { codeCacheDir } from '../../../core/src/codeCache';

const EXTENSION_ID = 'kraken-import.kraken-import';
/** A payload with findings (examples/mistakes/), so that its first diagnostics are an event, not an empty list. */
const PAYLOAD = join('mistakes', 'account-with-mistakes.json');

/** Resolves when the document has diagnostics from kraken-import's server (checked now and on every change). */
function firstDiagnostics(uri: vscode.Uri): Promise<void> {
  return new Promise((resolve) => {
    const ours = () => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'kraken-import');
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && ours()) {
        sub.dispose();
        resolve();
      }
    });
    if (ours()) {
      sub.dispose();
      resolve();
    }
  });
}

/** Code cache files of a bundle (`server-main`, `client-main`) in the folder the loaders use (core/src/codeCache.ts). */
function codeCacheFiles(bundle: string): number {
  const dir = codeCacheDir();
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(`${bundle}-`) && f.endsWith('.bin')).length : 0;
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!ext || !folder) throw new Error(`${EXTENSION_ID} or the workspace (a copy of examples/) is missing`);
  const alreadyActive = ext.isActive;
  const codeCache = codeCacheFiles('server-main') > 0;
  // The extension's own (dist/client.js loads dist/client-main.js through it): written when an extension host exits.
  const clientCodeCache = codeCacheFiles('client-main') > 0;
  const t0 = performance.now();
  const api = (await ext.activate()) as { client: { stop(): Promise<void> } };
  const activateMs = performance.now() - t0;
  const uri = vscode.Uri.file(join(folder.uri.fsPath, PAYLOAD));
  const t1 = performance.now();
  const diagnosed = firstDiagnostics(uri);
  await vscode.window.showTextDocument(uri);
  await diagnosed;
  const firstDiagnosticsMs = performance.now() - t1;
  console.log(`KRAKEN_TIMING ${JSON.stringify({ alreadyActive, codeCache, clientCodeCache, activateMs, firstDiagnosticsMs })}`);
  await api.client.stop();
}
