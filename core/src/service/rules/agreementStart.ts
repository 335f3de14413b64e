import { activation, findingData } from './declared';
import { dayOf } from './periodDates';
import { isRecord } from './select';
import type { Rule } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

const NAME = 'Validate agreements do not start before supply start date';
/** The account-level twin (Origin AU's account schema), with its own code. */
const ACCOUNT_NAME = 'Validate no agreements start before the supply start date';
const ACCOUNT_CODE = 'agreement_starting_before_meter_point_ssd';

/** `YYYY-MM-DD` of a date or date-time string (dayOf), or undefined: not one (2001-02-30 is a format error, not a day). */
const day = dayOf;

/** Meter points are the objects that hold agreements (the shared walk lists them). */
const KEYS = indexedKeys(['agreements']);

export const agreementStart: Rule = {
  code: 'agreement-before-supply-start',
  severity: 'error',
  doc: "An agreement on a meter point does not start (effective_from) before the meter point's supply_start_date (Kraken: agreement_start_date_before_supply_start_date on the meter point; agreement_starting_before_meter_point_ssd, Origin AU's account-level twin). Error where the contract in force declares either validator (on the meter point or the account; one finding naming both codes when both are declared); warning under the bundled schemas (the German supply points carry the same two dates, but the seed pages do not state the check).",
  kinds: ['account', 'account-v2-create'],
  appliesTo: ['*.agreements[].effective_from'],
  implements: [
    { name: NAME, codes: ['agreement_start_date_before_supply_start_date'] },
    { name: ACCOUNT_NAME, codes: [ACCOUNT_CODE] },
  ],
  check(ctx) {
    const onAccount = activation(ctx, [[]], [ACCOUNT_NAME], ACCOUNT_CODE, undefined);
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const point = objects[o];
      if (!Array.isArray(point.agreements)) continue;
      const start = day(point.supply_start_date);
      if (!start) continue;
      const path = paths[o].toPath();
      const onPoint = activation(ctx, [path], [NAME], 'agreement_start_date_before_supply_start_date', 'warning');
      // Declared on the meter point, on the account, or both (Origin AU): one finding, with both codes named.
      const a = onPoint ?? onAccount;
      if (!a) continue;
      const also = onPoint && onAccount ? ` and ${ACCOUNT_CODE}` : '';
      point.agreements.forEach((ag, i) => {
        if (!isRecord(ag)) return;
        const from = day(ag.effective_from);
        if (!from || from >= start) return;
        ctx.report(
          [...path, 'agreements', i, 'effective_from'],
          `This agreement starts (${from}) before the supply starts (supply_start_date ${start}): Kraken rejects agreements starting before the supply start date${a.krakenCode ? ` (${a.krakenCode}${also})` : ''}.`,
          {
            severity: a.severity,
            data: findingData(a, { supplyStartDate: start, ...(also ? { alsoKrakenCode: ACCOUNT_CODE } : {}) }),
          },
        );
      });
    }
  },
};
