import { toTimestamp } from '../formats';
import type { JsonPath } from '../types';
import type { Rule } from './types';

/** Start/end field pairs that describe one period. Kraken raises `start_date_later_than_end_date` and friends. */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['effective_from', 'effective_to'],
  ['supply_start_date', 'supply_end_date'],
  ['valid_from', 'valid_to'],
  ['active_from', 'active_to'],
  ['active_from_date', 'active_to_date'],
  ['bill_period_from_date', 'bill_period_to_date'],
  ['start_date', 'end_date'],
  ['start_date', 'expiry_date'],
  ['customer_at_supply_address_from_date', 'customer_at_supply_address_to_date'],
  ['installed_on', 'removed_on'],
  ['schedule_window_start', 'schedule_window_end'],
];

export const dateOrder: Rule = {
  code: 'date-order',
  severity: 'error',
  doc: 'A period must not end before it starts (agreements, supply, operators, profiles, balancing periods, bill periods, meters, registers, line items, schedules).',
  kinds: ['account', 'account-v2-create', 'transactions', 'statements'],
  check(ctx) {
    const stack: Array<{ value: unknown; path: JsonPath }> = [{ value: ctx.root, path: [] }];
    while (stack.length) {
      const { value, path } = stack.pop()!;
      if (value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) if (value[i] && typeof value[i] === 'object') stack.push({ value: value[i], path: [...path, i] });
        continue;
      }
      const obj = value as Record<string, unknown>;
      for (const [from, to] of PAIRS) {
        if (!(from in obj) || !(to in obj)) continue;
        const start = toTimestamp(obj[from]);
        const end = toTimestamp(obj[to]);
        if (start !== undefined && end !== undefined && end < start) {
          ctx.report(
            [...path, to],
            `${to} (${String(obj[to])}) is before ${from} (${String(obj[from])}): a period cannot end before it starts. Correct one of the two dates.`,
            { data: { from, to } },
          );
        }
      }
      for (const key in obj) {
        const child = obj[key];
        if (child && typeof child === 'object') stack.push({ value: child, path: [...path, key] });
      }
    }
  },
};
