import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../server';

/** Starts the server on the transport named in argv (--stdio, --node-ipc, --socket=N). */
export function startNodeServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  // Nothing may write to stdout but the protocol: route stray console output to the client's log.
  console.log = connection.console.log.bind(connection.console);
  console.info = connection.console.info.bind(connection.console);
  console.warn = connection.console.warn.bind(connection.console);
  console.error = connection.console.error.bind(connection.console);
  process.on('uncaughtException', (error) => connection.console.error(`uncaught: ${error?.stack ?? String(error)}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));
  startServer(connection);
}
