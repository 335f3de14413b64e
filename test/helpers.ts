import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SHARED = path.resolve(REPO_ROOT, '..', 'shared');

export function fixture(name: string): string {
  return readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', name), 'utf8');
}

export function seedAccount(): Record<string, any> {
  return JSON.parse(fixture('seeds/seed-account.json'));
}

/** The 0-based LSP range of the `occurrence`-th match of `needle` in `text`. */
export function rangeOf(text: string, needle: string, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`"${needle}" (occurrence ${occurrence}) not in text`);
  }
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(at), end: pos(at + needle.length) };
}

/**
 * Strings near each base, for holding a fast path to its general reader: the base, every prefix, and each position
 * replaced by (and each gap given) one of `near` ('' deletes).
 */
export function* nearStrings(bases: readonly string[], near: readonly string[]): Generator<string> {
  for (const base of bases) {
    yield base;
    for (let i = 0; i <= base.length; i++) {
      yield base.slice(0, i);
      for (const c of near) {
        yield base.slice(0, i) + c + base.slice(i + 1);
        yield base.slice(0, i) + c + base.slice(i);
      }
    }
  }
}

/** mulberry32: small, fast, good enough to drive a fuzzer, and the same on every platform. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}
