// The instance contract in a real VS Code (code-server, see test/ui/README.md): the extension from this repository
// (dist/: run `node scripts/build.mjs` first) with `krakenImport.contract` pointing at the shared EDF GB contract, and
// the suite test/exthost/suite/contract.ts in its extension host.
//   node scripts/build.mjs && node --test --test-reporter=spec out/exthost/contract.exthost.js
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../tools/codeServer';
import { runExtensionTests } from './runInCodeServer';

test(
  'krakenImport.contract: the GB file, the AU file, a URL fetched and then used offline from the cache',
  { timeout: 420_000 },
  async () => {
    const root = repoRoot();
    const lines: string[] = [];
    const code = await runExtensionTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'exthost', 'suite', 'contract.js'),
      settings: { 'krakenImport.contract': join(root, '..', 'shared', 'kraken-openapi', 'edf-gb.openapi.yml') },
      timeoutMs: 400_000,
      log: (line) => {
        lines.push(line);
        process.stdout.write(line + '\n');
      },
    });
    assert.equal(code, 0, lines.join('\n'));
    assert.ok(
      lines.some((l) => l.includes('contract: GB file, AU file, URL fetched / 304 / offline from the cache, bundled: all done')),
      'the suite ran to its end',
    );
  },
);
