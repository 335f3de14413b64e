/**
 * dist/server.js: starts the language server (dist/server-main.js, ./main.ts) through V8's code cache
 * (core/src/codeCache.ts), as dist/cli.js does for the CLI: compiling the 1.9 MB bundle is most of the time before
 * the first diagnostics of an editor's session. VS Code, Neovim and `node dist/server.js --stdio` start this file;
 * `kraken-import lsp` loads dist/server-main.js itself.
 */
import * as path from 'node:path';
import { requireWithCodeCache } from '../../../core/src/codeCache';

type ServerMain = typeof import('./main');

const server = requireWithCodeCache(path.join(__dirname, 'server-main.js'), module) as ServerMain;
if (require.main === module) server.startNodeServer();
