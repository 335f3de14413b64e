/**
 * Code the CLI reads only when a command needs it, from bundles next to dist/cli.js (scripts/build.mjs builds them):
 * - dist/cli-commands.js (cli/src/commands.ts): send, report, reconcile and contract info, so that `validate` starts
 *   without reading and compiling the Kraken client and the contract converter;
 * - dist/server.js and dist/sandbox.js: the language server and the sandbox are faces of their own; `kraken-import lsp`
 *   and `kraken-import sandbox` run those programs' entry points in this process instead of bundling a second copy.
 */
import * as path from 'node:path';
import type { CommandDef } from '../../core/src/args';

type Commands = typeof import('./commands');

/** What dist/sandbox.js exports (sandbox/src/main.ts). */
export interface SandboxBundle {
  SANDBOX_COMMAND: CommandDef;
}
/** What dist/server.js exports (server/src/node/main.ts). */
export interface ServerBundle {
  startNodeServer(): void;
}

const cache = new Map<string, unknown>();

/** A bundle next to this one; the path is computed at run time so esbuild leaves the require alone. */
function bundle<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle beside this one, read at run time
  if (!cache.has(name)) cache.set(name, require(path.join(__dirname, `${name}.js`)));
  return cache.get(name) as T;
}

export const commands = (): Commands => bundle<Commands>('cli-commands');
export const sandboxBundle = (): SandboxBundle => bundle<SandboxBundle>('sandbox');
export const serverBundle = (): ServerBundle => bundle<ServerBundle>('server');
