/**
 * Runs inside the extension host (see test/exthost/newPayload.exthost.ts): "Kraken Import: New Payload…" opens an
 * untitled JSON document with the template of the chosen kind and market, as a snippet whose first placeholder
 * holds the cursor and whose next placeholder Tab reaches.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';

async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 20000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cursorAfter(document: vscode.TextDocument, needle: string): vscode.Position {
  const at = document.getText().indexOf(needle);
  assert.ok(at !== -1, `${needle} not in the document`);
  return document.positionAt(at + needle.length);
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.all.find((e) => (e.packageJSON as { name?: string }).name === 'kraken-import');
  assert.ok(ext, 'the kraken-import extension is loaded');
  await ext.activate();
  assert.ok((await vscode.commands.getCommands(true)).includes('krakenImport.newPayload'));

  // A German account: untitled JSON, the account template, the cursor in import_supplier.
  const uri = await vscode.commands.executeCommand<vscode.Uri>('krakenImport.newPayload', 'account', 'DE');
  const editor = await waitFor('the new editor', () =>
    vscode.window.activeTextEditor?.document.uri.toString() === uri?.toString() ? vscode.window.activeTextEditor : undefined,
  );
  const doc = editor.document;
  assert.equal(doc.uri.scheme, 'untitled');
  assert.equal(doc.languageId, 'json');
  const value = JSON.parse(doc.getText());
  assert.deepEqual(Object.keys(value), [
    'import_supplier',
    'external_account_number',
    'account_type',
    'customers',
    'billing_address1',
    'billing_address2',
    'billing_address4',
    'billing_postcode',
    'supply_addresses',
    'ledgers',
    'payment_instructions',
    'payment_schedules',
  ]);
  assert.equal(value.supply_addresses[0].supply_points[0].supply_type, 'ELECTRICITY');
  assert.ok(editor.selection.isEmpty);
  assert.deepEqual(editor.selection.active, cursorAfter(doc, '"import_supplier": "'));
  console.log(`New Payload (account, DE): cursor at ${editor.selection.active.line}:${editor.selection.active.character}`);

  // Typing fills the placeholder; Tab goes to the next one.
  await vscode.commands.executeCommand('type', { text: 'TENTACLE_ENERGY' });
  await vscode.commands.executeCommand('jumpToNextSnippetPlaceholder');
  assert.deepEqual(editor.selection.active, cursorAfter(doc, '"external_account_number": "'));
  assert.equal(JSON.parse(doc.getText()).import_supplier, 'TENTACLE_ENERGY');

  // A GB account has meter points instead of supply points.
  await vscode.commands.executeCommand('krakenImport.newPayload', 'account', 'GB');
  const gb = await waitFor('the GB editor', () =>
    vscode.window.activeTextEditor?.document !== doc ? vscode.window.activeTextEditor : undefined,
  );
  assert.deepEqual(Object.keys(JSON.parse(gb.document.getText()).supply_addresses[0]), [
    'supply_address1',
    'supply_address2',
    'supply_postcode',
    'customer_at_supply_address_from_date',
    'meter_points',
  ]);

  // A kind with one template asks no market.
  await vscode.commands.executeCommand('krakenImport.newPayload', 'notes');
  const notes = await waitFor('the notes editor', () =>
    vscode.window.activeTextEditor?.document !== gb.document ? vscode.window.activeTextEditor : undefined,
  );
  assert.deepEqual(Object.keys(JSON.parse(notes.document.getText())), ['import_supplier', 'external_account_number', 'notes']);
  console.log('New Payload: account (DE, GB) and notes templates inserted as snippets');
}
