/**
 * The language server: wiring between LSP and the Kraken payload language service. No analysis happens here.
 * One module per concern: `session` (shared state), `lifecycle` (initialize, settings and config files),
 * `validation` (open documents and their diagnostics), `contract` (krakenImport/setContract), `requests` (pulled
 * diagnostics and the server's own requests), `authoring` and `codeActions` (the editing features).
 */
import type { Connection } from 'vscode-languageserver';
import { registerAuthoring } from './authoring';
import { registerCodeActions } from './codeActions';
import { registerContractRequest } from './contract';
import { registerLifecycle } from './lifecycle';
import { registerRequests } from './requests';
import { ServerSession } from './session';
import { DocumentValidation } from './validation';

export { runSafe, toLspDiagnostic } from './lsp';
export { setContract } from './contract';
export { APPLY_EDIT_COMMAND, type ClientFeatures, clientFeatures } from './capabilities';
export type { ServerSettings } from './session';

export function startServer(connection: Connection): void {
  const session = new ServerSession(connection);
  const validation = new DocumentValidation(session);
  registerLifecycle(session, validation);
  registerRequests(session, validation);
  registerContractRequest(session, validation);
  registerAuthoring(session);
  registerCodeActions(session, validation);
  session.documents.listen(connection);
  connection.listen();
}
