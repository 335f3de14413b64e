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
