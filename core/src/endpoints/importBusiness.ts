import { UNKNOWN_AFTER_SEND } from './shared';
import type { EndpointDef, RepeatSafety } from './types';

const CREATES: RepeatSafety = { safe: false, reason: 'creates a business; a second one is answered "already imported"' };

/** `POST /v1/data-import/business/` `{business: {…}}`: 201 `{kraken_business_id}`. No payload kind; the sandbox serves it. */
export const importBusiness: EndpointDef = {
  id: 'importBusiness',
  actions: [],
  kinds: [],
  offeredFor: [],
  method: 'POST',
  path: '/v1/data-import/business/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'import the business',
  repeatWithinCall: CREATES,
  repeatAfterInterruption: CREATES,
  answer: {
    ok: [201],
    postImport: false,
    identifiers: ['kraken_business_id', 'external_business_identifier'],
    unknown: UNKNOWN_AFTER_SEND,
  },
  sandbox: 'business',
};
