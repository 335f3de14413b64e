import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { dotted, quote } from './messages';
import { isRecord } from './select';
import type { Rule, RuleContext } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/** A value that must not repeat: the key it is compared by, where it is, and a group it belongs to. */
interface Occurrence {
  key: string;
  path: JsonPath;
  /** Repeats inside one group are not this check's business (e.g. MPxNs within one supply address). */
  group?: number;
}

/** A list of values Kraken declares unique, found from one object (the one the validator is declared on). */
interface DuplicateCheck {
  validator: string;
  code: string;
  /** Where the validator is declared, relative to the object (`[]`: the object itself; `['meters']`: its field). */
  at: readonly string[];
  /** The values, in document order; `path` is the object's. */
  occurrences(ctx: RuleContext, obj: Record<string, unknown>, path: JsonPath): Occurrence[] | undefined;
  /** Only repeats across different groups count. */
  acrossGroups?: boolean;
  what: string;
  explain(key: string, first: string): string;
}

/** A compared value: strings trimmed (DRF trims CharFields), numbers as written; empty values are not compared. */
function keyOf(ctx: RuleContext, value: unknown, path: JsonPath): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return ctx.rawText(path) ?? String(value);
  return undefined;
}

/** `field` of every record item of `list` (at `path`). */
function fieldOf(ctx: RuleContext, list: unknown, path: JsonPath, field: string, group?: number): Occurrence[] {
  const out: Occurrence[] = [];
  if (!Array.isArray(list)) return out;
  list.forEach((item, i) => {
    if (!isRecord(item)) return;
    const p = [...path, i, field];
    const key = keyOf(ctx, item[field], p);
    if (key !== undefined) out.push({ key, path: p, group });
  });
  return out;
}

/** A value as text with object keys sorted and strings trimmed: equal texts, equal values as Kraken reads them. */
function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.trim());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const list = (obj: Record<string, unknown>, key: string): unknown[] => (Array.isArray(obj[key]) ? (obj[key] as unknown[]) : []);

