import { listQuoted, quote } from './messages';
import { selectObjects } from './select';
import { idKey, supplyPoints } from './supplyPoints';
import type { Rule } from './types';

export const ledgerIdentifierReference: Rule = {
  code: 'ledger-identifier-reference',
  severity: 'warning',
  doc: "Each of a ledger's identifiers names a supply point of the account (supply_points[].identifier, or meter_points[].identifier on GB payloads). A warning: Kraken declares unknown_ledger_identifiers but publishes no wording for it, and supply points can exist in Kraken before the import (then the payload lists none and the rule stays silent).",
  kinds: ['account'],
  appliesTo: ['ledgers[].identifiers[]'],
  check(ctx) {
    const points = supplyPoints(ctx.root);
    // Without supply points in the payload they may have been created before the import (pre-account import,
    // skip_supply_point_creation): nothing to compare with.
    if (points.length === 0) return;
    const known = new Set(points.map((p) => idKey(p.identifier)));
    const shown = [...new Set(points.map((p) => p.identifier))];
    for (const ledger of selectObjects(ctx.root, 'ledgers[]')) {
      const identifiers = ledger.value.identifiers;
      if (!Array.isArray(identifiers)) continue;
      identifiers.forEach((id, i) => {
        if (typeof id !== 'string' || known.has(idKey(id))) return;
        ctx.report(
          [...ledger.path, 'identifiers', i],
          `Ledger identifier ${quote(id)} names no supply point of this account (its supply points: ${listQuoted(shown)}). A ledger lists the identifiers of its own supply points: correct the identifier or add the supply point.`,
          { data: { identifier: id, supplyPoints: shown } },
        );
      });
    }
  },
};
