/**
 * The CLI's commands other than `validate`, `rules` and their tables: bundled apart (dist/cli-commands.js) and read
 * only when one of them runs, so that `validate` starts without reading and compiling the Kraken client and the
 * contract converter (see lazy.ts and scripts/build.mjs).
 */
export { contractSummary, loadCliContract, runContractInfo } from '../../core/src/contract';
export { SEND_COMMAND } from './send';
export { REPORT_COMMAND } from './report';
export { RECONCILE_COMMAND } from './reconcile';
