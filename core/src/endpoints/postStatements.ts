import { UNKNOWN_AFTER_SEND } from './shared';
import type { EndpointDef, RepeatSafety } from './types';

const NOT_DEDUPLICATED: RepeatSafety = {
  safe: false,
  reason: 'Kraken does not deduplicate historical statements: a repeat could add them twice',
};

/** `POST /v1/data-import/historical-statements/create/`: 201 (or 200) echoing the validated data. */
export const postStatements: EndpointDef = {
  id: 'postStatements',
  actions: ['statements'],
  kinds: ['statements'],
  offeredFor: ['statements'],
  method: 'POST',
  path: '/v1/data-import/historical-statements/create/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'add the statements',
  repeatWithinCall: NOT_DEDUPLICATED,
  repeatAfterInterruption: NOT_DEDUPLICATED,
  ui: { label: 'Send historical statements to Kraken', verb: 'Send historical statements for' },
  answer: { ok: [200, 201], postImport: true, identifiers: [], unknown: UNKNOWN_AFTER_SEND },
  sandbox: 'statements',
};
