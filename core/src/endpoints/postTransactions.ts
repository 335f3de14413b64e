import { NEVER_UNKNOWN, UNKNOWN_AFTER_SEND } from './shared';
import type { EndpointDef, RepeatSafety } from './types';

const CHECKED: RepeatSafety = {
  safe: { unlessQueryFalse: 'check_previously_added' },
  reason:
    'Kraken skips a transaction whose transaction_id it has (check_previously_added); without that check a repeat could add the transactions twice',
};

/**
 * `POST /v1/data-import/transactions/create/?check_previously_added=…&force_add_to_current_statement=…`.
 * 201 with one status per transaction; a 400 with TRANSACTION_IMPORT_ERROR comes back with its item.
 */
export const postTransactions: EndpointDef = {
  id: 'postTransactions',
  actions: ['transactions'],
  kinds: ['transactions'],
  offeredFor: ['transactions'],
  method: 'POST',
  path: '/v1/data-import/transactions/create/',
  pathParams: [],
  query: [
    { name: 'check_previously_added', type: 'boolean', default: true },
    { name: 'force_add_to_current_statement', type: 'boolean', default: true },
  ],
  auth: true,
  what: 'add the transactions',
  repeatWithinCall: CHECKED,
  repeatAfterInterruption: CHECKED,
  ui: { label: 'Send transactions to Kraken', verb: 'Send transactions for', dryRunVerb: 'Send transactions (dry run) for' },
  answer: {
    ok: [200, 201],
    alsoOk: 'a 400 with per-item TRANSACTION_IMPORT_ERROR is read item by item',
    postImport: true,
    items: { listKey: 'transactions', label: 'Transactions', verbs: { created: 'added', existing: 'already existed' } },
    identifiers: ['transaction_id'],
    unknown: `${NEVER_UNKNOWN} (with check_previously_added; without it, ${UNKNOWN_AFTER_SEND})`,
  },
  sandbox: 'transactions',
};
