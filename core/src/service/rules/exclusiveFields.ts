import { activation, findingData } from './declared';
import { provided } from './provided';
import type { Rule } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/** "Not both" validators: where one group of fields is given, the other must not be. */
interface Exclusive {
  validator: string;
  code: string;
  /** The first group; the finding lands on the first given field of `second`. */
  first: readonly string[];
  second: readonly string[];
}

const TABLE: readonly Exclusive[] = [
  {
    validator: 'Validate that `customer_preferences` and `consents` are not both provided',
    code: 'fields_are_mutually_exclusive',
    first: ['customer_preferences'],
    second: ['consents'],
  },
  {
    validator: 'Validate that `dd_reference` and `payment_instructions` are not both provided',
    code: 'fields_are_mutually_exclusive',
    first: ['dd_reference'],
    second: ['payment_instructions'],
  },
  {
    validator: 'Validate that `supply_type` and `market_name` are not both provided',
    code: 'fields_are_mutually_exclusive',
    first: ['supply_type'],
    second: ['market_name'],
  },
  {
    validator: 'Ensures only `user_details` or `details` are provided',
    code: 'customer_details_and_user_details_both_provided',
    first: ['user_details'],
    second: ['details'],
  },
  {
    validator: 'Validate billing address style',
    code: 'billing_address_new_style_and_legacy',
    first: ['billing_address'],
    second: ['billing_address1', 'billing_address2', 'billing_address3', 'billing_address4', 'billing_address5', 'billing_postcode'],
  },
  {
    validator: 'Validate payment adequacy changes or last payment review date not both',
    code: 'payment_adequacy_changes_and_last_payment_review_date_provided',
    first: ['payment_adequacy_changes'],
    second: ['last_payment_review_date'],
  },
];

const KEYS = indexedKeys(TABLE.flatMap((t) => t.first));

export const exclusiveFields: Rule = {
  code: 'fields-exclusive',
  severity: 'error',
  doc: "Fields Kraken declares mutually exclusive are not both given: customer_preferences/consents, dd_reference/payment_instructions, supply_type/market_name (termination fees), user_details/details, the billing_address object/billing_address1..5 and billing_postcode, payment_adequacy_changes/last_payment_review_date. Errors with Kraken's code where the contract in force declares the validator on that object; an empty value does not count as given. Not checked under the bundled schemas: the seed pages do not state it.",
  kinds: ['account', 'account-v2-create'],
  appliesTo: TABLE.flatMap((t) => t.second.map((s) => `*.${s}`)),
  implements: TABLE.map((t) => ({ name: t.validator, codes: [t.code] })),
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const obj = objects[o];
      const path = paths[o].toPath();
      for (const t of TABLE) {
        const a1 = t.first.find((k) => provided(obj[k]));
        const a2 = t.second.find((k) => provided(obj[k]));
        if (!a1 || !a2) continue;
        const a = activation(ctx, [path], [t.validator], t.code, undefined);
        if (!a) continue;
        ctx.report([...path, a2], `${a2} is given together with ${a1}: Kraken accepts only one of them (${t.code}).`, {
          severity: a.severity,
          target: 'key',
          data: findingData(a, { with: a1 }),
        });
      }
    }
  },
};
