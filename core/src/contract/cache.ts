/**
 * The on-disk `ContractCache` of the CLI (`~/.cache/kraken-import/compiled`) and the language server (the
 * extension's global storage): converted contracts (JSON), compiled validators (ajv standalone code) and V8's code
 * cache of each validator's code (binary), one file per key. Writes are atomic (temporary file + rename); the oldest
 * entries beyond `maxEntries` are removed; a read refreshes an entry's time, so what is in use stays.
 *
 * The standalone code in it is executed when loaded: the folder must be as private as the user's home (it is, for
 * both places above); nothing is cached from or for a workspace.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { sha256Hex } from '../hash';
import * as path from 'node:path';
import type { ContractCache } from '../service/contract/schemaSet';

const KEY = /^[a-z0-9][a-z0-9.-]{0,120}$/;

export interface FileCacheOptions {
  /** Keep at most this many files (default 64: a few contracts' converted text, validators and their code caches). */
  maxEntries?: number;
  /** Called with a short message when the folder cannot be written (the cache then just misses). */
  onError?: (message: string) => void;
}

export function fileContractCache(dir: string, options: FileCacheOptions = {}): ContractCache {
  const max = options.maxEntries ?? 64;
  let reported = false;
  const report = (message: string) => {
    if (!reported) options.onError?.(message);
    reported = true;
  };
  const fileOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`bad cache key ${JSON.stringify(key)}`);
    return path.join(dir, key);
  };
  const prune = () => {
    const all = readdirSync(dir)
      .filter((f) => KEY.test(f))
      .map((f) => {
        try {
          return { f, t: statSync(path.join(dir, f)).mtimeMs };
        } catch {
          return { f, t: 0 };
        }
      });
    // Another process's temporary file is left alone unless it is an hour old (that writer died).
    const stale = all.filter((e) => e.f.endsWith('.tmp') && e.t < Date.now() - 3_600_000);
    const entries = all.filter((e) => !e.f.endsWith('.tmp')).sort((a, b) => b.t - a.t);
    for (const { f } of [...stale, ...entries.slice(max)]) {
      try {
        unlinkSync(path.join(dir, f));
      } catch {
        // another process removed it
      }
    }
  };
  const readEntry = (key: string): Buffer | undefined => {
    const file = fileOf(key);
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      return undefined;
    }
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // read-only folder: fine
    }
    return data;
  };
  const writeEntry = (key: string, data: string | Uint8Array): void => {
    const file = fileOf(key);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, data, { mode: 0o600 });
      renameSync(tmp, file);
      prune();
    } catch (error) {
      report(`cannot write the contract cache in ${dir}: ${(error as Error).message}`);
    }
  };
  return {
    read: (key) => readEntry(key)?.toString('utf8'),
    write: writeEntry,
    readBytes: readEntry,
    writeBytes: writeEntry,
  };
}

/**
 * The identity of the running bundle (its path, size and modification time): cache entries written by another
 * build (another converter, another ajv) are not reused.
 */
export function bundleBuildId(file: string = __filename): string {
  try {
    const s = statSync(file);
    return sha256Hex(`${file}\n${s.size}\n${s.mtimeMs}`).slice(0, 16);
  } catch {
    return 'unknown-build';
  }
}
