/**
 * Loading a bundle with V8's code cache: the CLI's start-up, and the language server's, is mostly compiling a 1.5–1.9 MB
 * bundle, and Node 20 has no built-in compile cache (`module.enableCompileCache` came in Node 22.1; where it exists
 * it is used instead). dist/cli.js (cli/src/boot.ts) and dist/server.js (server/src/node/boot.ts) are small loaders
 * that run their bundle through it.
 *
 * The first run of a bundle compiles it as usual and, when the process exits, writes V8's cached data for what ran
 * to the user's cache folder; later runs hand it to V8, which skips compiling what it holds. The data holds only what
 * its run compiled, so a first run that did little (`--version`, `rules`, one notes payload) would leave every later
 * `validate` of an account compiling the rest: each file records the payload kinds its writer validated
 * (core/src/codeUse.ts), and a run that validated another kind writes it again, with what it was given and what it
 * compiled, so the cache grows to what the runs use. The cache is keyed by
 * the bundle's path, size and modification time, Node's version and the architecture; V8 checks it again and
 * rejects data that does not fit (then it is rewritten). It is a cache: a folder that cannot be written, a missing
 * or corrupt file, only costs the compile. A bundle keeps its newest few files (other builds of it are pruned when a
 * new one is written). `KRAKEN_IMPORT_NO_CODE_CACHE=1` turns it off.
 */
import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { codeUses } from './codeUse';

/** The folder of the cached data: $XDG_CACHE_HOME (or ~/.cache) /kraken-import/code-cache, private to the user. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'kraken-import', 'code-cache');
}

/** The cache file of a bundle as it is now (a changed bundle gets a new name). */
export function codeCacheFile(file: string, dir = codeCacheDir()): string {
  const s = statSync(file);
  const key = [file, s.size, s.mtimeMs, process.version, process.arch].join('\0');
  return path.join(dir, `${path.basename(file, '.js')}-${fnv1a64(key)}.bin`);
}

/**
 * FNV-1a, 64 bits, as 16 hex digits: a file name for a short key, not a security measure (V8 checks the data it is
 * given). Not node:crypto, whose loading alone is a few milliseconds of every start.
 */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

/**
 * KRAKEN_IMPORT_NO_CODE_CACHE: `1` off, `0` or unset on; anything else is refused rather than guessed at: our own
 * process exits 2 with the message, a guest (the extension in VS Code's extension host) throws it.
 */
export function codeCacheTurnedOff(value: string | undefined, guest = false): boolean {
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  const message = `kraken-import: KRAKEN_IMPORT_NO_CODE_CACHE must be 1 (no code cache) or 0, not "${value}"`;
  if (guest) throw new Error(message);
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** A cache file: `KIC3`, the length of the list that follows (uint32 LE), the writer's parts (comma-separated, padded with spaces to align V8's data), V8's data. */
const MAGIC = 0x3343494b; // "KIC3" read as a little-endian uint32

/** V8's data and the parts its writer used, from a cache file; undefined when it is missing or not ours. */
function readCacheFile(file: string, scratch?: Buffer): { data: Buffer; uses: Set<string> } | undefined {
  let bytes: Buffer;
  try {
    bytes = readWhole(file, 0, 0, scratch);
  } catch {
    return undefined;
  }
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  const end = 8 + bytes.readUInt32LE(4);
  if (end >= bytes.length || end % DATA_ALIGNMENT !== 0) return undefined;
  const list = bytes.toString('latin1', 8, end).trimEnd();
  return { data: bytes.subarray(end), uses: new Set(list ? list.split(',') : []) };
}

/**
 * A file's bytes, with `before` bytes free ahead of them and `after` behind, in `scratch` when it is large enough
 * (else in a new buffer). A file that changes size while it is read gives what was read.
 */
function readWhole(file: string, before: number, after: number, scratch?: Buffer): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const need = before + size + after;
    const bytes = scratch && scratch.length >= need ? scratch : Buffer.allocUnsafeSlow(need);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, before + read, size - read, null);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, before + read + after);
  } finally {
    closeSync(fd);
  }
}

/**
 * V8 reads cached data in place only when it starts at a multiple of 8 bytes (a pointer); anywhere else it copies it
 * first (1.4 MB for the CLI: a few milliseconds of fresh memory at every start). A buffer read from a file starts
 * aligned, so the header is padded to a multiple of 8.
 */
const DATA_ALIGNMENT = 8;

/** A cache file's bytes (see readCacheFile): the list is padded with spaces so that V8's data starts aligned. */
function cacheFileBytes(uses: Iterable<string>, data: Buffer): Buffer {
  const list = [...uses].sort().join(',');
  const padded = Buffer.from(
    list.padEnd(list.length + ((DATA_ALIGNMENT - ((8 + list.length) % DATA_ALIGNMENT)) % DATA_ALIGNMENT)),
    'latin1',
  );
  const header = Buffer.alloc(8);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(padded.length, 4);
  return Buffer.concat([header, padded, data]);
}

