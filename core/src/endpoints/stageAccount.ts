import { NEVER_UNKNOWN } from './shared';
import type { EndpointDef } from './types';

const UPSERT = { safe: true, reason: 'create-or-update: a second one updates the staged data with the same body' } as const;

/** `POST /v1/data-import/account-import-process/create-or-update/`: 201 staged the first time, 200 updated. */
export const stageAccount: EndpointDef = {
  id: 'stageAccount',
  actions: ['stage'],
  kinds: ['account'],
  offeredFor: ['account', 'account-v2-validate', 'account-v2-create'],
  flow: 'v1',
  method: 'POST',
  path: '/v1/data-import/account-import-process/create-or-update/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'stage the account',
  repeatWithinCall: UPSERT,
  repeatAfterInterruption: UPSERT,
  ui: { label: 'Stage', verb: 'Stage' },
  answer: {
    ok: [200, 201],
    alsoOk: '400 "already imported" is reported as already-imported (staged data can no longer change)',
    postImport: false,
    identifiers: ['import_supplier', 'external_account_number'],
    unknown: NEVER_UNKNOWN,
  },
  sandbox: 'stageV1',
};
