import { activation, findingData } from './declared';
import { absent, certainlyOverlap, dayOf, describePeriod, periodsOf } from './periodDates';
import type { Rule } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/** The objects that hold periods (the shared walk lists them). */
const KEYS = indexedKeys(['periods']);

const NAME = 'Validate contribution period dates';
const START = 'invalid_contribution_period_start_date';
const END = 'invalid_contribution_period_end_date';
const OVERLAP = 'overlapping_contribution_periods';

export const contributionPeriods: Rule = {
  code: 'contribution-periods',
  severity: 'error',
  doc: "A contribution scheme agreement's periods lie within its active period (start_date on or after active_period_start_date: invalid_contribution_period_start_date; end_date on or before active_period_end_date when that is given: invalid_contribution_period_end_date) and do not overlap (overlapping_contribution_periods; two periods overlap when each starts before the other ends, true however Kraken reads end dates). Errors with Kraken's code where the contract in force declares the validator on the agreement. Not checked under the bundled schemas.",
  kinds: ['account'],
  appliesTo: ['*.periods[].start_date', '*.periods[].end_date'],
  implements: [{ name: NAME, codes: [START, END, OVERLAP] }],
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const agreement = objects[o];
      if (!Array.isArray(agreement.periods) || !('active_period_start_date' in agreement)) continue;
      const path = paths[o].toPath();
      const on = (code: string) => activation(ctx, [path], [NAME], code, undefined);
      const a = on(START);
      if (!a) continue;
      const activeStart = dayOf(agreement.active_period_start_date);
      const activeEnd = absent(agreement.active_period_end_date) ? undefined : dayOf(agreement.active_period_end_date);
      const list = [...path, 'periods'];
      agreement.periods.forEach((p, i) => {
        if (p === null || typeof p !== 'object' || Array.isArray(p)) return;
        const rec = p as Record<string, unknown>;
        const start = dayOf(rec.start_date);
        const end = dayOf(rec.end_date);
        if (activeStart && start && start < activeStart) {
          ctx.report(
            [...list, i, 'start_date'],
            `This contribution period starts (${start}) before the agreement's active period (active_period_start_date ${activeStart}): Kraken rejects it (${START}). Start it on or after ${activeStart}.`,
            { severity: a.severity, data: findingData(a, { activePeriodStartDate: activeStart }) },
          );
        }
        if (activeEnd && end && end > activeEnd) {
          const e = on(END)!;
          ctx.report(
            [...list, i, 'end_date'],
            `This contribution period ends (${end}) after the agreement's active period (active_period_end_date ${activeEnd}): Kraken rejects it (${END}). End it on or before ${activeEnd}.`,
            { severity: e.severity, data: findingData(e, { activePeriodEndDate: activeEnd }) },
          );
        }
      });
      const periods = periodsOf(agreement.periods, 'start_date', 'end_date');
      const ov = on(OVERLAP)!;
      for (let j = 1; j < periods.length; j++) {
        const other = periods.slice(0, j).find((x) => certainlyOverlap(x, periods[j]));
        if (!other) continue;
        ctx.report(
          [...list, periods[j].index, 'start_date'],
          `This contribution period (${describePeriod(periods[j])}) overlaps periods.${other.index} (${describePeriod(other)}): Kraken rejects overlapping contribution periods (${OVERLAP}).`,
          { severity: ov.severity, data: findingData(ov, { other: [...list, other.index].join('.') }) },
        );
      }
    }
  },
};
