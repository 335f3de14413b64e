/**
 * Runs inside the extension host (see test/exthost/contract.exthost.ts): `krakenImport.contract` pointing at the
 * EDF GB file, then the Origin AU file, then a URL served from 127.0.0.1 that goes away — the extension validates
 * against each instance contract, and keeps working from its cached copy (saying how old it is) when the URL is
 * unreachable.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ContractApi, ContractState } from '../../../client/src/contract';
import { GB_MISTAKES } from '../../fixtures/contract/expected';

async function waitFor<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const row = (d: vscode.Diagnostic) =>
  `${['error', 'warning', 'information', 'hint'][d.severity]} ${String(d.code)} @ ${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`;

async function findings(file: string, count: number): Promise<string[]> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc);
  return waitFor(`${count} findings on ${path.basename(file)}`, () => {
    const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'kraken-import');
    return ds.length === count ? ds.map(row) : undefined;
  });
}

async function contractIs(api: ContractApi, pattern: RegExp, origin?: string): Promise<ContractState> {
  return waitFor(`the contract ${pattern}`, () => {
    const s = api.state();
    return s?.result?.ok && pattern.test(s.result.contract) && (!origin || s.loaded?.origin === origin) ? s : undefined;
  });
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.all.find((e) => (e.packageJSON as { name?: string }).name === 'kraken-import');
  assert.ok(ext, 'the kraken-import extension is loaded');
  const api = ((await ext.activate()) as { contract: ContractApi }).contract;
  assert.ok(api, 'the extension API has contract');
  assert.ok((await vscode.commands.getCommands(true)).includes('krakenImport.refreshContract'));
  const root = ext.extensionPath;
  const fixtures = path.join(root, 'test', 'fixtures', 'contract');
  const shared = path.join(root, '..', 'shared', 'kraken-openapi');
  const config = () => vscode.workspace.getConfiguration('krakenImport');

  // 1. The GB file (set in the user settings the runner starts with).
  const gb = await contractIs(api, /edf-gb\.openapi\.yml/);
  assert.equal(gb.from, 'krakenImport.contract');
  assert.deepEqual(await findings(path.join(fixtures, 'uk-account-mistakes.json'), GB_MISTAKES.length), GB_MISTAKES);
  assert.deepEqual(await findings(path.join(fixtures, 'uk-account.json'), 0), []);
  console.log(
    `contract: GB file in force (${gb.result!.contract}); uk-account-mistakes.json: ${GB_MISTAKES.length} findings at the CLI's ranges`,
  );

  // 2. The AU file.
  await config().update('contract', path.join(shared, 'origin-au.openapi.yml'), vscode.ConfigurationTarget.Global);
  const au = await contractIs(api, /origin-au\.openapi\.yml/);
  const auFindings = await findings(path.join(fixtures, 'au-account-mistakes.json'), 8);
  assert.deepEqual(
    auFindings.map((r) => r.split(' ')[1]),
    [
      'invalid-enum',
      'invalid-type',
      'number-as-string',
      'string-as-number',
      'invalid-enum',
      'invalid-format',
      'invalid-enum',
      'number-as-string',
    ],
  );
  assert.deepEqual(await findings(path.join(fixtures, 'au-account.json'), 0), []);
  console.log(`contract: AU file in force (${au.result!.contract}); au-account-mistakes.json: 8 findings`);

  // 3. A URL: fetched and cached in global storage; when it is unreachable, the cached copy, and its age.
  const text = readFileSync(path.join(shared, 'edf-gb.openapi.yml'), 'utf8');
  const server = http.createServer((req, res) => {
    if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { ETag: '"v1"' }).end();
    else res.writeHead(200, { 'Content-Type': 'application/vnd.oai.openapi', ETag: '"v1"' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data-import/schema/`;
  await config().update('contract', url, vscode.ConfigurationTarget.Global);
  const fetched = await contractIs(api, /127\.0\.0\.1/, 'fetched');
  assert.equal(fetched.problem, undefined);
  assert.deepEqual(await findings(path.join(fixtures, 'uk-account-mistakes.json'), GB_MISTAKES.length), GB_MISTAKES);
  const revalidated = (await vscode.commands.executeCommand<ContractState>('krakenImport.refreshContract'))!;
  assert.equal(revalidated.loaded?.origin, 'not-modified');
  assert.equal(revalidated.result?.from, 'unchanged');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  const offline = (await vscode.commands.executeCommand<ContractState>('krakenImport.refreshContract'))!;
  assert.equal(offline.loaded?.origin, 'cache');
  assert.ok(offline.result?.ok);
  assert.match(offline.problem ?? '', /^cached copy fetched \d+ seconds? ago \(.*\); could not fetch: Connection refused/);
  assert.match(offline.result!.contract, /— cached copy fetched \d+ seconds? ago/);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath.endsWith('uk-account-mistakes.json'))!;
  await vscode.window.showTextDocument(doc);
  await waitFor('findings after going offline', () =>
    vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'kraken-import').length === GB_MISTAKES.length ? true : undefined,
  );
  console.log(`contract: URL offline, from the cache: ${offline.problem}`);

  // 4. Back to bundled.
  await config().update('contract', 'bundled', vscode.ConfigurationTarget.Global);
  await contractIs(api, /^Bundled schemas/);
  console.log('contract: GB file, AU file, URL fetched / 304 / offline from the cache, bundled: all done');
}