/** Checks on the account (the payload's root object). */
const ACCOUNT: readonly DuplicateCheck[] = [
  {
    validator: 'Validate no duplicated ledgers are provided',
    code: 'duplicate_ledger_entries_found',
    at: [],
    occurrences: (ctx, o) => fieldOf(ctx, o.ledgers, ['ledgers'], 'ledger_code'),
    what: 'ledger_code',
    explain: (key, first) => `Ledger code ${quote(key)} is given twice in ledgers (first at ${first}): Kraken accepts one ledger per code.`,
  },
  {
    validator: 'Validate identifiers are unique in ledgers',
    code: 'duplicate_identifiers_entries_found',
    at: [],
    occurrences(ctx, o) {
      const out: Occurrence[] = [];
      list(o, 'ledgers').forEach((ledger, i) => {
        if (!isRecord(ledger) || !Array.isArray(ledger.identifiers)) return;
        ledger.identifiers.forEach((id, j) => {
          const p = ['ledgers', i, 'identifiers', j];
          const key = keyOf(ctx, id, p);
          if (key !== undefined) out.push({ key, path: p });
        });
      });
      return out;
    },
    what: 'identifier',
    explain: (key, first) =>
      `Identifier ${quote(key)} is declared twice in ledgers (first at ${first}): Kraken requires each supply point identifier to be listed once, on one ledger.`,
  },
  {
    validator: 'Validate that referenced ledgers are unique in payment preferences',
    code: 'duplicate_ledger_in_payment_preferences',
    at: [],
    occurrences: (ctx, o) => fieldOf(ctx, o.payment_preferences, ['payment_preferences'], 'ledger_identifier'),
    what: 'ledger_identifier',
    explain: (key, first) =>
      `Ledger ${quote(key)} is already referenced by ${first}: Kraken allows at most one payment preference per ledger. Merge the two or remove one.`,
  },
  {
    validator: 'Validate unique property external identifiers',
    code: 'duplicate_property_external_identifiers',
    at: [],
    // Neither contract has a `properties` list on the account: the supply addresses are the properties there are.
    occurrences: (ctx, o) => fieldOf(ctx, o.supply_addresses, ['supply_addresses'], 'property_external_identifier'),
    what: 'property_external_identifier',
    explain: (key, first) =>
      `property_external_identifier ${quote(key)} is already used by ${first}: Kraken requires each property's external identifier to be unique.`,
  },
  {
    validator: 'Validate no duplicate supply addresses',
    code: 'duplicate_supply_addresses_found',
    at: ['supply_addresses'],
    occurrences(_ctx, o) {
      const out: Occurrence[] = [];
      list(o, 'supply_addresses').forEach((a, i) => {
        if (!isRecord(a)) return;
        // AU: a structured supply_address object. How Kraken derives supply_address1, supply_address2 and the
        // postcode from it is not published, but two identical objects give the same ones whatever the derivation.
        if (isRecord(a.supply_address) && Object.keys(a.supply_address).length) {
          out.push({ key: `rich:${canonical(a.supply_address)}`, path: ['supply_addresses', i, 'supply_address'] });
          return;
        }
        if (typeof a.supply_address1 !== 'string' || typeof a.supply_postcode !== 'string') return;
        if (a.supply_address2 !== undefined && typeof a.supply_address2 !== 'string') return;
        const line1 = a.supply_address1.trim();
        const postcode = a.supply_postcode.trim();
        if (!line1 || !postcode) return;
        const key = JSON.stringify([line1, typeof a.supply_address2 === 'string' ? a.supply_address2.trim() : null, postcode]);
        out.push({ key: `lines:${key}`, path: ['supply_addresses', i, 'supply_address1'] });
      });
      return out;
    },
    what: 'supply address',
    explain: (key, first) =>
      `This supply address has the same ${key.startsWith('rich:') ? 'supply_address (every field)' : 'supply_address1, supply_address2 and supply_postcode'} as ${first}: Kraken rejects duplicate supply addresses. Merge their meter points into one supply address.`,
  },
  {
    validator: 'Validate no duplicate meter points on different supply addresses',
    code: 'duplicate_meter_points_on_different_supply_addresses_provided',
    at: ['supply_addresses'],
    acrossGroups: true,
    occurrences(ctx, o) {
      const out: Occurrence[] = [];
      list(o, 'supply_addresses').forEach((a, i) => {
        if (!isRecord(a)) return;
        list(a, 'meter_points').forEach((mp, j) => {
          if (!isRecord(mp)) return;
          const field = mp.identifier !== undefined ? 'identifier' : 'mpxn';
          const p = ['supply_addresses', i, 'meter_points', j, field];
          const key = keyOf(ctx, mp[field], p);
          if (key !== undefined) out.push({ key, path: p, group: i });
        });
      });
      return out;
    },
    what: 'meter point',
    explain: (key, first) =>
      `Meter point ${quote(key)} is also listed under another supply address (${first}): Kraken rejects the same MPxN on different supply addresses. Keep it under the one address it supplies.`,
  },
];

/** Checks on objects anywhere: the array key that marks them. */
const NESTED: ReadonlyArray<{ key: string; check: DuplicateCheck }> = [
  ...['account_contracts', 'business_contracts'].map((key) => ({
    key,
    check: {
      validator: 'Validate no duplicate contract identifiers',
      code: 'duplicate_contract_identifiers',
      at: [key],
      occurrences: (ctx: RuleContext, o: Record<string, unknown>, path: JsonPath) => fieldOf(ctx, o[key], [...path, key], 'identifier'),
      what: 'contract identifier',
      explain: (k: string, first: string) =>
        `Contract identifier ${quote(k)} is already used by ${first}: Kraken requires each contract identifier once.`,
    },
  })),
  {
    key: 'loyalty_cards',
    check: {
      validator: 'Validate number of loyalty card per scheme',
      code: 'duplicate_loyalty_card_scheme',
      at: ['loyalty_cards'],
      occurrences: (ctx, o, path) => fieldOf(ctx, o.loyalty_cards, [...path, 'loyalty_cards'], 'card_scheme'),
      what: 'loyalty card scheme',
      explain: (key, first) =>
        `This customer already has a ${quote(key)} loyalty card (${first}): Kraken allows one card per loyalty scheme and customer.`,
    },
  },
  {
    key: 'meters',
    check: {
      validator: 'No repeated meter register IDs',
      code: 'meter_with_duplicate_register_ids',
      at: ['meters'],
      occurrences(ctx, o, path) {
        const out: Occurrence[] = [];
        list(o, 'meters').forEach((m, i) => {
          if (isRecord(m)) out.push(...fieldOf(ctx, m.registers, [...path, 'meters', i, 'registers'], 'register_id', i));
        });
        return out;
      },
      what: 'register_id',
      explain: (key, first) =>
        `This meter already has a register with register_id ${quote(key)} (${first}): Kraken requires register IDs to differ within a meter.`,
    },
  },
];

