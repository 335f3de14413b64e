import { NEVER_UNKNOWN, READ_ONLY } from './shared';
import type { EndpointDef } from './types';

/** `GET /v1/data-import/all-account-import-processes/{import_supplier_code}/`: the import processes, staged and imported. */
export const listAllImportProcesses: EndpointDef = {
  id: 'listAllImportProcesses',
  actions: [],
  kinds: [],
  offeredFor: [],
  method: 'GET',
  path: '/v1/data-import/all-account-import-processes/{import_supplier_code}/',
  pathParams: ['import_supplier_code'],
  query: [],
  auth: true,
  what: 'list the account import processes',
  repeatWithinCall: READ_ONLY,
  repeatAfterInterruption: READ_ONLY,
  answer: { ok: [200], postImport: false, identifiers: ['external_account_number', 'kraken_account_number'], unknown: NEVER_UNKNOWN },
  sandbox: 'listImportProcesses',
};
