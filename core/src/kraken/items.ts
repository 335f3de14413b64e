/** Per-item results (notes, transactions, registration flows): Kraken's item statuses and the counts. */
import type { ItemResult, ItemsData } from './types';

const ITEM_OUTCOMES: Record<string, ItemResult['outcome']> = {
  NOTE_CREATION_SUCCESS: 'created',
  NOTE_ALREADY_EXISTS: 'exists',
  TRANSACTION_ADDED_TO_ACCOUNT: 'created',
  TRANSACTION_IMPORT_SUCCESS: 'created',
  TRANSACTION_ALREADY_EXISTS: 'exists',
  TRANSACTION_IMPORT_ERROR: 'error',
  REGISTRATION_FLOW_SUCCESS: 'created',
  REGISTRATION_FLOW_ERROR: 'error',
};

export function item(index: number, listKey: string, status: string, detail: string | undefined, data: unknown): ItemResult {
  const outcome = ITEM_OUTCOMES[status] ?? (/ERROR|FAIL/.test(status) ? 'error' : 'unknown');
  return {
    index,
    path: index >= 0 && listKey ? `${listKey}.${index}` : '',
    status,
    outcome,
    ...(detail !== undefined ? { detail } : {}),
    data,
  };
}

export function summarise(items: ItemResult[]): ItemsData {
  return {
    items,
    created: items.filter((i) => i.outcome === 'created').length,
    existing: items.filter((i) => i.outcome === 'exists').length,
    failed: items.filter((i) => i.outcome === 'error').length,
  };
}

/** Two timestamps that name the same instant (Kraken may normalise the offset). */
export function sameInstant(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Date.parse(a);
  const y = Date.parse(b);
  return !Number.isNaN(x) && x === y;
}
