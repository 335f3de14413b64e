/**
 * Kraken's "Validate that the customer's name is not \"The Occupier\"": an unknown occupier is flagged with the
 * account's `unknown_occupier`, never by naming the customer so.
 */
import { activation, findingData } from './declared';
import { selectObjects } from './select';
import type { Rule } from './types';

const VALIDATOR = 'Validate that the customer\'s name is not "The Occupier"';
const CODE = 'customer_may_not_be_named_the_occupier';

/** The customer's full name as Kraken would show it: given and family name, trimmed, single spaces. */
function fullName(c: Record<string, unknown>): string {
  const parts = [c.given_name, c.family_name].filter((p): p is string => typeof p === 'string');
  return parts.join(' ').trim().replace(/\s+/g, ' ');
}

export const occupierName: Rule = {
  code: 'occupier-name',
  severity: 'error',
  doc: 'A customer is not named "The Occupier" (given_name and family_name together, e.g. "The" + "Occupier", or family_name "The Occupier" alone): an occupier account is marked with unknown_occupier instead. Error with Kraken\'s code customer_may_not_be_named_the_occupier where the contract declares the validator on the customer. Doubt: whether Kraken compares ignoring case is not said, so only the exact spelling "The Occupier" is flagged. Not checked under the bundled schemas.',
  kinds: ['account'],
  appliesTo: ['customers[]'],
  implements: [{ name: VALIDATOR, codes: [CODE] }],
  check(ctx) {
    if (!ctx.underContract) return;
    for (const c of selectObjects(ctx.root, 'customers[]')) {
      if (fullName(c.value) !== 'The Occupier') continue;
      const a = activation(ctx, [c.path], [VALIDATOR], CODE, undefined);
      if (!a) continue;
      ctx.report(
        c.path,
        `This customer is named "The Occupier" (given_name ${JSON.stringify(c.value.given_name ?? null)}, family_name ${JSON.stringify(c.value.family_name ?? null)}): Kraken rejects that name (${CODE}). For an account whose occupier is unknown, set "unknown_occupier": true on the account and leave the customer's name out; otherwise give the customer's real name.`,
        { severity: a.severity, data: findingData(a) },
      );
    }
  },
};
