/**
 * Entry of dist/server-main.js: the language server over the transport named on the command line (vscode-languageserver
 * reads it). dist/server.js (./boot.ts) loads this bundle through the code cache and starts it; so does
 * `kraken-import lsp`, which calls startNodeServer itself.
 */
import { startNodeServer } from './startNodeServer';

export { startNodeServer };

if (require.main === module) startNodeServer();
