import { activation, findingData } from './declared';
import { isRecord } from './select';
import type { Rule } from './types';

const NAME = 'Validate day of the month';
const CODE = 'invalid_day_of_month';

export const dayOfMonth: Rule = {
  code: 'day-of-month',
  severity: 'error',
  doc: "The account's smart_read_cycle_day is a day of the month (Kraken: invalid_day_of_month). Error where the contract in force declares the validator on the field. Only a whole number outside 1–31 is flagged: whether Kraken also rejects 29–31 (days some months lack) is not said. Not checked under the bundled schemas.",
  kinds: ['account'],
  appliesTo: ['smart_read_cycle_day'],
  implements: [{ name: NAME, codes: [CODE] }],
  check(ctx) {
    const root = ctx.root;
    if (!ctx.underContract || !isRecord(root)) return;
    const v = root.smart_read_cycle_day;
    if (typeof v !== 'number' || !Number.isInteger(v) || (v >= 1 && v <= 31)) return;
    const a = activation(ctx, [['smart_read_cycle_day'], []], [NAME], CODE, undefined);
    if (!a) return;
    ctx.report(
      ['smart_read_cycle_day'],
      `smart_read_cycle_day is ${v}, not a day of the month: give a day from 1 to 31${a.krakenCode ? ` (Kraken: ${CODE})` : ''}.`,
      { severity: a.severity, data: findingData(a, {}) },
    );
  },
};
