import { checkMarketPartnerId } from '../identifiers';
import { quote } from './messages';
import { select } from './select';
import type { Rule } from './types';

const FIELDS = [
  'supply_addresses[].supply_points[].meter_operators[].code',
  'supply_addresses[].supply_points[].network_operators[].code',
  'supply_addresses[].supply_points[].transmission_system_operators[].code',
  'supply_addresses[].supply_points[].previous_supplier_id',
];

export const marketPartnerCheckDigit: Rule = {
  code: 'market-partner-check-digit',
  severity: 'warning',
  doc: "A 13-digit market partner ID (operators' code, previous_supplier_id) has a valid check digit under the BDEW/DVGW procedure or the GS1 GLN procedure. A warning: Kraken's own example account uses codes that fail both, and the shape (13 digits) is the schema's.",
  kinds: ['account'],
  appliesTo: [
    'supply_addresses[].supply_points[].meter_operators[].code',
    'supply_addresses[].supply_points[].network_operators[].code',
    'supply_addresses[].supply_points[].transmission_system_operators[].code',
    'supply_addresses[].supply_points[].previous_supplier_id',
  ],
  check(ctx) {
    for (const pattern of FIELDS) {
      for (const selected of select(ctx.root, pattern)) {
        const value = selected.value;
        if (typeof value !== 'string' || !/^\d{13}$/.test(value)) continue;
        const result = checkMarketPartnerId(value);
        if (result.valid) continue;
        // The digits each procedure computes are not offered: the mistyped digit may be any of the thirteen.
        ctx.report(
          selected.path,
          `Market partner ID ${quote(value)} fails both check-digit procedures (BDEW/DVGW and GS1 GLN): a digit is probably mistyped. Take the code from the BDEW/DVGW code list (bdew-codes.de) or the partner's master data; it is not corrected here.`,
        );
      }
    }
  },
};
