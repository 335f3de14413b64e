// The wave features in a real VS Code (code-server, see test/ui/README.md): a v1 wave with faults sent in two
// shards against the local sandbox (in this process) by the CLI's send, then test/exthost/suite/waves.ts in the
// extension host: Open Send Journal (diagnostics at exact ranges, the tree, a click), the report webview,
// Reconcile Wave with Kraken, a Kraken call's response tab and Copy as cURL. The suite asks for screenshots
// (docs/screenshots/*.png, one at a time) by logging "SCREENSHOT <name>"; this side takes it and writes
// <workspace>/.kraken-test/<name>.done, which the suite waits for through a file watcher.
//   node scripts/build.mjs && node --test --test-reporter=spec out/exthost/waves.exthost.js
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { repoRoot } from '../../tools/codeServer';
import { runExtensionTests } from './runInCodeServer';
import { smallAccount } from '../fixtures/smallAccount';
import { startSandbox } from '../../sandbox/src/index';
import { parseCommand } from '../../core/src/args';
import { runSend, SEND_COMMAND } from '../../cli/src/send';

const KEY = 'sk_test_waves_exthost_4f1e';
const INVALID = [3, 11];

test('send journal, wave report, reconciliation and response tabs in the editor', { timeout: 420_000 }, async () => {
  const root = repoRoot();
  const sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 2, log: () => {} });
  const workspace = mkdtempSync(join(tmpdir(), 'kraken-ws-waves-'));
  const lines: string[] = [];
  let page: Page | undefined;
  try {
    const env = { name: 'Sandbox', baseUrl: sb.url, flow: 'v1', operationsTeam: 'A', auth: 'api-key-header' };
    writeFileSync(join(workspace, 'kraken-import.config.json'), JSON.stringify({ environments: [env] }));
    mkdirSync(join(workspace, 'waves'));
    const wave = Array.from({ length: 16 }, (_, i) =>
      JSON.stringify(
        smallAccount(`EX-${String(i).padStart(2, '0')}`, INVALID.includes(i) ? { customer: { date_of_birth: '1997-13-40' } } : {}),
      ),
    );
    writeFileSync(join(workspace, 'waves', 'wave.jsonl'), wave.join('\n') + '\n');
    writeFileSync(
      join(workspace, 'account.json'),
      JSON.stringify(smallAccount('EX-SINGLE', { customer: { date_of_birth: '2001-02-30' } }), null, 2) + '\n',
    );
    sb.faults.add({ match: '/v1/data-import/account-import-process/process/', status: 429, times: 4, retryAfter: 0 });
    sb.faults.add({
      match: '/v1/data-import/account-import-process/process/',
      status: 400,
      times: 1,
      body: {
        non_field_errors: [{ detail: 'The migration for this import supplier is paused.', code: 'import_supplier_migration_not_ongoing' }],
      },
    });
    for (const shard of [1, 2]) {
      const argv = [
        '--env',
        'Sandbox',
        '--action',
        'stage,create',
        '--shard',
        `${shard}/2`,
        '--journal',
        `waves/shard-${shard}.journal.jsonl`,
        'waves',
      ];
      await runSend(parseCommand(SEND_COMMAND, argv), {
        stdout: { write: () => true },
        stderr: { write: () => true, isTTY: false },
        env: { KRAKEN_API_KEY: KEY },
        cwd: workspace,
        readStdinLine: async () => undefined,
        clientOptions: { retry: { retries: 3, rateLimitRetries: 20, baseDelayMs: 2, maxDelayMs: 20 } },
      });
    }
    mkdirSync(join(workspace, '.kraken-test'));
    writeFileSync(join(workspace, '.kraken-test', 'expected.json'), JSON.stringify({ key: KEY, invalidLines: INVALID.map((i) => i + 1) }));
    const shots = join(root, 'docs', 'screenshots');
    const code = await runExtensionTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'exthost', 'suite', 'waves.js'),
      workspace,
      timeoutMs: 400_000,
      settings: {
        'krakenImport.environments': [env],
        'krakenImport.activeEnvironment': 'Sandbox',
        'files.autoSave': 'off',
        'workbench.colorTheme': 'Default Light Modern',
      },
      onPage: (p) => (page = p),
      log: (line) => {
        lines.push(line);
        process.stdout.write(line + '\n');
        const m = /^SCREENSHOT ([\w-]+)$/.exec(line.trim());
        if (m && page) {
          const name = m[1];
          void page
            .screenshot({ path: join(shots, `${name}.png`) })
            .then(() => writeFileSync(join(workspace, '.kraken-test', `${name}.done`), 'ok'))
            .catch((e) => writeFileSync(join(workspace, '.kraken-test', `${name}.done`), `failed: ${String(e)}`));
        }
      },
    });
    assert.equal(code, 0, lines.join('\n'));
    assert.ok(
      lines.some((l) => l.includes('waves suite: done')),
      'the suite ran to its end',
    );
  } finally {
    await sb.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});
