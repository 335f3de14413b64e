import { checkMelo, MELO_PATTERN } from '../identifiers';
import { quote } from './messages';
import { select } from './select';
import type { Rule } from './types';

export const meloFormat: Rule = {
  code: 'melo-format',
  severity: 'warning',
  doc: 'A melo_number (33 characters, checked by the schema) has the German structure: DE, a 6-digit grid operator number and a 5-digit postcode, then 20 letters or digits. A warning: the structure is derived from the Zählpunktbezeichnung, not published as a rule, and MeLo-IDs have no check digit.',
  kinds: ['account'],
  appliesTo: ['supply_addresses[].supply_points[].melos[].melo_number'],
  check(ctx) {
    for (const selected of select(ctx.root, 'supply_addresses[].supply_points[].melos[].melo_number')) {
      const value = selected.value;
      // Length and characters are the schema's (pattern ^[A-Z]{2}[A-Za-z0-9]{31}$); only the German structure here.
      if (typeof value !== 'string' || !MELO_PATTERN.test(value)) continue;
      const result = checkMelo(value);
      if (result.german.valid) continue;
      ctx.report(
        selected.path,
        `MeLo-ID ${quote(value)} does not have the German structure: ${result.german.reason}. Check it against the metering point operator's data.`,
      );
    }
  },
};
