import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { isRecord } from './select';
import type { Rule, RuleContext } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/** Arrays whose items Kraken declares unique by some fields (declared on the array). */
interface Unique {
  validator: string;
  code: string;
  /** The array's key. */
  list: string;
  fields: readonly string[];
}

const TABLE: readonly Unique[] = [
  {
    validator: 'Validate that each child has unique values for the `type` field',
    code: 'children_with_duplicate_values',
    list: 'consents',
    fields: ['type'],
  },
  {
    validator: 'Validate that each child has unique values for the `code` field',
    code: 'children_with_duplicate_values',
    list: 'characteristics',
    fields: ['code'],
  },
  {
    validator: 'Validate that each child has unique values for the `key` field',
    code: 'children_with_duplicate_values',
    list: 'details',
    fields: ['key'],
  },
  {
    validator: 'Validate that each child has a unique combination of values for the `payment_date, payment_type` fields',
    code: 'children_with_duplicate_values',
    list: 'instalments',
    fields: ['payment_date', 'payment_type'],
  },
  {
    validator: 'Validates that the payment plan payment components are unique',
    code: 'duplicate_payment_component_combinations',
    list: 'payments',
    fields: ['payment_date', 'component_type'],
  },
  {
    validator: 'Validate account campaign names are unique',
    code: 'duplicate_account_campaigns',
    list: 'account_campaigns',
    fields: ['campaign_name'],
  },
];

const BY_LIST = new Map<string, Unique[]>();
for (const t of TABLE) BY_LIST.set(t.list, [...(BY_LIST.get(t.list) ?? []), t]);
/** The objects holding one of the lists, from the shared walk (outside metadata, as Kraken's lists are). */
const KEYS = indexedKeys(BY_LIST.keys());

/** The key an item is compared by: every field given (strings trimmed), else undefined (not compared). */
function keyOf(item: unknown, fields: readonly string[]): string | undefined {
  if (!isRecord(item)) return undefined;
  const parts: unknown[] = [];
  for (const f of fields) {
    const v = item[f];
    if (v === undefined || v === null || v === '') return undefined;
    parts.push(typeof v === 'string' ? v.trim() : v);
  }
  return JSON.stringify(parts);
}

function checkList(ctx: RuleContext, list: unknown[], path: JsonPath, entries: readonly Unique[]): void {
  for (const t of entries) {
    const a = activation(ctx, [path], [t.validator], t.code, undefined);
    if (!a) continue;
    const first = new Map<string, number>();
    list.forEach((item, i) => {
      const k = keyOf(item, t.fields);
      if (k === undefined) return;
      const earlier = first.get(k);
      if (earlier === undefined) {
        first.set(k, i);
        return;
      }
      ctx.report(
        [...path, i, t.fields[0]],
        `${t.fields.join(' and ')} repeat${t.fields.length > 1 ? '' : 's'} ${path.join('.')}.${earlier}: Kraken requires each item to differ (${t.code}).`,
        {
          severity: a.severity,
          data: findingData(a, { first: [...path, earlier].join('.') }),
        },
      );
    });
  }
}

export const uniqueChildren: Rule = {
  code: 'unique-children',
  severity: 'error',
  doc: "Items of a list Kraken declares unique do not repeat: consents by type, agreement characteristics by code, business details by key, payment schedule instalments by payment_date and payment_type, payment plan payments by payment_date and component_type, account campaigns by campaign_name. Errors with Kraken's code where the contract in force declares the validator on that list; items missing one of the fields are not compared. Not checked under the bundled schemas: the seed pages do not state it.",
  kinds: ['account', 'account-v2-create'],
  appliesTo: TABLE.map((t) => `*.${t.list}[].${t.fields[0]}`),
  implements: TABLE.map((t) => ({ name: t.validator, codes: [t.code] })),
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const obj = objects[o];
      for (const k in obj) {
        const entries = BY_LIST.get(k);
        const v = obj[k];
        if (entries && Array.isArray(v)) checkList(ctx, v, [...paths[o].toPath(), k], entries);
      }
    }
  },
};
