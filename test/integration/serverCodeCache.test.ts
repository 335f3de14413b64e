/**
 * dist/server.js starts dist/server-main.js through V8's code cache (core/src/codeCache.ts), as the CLI does: a real
 * LSP conversation writes the cache when the session ends, the next session reads it and leaves it as it is, and the
 * diagnostics are the same with it, without it and with it turned off. What it saves is measured by `npm run bench`
 * (lsp: cold start to first diagnostics), not here.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers';
import { startLspServer, type PublishedDiagnostics } from './lspHarness';

const work = mkdtempSync(path.join(tmpdir(), 'kraken-server-code-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

const FILE = path.join(REPO_ROOT, 'examples', 'mistakes', 'account-with-mistakes.json');
const URI = pathToFileURL(FILE).href;

/** One editor session: start, open the payload, take its first diagnostics, shut down (the server exits). */
async function session(env: Record<string, string>): Promise<Array<{ code: unknown; range: unknown; severity: unknown }>> {
  const server = startLspServer(['--stdio'], undefined, env);
  let stderr = '';
  server.process.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    await server.initialize({});
    const since = server.open(URI, readFileSync(FILE, 'utf8'));
    const published: PublishedDiagnostics = await server.waitForDiagnostics(URI, () => true, since);
    await server.shutdown();
    assert.equal(server.process.exitCode, 0, stderr);
    return published.diagnostics.map((d) => ({ code: d.code, range: d.range, severity: d.severity }));
  } finally {
    if (server.process.exitCode === null) server.process.kill();
  }
}

describe('the language server through the code cache', () => {
  it('a session writes the cache when it ends; the next reads it unchanged; the diagnostics never differ', async () => {
    const off = await session({ KRAKEN_IMPORT_NO_CODE_CACHE: '1', XDG_CACHE_HOME: path.join(work, 'unused') });
    assert.ok(off.length > 5, `the example has findings (${off.length})`);
    assert.throws(() => statSync(path.join(work, 'unused')), /ENOENT/);

    const home = path.join(work, 'home');
    const first = await session({ XDG_CACHE_HOME: home });
    assert.deepEqual(first, off);
    const dir = path.join(home, 'kraken-import', 'code-cache');
    const files = readdirSync(dir);
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0], /^server-main-[0-9a-f]{16}\.bin$/);
    const file = path.join(dir, files[0]);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const written = readFileSync(file);
    assert.ok(written.length > 100_000, `cached data of ${written.length} bytes (the functions the session ran)`);

    const second = await session({ XDG_CACHE_HOME: home });
    assert.deepEqual(second, off);
    assert.ok(readFileSync(file).equals(written), 'accepted by V8, so not rewritten');
    assert.deepEqual(readdirSync(dir), files);
  });

  it('a value of KRAKEN_IMPORT_NO_CODE_CACHE it does not know stops the server with a message naming it', async () => {
    const server = startLspServer(['--stdio'], undefined, { KRAKEN_IMPORT_NO_CODE_CACHE: 'yes', XDG_CACHE_HOME: path.join(work, 'x') });
    let stderr = '';
    server.process.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(server.process, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(stderr, /KRAKEN_IMPORT_NO_CODE_CACHE must be 1 \(no code cache\) or 0, not "yes"/);
  });
});
