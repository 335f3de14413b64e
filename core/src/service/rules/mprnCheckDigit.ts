import { checkMprn } from '../identifiers';
import { quote } from './messages';
import { gbMeterPointIdentifiers } from './market';
import type { Rule } from './types';

export const mprnCheckDigit: Rule = {
  code: 'mprn-check-digit',
  severity: 'warning',
  doc: 'The identifier of a GB gas meter point is an MPRN (3 to 11 digits) with valid mod-11 check digits. A warning: the algorithm comes from a non-official source, and Kraken checks identifiers against the industry itself.',
  kinds: ['account'],
  appliesTo: ['supply_addresses[].meter_points[].identifier'],
  check(ctx) {
    for (const { id, path } of gbMeterPointIdentifiers(ctx.root, 'GAS')) {
      const result = checkMprn(id.trim());
      if (result.valid) continue;
      const reason = result.expected !== undefined ? 'its check digits (the last two digits) do not match the others' : result.reason;
      ctx.report(path, `MPRN ${quote(id)} is not valid: ${reason}. Take the MPRN from the industry data again; it is not corrected here.`);
    }
  },
};
