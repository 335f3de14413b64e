// A throwaway extension (not kraken-import) that proves the real-VS-Code harness: on activation for JSON it puts
// one error on line 1 of every .json document and shows a status bar item. Used by test/ui/smoke.ui.ts (packaged
// as a .vsix) and test/exthost/selftest.exthost.ts (loaded as an extension development path).

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../tools/codeServer';

export const SMOKE_ID = 'kraken-import-test.harness-smoke';
export const SMOKE_MESSAGE = 'Harness smoke: this file was seen by the throwaway extension';
export const SMOKE_STATUS = 'Harness smoke active';

/** Writes the extension's files (package.json, extension.js, README.md) into `dir`. */
export function writeSmokeExtension(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'harness-smoke',
        displayName: 'Harness smoke',
        description: 'Throwaway extension that proves the code-server test harness',
        publisher: 'kraken-import-test',
        version: '0.0.1',
        license: 'MIT',
        engines: { vscode: '^1.100.0' },
        main: './extension.js',
        activationEvents: ['onLanguage:json'],
        contributes: { commands: [{ command: 'harnessSmoke.hello', title: 'Harness Smoke: Hello' }] },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'extension.js'),
    `const vscode = require('vscode');
exports.activate = function activate(context) {
  const diagnostics = vscode.languages.createDiagnosticCollection('harness-smoke');
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 1000);
  status.text = ${JSON.stringify(SMOKE_STATUS)};
  status.show();
  const check = (doc) => {
    if (doc.languageId !== 'json' && !doc.fileName.endsWith('.json')) return;
    // Only the workspace's files: the workbench may load the user's settings.json as a document too.
    if (!vscode.workspace.getWorkspaceFolder(doc.uri)) return;
    const end = Math.max(1, doc.lineAt(0).text.length);
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, end), ${JSON.stringify(SMOKE_MESSAGE)}, vscode.DiagnosticSeverity.Error);
    d.source = 'harness-smoke';
    d.code = 'HS001';
    diagnostics.set(doc.uri, [d]);
  };
  vscode.workspace.textDocuments.forEach(check);
  context.subscriptions.push(
    diagnostics,
    status,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.commands.registerCommand('harnessSmoke.hello', () => vscode.window.showInformationMessage('hello')),
  );
  console.log('harness-smoke activated');
};
exports.deactivate = function deactivate() {};
`,
  );
  writeFileSync(join(dir, 'README.md'), '# Harness smoke\n\nThrowaway extension for the code-server test harness.\n');
}

/** Packages the extension folder with the repo's vsce; returns the .vsix path. */
export function packageExtension(dir: string, out = join(dir, 'extension.vsix')): string {
  // A throwaway has no repository field or LICENSE file: vsce would prompt (and fail without a TTY) unless told.
  execFileSync(
    join(repoRoot(), 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return out;
}

/** Writes and packages the extension; returns the .vsix path. */
export function makeSmokeExtension(dir: string): string {
  writeSmokeExtension(dir);
  return packageExtension(dir, join(dir, 'harness-smoke-0.0.1.vsix'));
}
