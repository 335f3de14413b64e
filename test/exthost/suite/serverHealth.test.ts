// The language server dies (SIGKILL, as an out-of-memory kill or a crash would end it) inside a real extension
// host: the client restarts it (client/src/serverHealth.ts decides, the unit tests cover what the user is told)
// and diagnostics keep coming from the new process. Runs with the rest of test/exthost/suite.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { ExtensionApi } from '../../../client/src/extension';

const EXTENSION_ID = 'kraken-import.kraken-import';

function serverPid(api: ExtensionApi): number | undefined {
  // vscode-languageclient keeps the forked server process here (not public API; the test fails loudly if it moves)
  return (api.client as unknown as { _serverProcess?: { pid?: number } })._serverProcess?.pid;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function invalidEnumIn(text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: text });
  await vscode.window.showTextDocument(doc);
  await within(
    new Promise<void>((resolve) => {
      const check = () =>
        vscode.languages
          .getDiagnostics(doc.uri)
          .some((d) => d.source === 'kraken-import' && String(typeof d.code === 'object' ? d.code.value : d.code) === 'invalid-enum');
      if (check()) return resolve();
      const sub = vscode.languages.onDidChangeDiagnostics(() => {
        if (check()) {
          sub.dispose();
          resolve();
        }
      });
    }),
    30_000,
    'the invalid-enum diagnostic',
  );
}

suite('language server health in the extension host', () => {
  test('a killed server is restarted and diagnostics continue, twice', async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const api = await ext.activate();
    for (let round = 1; round <= 2; round++) {
      if (api.client.state !== State.Running) await within(api.client.start(), 30_000, 'the client to run');
      const before = serverPid(api);
      assert.ok(before, 'the server process is known');
      const states: string[] = [];
      const restarted = new Promise<void>((resolve) => {
        const sub = api.client.onDidChangeState((e) => {
          states.push(`${State[e.oldState]}->${State[e.newState]}`);
          if (e.newState === State.Running) {
            sub.dispose();
            resolve();
          }
        });
      });
      process.kill(before, 'SIGKILL');
      await within(restarted, 30_000, `the restart after kill ${round}`).catch((error: Error) => {
        throw new Error(`${error.message}; states ${states.join(', ') || 'none'}, now ${State[api.client.state]}, pid ${serverPid(api)}`);
      });
      const after = serverPid(api);
      assert.ok(after && after !== before, `a new server process (${before} -> ${after})`);
      await invalidEnumIn(`{"import_supplier": "X", "customers": [], "sales_channel": "direct${round}"}`);
    }
  });
});
