import type { EndpointDef } from './types';

/**
 * `POST /v2/data-import/accounts/` with `{payload, task_params}`: 201 `{}` = scheduled (follow the import status).
 * Never sent twice unless Kraken said it was not processed.
 */
export const createAccountV2: EndpointDef = {
  id: 'createAccountV2',
  actions: ['create-dry-run', 'create'],
  kinds: ['account-v2-create'],
  offeredFor: ['account', 'account-v2-validate', 'account-v2-create'],
  flow: 'v2',
  method: 'POST',
  path: '/v2/data-import/accounts/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'schedule the account creation',
  repeatWithinCall: {
    safe: false,
    reason: 'a create: sent again only when Kraken said it did not process it (429, 500, 503), never after a 502/504 or a lost answer',
  },
  repeatAfterInterruption: {
    safe: 'dry-run-only',
    reason: 'a real create is looked up in Kraken (import status) instead of being sent again; a dry run is rolled back',
  },
  ui: { label: 'Create', dryRunLabel: 'Create (dry run)', verb: 'Create', dryRunVerb: 'Dry-run the creation of' },
  answer: {
    ok: [200, 201, 202],
    alsoOk: '400 "already imported" (with account_id)',
    postImport: false,
    identifiers: ['account_id'],
    unknown: 'a gateway 502/504, or a connection lost after sending: read the import status before anything else',
  },
  sandbox: 'createV2',
};
