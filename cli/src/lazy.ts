/**
 * Code the CLI reads only when a command needs it, from bundles next to dist/cli.js (scripts/build.mjs builds them):
 * - dist/cli-commands.js (cli/src/commands.ts): send, report, reconcile and contract info, so that `validate` starts
 *   without reading and compiling the Kraken client and the contract converter;
 * - dist/server-main.js and dist/sandbox.js: the language server and the sandbox are faces of their own; `kraken-import lsp`
 *   and `kraken-import sandbox` run those programs' entry points in this process instead of bundling a second copy.
 */
import * as path from 'node:path';
import type { CommandDef } from '../../core/src/args';
import { requireWithCodeCache } from '../../core/src/codeCache';

type Commands = typeof import('./commands');

/** What dist/sandbox.js exports (sandbox/src/main.ts). */
export interface SandboxBundle {
  SANDBOX_COMMAND: CommandDef;
}
/** What dist/server-main.js exports (server/src/node/main.ts). */
export interface ServerBundle {
  startNodeServer(): void;
}

const cache = new Map<string, unknown>();

/** A bundle next to this one, loaded at run time (with the code cache) so esbuild leaves it out of this one. */
function bundle<T>(name: string): T {
  if (!cache.has(name)) cache.set(name, requireWithCodeCache(path.join(__dirname, `${name}.js`), module));
  return cache.get(name) as T;
}

export const commands = (): Commands => bundle<Commands>('cli-commands');
export const sandboxBundle = (): SandboxBundle => bundle<SandboxBundle>('sandbox');
export const serverBundle = (): ServerBundle => bundle<ServerBundle>('server-main');
