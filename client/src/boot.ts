/**
 * dist/client.js, the extension's `main`: loads the extension (dist/client-main.js, ./extension.ts) through V8's code
 * cache (core/src/codeCache.ts), as dist/server.js and dist/cli.js load theirs: compiling the bundle is most of the
 * extension's own share of its activation. VS Code's extension host is shared with other extensions, so the loader
 * changes nothing process-wide there (`guest`).
 */
import * as path from 'node:path';
import { requireWithCodeCache } from '../../core/src/codeCache';

type Extension = typeof import('./extension');

const extension = requireWithCodeCache(path.join(__dirname, 'client-main.js'), module, { guest: true }) as Extension;

export const activate: Extension['activate'] = (context) => extension.activate(context);
export const deactivate: Extension['deactivate'] = () => extension.deactivate();
