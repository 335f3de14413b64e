import { digitsWithSeparators } from './market';
import { quote } from './messages';
import { supplyPoints } from './supplyPoints';
import type { Rule } from './types';

export const prmFormat: Rule = {
  code: 'prm-format',
  severity: 'warning',
  doc: 'A French PRM/PDL (14 digits) in supply_points[].identifier is written as 14 digits, without spaces or punctuation. A warning: there is no published check digit, so a well-formed PRM is only confirmed by Enedis at supply-point/populate.',
  kinds: ['account'],
  appliesTo: ['supply_addresses[].supply_points[].identifier'],
  check(ctx) {
    for (const sp of supplyPoints(ctx.root)) {
      if (sp.container !== 'supply_points' || !digitsWithSeparators(sp.identifier, 14)) continue;
      ctx.report(
        sp.path,
        `Supply point identifier ${quote(sp.identifier)} looks like a PRM/PDL written with separators: PRMs are 14 digits, as Enedis issues them: remove the spaces or punctuation.`,
      );
    }
  },
};
