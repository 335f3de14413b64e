/**
 * Runs inside the extension host (see test/exthost/workspaceValidation.exthost.ts), on a workspace with payloads
 * (accounts/*.json, a .jsonl wave) and files that must be left out (node_modules, package.json, a send journal):
 * "Kraken Import: Validate Workspace" fills the Problems panel for files that were never opened, a rerun validates
 * only what changed, an open document is left to the language server (no duplicate findings), a deleted file's
 * findings go away.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';

interface Summary {
  validated: number;
  unchanged: number;
  open: number;
  errors: number;
  warnings: number;
  filesWithProblems: number;
  cancelled: boolean;
}

async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 20000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const codes = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).map((d) => `${typeof d.code === 'object' ? d.code.value : d.code}@${d.range.start.line}`);

export async function run(): Promise<void> {
  const ext = vscode.extensions.all.find((e) => (e.packageJSON as { name?: string }).name === 'kraken-import');
  assert.ok(ext, 'the kraken-import extension is loaded');
  await ext.activate();
  assert.ok((await vscode.commands.getCommands(true)).includes('krakenImport.validateWorkspace'));
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const at = (p: string) => vscode.Uri.joinPath(folder, p);
  const run1 = await vscode.commands.executeCommand<Summary>('krakenImport.validateWorkspace');
  console.log(`first run: ${JSON.stringify(run1)}`);
  assert.equal(run1.validated, 4, 'accounts/bad.json, accounts/good.json, waves/wave.jsonl, waves/other.json');
  assert.equal(run1.unchanged, 0);
  assert.equal(run1.errors, 3);
  assert.equal(run1.filesWithProblems, 3);

  assert.deepEqual(codes(at('accounts/bad.json')), ['invalid-enum@2']);
  assert.deepEqual(codes(at('accounts/good.json')), []);
  assert.deepEqual(codes(at('waves/wave.jsonl')), ['invalid-enum@1']);
  assert.deepEqual(codes(at('waves/other.json')), ['invalid-enum@1']);
  for (const skipped of ['node_modules/lib/bad.json', 'package.json', 'kraken-import.journal.jsonl'])
    assert.deepEqual(codes(at(skipped)), [], skipped);
  const d = vscode.languages.getDiagnostics(at('accounts/bad.json'))[0];
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(d.source, 'kraken-import');

  // Nothing changed: nothing validated again, the findings stay.
  const run2 = await vscode.commands.executeCommand<Summary>('krakenImport.validateWorkspace');
  assert.equal(run2.validated, 0);
  assert.equal(run2.unchanged, 4);
  assert.deepEqual(codes(at('accounts/bad.json')), ['invalid-enum@2']);

  // Fix one file on disk: only it is validated again, and its finding goes.
  const bad = new TextDecoder().decode(await vscode.workspace.fs.readFile(at('accounts/bad.json')));
  await vscode.workspace.fs.writeFile(at('accounts/bad.json'), new TextEncoder().encode(bad.replace('"direct"', '"DIRECT"')));
  const run3 = await vscode.commands.executeCommand<Summary>('krakenImport.validateWorkspace');
  assert.equal(run3.validated, 1);
  assert.equal(run3.unchanged, 3);
  assert.deepEqual(codes(at('accounts/bad.json')), []);

  // An open document belongs to the language server: its finding is shown once, not twice.
  const doc = await vscode.workspace.openTextDocument(at('waves/other.json'));
  await vscode.window.showTextDocument(doc);
  await waitFor("the server's diagnostics", () => (vscode.languages.getDiagnostics(doc.uri).length ? true : undefined));
  const run4 = await vscode.commands.executeCommand<Summary>('krakenImport.validateWorkspace');
  assert.equal(run4.open, 1);
  assert.deepEqual(codes(doc.uri), ['invalid-enum@1'], "one finding: the language server's");

  // A deleted file's findings go away.
  await vscode.workspace.fs.delete(at('waves/wave.jsonl'));
  await waitFor("the deleted file's findings to go", () => (codes(at('waves/wave.jsonl')).length ? undefined : true));
  console.log('Validate Workspace: files on disk validated, rerun only changed, open documents left to the server');
}
