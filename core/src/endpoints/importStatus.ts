import { NEVER_UNKNOWN, READ_ONLY } from './shared';
import type { EndpointDef } from './types';

/** `GET /v2/data-import/accounts/{import_supplier_code}/{external_identifier}/`. 404: no import process. */
export const importStatus: EndpointDef = {
  id: 'importStatus',
  actions: [],
  kinds: [],
  offeredFor: [],
  flow: 'v2',
  method: 'GET',
  path: '/v2/data-import/accounts/{import_supplier_code}/{external_identifier}/',
  pathParams: ['import_supplier_code', 'external_identifier'],
  query: [],
  auth: true,
  what: 'read the import status',
  repeatWithinCall: READ_ONLY,
  repeatAfterInterruption: READ_ONLY,
  answer: { ok: [200], postImport: false, identifiers: ['kraken_identifier'], unknown: NEVER_UNKNOWN },
  sandbox: 'statusV2',
};
