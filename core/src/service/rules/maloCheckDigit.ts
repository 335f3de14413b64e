import { checkMalo } from '../identifiers';
import { digitsWithSeparators, MALO_SHAPE } from './market';
import { quote } from './messages';
import { supplyPoints } from './supplyPoints';
import type { Rule } from './types';

export const maloCheckDigit: Rule = {
  code: 'malo-check-digit',
  severity: 'warning',
  doc: "An 11-digit supply point identifier (German MaLo-ID) does not start with 0 and has a valid BDEW check digit. A warning: Kraken's own documents use dummy MaLo-IDs that fail it, and values of other lengths (another market's identifiers) are not checked.",
  kinds: ['account'],
  appliesTo: ['supply_addresses[].supply_points[].identifier'],
  check(ctx) {
    for (const sp of supplyPoints(ctx.root)) {
      if (sp.container !== 'supply_points') continue;
      const id = sp.identifier.trim();
      if (digitsWithSeparators(id, 11)) {
        ctx.report(
          sp.path,
          `Supply point identifier ${quote(sp.identifier)} looks like a MaLo-ID written with separators: MaLo-IDs are 11 digits: remove the spaces or punctuation.`,
        );
        continue;
      }
      if (!MALO_SHAPE.test(id)) continue;
      const result = checkMalo(id);
      if (result.valid) continue;
      // The computed check digit is not offered: the mistyped digit may be any of the eleven.
      const reason =
        result.expected !== undefined
          ? 'its check digit (the last digit) does not match the first ten digits (BDEW procedure)'
          : result.reason;
      ctx.report(
        sp.path,
        `MaLo-ID ${quote(sp.identifier)} is not valid: ${reason}. Take the MaLo-ID from the network operator's data again; it is not corrected here.`,
      );
    }
  },
};
