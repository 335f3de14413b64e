/**
 * What parts of the bundle this run used, for the code cache (core/src/codeCache.ts): a cache file records the parts
 * its writer used, and a run that used one it did not (the first run was `--version`, or validated only a notes
 * payload, and this one validates an account) writes the file again, so the cache grows to what the runs use.
 *
 * Kept on globalThis under a registered symbol: the loader (dist/cli.js, dist/server.js) and the bundle it loads
 * (dist/cli-main.js, dist/server-main.js) each hold their own copy of this module, and the loader reads what the
 * bundle noted. No imports: the language service notes each kind it validates, and must not pull in the loader.
 */
const USES = Symbol.for('kraken-import.code-cache.uses');

type Holder = { [USES]?: Set<string> };

/** Notes that this run used `part` (a payload kind's validators and rules: the kind id). */
export function noteCodeUse(part: string): void {
  const g = globalThis as Holder;
  (g[USES] ??= new Set()).add(part);
}

/** The parts this run has noted so far. */
export function codeUses(): ReadonlySet<string> {
  return (globalThis as Holder)[USES] ?? new Set();
}
