/**
 * The CLI's commands other than `validate` and `rules`: bundled apart (dist/cli-commands.js) and loaded only when one
 * of them runs, so that `validate` starts without reading and compiling the Kraken client, the sandbox, the language
 * server and the contract converter (see lazy.ts and scripts/build.mjs).
 */
export { contractSummary, loadCliContract, runContractInfo } from './contract';
export { readStdinLine, runSend, SEND_HELP } from './send';
export { runSandboxCommand } from '../../sandbox/src/cli';
export { startNodeServer } from '../../server/src/node/startNodeServer';
