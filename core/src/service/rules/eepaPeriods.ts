import { activation, findingData } from './declared';
import { certainlyOverlap, describePeriod, periodsOf } from './periodDates';
import type { Rule } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/** The objects that hold periods (the shared walk lists them). */
const KEYS = indexedKeys(['periods']);

const NAME = 'Validate EEPA export contracted volume periods';
const CODE = 'invalid_eepa_export_contracted_volume';

export const eepaPeriods: Rule = {
  code: 'eepa-periods',
  severity: 'error',
  doc: 'EEPA export contracted volume periods form a valid term: no two general periods (supply_point_external_identifiers null: all supply points) overlap, and no supply point is listed in two overlapping periods (Kraken: invalid_eepa_export_contracted_volume). Two periods overlap when each starts before the other ends (true however Kraken reads valid_to_date). Error where the contract in force declares the validator on the periods; a general period overlapping a specific one is allowed (the specific one wins). Not checked under the bundled schemas.',
  kinds: ['account'],
  appliesTo: ['*.periods[].valid_from_date', '*.periods[].supply_point_external_identifiers'],
  implements: [{ name: NAME, codes: [CODE] }],
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const periodsValue = objects[o].periods;
      if (!Array.isArray(periodsValue)) continue;
      const list = [...paths[o].toPath(), 'periods'];
      const a = activation(ctx, [list], [NAME], CODE, undefined);
      if (!a) continue;
      const periods = periodsOf(periodsValue, 'valid_from_date', 'valid_to_date');
      const points = (p: (typeof periods)[number]): string[] | null | undefined => {
        const v = p.item.supply_point_external_identifiers;
        if (v === null) return null;
        return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
      };
      for (let j = 1; j < periods.length; j++) {
        const b = periods[j];
        const bPoints = points(b);
        if (bPoints === undefined) continue;
        for (const p of periods.slice(0, j)) {
          const pPoints = points(p);
          if (pPoints === undefined || !certainlyOverlap(p, b)) continue;
          const shared = bPoints === null || pPoints === null ? undefined : bPoints.find((x) => pPoints.includes(x));
          const clash =
            bPoints === null && pPoints === null ? 'both are general periods (no supply points)' : shared ? `both list ${shared}` : '';
          if (!clash) continue;
          ctx.report(
            [...list, b.index, 'valid_from_date'],
            `This EEPA period (${describePeriod(b)}) overlaps periods.${p.index} (${describePeriod(p)}) and ${clash}: Kraken rejects the term${a.krakenCode ? ` (${CODE})` : ''}. Make the periods follow each other.`,
            { severity: a.severity, data: findingData(a, { other: [...list, p.index].join('.') }) },
          );
          break;
        }
      }
    }
  },
};
