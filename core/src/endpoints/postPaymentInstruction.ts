import { UNKNOWN_AFTER_SEND } from './shared';
import type { EndpointDef, RepeatSafety } from './types';

const NOT_DEDUPLICATED: RepeatSafety = {
  safe: false,
  reason: 'Kraken does not deduplicate payment instructions: a repeat could create a second one',
};

/** `POST /v1/data-import/payment-instruction/create/`: 201 `{kraken_account_number, reference}`. */
export const postPaymentInstruction: EndpointDef = {
  id: 'postPaymentInstruction',
  actions: ['payment-instruction'],
  kinds: ['payment-instruction'],
  offeredFor: ['payment-instruction'],
  method: 'POST',
  path: '/v1/data-import/payment-instruction/create/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'create the payment instruction',
  repeatWithinCall: NOT_DEDUPLICATED,
  repeatAfterInterruption: NOT_DEDUPLICATED,
  ui: { label: 'Send payment instruction to Kraken', verb: 'Create a payment instruction for' },
  answer: { ok: [200, 201], postImport: true, identifiers: ['kraken_account_number', 'reference'], unknown: UNKNOWN_AFTER_SEND },
  sandbox: 'paymentInstruction',
};
