// Adds the authoring contributions to package.json: the "New Payload…" command (with its activation event and a
// File > New File… entry) and the payload snippets. Only those keys are touched (others edit package.json too):
// our command and menu entry are replaced by id, our snippets entry by path. Idempotent.
// Usage: node scripts/contribute-authoring.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package.json', import.meta.url);
const before = readFileSync(file, 'utf8');
const pkg = JSON.parse(before);

const command = { command: 'krakenImport.newPayload', title: 'New Payload…', category: 'Kraken Import', shortTitle: 'Kraken Payload…' };
const snippets = { language: 'json', path: './snippets/kraken-import.json' };
const newFileMenu = { command: 'krakenImport.newPayload', group: 'file' };
const activation = 'onCommand:krakenImport.newPayload';

function upsert(list, item, same) {
  const i = list.findIndex(same);
  if (i === -1) list.push(item);
  else list[i] = item;
  return list;
}

pkg.contributes ??= {};
pkg.contributes.commands = upsert(pkg.contributes.commands ?? [], command, (c) => c.command === command.command);
pkg.contributes.snippets = upsert(pkg.contributes.snippets ?? [], snippets, (s) => s.path === snippets.path);
pkg.contributes.menus ??= {};
pkg.contributes.menus['file/newFile'] = upsert(
  pkg.contributes.menus['file/newFile'] ?? [],
  newFileMenu,
  (m) => m.command === newFileMenu.command,
);
pkg.activationEvents ??= [];
if (!pkg.activationEvents.includes(activation)) pkg.activationEvents.push(activation);

const after = JSON.stringify(pkg, null, 2) + '\n';
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('package.json lacks the authoring contributions: run node scripts/contribute-authoring.mjs');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(file, after);
  console.log('package.json: authoring contributions written');
} else console.log('package.json: authoring contributions already present');
