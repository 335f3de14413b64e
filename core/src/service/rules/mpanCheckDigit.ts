import { checkMpan } from '../identifiers';
import { quote } from './messages';
import { gbMeterPointIdentifiers } from './market';
import type { Rule } from './types';

export const mpanCheckDigit: Rule = {
  code: 'mpan-check-digit',
  severity: 'warning',
  doc: 'The identifier of a GB electricity meter point is a 13-digit MPAN core with a valid mod-11 check digit. A warning: the algorithm comes from non-official sources, and Kraken checks identifiers itself (invalid_supply_point_identifier) by rules it does not publish.',
  kinds: ['account'],
  appliesTo: ['supply_addresses[].meter_points[].identifier'],
  check(ctx) {
    for (const { id, path } of gbMeterPointIdentifiers(ctx.root, 'ELECTRICITY')) {
      const result = checkMpan(id.trim());
      if (result.valid) continue;
      const reason =
        result.expected !== undefined ? 'its check digit (the last digit) does not match the first twelve digits' : result.reason;
      ctx.report(
        path,
        `MPAN ${quote(id)} is not valid: ${reason}. Take the MPAN core from the industry data again; it is not corrected here.`,
      );
    }
  },
};
