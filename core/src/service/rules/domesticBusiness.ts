import { activation, findingData } from './declared';
import { provided } from './provided';
import { isRecord } from './select';
import type { Rule } from './types';

const TABLE = [
  {
    validator: 'Validate business type and company number not provided for domestic accounts',
    code: 'business_fields_provided_for_domestic_accounts',
    fields: ['business_type', 'company_number'],
  },
  {
    validator: 'Validate business type not provided for domestic accounts',
    code: 'business_fields_provided_for_domestic_accounts',
    fields: ['business_type'],
  },
  {
    validator: 'Validate account billing options',
    code: 'account_billing_options_provided_for_domestic_accounts',
    fields: ['account_billing_options'],
  },
] as const;

export const domesticBusiness: Rule = {
  code: 'domestic-business-fields',
  severity: 'error',
  doc: 'A DOMESTIC account carries no business fields: business_type, company_number (where the contract says so) and account_billing_options (Kraken: business_fields_provided_for_domestic_accounts, account_billing_options_provided_for_domestic_accounts). Errors where the contract in force declares the validator and account_type is DOMESTIC; other account types (and a missing account_type) are not judged, since the contracts do not say which types count as domestic. Empty values do not count. Not checked under the bundled schemas: the seed pages do not state it.',
  kinds: ['account', 'account-v2-create'],
  appliesTo: ['business_type', 'company_number', 'account_billing_options'],
  implements: TABLE.map((t) => ({ name: t.validator, codes: [t.code] })),
  check(ctx) {
    const root = ctx.root;
    if (!ctx.underContract || !isRecord(root) || root.account_type !== 'DOMESTIC') return;
    const done = new Set<string>();
    for (const t of TABLE) {
      const a = activation(ctx, [[]], [t.validator], t.code, undefined);
      if (!a) continue;
      for (const f of t.fields) {
        if (done.has(f) || !provided(root[f])) continue;
        done.add(f);
        ctx.report([f], `${f} is given on a DOMESTIC account: Kraken accepts it only for business accounts (${t.code}).`, {
          severity: a.severity,
          target: 'key',
          data: findingData(a, {}),
        });
      }
    }
  },
};
