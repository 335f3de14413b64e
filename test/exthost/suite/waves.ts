/**
 * Runs inside the extension host (see test/exthost/waves.exthost.ts), on a workspace where a wave was sent in two
 * shards against the sandbox: waves/wave.jsonl (two records Kraken rejects at staging: a date of birth), one create
 * refused (import_supplier_migration_not_ongoing), waves/shard-{1,2}.journal.jsonl, and account.json (never sent).
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';

interface Expected {
  key: string;
  invalidLines: number[];
}

const folder = () => vscode.workspace.workspaceFolders![0].uri;
const at = (p: string) => vscode.Uri.joinPath(folder(), p);

async function screenshot(name: string): Promise<void> {
  const done = at(`.kraken-test/${name}.done`);
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder(), `.kraken-test/${name}.done`));
  const created = new Promise<void>((resolve) => watcher.onDidCreate(() => resolve()));
  console.log(`SCREENSHOT ${name}`);
  const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`no screenshot ${name}`)), 30_000));
  try {
    await Promise.race([created, timeout]);
  } finally {
    watcher.dispose();
  }
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(done));
  assert.equal(text, 'ok', `screenshot ${name}: ${text}`);
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.all.find((e) => (e.packageJSON as { name?: string }).name === 'kraken-import');
  assert.ok(ext, 'the kraken-import extension is loaded');
  const api = (await ext.activate()) as { kraken: any };
  const expected = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(at('.kraken-test/expected.json')))) as Expected;
  const commands = await vscode.commands.getCommands(true);
  for (const id of [
    'krakenImport.openSendJournal',
    'krakenImport.showWaveReport',
    'krakenImport.reconcileWave',
    'krakenImport.copyResponseAsCurl',
    'krakenImport.showResponses',
  ])
    assert.ok(commands.includes(id), id);

  // ---- Open Send Journal: both shards at once.
  const waveUri = at('waves/wave.jsonl');
  const run = await vscode.commands.executeCommand<any>('krakenImport.openSendJournal', {
    journals: [at('waves/shard-1.journal.jsonl'), at('waves/shard-2.journal.jsonl')],
  });
  assert.equal(run.journals.length, 2);
  const waves = api.kraken.waves;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(waveUri));
  const lines = text.split('\n');
  const diags = vscode.languages.getDiagnostics(waveUri).filter((d) => d.source === 'Kraken (journal)');
  const dob = diags.filter((d) => d.message.startsWith('stage'));
  assert.deepEqual(
    dob.map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]).sort((a, b) => a[0] - b[0]),
    expected.invalidLines.map((n) => {
      const c = lines[n - 1].indexOf('"1997-13-40"');
      return [n - 1, c, n - 1, c + 12];
    }),
    'the date of birth of each rejected record, on its line',
  );
  for (const d of dob) {
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.code, 'invalid');
    assert.doesNotMatch(d.message, /1997-13-40/, 'redacted as in the journal');
  }
  const refused = diags.filter((d) => d.code === 'import_supplier_migration_not_ongoing');
  assert.equal(refused.length, 1, 'the refused create, on its record');
  const rl = refused[0].range.start.line;
  assert.deepEqual(
    [refused[0].range.start.character, refused[0].range.end.line, refused[0].range.end.character],
    [0, rl, lines[rl].length],
  );
  assert.equal(diags.length, expected.invalidLines.length + 1);
  assert.deepEqual(vscode.languages.getDiagnostics(at('account.json')), [], 'never sent: nothing from the journal');

  // The tree: actions, then statuses, then codes, then units.
  const roots = waves.children();
  assert.deepEqual(
    roots.map((n: any) => waves.label(n)),
    ['Open run report', 'stage', 'create'],
  );
  const stage = roots[1];
  const stageStatuses = waves.children(stage).map((n: any) => waves.label(n));
  assert.deepEqual(stageStatuses, [`failed (${expected.invalidLines.length})`, `ok (${16 - expected.invalidLines.length})`]);
  const createStatuses = waves.children(roots[2]).map((n: any) => waves.label(n));
  assert.deepEqual(createStatuses, ['failed (1)', `ok (${16 - expected.invalidLines.length - 1})`]);
  const failedStage = waves.children(stage)[0];
  const codes = waves.children(failedStage);
  assert.deepEqual(
    codes.map((n: any) => waves.label(n)),
    [`invalid (${expected.invalidLines.length})`],
  );
  const units = waves.children(codes[0]);
  assert.deepEqual(units.map((n: any) => waves.label(n)).sort(), expected.invalidLines.map((n) => `waves/wave.jsonl:${n}`).sort());

  // A click opens the payload at the error.
  const unitNode = units[0];
  const line = unitNode.unit.line - 1;
  await vscode.commands.executeCommand('krakenImport.sendJournal.focus');
  const cmd = waves.treeItem(unitNode).command as vscode.Command;
  await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
  const editor = vscode.window.activeTextEditor!;
  assert.equal(editor.document.uri.toString(), waveUri.toString());
  const c = lines[line].indexOf('"1997-13-40"');
  assert.deepEqual([editor.selection.start.line, editor.selection.start.character, editor.selection.end.character], [line, c, c + 12]);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await screenshot('send-journal');

  // ---- The run report in a webview.
  const html: string = waves.reportHtml();
  const create = run.actions.find((a: any) => a.action === 'create');
  assert.match(
    html,
    new RegExp(`<tr data-action="create"><td>create</td><td data-k="total">${create.total}</td><td data-k="ok">${create.ok}</td>`),
  );
  assert.match(html, /<div class="card" data-total="429"><b>4<\/b>/);
  await vscode.commands.executeCommand('workbench.action.closePanel');
  assert.equal(await vscode.commands.executeCommand('krakenImport.showWaveReport'), true, 'the report page is drawn');
  await screenshot('wave-report');

  // ---- Reconcile with Kraken (the sandbox).
  await api.kraken.testing.setApiKey('Sandbox', expected.key);
  const r = await vscode.commands.executeCommand<any>('krakenImport.reconcileWave', {
    wave: [at('waves'), at('account.json')],
    environment: 'Sandbox',
    noReport: true,
  });
  assert.ok(r, 'reconciled');
  assert.equal(r.waveAccounts, 17);
  assert.equal(r.imported.length, 16 - expected.invalidLines.length - 1);
  assert.equal(r.staged.length, 1, 'the refused create is staged');
  assert.deepEqual(
    r.unseen.map((a: any) => a.account).sort(),
    [...expected.invalidLines.map((n) => `TENTACLE_ENERGY/EX-${String(n - 1).padStart(2, '0')}`), 'TENTACLE_ENERGY/EX-SINGLE'].sort(),
  );
  assert.deepEqual(r.extra, []);
  assert.deepEqual(r.disagreements, []);
  assert.equal(r.attention.length, expected.invalidLines.length + 2);
  assert.match(waves.reportHtml(), new RegExp(`<th data-set="attention">${r.attention.length}</th>`));

  // ---- A Kraken call from the editor: its response in a read-only JSON tab; Copy as cURL.
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const account = await vscode.workspace.openTextDocument(at('account.json'));
  await vscode.window.showTextDocument(account);
  const outcome = await vscode.commands.executeCommand<any>('krakenImport.validateWithKraken', account.uri);
  assert.equal(outcome.level, 'error', JSON.stringify(outcome));
  const stored = api.kraken.responses.list();
  assert.equal(stored.length, 1);
  const tab = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'kraken-response');
  assert.ok(tab, 'the response tab is open beside the payload');
  assert.equal(tab.document.languageId, 'json');
  assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), account.uri.toString(), 'the payload keeps the focus');
  const doc = JSON.parse(tab.document.getText());
  assert.equal(doc.request.method, 'POST');
  assert.match(doc.request.url, /\/v1\/data-import\/validate-account\/$/);
  assert.equal(doc.request.headers.Authorization, 'Token $KRAKEN_API_KEY');
  assert.equal(doc.request.body.external_account_number, 'EX-SINGLE');
  assert.equal(doc.request.body.customers[0].date_of_birth, '«redacted»');
  assert.equal(doc.response.status, 400);
  assert.ok(!tab.document.getText().includes(expected.key), 'never the key');
  // Read-only: the file system behind the tab refuses writes.
  assert.equal(vscode.workspace.fs.isWritableFileSystem('kraken-response'), false);
  await assert.rejects(
    Promise.resolve(vscode.workspace.fs.writeFile(tab.document.uri, new TextEncoder().encode('{}'))),
    /NoPermissions|permission/i,
  );
  const curl = await vscode.commands.executeCommand<string>('krakenImport.copyResponseAsCurl', tab.document.uri);
  assert.match(curl, /-H "Authorization: Token \$KRAKEN_API_KEY"/);
  assert.equal(await vscode.env.clipboard.readText(), curl);
  assert.ok(!curl.includes(expected.key));
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await screenshot('response-tab');
  console.log('waves suite: done');
}
