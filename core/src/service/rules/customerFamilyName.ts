import { activation, findingData } from './declared';
import { isRecord } from './select';
import type { Rule } from './types';

const NAME = 'Validate customer family name';

export const customerFamilyName: Rule = {
  code: 'customer-family-name',
  severity: 'error',
  doc: 'Every customer of a domestic account has a family_name (Kraken: customer_family_name_required; an empty string is not a name). Active where the contract in force declares "Validate customer family name". An error when account_type is DOMESTIC; a warning when account_type is absent or another domestic type (DOMESTIC_VACANT, DOMESTIC_OCCUPIER, DOMESTIC_THIRD_PARTY_BILLED): the contracts do not say which types Kraken counts as domestic, nor which type it assumes when none is sent. Business accounts are exempt (Kraken fills in "Business"). Not checked under the bundled schemas: the seed pages do not state it.',
  kinds: ['account', 'account-v2-create'],
  appliesTo: ['customers[].family_name'],
  implements: [{ name: NAME, codes: ['customer_family_name_required'] }],
  check(ctx) {
    const root = ctx.root;
    if (!isRecord(root) || !Array.isArray(root.customers)) return;
    const a = activation(ctx, [[]], [NAME], 'customer_family_name_required', undefined);
    if (!a) return;
    const type = root.account_type;
    if (typeof type === 'string' && !type.startsWith('DOMESTIC')) return;
    if (type !== undefined && type !== null && typeof type !== 'string') return;
    const severity = type === 'DOMESTIC' ? a.severity : 'warning';
    root.customers.forEach((c, i) => {
      if (!isRecord(c)) return;
      const name = c.family_name;
      if (typeof name === 'string' && name.trim()) return;
      if (name !== undefined && name !== null && typeof name !== 'string') return; // the schema reports the type
      const which =
        type === undefined || type === null
          ? 'an account without account_type (domestic unless the instance assumes otherwise)'
          : `a ${type} account`;
      ctx.report(
        ['customers', i, 'family_name'],
        `Customer ${i + 1} of ${which} has no family name: Kraken requires one for every customer of a domestic account${a.krakenCode ? ` (${a.krakenCode})` : ''}.`,
        { severity, data: findingData(a, { field: 'family_name' }) },
      );
    });
  },
};
