// Secrets, faults and personal data in a real VS Code (code-server, see test/ui/README.md): the extension from this
// repository (dist/: run `node scripts/build.mjs` first) and test/exthost/suite/secrets.ts in its extension host, on
// an empty scratch workspace. What it proves is described at the top of the suite.
//   node scripts/build.mjs && node --test --test-reporter=spec out/exthost/secrets.exthost.js
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../tools/codeServer';
import { runExtensionTests } from './runInCodeServer';

test(
  'the API key and Kraken tokens never reach settings, logs, output channels, messages or diagnostics; faults reported, documents untouched',
  { timeout: 330_000 },
  async () => {
    const root = repoRoot();
    const lines: string[] = [];
    const code = await runExtensionTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'exthost', 'suite', 'secrets.js'),
      // VS Code for the web saves after a delay by default; desktop does not. Off, so "unsaved edits survive" is seen.
      settings: { 'files.autoSave': 'off' },
      timeoutMs: 300_000,
      log: (line) => {
        lines.push(line);
        process.stdout.write(line + '\n');
      },
    });
    assert.equal(code, 0, lines.join('\n'));
    assert.ok(
      lines.some((l) => l.includes('secrets: all done')),
      'the suite ran to its end',
    );
  },
);
