/**
 * Runs inside the extension host of a code-server started with workspace trust on and the folder left untrusted
 * (see test/exthost/untrusted.exthost.ts, which also counts every request its sandbox and its contract server get).
 * Local validation runs; every command that would talk to Kraken answers that nothing is sent from an untrusted
 * workspace; no CodeLens offers to send; the contract URL the workspace settings name is not fetched.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../client/src/extension';

const EXTENSION_ID = 'kraken-import.kraken-import';

async function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function run(): Promise<void> {
  assert.equal(vscode.workspace.isTrusted, false, 'the workspace is untrusted (code-server started with trust on, no startup prompt)');
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, 'the extension is loaded in restricted mode (untrustedWorkspaces: limited)');
  const api = await ext.activate();
  const testing = api.kraken.testing!;
  const C = api.kraken.commands;
  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = vscode.workspace.getConfiguration('krakenImport');
  console.log(
    `untrusted: environments in force ${JSON.stringify(config.get('environments'))}; contract ${JSON.stringify(config.inspect('contract'))}`,
  );

  // A key is stored, and every prompt says yes: if a command were not stopped by the trust check, it would send.
  const env = api.kraken.activeEnvironment();
  assert.ok(env, 'an environment (from the user settings) is active');
  assert.equal(await testing.setApiKey(env.name, 'untrusted-test-key'), true);
  testing.setPrompts({
    apiKey: async () => 'untrusted-test-key',
    confirm: async () => true,
    operationsTeam: async () => 'A',
    transactionOptions: async (i) => i,
    supplyStartDate: async () => '',
    statusTarget: async () => ({ importSupplierCode: 'TENTACLE_ENERGY', externalIdentifier: 'UNTRUSTED-1' }),
    environment: async (envs) => envs[0],
  });

  // Local validation runs.
  const uri = vscode.Uri.file(path.join(folder, 'account.json'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const local = await until('local findings', () => {
    const ds = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kraken-import');
    return ds.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'invalid-enum') ? ds : undefined;
  });
  console.log(`untrusted: ${local.length} local findings on account.json`);

  // No CodeLens offers to send.
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  assert.deepEqual(
    lenses.filter((l) => l.command?.command.startsWith('krakenImport.')).map((l) => l.command?.title),
    [],
  );

  // Every sending command: nothing sent, and said so.
  const notesUri = vscode.Uri.file(path.join(folder, 'notes.json'));
  const calls: Array<[string, unknown[]]> = [
    [C.validate, [uri]],
    [C.stage, [uri]],
    [C.createDryRun, [uri]],
    [C.create, [uri]],
    [C.registrationFlows, [uri, { supplyStartDate: '' }]],
    [C.sendPostImport, [notesUri]],
    [C.sendToKraken, [uri]],
    [C.checkStatus, [uri, { importSupplierCode: 'TENTACLE_ENERGY', externalIdentifier: 'UNTRUSTED-1' }]],
  ];
  for (const [command, args] of calls) {
    const r = (await vscode.commands.executeCommand(command, ...args)) as { skipped?: string };
    assert.match(r?.skipped ?? '', /untrusted workspace/, `${command}: ${JSON.stringify(r)}`);
  }
  assert.equal(api.kraken.krakenDiagnostics(uri).length, 0);

  // The contract the workspace names is not fetched, even when asked to refresh.
  const state = await vscode.commands.executeCommand<{ setting: string; result?: { contract: string }; problem?: string }>(
    'krakenImport.refreshContract',
  );
  console.log(
    `untrusted: contract after refresh: ${JSON.stringify({ setting: state?.setting, inForce: state?.result?.contract, problem: state?.problem })}`,
  );
  assert.match(state?.result?.contract ?? '', /^Bundled/i, 'the bundled schemas stay in force');
  testing.reset();
  await testing.forgetApiKey(env.name);
  // Give a stray request time to arrive before the runner counts.
  await new Promise((r) => setTimeout(r, 1000));
  console.log('untrusted: all done');
}
