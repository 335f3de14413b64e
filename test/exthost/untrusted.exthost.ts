// Workspace trust in a real VS Code: code-server started WITHOUT --disable-workspace-trust, user settings with trust
// on and no startup prompt, so the folder opens untrusted (restricted mode). The workspace's .vscode/settings.json
// names an environment on a sandbox and a contract URL, both started here and counting requests; the user settings
// name an environment on the same sandbox. test/exthost/suite/untrusted.ts runs every command in the extension host;
// here: not one request reached the sandbox or the contract server.
//   node scripts/build.mjs && node --test --test-reporter=spec out/exthost/untrusted.exthost.js
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSandbox } from '../../sandbox/src/index';
import { repoRoot } from '../../tools/codeServer';
import { runExtensionTests } from './runInCodeServer';

test(
  'an untrusted workspace: local validation only, no request to Kraken, no contract fetched from its settings',
  { timeout: 330_000 },
  async () => {
    const root = repoRoot();
    const requests: string[] = [];
    const sandbox = await startSandbox({
      port: 0,
      apiKey: 'untrusted-test-key',
      log: () => undefined,
      onRequest: (e) => requests.push(`sandbox ${e.method} ${e.path}`),
    });
    const contractServer = http.createServer((req, res) => {
      requests.push(`contract ${req.method} ${req.url}`);
      res
        .writeHead(200, { 'Content-Type': 'application/yaml' })
        .end(readFileSync(join(root, '..', 'shared', 'kraken-openapi', 'edf-gb.openapi.yml')));
    });
    await new Promise<void>((r) => contractServer.listen(0, '127.0.0.1', r));
    const contractUrl = `http://127.0.0.1:${(contractServer.address() as AddressInfo).port}/data-import/schema/`;
    const workspace = mkdtempSync(join(tmpdir(), 'kraken-untrusted-'));
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({
        'krakenImport.environments': [
          { name: 'Workspace env', baseUrl: sandbox.url, flow: 'v1', operationsTeam: 'A', contract: contractUrl },
        ],
        'krakenImport.activeEnvironment': 'Workspace env',
        'krakenImport.contract': contractUrl,
      }),
    );
    const seed = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'seeds', 'seed-account.json'), 'utf8'));
    writeFileSync(
      join(workspace, 'account.json'),
      JSON.stringify({ ...seed, external_account_number: 'UNTRUSTED-1', sales_channel: 'direct' }, null, 2),
    );
    writeFileSync(
      join(workspace, 'notes.json'),
      JSON.stringify(
        {
          import_supplier: 'TENTACLE_ENERGY',
          external_account_number: 'UNTRUSTED-1',
          notes: [{ body: 'x', created_at: '2024-02-01T12:00:00Z' }],
        },
        null,
        2,
      ),
    );
    const lines: string[] = [];
    try {
      const code = await runExtensionTests({
        extensionDevelopmentPath: root,
        extensionTestsPath: join(root, 'out', 'exthost', 'suite', 'untrusted.js'),
        workspace,
        workspaceTrust: true,
        settings: {
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.banner': 'never',
          'krakenImport.environments': [{ name: 'User env', baseUrl: sandbox.url, flow: 'v1', operationsTeam: 'A' }],
        },
        timeoutMs: 300_000,
        log: (line) => {
          lines.push(line);
          process.stdout.write(line + '\n');
        },
      });
      assert.equal(code, 0, lines.join('\n'));
      assert.ok(
        lines.some((l) => l.includes('untrusted: all done')),
        'the suite ran to its end',
      );
      assert.deepEqual(requests, [], 'requests from an untrusted workspace');
    } finally {
      await sandbox.close();
      await new Promise<void>((r) => contractServer.close(() => r()));
      rmSync(workspace, { recursive: true, force: true });
    }
  },
);
