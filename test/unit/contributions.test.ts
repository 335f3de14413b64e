/**
 * package.json is the one source of the extension's contributions (no script patches it): what it contributes and
 * what the extension registers agree, and activation is left to what VS Code infers from the contributions.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findingCatalogue } from '../../core/src/service';
import { KRAKEN_COMMANDS, RESPONSE_SCHEME } from '../../core/src/send';
import { REPO_ROOT } from '../helpers';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = [...tsFiles(path.join(REPO_ROOT, 'client/src')), ...tsFiles(path.join(REPO_ROOT, 'core/src'))].map((f) =>
  readFileSync(f, 'utf8'),
);

/** The command ids the extension registers: registerCommand(<constant or KRAKEN_COMMANDS.x>, …), constants resolved from the sources. */
function registeredCommands(): Set<string> {
  const constants = new Map<string, string>();
  for (const text of sources) for (const m of text.matchAll(/const ([A-Z_]+) = '(krakenImport\.[\w.]+)'/g)) constants.set(m[1], m[2]);
  const ids = new Set<string>();
  for (const text of sources) {
    for (const m of text.matchAll(/registerCommand\(\s*([\w.]+|'[^']+')/g)) {
      const arg = m[1];
      const id = arg.startsWith("'")
        ? arg.slice(1, -1)
        : arg.startsWith('KRAKEN_COMMANDS.')
          ? (KRAKEN_COMMANDS as Record<string, string>)[arg.slice('KRAKEN_COMMANDS.'.length)]
          : constants.get(arg);
      assert.ok(id, `registerCommand(${arg}) resolves to a command id`);
      ids.add(id);
    }
  }
  return ids;
}

test('every contributed command is registered by the extension, and every registered command is contributed', () => {
  const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const registered = registeredCommands();
  assert.deepEqual(
    [...contributed].filter((id) => !registered.has(id)),
    [],
    'contributed but never registered',
  );
  assert.deepEqual(
    [...registered].filter((id) => !contributed.has(id)),
    [],
    'registered but not contributed',
  );
});

test('menus and keybindings name contributed commands only', () => {
  const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const menuCommands = Object.values(pkg.contributes.menus as Record<string, Array<{ command?: string }>>).flatMap((items) =>
    items.map((i) => i.command).filter(Boolean),
  );
  const keyCommands = ((pkg.contributes.keybindings ?? []) as Array<{ command: string }>).map((k) => k.command);
  assert.deepEqual(
    [...menuCommands, ...keyCommands].filter((id) => !contributed.has(id!)),
    [],
  );
});

test('activation: no onCommand or onView events (VS Code infers them from contributions since 1.74; engines admits 1.100)', () => {
  // onFileSystem is not inferred: a response tab restored after a reload needs the extension's provider.
  assert.deepEqual(pkg.activationEvents, ['onLanguage:json', 'onLanguage:jsonl', `onFileSystem:${RESPONSE_SCHEME}`]);
  assert.match(pkg.engines.vscode, /^\^1\.100\./);
});

test('no script patches package.json: the contribute scripts are gone', () => {
  const scripts = readdirSync(path.join(REPO_ROOT, 'scripts'));
  assert.deepEqual(
    scripts.filter((n) => /^contribute-/.test(n)),
    [],
  );
});

test('krakenImport.rules names only finding codes: the settings editor flags a code the catalogue does not have', () => {
  const rules = pkg.contributes.configuration.properties['krakenImport.rules'];
  assert.deepEqual(
    rules.propertyNames.enum,
    findingCatalogue().map((f) => f.code),
  );
  assert.deepEqual(rules.additionalProperties.enum, ['error', 'warning', 'information', 'hint', 'off']);
});
