/**
 * dist/client.js, the extension's main, loads dist/client-main.js through V8's code cache (core/src/codeCache.ts) as a
 * guest in VS Code's extension host: it writes the cache when the host exits, the next host reads it unchanged, it
 * turns on nothing process-wide (Node 22's compile cache would be every extension's), and a bad
 * KRAKEN_IMPORT_NO_CODE_CACHE is an error for the activation to show, not an exit of the shared host. Here the host is
 * a Node process with `vscode` stood in (as the bench's client-load row); the real extension host runs the same file
 * in test/exthost and test/ui, and the bench's `vscode` section checks that a later session finds this cache.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers';
import { VSCODE_STAND_IN } from '../../tools/vscodeStandIn';

const work = mkdtempSync(path.join(tmpdir(), 'kraken-client-code-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A host: `vscode` stood in, Node's compile cache a trap, dist/client.js required; prints what it exports or the error. */
const HOST = `${VSCODE_STAND_IN}
Module.enableCompileCache = () => { throw new Error('turned on a process-wide compile cache'); };
try {
  const main = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'client.js'))});
  process.stdout.write(JSON.stringify({ activate: typeof main.activate, deactivate: typeof main.deactivate }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error.message }));
}
`;

function host(env: Record<string, string>): unknown {
  const r = spawnSync(process.execPath, ['-e', HOST], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

const EXPORTS = { activate: 'function', deactivate: 'function' };

describe('the extension through the code cache', () => {
  it('a host writes the cache when it exits; the next reads it unchanged; Node’s own compile cache is left alone', () => {
    const home = path.join(work, 'home');
    assert.deepEqual(host({ XDG_CACHE_HOME: home }), EXPORTS);
    const dir = path.join(home, 'kraken-import', 'code-cache');
    const files = readdirSync(dir);
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0]!, /^client-main-[0-9a-f]{16}\.bin$/);
    const file = path.join(dir, files[0]!);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const written = readFileSync(file);
    assert.ok(written.length > 100_000, `cached data of ${written.length} bytes (the functions the load ran)`);

    assert.deepEqual(host({ XDG_CACHE_HOME: home }), EXPORTS);
    assert.ok(readFileSync(file).equals(written), 'accepted by V8, so not rewritten');
  });

  it('KRAKEN_IMPORT_NO_CODE_CACHE=1 loads without it; any other value is an error naming it, and the host goes on', () => {
    const home = path.join(work, 'off');
    assert.deepEqual(host({ XDG_CACHE_HOME: home, KRAKEN_IMPORT_NO_CODE_CACHE: '1' }), EXPORTS);
    assert.throws(() => statSync(home), /ENOENT/);
    assert.deepEqual(host({ XDG_CACHE_HOME: home, KRAKEN_IMPORT_NO_CODE_CACHE: 'yes' }), {
      error: 'kraken-import: KRAKEN_IMPORT_NO_CODE_CACHE must be 1 (no code cache) or 0, not "yes"',
    });
  });
});
