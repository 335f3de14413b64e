import { CHECK_ONLY, NEVER_UNKNOWN } from './shared';
import type { EndpointDef } from './types';

/** `POST /v1/data-import/validate-account/`: 200 (`{}` or the validated data) or 400 with errors. */
export const validateAccount: EndpointDef = {
  id: 'validateAccount',
  actions: ['validate'],
  kinds: ['account'],
  offeredFor: ['account', 'account-v2-validate', 'account-v2-create'],
  flow: 'v1',
  method: 'POST',
  path: '/v1/data-import/validate-account/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'validate the account',
  repeatWithinCall: CHECK_ONLY,
  repeatAfterInterruption: CHECK_ONLY,
  ui: { label: 'Validate with Kraken', verb: 'Validate' },
  answer: { ok: [200, 201], postImport: false, identifiers: [], unknown: NEVER_UNKNOWN },
  sandbox: 'validateV1',
};