/**
 * A bundle's text wrapped as CommonJS wraps a module (Module.wrapper), read in one piece: the file is read into a
 * buffer between the wrapper's two halves, so the text V8 compiles is built once (joining the halves to a string read
 * separately makes V8 copy the whole bundle again). A first line `#!` is made a `//` comment, as Node ignores it.
 * esbuild writes ASCII (other characters escaped), and ASCII read as latin1 is the same text for a fraction of the
 * UTF-8 decoder's time (0.5 ms against 17 ms for the 1.6 MB bundle, a tenth of the start-up above Node).
 */
export function readWrappedSource(file: string, scratch?: Buffer): string {
  const [head, tail] = wrapper();
  const bytes = readWhole(file, head.length, tail.length, scratch);
  bytes.write(head, 0, 'latin1');
  bytes.write(tail, bytes.length - tail.length, 'latin1');
  if (bytes[head.length] === 0x23 && bytes[head.length + 1] === 0x21) bytes.write('//', head.length, 'latin1');
  return typeof isAscii === 'function' && isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** A bundle's text as Node would run it (readWrappedSource without the wrapper). */
export function readSource(file: string): string {
  const [head, tail] = wrapper();
  return readWrappedSource(file).slice(head.length, -tail.length);
}

/** The two halves of the function CommonJS wraps a module's text in. */
const wrapper = (): [string, string] => (Module as unknown as { wrapper: [string, string] }).wrapper;

/** A file's size; 0 when it cannot be read. */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Cache files kept per bundle: a few installs (or checkouts) side by side; older builds' files go. */
export const CODE_CACHE_KEEP = 4;

/**
 * Removes the oldest files of the same bundle beyond CODE_CACHE_KEEP (each upgrade or rebuild leaves one of 1–2 MB
 * otherwise). Runs only after writing, which a run does only when its bundle had no usable cache.
 */
export function pruneCodeCache(written: string): void {
  try {
    const dir = path.dirname(written);
    const bundle = path.basename(written).replace(/-[0-9a-f]{16}\.bin$/, '');
    const same = readdirSync(dir)
      .filter((f) => f.endsWith('.bin') && f.replace(/-[0-9a-f]{16}\.bin$/, '') === bundle)
      .map((f) => ({ file: path.join(dir, f), mtime: statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { file } of same.slice(CODE_CACHE_KEEP)) if (file !== written) rmSync(file, { force: true });
  } catch {
    // Pruning is housekeeping: a file another process removed first, or an unreadable folder, changes nothing.
  }
}

/** Writes through a temporary file and a rename, so that two processes never leave half a file. */
function writeAtomically(file: string, data: Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written costs only the compile next time.
  }
}

/**
 * Runs a CommonJS bundle the way `require` would (its own `module`, `require`, `__filename`, `__dirname`, in the
 * module cache) and returns its exports; compiles it with the code cache unless that is turned off. `guest`: the
 * process is not ours (VS Code's extension host, shared with other extensions), so nothing process-wide is changed
 * (Node's own compile cache is not turned on for everyone) and a bad setting throws instead of exiting.
 */
export function requireWithCodeCache(file: string, parent?: NodeJS.Module, { guest = false } = {}): unknown {
  const loaded = (Module as unknown as { _cache: Record<string, NodeJS.Module> })._cache[file];
  if (loaded) return loaded.exports;
  const off = codeCacheTurnedOff(process.env.KRAKEN_IMPORT_NO_CODE_CACHE, guest);
  const builtIn = guest ? undefined : (Module as unknown as { enableCompileCache?: () => unknown }).enableCompileCache;
  if (off || builtIn) {
    if (!off) builtIn?.();
    return createRequire(file)(file);
  }

  const cacheFile = codeCacheFile(file);
  // One buffer for both files, the bundle's text first: once it is a string, its bytes are free for V8's data, and
  // a second buffer of that size would be a megabyte of fresh memory for the system to hand over (page by page).
  const scratch = Buffer.allocUnsafeSlow(Math.max(fileSize(file) + wrapper().join('').length, fileSize(cacheFile)));
  const source = readWrappedSource(file, scratch);
  const cache = readCacheFile(cacheFile, scratch);
  const script = new vm.Script(source, { filename: file, cachedData: cache?.data });
  const m = new Module(file, parent) as NodeJS.Module & { filename: string; paths: string[]; loaded: boolean };
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  (Module as unknown as { _cache: Record<string, NodeJS.Module> })._cache[file] = m;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const given = script.cachedDataRejected === true ? undefined : cache?.uses;
  process.once('exit', () => {
    const used = codeUses();
    if (given && [...used].every((u) => given.has(u))) return;
    // V8's data holds every function this run compiled and every one it was given, not only the top level.
    writeAtomically(cacheFile, cacheFileBytes(new Set([...(given ?? []), ...used]), script.createCachedData()));
    if (!given) pruneCodeCache(cacheFile);
  });
  run.call(m.exports, m.exports, createRequire(file), m, file, path.dirname(file));
  m.loaded = true;
  return m.exports;
}
