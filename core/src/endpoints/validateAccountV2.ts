import { CHECK_ONLY, NEVER_UNKNOWN } from './shared';
import type { EndpointDef } from './types';

/** `POST /v2/data-import/accounts/validate/`: the body as given (`{payload}` or a bare account). 200 `{}` or 400. */
export const validateAccountV2: EndpointDef = {
  id: 'validateAccountV2',
  actions: ['validate'],
  kinds: ['account-v2-validate', 'account'],
  offeredFor: ['account', 'account-v2-validate', 'account-v2-create'],
  flow: 'v2',
  method: 'POST',
  path: '/v2/data-import/accounts/validate/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'validate the account',
  repeatWithinCall: CHECK_ONLY,
  repeatAfterInterruption: CHECK_ONLY,
  ui: { label: 'Validate with Kraken', verb: 'Validate' },
  answer: { ok: [200, 201], postImport: false, identifiers: [], unknown: NEVER_UNKNOWN },
  sandbox: 'validateV2',
};
