/**
 * The architecture's rules (scripts/structure.ts) on the repository's sources, and on made-up imports to show each
 * rule refuses what it should.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { checkStructure, importsOf, judgeImport, longFunctions, MAX_FUNCTION_LINES } from '../../scripts/structure';
import { REPO_ROOT } from '../helpers';

const root = REPO_ROOT;
const at = (file: string, specifier: string) => judgeImport(root, { file: path.join(root, file), line: 1, specifier });

describe('structure: one core, thin faces', () => {
  test('no face imports another face or a core internal; core imports no editor library; no function over the limit', () => {
    const violations = checkStructure(root).map((v) => `${v.file}:${v.line}: ${v.message}`);
    assert.deepEqual(violations, []);
  });

  test('a face importing another face is refused, with where the shared code goes', () => {
    assert.equal(
      at('client/src/extension.ts', '../../cli/src/send'),
      'client/ imports cli/src/send.ts from another face (cli/): move what both need into core/',
    );
    assert.equal(
      at('cli/src/main.ts', '../../sandbox/src/cli'),
      'cli/ imports sandbox/src/cli.ts from another face (sandbox/): move what both need into core/',
    );
  });

  test('a face importing a core internal is refused; entry points are accepted', () => {
    assert.equal(
      at('cli/src/main.ts', '../../core/src/service/kinds'),
      "cli/ imports the core internal core/src/service/kinds.ts: import its folder's index.ts (add the export there)",
    );
    assert.equal(at('cli/src/main.ts', '../../core/src/service'), undefined);
    assert.equal(at('cli/src/main.ts', '../../core/src/args'), undefined);
    assert.equal(at('server/src/server.ts', '../../core/src/files'), undefined);
  });

  test('core imports neither editor libraries nor faces; editor libraries stay with their face', () => {
    assert.equal(at('core/src/service/index.ts', 'vscode'), 'core/ imports vscode, which only client/ may use');
    assert.equal(
      at('core/src/service/index.ts', 'vscode-languageserver/node'),
      'core/ imports vscode-languageserver/node, which only server/ may use',
    );
    assert.equal(at('core/src/send/plan.ts', '../../../client/src/extension'), 'core imports client/src/extension.ts, outside core/');
    assert.equal(
      at('cli/src/main.ts', 'vscode-languageclient/node'),
      'cli/ imports vscode-languageclient/node, which only client/ may use',
    );
    assert.equal(at('server/src/server.ts', 'vscode-languageserver/node'), undefined);
    assert.equal(at('core/src/service/index.ts', 'ajv'), undefined);
    // Data is not code: any part may read the schemas, snippets and examples.
    assert.equal(at('core/src/service/schemas.ts', '../../../schemas/notes.schema.json'), undefined);
    assert.equal(at('client/src/walkthrough.ts', '../../examples/mistakes/account-with-mistakes.json'), undefined);
  });

  test('imports are read from every form: import, export from, import type, import(), require()', () => {
    const text =
      "import a from './a';\nexport { b } from './b';\ntype C = typeof import('./c');\nconst d = require('./d');\nvoid import('./e');\n";
    assert.deepEqual(
      importsOf('x.ts', text).map((s) => `${s.line}:${s.specifier}`),
      ['1:./a', '2:./b', '3:./c', '4:./d', '5:./e'],
    );
  });

  test('a function over the limit is named with its length', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `export function long(): void {\n${body}\n}\nconst short = () => 1;\n`;
    assert.deepEqual(longFunctions('x.ts', text), [{ file: 'x.ts', line: 1, name: 'long', lines: MAX_FUNCTION_LINES + 2 }]);
  });
});

describe('bundles: each face carries only what it runs', () => {
  /** The source files esbuild put into a built bundle, from its source map (tree-shaken modules are not listed). */
  const bundledSources = (bundle: string): string[] =>
    (JSON.parse(fs.readFileSync(path.join(root, 'dist', `${bundle}.js.map`), 'utf8')) as { sources: string[] }).sources.map((s) =>
      s.replace(/^(\.\.\/)+/, ''),
    );

  test('the extension (dist/client-main.js) leaves the checking to the language server: no validators, rules, ajv, yaml or phone metadata', () => {
    const sources = bundledSources('client-main');
    // What activation needs is there (so an empty or unreadable map cannot pass) …
    assert.ok(sources.includes('client/src/extension.ts'));
    assert.ok(sources.some((s) => s.startsWith('node_modules/vscode-languageclient/')));
    // … and what only the server runs is not: it doubled the bundle and the extension's load time (package.json
    // "sideEffects": false lets esbuild drop a module nothing uses).
    const serverOnly = sources.filter((s) =>
      /^core\/src\/service\/(generated|rules|contract)\/|^node_modules\/(ajv|ajv-formats|libphonenumber-js|yaml)\//.test(s),
    );
    assert.deepEqual(serverOnly, []);
  });

  test("the extension's main (dist/client.js) is only the loader: the code cache and nothing of the extension", () => {
    const sources = bundledSources('client');
    assert.ok(sources.includes('client/src/boot.ts'));
    assert.ok(sources.includes('core/src/codeCache.ts'));
    assert.deepEqual(
      sources.filter((s) => s.startsWith('node_modules/') || s === 'client/src/extension.ts'),
      [],
    );
  });

  test('the language server bundle does hold them (the check above looks for the right names)', () => {
    const sources = bundledSources('server-main');
    assert.ok(sources.includes('core/src/service/generated/validators.js'));
    assert.ok(sources.some((s) => s.startsWith('core/src/service/rules/')));
    assert.ok(sources.some((s) => s.startsWith('node_modules/libphonenumber-js/')));
  });
});
