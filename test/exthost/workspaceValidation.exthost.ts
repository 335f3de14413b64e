// "Kraken Import: Validate Workspace" in a real VS Code (code-server, see test/ui/README.md): the extension from this
// repository (dist/: run `node scripts/build.mjs` first) and test/exthost/suite/workspaceValidation.ts in its
// extension host, on a scratch workspace written here.
//   node scripts/build.mjs && node --test --test-reporter=spec out/exthost/workspaceValidation.exthost.js
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../tools/codeServer';
import { runExtensionTests } from './runInCodeServer';
import { smallAccount } from '../fixtures/smallAccount';

test(
  'Validate Workspace fills Problems from files on disk, reruns only changed files, leaves open documents to the server',
  { timeout: 330_000 },
  async () => {
    const root = repoRoot();
    const workspace = mkdtempSync(join(tmpdir(), 'kraken-ws-validate-'));
    // A small account the service finds nothing in (not even hints).
    const seed = smallAccount('WS-1');
    const write = (p: string, text: string) => {
      mkdirSync(dirname(join(workspace, p)), { recursive: true });
      writeFileSync(join(workspace, p), text);
    };
    // The error on line 3 (0-based 2) of bad.json, on line 2 (0-based 1) of the wave.
    const bad = `{\n  "import_supplier": "TENTACLE_ENERGY",\n  "sales_channel": "direct",\n  "customers": []\n}\n`;
    write('accounts/bad.json', bad);
    write('accounts/good.json', JSON.stringify(seed, null, 2));
    write('waves/wave.jsonl', `${JSON.stringify(seed)}\n${JSON.stringify({ ...seed, sales_channel: 'direct' })}\n`);
    write('waves/other.json', `{"import_supplier": "TENTACLE_ENERGY",\n "customers": [], "sales_channel": "direct"}`);
    write('node_modules/lib/bad.json', bad);
    write('package.json', '{"name": "x", "version": "1.0.0"}');
    write('kraken-import.journal.jsonl', '{"v":1,"env":"x","key":"k","phase":"attempt"}\n');
    const lines: string[] = [];
    try {
      const code = await runExtensionTests({
        extensionDevelopmentPath: root,
        extensionTestsPath: join(root, 'out', 'exthost', 'suite', 'workspaceValidation.js'),
        workspace,
        timeoutMs: 300_000,
        log: (line) => {
          lines.push(line);
          process.stdout.write(line + '\n');
        },
      });
      assert.equal(code, 0, lines.join('\n'));
      assert.ok(
        lines.some((l) => l.includes('Validate Workspace: files on disk validated')),
        'the suite ran to its end',
      );
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  },
);
