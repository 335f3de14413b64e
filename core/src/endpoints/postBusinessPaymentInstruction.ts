import { UNKNOWN_AFTER_SEND } from './shared';
import type { EndpointDef, RepeatSafety } from './types';

const NOT_DEDUPLICATED: RepeatSafety = {
  safe: false,
  reason: 'Kraken does not deduplicate business payment instructions: a repeat could create a second one',
};

/** `POST /v1/data-import/business-payment-instruction/create/`: 201 `{reference, external_business_identifier}`. */
export const postBusinessPaymentInstruction: EndpointDef = {
  id: 'postBusinessPaymentInstruction',
  actions: ['business-payment-instruction'],
  kinds: ['business-payment-instruction'],
  offeredFor: ['business-payment-instruction'],
  method: 'POST',
  path: '/v1/data-import/business-payment-instruction/create/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'create the business payment instruction',
  repeatWithinCall: NOT_DEDUPLICATED,
  repeatAfterInterruption: NOT_DEDUPLICATED,
  ui: { label: 'Send business payment instruction to Kraken', verb: 'Create a payment instruction for' },
  answer: { ok: [200, 201], postImport: true, identifiers: ['reference', 'external_business_identifier'], unknown: UNKNOWN_AFTER_SEND },
  sandbox: 'businessPaymentInstruction',
};
