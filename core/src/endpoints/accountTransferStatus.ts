import { NEVER_UNKNOWN, READ_ONLY } from './shared';
import type { EndpointDef } from './types';

/** `GET /v1/data-import/account-transfer-status/{code}/{ext}/`: `{status, kraken_account_number}`; 404 not found. */
export const accountTransferStatus: EndpointDef = {
  id: 'accountTransferStatus',
  actions: [],
  kinds: [],
  offeredFor: [],
  flow: 'v1',
  method: 'GET',
  path: '/v1/data-import/account-transfer-status/{import_supplier_code}/{external_account_number}/',
  pathParams: ['import_supplier_code', 'external_account_number'],
  query: [],
  auth: true,
  what: 'read the account transfer status',
  repeatWithinCall: READ_ONLY,
  repeatAfterInterruption: READ_ONLY,
  answer: { ok: [200], postImport: false, identifiers: ['kraken_account_number', 'account_number'], unknown: NEVER_UNKNOWN },
  sandbox: 'transferStatus',
};
