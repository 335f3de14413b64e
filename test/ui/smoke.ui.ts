// Proves the real-VS-Code UI harness end to end with a throwaway extension generated here (not kraken-import):
// package it with vsce, install the .vsix into an isolated code-server, open a workspace with a .json file,
// and see, as a person would, the extension's error squiggle, its Problems entry and its status bar item.
//
// Build and run (after scripts/setup-code-server.sh):
//   npx esbuild test/ui/smoke.ui.ts --bundle --platform=node --target=node20 --packages=external \
//     --outfile=out/ui/smoke.ui.js && node --test --test-reporter=spec out/ui/smoke.ui.js
// Screenshots land in .test-output/ui/smoke-*.png.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  collectConsole,
  launchBrowser,
  openProblems,
  openWorkbench,
  openWorkspaceFile,
  readProblems,
  repoRoot,
  screenshot,
  startCodeServer,
  waitForProblem,
  waitForSquiggle,
  type CodeServer,
} from './codeServer';

const MESSAGE = 'Harness smoke: this file was seen by the throwaway extension';
const STATUS = 'Harness smoke active';

/** Writes the throwaway extension into `dir` and packages it; returns the .vsix path. */
export function makeSmokeExtension(dir: string): string {
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
  status.text = ${JSON.stringify(STATUS)};
  status.show();
  const check = (doc) => {
    if (doc.languageId !== 'json' && !doc.fileName.endsWith('.json')) return;
    const end = Math.max(1, doc.lineAt(0).text.length);
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, end), ${JSON.stringify(MESSAGE)}, vscode.DiagnosticSeverity.Error);
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
  const vsix = join(dir, 'harness-smoke-0.0.1.vsix');
  // No repository/LICENSE in a throwaway: vsce would prompt (and fail without a TTY) unless told.
  execFileSync(
    join(repoRoot(), 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return vsix;
}

let scratch: string;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
let consoleLines: string[] = [];
const timings: Record<string, number> = {};

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kraken-ui-smoke-'));
  let t = Date.now();
  const vsix = makeSmokeExtension(join(scratch, 'ext'));
  timings.packageMs = Date.now() - t;
  const workspace = join(scratch, 'workspace');
  mkdirSync(join(workspace, 'nested'), { recursive: true });
  writeFileSync(join(workspace, 'payload.json'), '{\n  "hello": "world"\n}\n');
  writeFileSync(join(workspace, 'nested', 'other.json'), '{ "nested": true }\n');
  writeFileSync(join(workspace, 'notes.txt'), 'not json\n');

  t = Date.now();
  server = await startCodeServer({ workspace, extensionVsix: vsix });
  timings.installAndStartMs = Date.now() - t;
  timings.spawnToHealthzMs = server.startupMs;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
  console.log('timings (ms):', JSON.stringify(timings));
});

test('a vsix-installed extension shows its squiggle, Problems entry and status bar item', { timeout: 180_000 }, async (t) => {
  const navigated = Date.now();
  page = await openWorkbench(browser!, server!);
  consoleLines = collectConsole(page);
  timings.workbenchMs = Date.now() - navigated;
  try {
    await screenshot(page, 'smoke-1-workbench');

    await openWorkspaceFile(page, 'payload.json');
    const squiggles = await waitForSquiggle(page, 'error', { timeoutMs: 60_000 });
    timings.navigationToSquiggleMs = Date.now() - navigated;
    assert.ok(squiggles >= 1, 'an error squiggle');
    await page.waitForSelector(`.statusbar-item:has-text("${STATUS}")`, { timeout: 15_000 });
    await screenshot(page, 'smoke-2-squiggle');

    await openProblems(page);
    const problems = await waitForProblem(page, MESSAGE);
    t.diagnostic(`problems: ${JSON.stringify(problems)}`);
    assert.equal(problems.length, 1, 'one marker row');
    assert.match(problems[0], /harness-smoke/);
    await screenshot(page, 'smoke-3-problems');

    // A file in a folder: the Explorer helper expands it; the extension flags it too.
    await openWorkspaceFile(page, 'nested/other.json');
    await waitForProblem(page, /other\.json|nested/);
    const after = await readProblems(page);
    assert.equal(after.length, 2, `two marker rows, got ${JSON.stringify(after)}`);
    await screenshot(page, 'smoke-4-nested');
  } catch (e) {
    await screenshot(page, 'smoke-failure').catch(() => undefined);
    console.error(consoleLines.join('\n'));
    throw e;
  }
});
