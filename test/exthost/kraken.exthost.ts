// Runs the extension-host suite (test/exthost/suite, built to out/exthost/suite) inside code-server with
// kraken-import loaded from the repository as an extension under development, on a workspace copy of examples/.
// Build and run (after scripts/setup-code-server.sh):
//   node scripts/build.mjs && node --test --test-reporter=spec out/exthost/kraken.exthost.js
// The same suite runs in desktop VS Code with `npm run test:electron` (test/exthost/electron.ts).
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../tools/codeServer';
import { runExtensionTests } from './runInCodeServer';

test('the kraken-import extension-host suite passes in code-server', { timeout: 300_000 }, async () => {
  const root = repoRoot();
  const suite = join(root, 'out', 'exthost', 'suite', 'index.js');
  for (const f of [suite, join(root, 'dist', 'client.js'), join(root, 'dist', 'server.js')]) {
    assert.ok(existsSync(f), `${f} missing: run node scripts/build.mjs`);
  }
  const workspace = join(mkdtempSync(join(tmpdir(), 'kraken-exthost-')), 'examples');
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  const out: string[] = [];
  try {
    const code = await runExtensionTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: suite,
      workspace,
      timeoutMs: 240_000,
      log: (l) => {
        out.push(l);
        process.stdout.write(`    | ${l}\n`);
      },
    });
    assert.equal(code, 0, 'the suite exits 0');
    assert.match(out.join('\n'), /\d+ passing/);
    assert.doesNotMatch(out.join('\n'), /\d+ failing/);
  } finally {
    rmSync(join(workspace, '..'), { recursive: true, force: true });
  }
});
