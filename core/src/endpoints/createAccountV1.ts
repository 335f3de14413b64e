import type { EndpointDef } from './types';

/**
 * `POST /v1/data-import/account-import-process/process/`. Never sent twice unless Kraken said it was not processed
 * (429, 500, 503). The dry-run success (a 400 from Kraken) and "already imported" are successes.
 */
export const createAccountV1: EndpointDef = {
  id: 'createAccountV1',
  actions: ['create-dry-run', 'create'],
  kinds: ['account-v1-create'],
  offeredFor: ['account', 'account-v2-validate', 'account-v2-create', 'account-v1-create'],
  flow: 'v1',
  method: 'POST',
  path: '/v1/data-import/account-import-process/process/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'create the account',
  repeatWithinCall: {
    safe: false,
    reason: 'a create: sent again only when Kraken said it did not process it (429, 500, 503), never after a 502/504 or a lost answer',
  },
  repeatAfterInterruption: {
    safe: 'dry-run-only',
    reason: 'a real create is looked up in Kraken (account transfer status) instead of being sent again; a dry run is rolled back',
  },
  ui: { label: 'Create', dryRunLabel: 'Create (dry run)', verb: 'Create', dryRunVerb: 'Dry-run the creation of' },
  answer: {
    ok: [200, 201],
    alsoOk: '400 "Rolled back due to Dry Run" (dry-run success) and 400 "already imported"',
    postImport: false,
    identifiers: ['kraken_account_number', 'account_number'],
    unknown: 'a gateway 502/504, or a connection lost after sending: look the account up (transfer status) before anything else',
  },
  sandbox: 'createV1',
};
