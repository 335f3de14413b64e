import { UNKNOWN_AFTER_SEND } from './shared';
import type { EndpointDef, RepeatSafety } from './types';

const NOT_DEDUPLICATED: RepeatSafety = {
  safe: false,
  reason: 'Kraken does not deduplicate registration flows: a repeat sends them to the industry again',
};

/**
 * `POST /v1/data-import/send-registration-flows/{code}/{ext}/?supply_start_date=…`: 200 with a status per meter
 * point (REGISTRATION_FLOW_SUCCESS, REGISTRATION_FLOW_ERROR with error_detail).
 */
export const sendRegistrationFlows: EndpointDef = {
  id: 'sendRegistrationFlows',
  actions: ['registration-flows'],
  kinds: [],
  offeredFor: ['account', 'account-v2-validate', 'account-v2-create', 'account-v1-create'],
  method: 'POST',
  path: '/v1/data-import/send-registration-flows/{import_supplier_code}/{external_account_number}/',
  pathParams: ['import_supplier_code', 'external_account_number'],
  query: [{ name: 'supply_start_date', type: 'date' }],
  auth: true,
  what: 'send the registration flows',
  repeatWithinCall: NOT_DEDUPLICATED,
  repeatAfterInterruption: NOT_DEDUPLICATED,
  ui: { label: 'Send registration flows', verb: 'Send registration flows for' },
  answer: {
    ok: [200, 201],
    postImport: true,
    items: { listKey: '', label: 'Registration flows', verbs: { created: 'sent', existing: 'already sent' } },
    identifiers: ['mpxn'],
    unknown: UNKNOWN_AFTER_SEND,
  },
  sandbox: 'registrationFlows',
};
