import { parseKrakenDateTime, toTimestamp } from '../formats';
import type { JsonPath } from '../types';
import { activation, findingData, type Activation } from './declared';
import { dotted } from './messages';
import { provided } from './provided';
import { isRecord } from './select';
import type { Rule, RuleContext } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/** The widest offset from UTC either way (UTC+14, and a margin beyond UTC-12): no Kraken clock is further off. */
const MARGIN_MS = 14 * 3600 * 1000;

function dayOf(value: string): string | undefined {
  const p = parseKrakenDateTime(value.trim());
  if (!p) return undefined;
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** True when `value` is on or before now wherever Kraken runs (a date: not after the earliest "today" anywhere). */
export function certainlyStarted(value: unknown, now: Date): boolean {
  if (typeof value !== 'string') return false;
  const p = parseKrakenDateTime(value.trim());
  const t = toTimestamp(value);
  if (!p || t === undefined) return false;
  if (p.dateOnly) return dayOf(value)! <= new Date(now.getTime() - MARGIN_MS).toISOString().slice(0, 10);
  return p.offsetMinutes !== undefined ? t <= now.getTime() : t + MARGIN_MS <= now.getTime();
}

/** True when `value` is before now wherever Kraken runs, whether the end is read as inclusive or exclusive. */
export function certainlyEnded(value: unknown, now: Date): boolean {
  if (typeof value !== 'string') return false;
  const p = parseKrakenDateTime(value.trim());
  const t = toTimestamp(value);
  if (!p || t === undefined) return false;
  if (p.dateOnly) return dayOf(value)! < new Date(now.getTime() - MARGIN_MS).toISOString().slice(0, 10);
  return p.offsetMinutes !== undefined ? t < now.getTime() : t + MARGIN_MS < now.getTime();
}

/** "At most one current" / "exactly one current" lists of periods (declared on the list). */
interface CurrentList {
  validator: string;
  code: string;
  list: string;
  from: string;
  to: string;
  exactlyOne: boolean;
  what: string;
  /** Further end dates that may make an entry not current (a concession card's expiry): counted only while not certainly past. */
  alsoEnds?: readonly string[];
}

const CURRENT: readonly CurrentList[] = [
  {
    validator: 'Validate number of current distributer',
    code: 'one_current_data',
    list: 'distributors',
    from: 'from_date',
    to: 'to_date',
    exactlyOne: true,
    what: 'distributor',
  },
  {
    validator: 'Validate number of current meter data provider',
    code: 'one_current_data',
    list: 'meter_data_providers',
    from: 'from_date',
    to: 'to_date',
    exactlyOne: true,
    what: 'meter data provider',
  },
  {
    validator: 'Validate number of current NMI status',
    code: 'one_current_data',
    list: 'nmi_status_periods',
    from: 'active_from',
    to: 'active_to',
    exactlyOne: true,
    what: 'NMI status period',
  },
  {
    validator: 'Validate number of current concession card',
    code: 'too_many_current_concession_cards',
    list: 'concession_cards',
    from: 'applies_from_date',
    to: 'applies_to_date',
    exactlyOne: false,
    what: 'concession card',
    alsoEnds: ['card_expiry_date'],
  },
];

const CURRENT_BY_LIST = new Map(CURRENT.map((c) => [c.list, c]));
/** The objects holding one of the lists counted here, from the shared walk. */
const KEYS = indexedKeys([...CURRENT_BY_LIST.keys(), 'property_administrators']);

/**
 * Counts only what is current however "current" is read (open-ended, or spanning Kraken's now at send time): more
 * than one when two entries are open-ended and have certainly started; none when every entry has certainly ended.
 */
function checkCurrent(ctx: RuleContext, c: CurrentList, items: unknown[], path: JsonPath): void {
  const a = activation(ctx, [path], [c.validator], c.code, undefined);
  if (!a) return;
  const open: number[] = [];
  let allEnded = true;
  items.forEach((item, i) => {
    if (!isRecord(item)) {
      allEnded = false;
      return;
    }
    const to = item[c.to];
    const expired = c.alsoEnds?.some((k) => certainlyEnded(item[k], ctx.now)) ?? false;
    if ((to === undefined || to === null) && certainlyStarted(item[c.from], ctx.now) && !expired) open.push(i);
    if (!certainlyEnded(to, ctx.now)) allEnded = false;
  });
  const at = (i: number) => [...path, i];
  for (const i of open.slice(1)) {
    ctx.report(
      at(i),
      `A second current ${c.what} (${dotted(at(open[0]))} has no ${c.to} either and has started): Kraken allows ${c.exactlyOne ? 'exactly' : 'at most'} one current ${c.what}. Give the earlier one its ${c.to}.`,
      { severity: a.severity, target: 'owner', data: findingData(a, { first: dotted(at(open[0])) }) },
    );
  }
  if (c.exactlyOne && allEnded) {
    ctx.report(
      path,
      items.length
        ? `Every ${c.what} in ${c.list} has ended (each ${c.to} is before today, ${ctx.now.toISOString().slice(0, 10)}): Kraken requires exactly one current ${c.what}. Add the current one, without ${c.to}.`
        : `${c.list} is empty: Kraken requires exactly one current ${c.what}.`,
      { severity: a.severity, data: findingData(a, { today: ctx.now.toISOString().slice(0, 10) }) },
    );
  }
}

const LIFE_SUPPORT = 'Validate only one life support address provided';
const ADMINISTRATORS = 'Validate no more than one property administrator is provided';
const OCCUPIER_PROPERTIES = 'Validate no more than one property for unknown occupier';
const OCCUPIER_CUSTOMERS = 'Validate no customers for unknown occupier';

function report(ctx: RuleContext, a: Activation | undefined, path: JsonPath, message: string, extra: Record<string, unknown> = {}): void {
  if (a) ctx.report(path, message, { severity: a.severity, target: 'owner', data: findingData(a, extra) });
}

/** The account-level counts: life support addresses, an unknown occupier's properties and customers. */
function accountCounts(ctx: RuleContext, root: Record<string, unknown>): void {
  const addresses = Array.isArray(root.supply_addresses) ? root.supply_addresses : [];
  const withLifeSupport = addresses.map((s, i) => (isRecord(s) && provided(s.life_support) ? i : -1)).filter((i) => i >= 0);
  if (withLifeSupport.length > 1) {
    const a = activation(ctx, [['supply_addresses']], [LIFE_SUPPORT], 'life_support_for_more_than_one_address', undefined);
    for (const i of withLifeSupport.slice(1))
      report(
        ctx,
        a,
        ['supply_addresses', i, 'life_support'],
        `Life support is already given on supply_addresses.${withLifeSupport[0]}: Kraken accepts life support details on one supply address only.`,
        { first: `supply_addresses.${withLifeSupport[0]}` },
      );
  }
  if (root.unknown_occupier !== true) return;
  if (addresses.length > 1) {
    const a = activation(ctx, [[]], [OCCUPIER_PROPERTIES], 'occupier_account_with_multiple_supply_addresses', undefined);
    report(
      ctx,
      a,
      ['supply_addresses', 1],
      `unknown_occupier is true, but ${addresses.length} supply addresses are given: Kraken allows at most one property on an unknown occupier account.`,
    );
  }
  if (provided(root.customers)) {
    const a = activation(ctx, [[]], [OCCUPIER_CUSTOMERS], 'customer_with_unknown_occupier', undefined);
    if (a)
      ctx.report(
        ['customers'],
        'unknown_occupier is true, but customers are given: Kraken accepts no customers on an unknown occupier account. Remove the customers or set unknown_occupier to false.',
        { severity: a.severity, data: findingData(a) },
      );
  }
}

export const countLimits: Rule = {
  code: 'count-limit',
  severity: 'error',
  doc: 'Counts Kraken declares: exactly one current distributor, meter data provider and NMI status period per embedded electricity meter point; at most one current concession card per customer (a card whose card_expiry_date has passed is not counted); life support on at most one supply address; at most one property administrator per supply address; an unknown occupier account (unknown_occupier true) with at most one supply address and no customers. Whether "current" means open-ended or spanning Kraken\'s clock at send time is not published, so only what is certain either way is reported: two open-ended entries that have started in every time zone are too many, a list whose entries have all ended in every time zone (or an empty list) has none. Errors with Kraken\'s code where the contract in force declares the validator; not checked under the bundled schemas (the seed pages do not state these counts).',
  kinds: ['account', 'account-v2-create'],
  appliesTo: [
    ...CURRENT.map((c) => `*.${c.list}`),
    'supply_addresses[].life_support',
    'supply_addresses[].property_administrators[]',
    'supply_addresses[]',
    'customers',
  ],
  implements: [
    ...CURRENT.map((c) => ({ name: c.validator, codes: [c.code] })),
    { name: LIFE_SUPPORT, codes: ['life_support_for_more_than_one_address'] },
    { name: ADMINISTRATORS, codes: ['multiple_property_administrators'] },
    { name: OCCUPIER_PROPERTIES, codes: ['occupier_account_with_multiple_supply_addresses'] },
    { name: OCCUPIER_CUSTOMERS, codes: ['customer_with_unknown_occupier'] },
  ],
  check(ctx) {
    if (!ctx.underContract) return;
    const root = ctx.root;
    if (!isRecord(root)) return;
    accountCounts(ctx, root);
    const { objects, paths, holders } = objectsWithAnyKey(root, KEYS);
    for (const o of holders) {
      const obj = objects[o];
      for (const key in obj) {
        const value = obj[key];
        if (!Array.isArray(value)) continue;
        const c = CURRENT_BY_LIST.get(key);
        if (c) checkCurrent(ctx, c, value, [...paths[o].toPath(), key]);
        if (key === 'property_administrators' && value.length > 1) {
          const path = paths[o].toPath();
          const a = activation(ctx, [path], [ADMINISTRATORS], 'multiple_property_administrators', undefined);
          for (let i = 1; i < value.length; i++)
            report(
              ctx,
              a,
              [...path, key, i],
              `A second property administrator on this supply address: Kraken accepts at most one (add further administrators through the support site after the import).`,
            );
        }
      }
    }
  },
};
