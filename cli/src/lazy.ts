/**
 * Loads cli/src/commands.ts when a command needs it: dist/cli-commands.js next to dist/cli.js (scripts/build.mjs
 * bundles it apart), so that `validate` starts without reading and compiling what only other commands use.
 */
import * as path from 'node:path';
import { UsageError } from './args';

type Commands = typeof import('./commands');

let loaded: Commands | undefined;

export function commands(): Commands {
  // A path computed at run time: esbuild leaves this require alone instead of bundling commands.ts into dist/cli.js.
  const bundle = path.join(__dirname, 'cli-commands.js');
  return (loaded ??= require(bundle) as Commands);
}

/** A usage error thrown by this bundle or by dist/cli-commands.js (each has its own copy of the class). */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError || (loaded !== undefined && error instanceof loaded.UsageError);
}