function run(ctx: RuleContext, check: DuplicateCheck, obj: Record<string, unknown>, path: JsonPath): void {
  const a = activation(ctx, [[...path, ...check.at]], [check.validator], check.code, undefined);
  if (!a) return;
  const found = check.occurrences(ctx, obj, path);
  if (!found) return;
  const firsts = new Map<string, Occurrence>();
  for (const o of found) {
    // Registers: compared within their meter only (the group); meter points: only across supply addresses.
    const k = check.acrossGroups || o.group === undefined ? o.key : `${o.group}\u0000${o.key}`;
    const first = firsts.get(k);
    if (!first) {
      firsts.set(k, o);
      continue;
    }
    if (check.acrossGroups && first.group === o.group) continue;
    ctx.report(o.path, check.explain(o.key, dotted(first.path)), {
      severity: a.severity,
      data: findingData(a, { first: dotted(first.path) }),
    });
  }
}

const NESTED_KEYS = new Map(NESTED.map((n) => [n.key, n.check]));
/** The objects holding one of the nested lists, from the shared walk. */
const KEYS = indexedKeys(NESTED_KEYS.keys());

export const duplicateValues: Rule = {
  code: 'no-duplicates',
  severity: 'error',
  doc: "Values Kraken declares unique do not repeat: ledger codes and the identifiers listed in ledgers, the ledger a payment preference references, property_external_identifier across supply addresses, supply addresses (supply_address1, supply_address2 and supply_postcode, as the validator says), an MPxN on different supply addresses, contract identifiers (account_contracts, business_contracts), a customer's loyalty card schemes, register IDs within a meter (wherever the contract declares it: GB electricity and AU electricity meter points). Compared exactly (strings trimmed, as Kraken's fields trim them): Kraken's own normalisation of addresses and postcodes is not published, so supply addresses that differ only in case or spacing are not reported; AU supply addresses (a structured supply_address object) count as duplicates only when the two objects are identical (Kraken's derivation of the three fields from them is not published). Errors with Kraken's code where the contract in force declares the validator; not checked under the bundled schemas (the seed pages do not state these checks).",
  kinds: ['account', 'account-v2-create'],
  appliesTo: [
    'ledgers[].ledger_code',
    'ledgers[].identifiers[]',
    'payment_preferences[].ledger_identifier',
    'supply_addresses[].property_external_identifier',
    'supply_addresses[].supply_address1',
    'supply_addresses[].meter_points[].identifier',
    'supply_addresses[].meter_points[].mpxn',
    '*.account_contracts[].identifier',
    '*.business_contracts[].identifier',
    'customers[].loyalty_cards[].card_scheme',
    '*.registers[].register_id',
  ],
  implements: [...ACCOUNT, ...NESTED.map((n) => n.check)]
    .filter((c, i, all) => all.findIndex((d) => d.validator === c.validator) === i)
    .map((c) => ({ name: c.validator, codes: [c.code] })),
  check(ctx) {
    if (!ctx.underContract) return;
    const root = ctx.root;
    if (!isRecord(root)) return;
    for (const c of ACCOUNT) run(ctx, c, root, []);
    const { objects, paths, holders } = objectsWithAnyKey(root, KEYS);
    for (const o of holders) {
      const obj = objects[o];
      for (const key in obj) {
        const check = NESTED_KEYS.get(key);
        if (check && Array.isArray(obj[key])) run(ctx, check, obj, paths[o].toPath());
      }
    }
  },
};
