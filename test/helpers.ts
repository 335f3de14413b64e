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
