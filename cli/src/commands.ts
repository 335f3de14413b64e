/**
 * The CLI's commands other than `validate`, `rules` and their tables: bundled apart (dist/cli-commands.js) and read
 * only when one of them runs, so that `validate` starts without reading and compiling the Kraken client, the
 * sandbox, the language server and the contract converter (see lazy.ts and scripts/build.mjs).
 */
export { contractSummary, loadCliContract, runContractInfo } from './contract';
export { SEND_COMMAND } from './send';
export { REPORT_COMMAND } from './report';
export { RECONCILE_COMMAND } from './reconcile';
export { SANDBOX_COMMAND } from '../../sandbox/src/cli';
export { startNodeServer } from '../../server/src/node/startNodeServer';
/** This bundle's own copy of the class its commands throw (see lazy.ts isUsageError). */
export { UsageError } from './args';
