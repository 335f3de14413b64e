/** Entry of dist/server.js: the language server over the transport named on the command line (vscode-languageserver reads it). `kraken-import lsp` requires this bundle and calls startNodeServer itself. */
import { startNodeServer } from './startNodeServer';

export { startNodeServer };

if (require.main === module) startNodeServer();
