/**
 * Stable command ids and context keys of the Kraken commands (package.json contributes the same ids; a unit test
 * keeps them in step). Pure: no `vscode` import.
 */
export const KRAKEN_COMMANDS = {
  /** Validate the document with Kraken (v1 `validate-account/` or v2 `accounts/validate/` by the environment's flow). */
  validate: 'krakenImport.validateWithKraken',
  /** v1 stage (`create-or-update/`). */
  stage: 'krakenImport.stageAccount',
  /** Create with dry run (v1 `process/` `dry_run: true`; v2 `task_params.is_dry_run: true`, then status polling). */
  createDryRun: 'krakenImport.createAccountDryRun',
  /** Create for real (always confirmed). */
  create: 'krakenImport.createAccount',
  /** The post-import endpoint of the document's kind (notes, transactions, statements, payment instructions). */
  sendPostImport: 'krakenImport.sendPostImport',
  /** `send-registration-flows/{code}/{ext}/` for the document's account. */
  registrationFlows: 'krakenImport.sendRegistrationFlows',
  /** v2 import status of any account (asks for the import supplier and external identifier). */
  checkStatus: 'krakenImport.checkImportStatus',
  /** Quick pick of every action the document offers. */
  sendToKraken: 'krakenImport.sendToKraken',
  selectEnvironment: 'krakenImport.selectEnvironment',
  setApiKey: 'krakenImport.setApiKey',
  forgetApiKey: 'krakenImport.forgetApiKey',
  clearDiagnostics: 'krakenImport.clearKrakenDiagnostics',
  /** Quick pick of the workspace's kept calls; the one picked opens as a read-only JSON tab. */
  showResponses: 'krakenImport.showResponses',
  /** The request of a kept call as a curl command, `$KRAKEN_API_KEY` in place of the key. */
  copyAsCurl: 'krakenImport.copyResponseAsCurl',
  /** Journals of `kraken-import send` (one per shard): errors on the payloads, the run as a tree. */
  openSendJournal: 'krakenImport.openSendJournal',
  /** The run report (timeline, outcomes, failures, slowest calls) of the open journals, in a webview. */
  showWaveReport: 'krakenImport.showWaveReport',
  /** A wave's accounts against Kraken's lists of account import processes. */
  reconcileWave: 'krakenImport.reconcileWave',
  /** Forget the open journals: their diagnostics and tree. */
  closeSendJournal: 'krakenImport.closeSendJournal',
} as const;

export type KrakenCommandId = (typeof KRAKEN_COMMANDS)[keyof typeof KRAKEN_COMMANDS];

/** Context keys set for the active editor's document (used by `when`/`enablement` clauses in package.json). */
export const CONTEXT_KEYS = {
  canValidate: 'krakenImport.can.validate',
  canStage: 'krakenImport.can.stage',
  canCreate: 'krakenImport.can.create',
  canPostImport: 'krakenImport.can.postImport',
  canRegistrationFlows: 'krakenImport.can.registrationFlows',
  canSend: 'krakenImport.can.send',
  flow: 'krakenImport.flow',
  productionEnvironment: 'krakenImport.productionEnvironment',
} as const;
