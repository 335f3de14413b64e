/**
 * Workspace validation, the pure parts: glob filtering (include/exclude as VS Code reads them), change detection
 * (mtime + size), which files the language server owns, the run plan and its summary line.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKrakenService } from '../../core/src/service';
import {
  combineGlobs,
  DEFAULT_EXCLUDE,
  DEFAULT_INCLUDE,
  globFilter,
  globsSetting,
  globToRegExp,
  ownedByLanguageServer,
  planValidation,
  summaryMessage,
  ValidationCache,
} from '../../core/src/files/workspaceFiles';
import { REPO_ROOT } from '../helpers';

describe('globs', () => {
  test('** matches any depth (also none), * and ? stay within one folder', () => {
    const json = globToRegExp('**/*.json');
    for (const p of ['a.json', 'x/a.json', 'x/y/z/a.json', '.hidden/a.json']) assert.ok(json.test(p), p);
    for (const p of ['a.jsonl', 'a.json.bak', 'ajson']) assert.ok(!json.test(p), p);
    assert.ok(globToRegExp('waves/*.jsonl').test('waves/w1.jsonl'));
    assert.ok(!globToRegExp('waves/*.jsonl').test('waves/2026/w1.jsonl'));
    assert.ok(globToRegExp('waves/**').test('waves/2026/w1.jsonl'));
    assert.ok(globToRegExp('file-?.json').test('file-1.json'));
    assert.ok(!globToRegExp('file-?.json').test('file-10.json'));
    assert.ok(globToRegExp('**/node_modules/**').test('node_modules/x/package.json'));
    assert.ok(globToRegExp('**/node_modules/**').test('a/b/node_modules/x.json'));
    assert.ok(!globToRegExp('**/node_modules/**').test('a/node_modules_x/y.json'));
  });

  test('braces, classes and literal characters', () => {
    const r = globToRegExp('**/*.{json,jsonl,ndjson}');
    for (const p of ['a.json', 'b/a.jsonl', 'c/a.ndjson']) assert.ok(r.test(p), p);
    assert.ok(!r.test('a.yaml'));
    assert.ok(globToRegExp('accounts/[ab]*.json').test('accounts/a1.json'));
    assert.ok(!globToRegExp('accounts/[!ab]*.json').test('accounts/a1.json'));
    assert.ok(globToRegExp('accounts/[!ab]*.json').test('accounts/c1.json'));
    assert.ok(globToRegExp('a+b (1).json').test('a+b (1).json'));
    assert.ok(!globToRegExp('a.json').test('abjson'));
    assert.ok(globToRegExp('./x/*.json').test('x/y.json'));
  });

  test('include minus exclude, with the defaults', () => {
    const keep = globFilter(DEFAULT_INCLUDE, DEFAULT_EXCLUDE);
    assert.ok(keep('accounts/EXT-1.json'));
    assert.ok(keep('waves/wave-1.jsonl'));
    assert.ok(keep('waves/wave-1.ndjson'));
    assert.ok(!keep('node_modules/ajv/package.json'));
    assert.ok(!keep('package.json'));
    assert.ok(!keep('sub/package-lock.json'));
    assert.ok(!keep('tsconfig.build.json'));
    assert.ok(!keep('.vscode/settings.json'));
    assert.ok(!keep('kraken-import.journal.jsonl'), 'send journals are not payloads');
    assert.ok(!keep('notes.txt'));
    assert.ok(keep('sub\\dir\\a.json'), 'Windows separators');
    const only = globFilter(['waves/**/*.jsonl'], []);
    assert.ok(only('waves/a/b.jsonl'));
    assert.ok(!only('accounts/a.json'));
    assert.ok(!globFilter([], [])('a.json'), 'nothing included');
  });

  test('settings are read defensively; several globs become one brace glob for findFiles', () => {
    assert.deepEqual(globsSetting(undefined, DEFAULT_INCLUDE), [...DEFAULT_INCLUDE]);
    assert.deepEqual(globsSetting('**/*.json', DEFAULT_INCLUDE), [...DEFAULT_INCLUDE]);
    assert.deepEqual(globsSetting(['**/*.json', '', 3, null, 'x/**'], DEFAULT_INCLUDE), ['**/*.json', 'x/**']);
    assert.deepEqual(globsSetting([], DEFAULT_INCLUDE), []);
    assert.equal(combineGlobs(['**/*.json']), '**/*.json');
    assert.equal(combineGlobs(['**/*.json', '**/*.jsonl']), '{**/*.json,**/*.jsonl}');
    assert.equal(combineGlobs(['', ' ']), undefined);
  });
});

