// "Kraken Import: New Payload…" in a real VS Code (code-server, see test/ui/README.md): the extension from this
// repository (dist/client.js, dist/server.js: run `node scripts/build.mjs` first) and the suite
// test/exthost/suite/newPayload.ts in its extension host.
//   node scripts/build.mjs && node --test --test-reporter=spec out/exthost/newPayload.exthost.js
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../tools/codeServer';
import { runExtensionTests } from './runInCodeServer';

test(
  'New Payload… opens the template of the chosen kind and market with the cursor on the first placeholder',
  { timeout: 330_000 },
  async () => {
    const root = repoRoot();
    const lines: string[] = [];
    const code = await runExtensionTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'exthost', 'suite', 'newPayload.js'),
      timeoutMs: 300_000,
      log: (line) => {
        lines.push(line);
        process.stdout.write(line + '\n');
      },
    });
    assert.equal(code, 0, lines.join('\n'));
    assert.ok(
      lines.some((l) => l.includes('New Payload: account (DE, GB) and notes templates inserted as snippets')),
      'the suite ran to its end',
    );
  },
);
