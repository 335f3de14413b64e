// Proves test/exthost/runInCodeServer.ts with a throwaway extension (test/ui/smokeExtension.ts) and tiny mocha
// suites generated in a temp dir: a passing suite must give exit code 0, a failing one 1, and the extension
// host's mocha output must reach us.
//
// Build and run (after scripts/setup-code-server.sh):
//   npx esbuild test/exthost/selftest.exthost.ts --bundle --platform=node --target=node20 --packages=external \
//     --outfile=out/exthost/selftest.exthost.js && node --test --test-reporter=spec out/exthost/selftest.exthost.js

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../../tools/codeServer';
import { SMOKE_ID, SMOKE_MESSAGE, writeSmokeExtension } from '../ui/smokeExtension';
import { runExtensionTests } from './runInCodeServer';

let scratch: string;
let ext: string;
let workspace: string;

/** Writes <ext>/test/<name>.js: a mocha entry (run()) over the given test files. */
function writeSuite(name: string, files: string[]): string {
  const mochaPath = require.resolve('mocha', { paths: [repoRoot()] });
  const entry = join(ext, 'test', `${name}.js`);
  writeFileSync(
    entry,
    `const path = require('path');
const Mocha = require(${JSON.stringify(mochaPath)});
exports.run = function run() {
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 20000 });
  for (const f of ${JSON.stringify(files)}) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(failures + ' tests failed.')) : resolve()));
  });
};
`,
  );
  return entry;
}

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'kraken-exthost-selftest-'));
  ext = join(scratch, 'ext');
  writeSmokeExtension(ext);
  mkdirSync(join(ext, 'test'), { recursive: true });
  writeFileSync(
    join(ext, 'test', 'smoke.test.js'),
    `const assert = require('assert');
const path = require('path');
const vscode = require('vscode');
suite('harness smoke extension', () => {
  test('the workspace folder is the one we asked for', () => {
    const folders = vscode.workspace.workspaceFolders || [];
    assert.strictEqual(folders.length, 1);
    assert.strictEqual(folders[0].uri.fsPath, ${JSON.stringify(join(scratch, 'workspace'))});
  });
  test('it activates and flags a JSON document', async () => {
    const ext = vscode.extensions.getExtension(${JSON.stringify(SMOKE_ID)});
    assert.ok(ext, 'extension present');
    const doc = await vscode.workspace.openTextDocument(path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 'payload.json'));
    await ext.activate();
    let diags = vscode.languages.getDiagnostics(doc.uri);
    if (diags.length === 0) {
      await new Promise((resolve) => {
        const sub = vscode.languages.onDidChangeDiagnostics(() => {
          if (vscode.languages.getDiagnostics(doc.uri).length) { sub.dispose(); resolve(); }
        });
      });
      diags = vscode.languages.getDiagnostics(doc.uri);
    }
    assert.strictEqual(diags.length, 1);
    assert.strictEqual(diags[0].message, ${JSON.stringify(SMOKE_MESSAGE)});
    assert.strictEqual(diags[0].range.start.line, 0);
    console.log('format check: %s has %d diagnostic(s)', path.basename(doc.fileName), diags.length);
  });
});
`,
  );
  writeFileSync(
    join(ext, 'test', 'failing.test.js'),
    `const assert = require('assert');
suite('deliberately failing', () => {
  test('one plus one is three', () => { assert.strictEqual(1 + 1, 3); });
});
`,
  );
  workspace = join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'payload.json'), '{ "hello": "world" }\n');
});

after(() => rmSync(scratch, { recursive: true, force: true }));

async function runSuite(entry: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runExtensionTests({
    extensionDevelopmentPath: ext,
    extensionTestsPath: entry,
    workspace,
    timeoutMs: 120_000,
    log: (l) => {
      out.push(l);
      process.stdout.write(`    | ${l}\n`);
    },
  });
  return { code, out };
}

test('a passing mocha suite in the extension host exits 0', { timeout: 150_000 }, async () => {
  const { code, out } = await runSuite(writeSuite('pass', ['smoke.test.js']));
  assert.equal(code, 0);
  const text = out.join('\n');
  assert.match(text, /2 passing/);
  assert.match(text, /format check: payload\.json has 1 diagnostic\(s\)/);
  assert.match(text, /harness-smoke activated/);
});

test('a failing mocha suite in the extension host exits 1', { timeout: 150_000 }, async () => {
  const { code, out } = await runSuite(writeSuite('fail', ['smoke.test.js', 'failing.test.js']));
  assert.equal(code, 1);
  const text = out.join('\n');
  assert.match(text, /2 passing/);
  assert.match(text, /1 failing/);
  assert.match(text, /one plus one is three/);
});