describe('change detection and the run plan', () => {
  const f = (uri: string, mtime: number, size: number) => ({ uri, stamp: { mtime, size } });

  test('a rerun validates only new files and files whose mtime or size changed', () => {
    const cache = new ValidationCache();
    const first = planValidation([f('file:///a.json', 1, 10), f('file:///b.json', 1, 20)], cache, new Set());
    assert.deepEqual(
      first.validate.map((x) => x.uri),
      ['file:///a.json', 'file:///b.json'],
    );
    for (const x of first.validate) cache.set(x.uri, x.stamp);

    const second = planValidation([f('file:///a.json', 1, 10), f('file:///b.json', 2, 20), f('file:///c.json', 1, 5)], cache, new Set());
    assert.deepEqual(
      second.validate.map((x) => x.uri),
      ['file:///b.json', 'file:///c.json'],
    );
    assert.deepEqual(second.unchanged, ['file:///a.json']);

    cache.set('file:///b.json', { mtime: 2, size: 20 });
    const sizeOnly = planValidation([f('file:///a.json', 1, 11), f('file:///b.json', 2, 20)], cache, new Set());
    assert.deepEqual(
      sizeOnly.validate.map((x) => x.uri),
      ['file:///a.json'],
      'same mtime, other size: changed',
    );
  });

  test('deleted or no longer included files are gone; open documents are left to the language server; huge files skipped', () => {
    const cache = new ValidationCache();
    cache.set('file:///a.json', { mtime: 1, size: 1 });
    cache.set('file:///old.json', { mtime: 1, size: 1 });
    const plan = planValidation(
      [f('file:///a.json', 1, 1), f('file:///open.json', 1, 1), f('file:///big.jsonl', 1, 100)],
      cache,
      new Set(['file:///open.json']),
      50,
    );
    assert.deepEqual(plan.gone, ['file:///old.json']);
    assert.deepEqual(plan.open, ['file:///open.json']);
    assert.deepEqual(plan.tooLarge, ['file:///big.jsonl']);
    assert.deepEqual(plan.unchanged, ['file:///a.json']);
    assert.deepEqual(plan.validate, []);
    cache.forget('file:///a.json');
    assert.equal(cache.unchanged('file:///a.json', { mtime: 1, size: 1 }), false, 'forgotten (e.g. closed in the editor): validated again');
    cache.clear();
    assert.equal(cache.size, 0);
  });

  test('the language server owns open JSON documents of its selector, not .jsonl or other schemes', () => {
    assert.equal(ownedByLanguageServer('json', 'file'), true);
    assert.equal(ownedByLanguageServer('json', 'untitled'), true);
    assert.equal(ownedByLanguageServer('jsonl', 'file'), false);
    assert.equal(ownedByLanguageServer('json', 'git'), false);
  });

  test('the summary line', () => {
    assert.equal(
      summaryMessage({
        validated: 12,
        unchanged: 30,
        open: 2,
        tooLarge: 0,
        failed: 0,
        errors: 3,
        warnings: 1,
        filesWithProblems: 2,
        cancelled: false,
      }),
      'Validated 12 files (30 unchanged, 2 open in editors): 3 errors, 1 warning in 2 files.',
    );
    assert.equal(
      summaryMessage({
        validated: 1,
        unchanged: 0,
        open: 0,
        tooLarge: 1,
        failed: 1,
        errors: 0,
        warnings: 0,
        filesWithProblems: 0,
        cancelled: true,
      }),
      'Cancelled after validating 1 file (1 too large, 1 unreadable): 0 errors, 0 warnings.',
    );
  });
});

test('the defaults in code are the defaults package.json contributes (the settings UI shows the latter)', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const props = manifest.contributes.configuration.properties;
  assert.deepEqual(props['krakenImport.workspaceValidation.include'].default, [...DEFAULT_INCLUDE]);
  assert.deepEqual(props['krakenImport.workspaceValidation.exclude'].default, [...DEFAULT_EXCLUDE]);
});

describe('one glob dialect for every setting (core/src/files/glob.ts)', () => {
  const table = (globs: Record<string, string>, base?: string) => createKrakenService({ associations: globs, associationBase: base });
  const kindOf = (globs: Record<string, string>, file: string, base?: string) => table(globs, base).detect('{}', file).kind;

  test('braces: alternatives are whole names, never a comma inside one name', () => {
    const keep = globFilter(['{a,b}/x,y.json'], []);
    assert.ok(keep('a/x,y.json') && keep('b/x,y.json'));
    assert.ok(!keep('c/x,y.json'));
    assert.equal(kindOf({ '{a,b}/x,y.json': 'notes' }, 'c/x,y.json', '/ws'), undefined);
    assert.equal(kindOf({ '{a,b}/x,y.json': 'notes' }, '/ws/a/x,y.json', '/ws'), 'notes');
  });

  test('classes: [ab] and [!ab] are classes in both settings', () => {
    assert.ok(globFilter(['notes/[ab].json'], [])('notes/a.json'));
    assert.ok(!globFilter(['notes/[ab].json'], [])('notes/[ab].json'));
    assert.equal(kindOf({ 'notes/[ab].json': 'notes' }, '/ws/notes/b.json', '/ws'), 'notes');
    assert.equal(kindOf({ 'notes/[!ab].json': 'notes' }, '/ws/notes/b.json', '/ws'), undefined);
  });

  test('anchoring: a pattern is matched from the folder, in both settings; ** spans folders', () => {
    assert.ok(globFilter(['*.json'], [])('a.json'));
    assert.ok(!globFilter(['*.json'], [])('sub/a.json'));
    assert.equal(kindOf({ '*.json': 'notes' }, '/ws/a.json', '/ws'), 'notes');
    assert.equal(kindOf({ '*.json': 'notes' }, '/ws/sub/a.json', '/ws'), undefined);
    assert.equal(kindOf({ '**/*.json': 'notes' }, '/ws/sub/deep/a.json', '/ws'), 'notes');
    assert.equal(kindOf({ 'notes/*.json': 'notes' }, '/ws/notes/a.json', '/ws'), 'notes');
    assert.equal(kindOf({ 'notes/*.json': 'notes' }, '/ws/x/notes/a.json', '/ws'), undefined);
  });

  test('file URIs are decoded; a file outside the folder is matched by its whole path', () => {
    assert.equal(kindOf({ 'my notes/*.json': 'notes' }, 'file:///ws/my%20notes/a.json', '/ws'), 'notes');
    assert.equal(kindOf({ '**/notes/*.json': 'notes' }, '/elsewhere/notes/a.json', '/ws'), 'notes');
    assert.equal(kindOf({ 'notes/*.json': 'notes' }, '/elsewhere/notes/a.json', '/ws'), undefined);
  });
});
