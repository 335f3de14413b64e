/**
 * dist/cli.js starts dist/cli-main.js through V8's code cache (core/src/codeCache.ts): the cache is written once,
 * reused while the bundle is unchanged, rewritten when it is corrupt, and never needed — a folder that cannot be
 * written or a cache turned off gives the same output. What it saves is measured by `npm run bench`, not here.
 */
import { strict as assert } from 'node:assert';
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CODE_CACHE_KEEP, readSource } from '../../core/src/codeCache';
import { REPO_ROOT } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'kraken-code-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

const ARGS = ['validate', '--format', 'json', 'examples/account-de.json'];

function cli(env: NodeJS.ProcessEnv, args = ARGS) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the CLI through the code cache', () => {
  const plain = cli({ KRAKEN_IMPORT_NO_CODE_CACHE: '1', XDG_CACHE_HOME: path.join(work, 'unused') });

  it('turned off: runs as before and writes nothing', () => {
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(JSON.parse(plain.stdout)[0].kind, 'account');
    assert.throws(() => statSync(path.join(work, 'unused')), /ENOENT/);
  });

  it('first run writes the cache (a private folder, one file per bundle), later runs reuse it unchanged', () => {
    const home = path.join(work, 'home');
    const first = cli({ XDG_CACHE_HOME: home });
    assert.deepEqual([first.code, first.stdout, first.stderr], [0, plain.stdout, plain.stderr]);
    const dir = path.join(home, 'kraken-import', 'code-cache');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const files = readdirSync(dir);
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0], /^cli-main-[0-9a-f]{16}\.bin$/);
    const file = path.join(dir, files[0]);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const written = readFileSync(file);
    assert.ok(written.length > 1000, `cached data of ${written.length} bytes`);

    const second = cli({ XDG_CACHE_HOME: home });
    assert.deepEqual([second.code, second.stdout], [0, plain.stdout]);
    // Accepted by V8, so not rewritten.
    assert.ok(readFileSync(file).equals(written), 'the cache was not rewritten');
    assert.deepEqual(readdirSync(dir), files, 'no temporary file left behind');
  });

  it('a corrupt cache file is rejected by V8 and rewritten; the output does not change', () => {
    const home = path.join(work, 'corrupt');
    cli({ XDG_CACHE_HOME: home });
    const dir = path.join(home, 'kraken-import', 'code-cache');
    const file = path.join(dir, readdirSync(dir)[0]);
    const garbage = Buffer.alloc(4096, 0x5a);
    writeFileSync(file, garbage);
    const r = cli({ XDG_CACHE_HOME: home });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, plain.stdout, plain.stderr]);
    assert.ok(!readFileSync(file).equals(garbage), 'rewritten with V8 data');
  });

  /** The payload kinds a cache file says its writer validated (its header: `KIC3`, length, comma-separated list padded with spaces). */
  const writerKinds = (bytes: Buffer): string[] => {
    assert.equal(bytes.toString('latin1', 0, 4), 'KIC3');
    // V8 reads its data in place only from an 8-byte boundary (and copies it otherwise).
    assert.equal((8 + bytes.readUInt32LE(4)) % 8, 0, 'V8 data starts on an 8-byte boundary');
    const list = bytes.toString('latin1', 8, 8 + bytes.readUInt32LE(4)).trimEnd();
    return list ? list.split(',') : [];
  };

  it('a first run that validated nothing leaves a small cache; the first run that validates a kind writes it again, then it is left alone', () => {
    const home = path.join(work, 'grow');
    const dir = path.join(home, 'kraken-import', 'code-cache');
    const version = cli({ XDG_CACHE_HOME: home }, ['--version']);
    assert.equal(version.code, 0, version.stderr);
    const [name] = readdirSync(dir);
    const file = path.join(dir, name!);
    const thin = readFileSync(file);
    assert.deepEqual(writerKinds(thin), []);

    const account = cli({ XDG_CACHE_HOME: home });
    assert.deepEqual([account.code, account.stdout, account.stderr], [0, plain.stdout, plain.stderr]);
    const grown = readFileSync(file);
    assert.deepEqual(writerKinds(grown), ['account']);
    assert.ok(
      grown.length > thin.length * 1.3,
      `${thin.length} -> ${grown.length} bytes: the account's validators and rules are in it now`,
    );

    // Nothing new: neither another account nor a run that validates nothing writes it again.
    cli({ XDG_CACHE_HOME: home });
    cli({ XDG_CACHE_HOME: home }, ['--version']);
    assert.ok(readFileSync(file).equals(grown), 'left alone');

    // Another kind: written again, with both (what it was given and what it compiled).
    const notes = cli({ XDG_CACHE_HOME: home }, ['validate', 'examples/notes.json']);
    assert.equal(notes.code, 0, notes.stderr);
    assert.deepEqual(writerKinds(readFileSync(file)), ['account', 'notes']);
    assert.deepEqual(readdirSync(dir), [name], 'one file, rewritten in place');
  });

  it('a file with our header but data V8 rejects is written again', () => {
    const home = path.join(work, 'rejected');
    cli({ XDG_CACHE_HOME: home });
    const dir = path.join(home, 'kraken-import', 'code-cache');
    const file = path.join(dir, readdirSync(dir)[0]!);
    const good = readFileSync(file);
    const bad = Buffer.concat([good.subarray(0, 8 + good.readUInt32LE(4)), Buffer.alloc(4096, 0x5a)]);
    writeFileSync(file, bad);
    const r = cli({ XDG_CACHE_HOME: home });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, plain.stdout, plain.stderr]);
    const rewritten = readFileSync(file);
    assert.deepEqual(writerKinds(rewritten), ['account']);
    assert.ok(!rewritten.equals(bad) && rewritten.length > 1000, 'rewritten with V8 data');
  });

  it('a cache folder that cannot be created costs nothing but the compile', () => {
    const blocker = path.join(work, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const r = cli({ XDG_CACHE_HOME: blocker });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, plain.stdout, plain.stderr]);
  });

  it('the bundles loaded later (cli-commands: send, report, reconcile; the sandbox) go through it too', () => {
    const home = path.join(work, 'lazy');
    const r = cli({ XDG_CACHE_HOME: home }, ['sandbox', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sandbox/);
    assert.deepEqual(
      readdirSync(path.join(home, 'kraken-import', 'code-cache'))
        .map((f) => f.replace(/-[0-9a-f]{16}\.bin$/, ''))
        .sort(),
      ['cli-commands', 'cli-main', 'sandbox'],
    );
  });

  it('the bundles it loads are ASCII (read as latin1, much faster than decoding UTF-8); a bundle that is not is read as UTF-8', () => {
    for (const bundle of ['cli-main.js', 'cli-commands.js', 'sandbox.js', 'server-main.js', 'client-main.js'])
      assert.equal(isAscii(readFileSync(path.join(REPO_ROOT, 'dist', bundle))), true, `${bundle} has a character esbuild left unescaped`);
    const file = path.join(work, 'utf8-bundle.js');
    writeFileSync(file, 'module.exports = "Ä€ — ✓";\n');
    assert.equal(readSource(file), 'module.exports = "Ä€ — ✓";\n');
  });

  it('writing a new cache file prunes the oldest of the same bundle beyond CODE_CACHE_KEEP; other bundles are left alone', () => {
    const home = path.join(work, 'prune');
    const dir = path.join(home, 'kraken-import', 'code-cache');
    mkdirSync(dir, { recursive: true });
    const old = (name: string, daysAgo: number) => {
      const file = path.join(dir, name);
      writeFileSync(file, 'stale');
      const t = new Date(Date.now() - daysAgo * 86_400_000);
      utimesSync(file, t, t);
      return name;
    };
    const stale = [1, 2, 3, 4, 5].map((d) => old(`cli-main-${String(d).repeat(16)}.bin`, d));
    const other = old('cli-commands-aaaaaaaaaaaaaaaa.bin', 30);
    const r = cli({ XDG_CACHE_HOME: home });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, plain.stdout, plain.stderr]);
    const left = readdirSync(dir).sort();
    const written = left.filter((f) => f.startsWith('cli-main-') && !stale.includes(f));
    assert.equal(written.length, 1, 'the new cache file');
    assert.equal(CODE_CACHE_KEEP, 4);
    assert.deepEqual(left, [other, ...stale.slice(0, 3), ...written].sort(), 'the three newest stale files, the new one, the other bundle');
  });

  it('KRAKEN_IMPORT_NO_CODE_CACHE other than 1 or 0 is refused by name (exit 2), nothing runs', () => {
    const r = cli({ KRAKEN_IMPORT_NO_CODE_CACHE: 'true', XDG_CACHE_HOME: path.join(work, 'refused') });
    assert.deepEqual([r.code, r.stdout], [2, '']);
    assert.equal(r.stderr, 'kraken-import: KRAKEN_IMPORT_NO_CODE_CACHE must be 1 (no code cache) or 0, not "true"\n');
  });
});
