import type { JsonPath } from '../types';
import { activation, findingData, type Activation } from './declared';
import { certainlyOverlap, describePeriod, nextDay, periodsOf, type Period } from './periodDates';
import type { Rule, RuleContext } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/**
 * Kraken's validators on lists of periods, declared on the list field: no overlaps (per group), at most one
 * open-ended, consecutive (each ends where the next starts), or a day apart (each starts the day after its
 * predecessor ends).
 */
interface ListCheck {
  /** The list's property name. */
  key: string;
  validator: string;
  code: string;
  check: 'overlap' | 'one-open' | 'consecutive' | 'day-after';
  from: string;
  to: string;
  /** Items overlap only within a group: equal values of these fields. */
  group?: readonly string[];
  /** The items, in words ("tax exemption"). */
  what: string;
  /** Code for a period of no length (consecutive lists). */
  zeroCode?: string;
}

const TAX_OVERLAP = 'Validate no overlapping tax exemptions';
const TAX_OPEN = 'Validate tax exemption end dates';
const CONSECUTIVE = 'Validate that the given periods are consecutive and have no gaps';

const CHECKS: readonly ListCheck[] = [
  ...['ccl_exemptions', 'vat_exemptions'].flatMap((key): ListCheck[] => [
    {
      key,
      validator: TAX_OVERLAP,
      code: 'overlapping_effective_dates_for_tax_exemptions',
      check: 'overlap',
      from: 'effective_from',
      to: 'effective_to',
      what: 'tax exemption',
    },
    {
      key,
      validator: TAX_OPEN,
      code: 'multiple_open_ended_tax_exemptions',
      check: 'one-open',
      from: 'effective_from',
      to: 'effective_to',
      what: 'tax exemption',
    },
  ]),
  {
    key: 'aq_history',
    validator: 'Validate that at most one open-ended AQ entry is present in the AQ history',
    code: 'multiple_open_ended_aqs_in_meterpoint_aq_history',
    check: 'one-open',
    from: 'effective_from',
    to: 'effective_to',
    what: 'AQ entry',
  },
  {
    key: 'aq_history',
    validator: 'Validate that there are no gaps in the AQ history',
    code: 'gaps_or_overlaps_in_aq_history',
    check: 'day-after',
    from: 'effective_from',
    to: 'effective_to',
    what: 'AQ entry',
  },
  ...['capacity_values', 'configuration_periods'].map((key): ListCheck => ({
    key,
    validator: CONSECUTIVE,
    code: 'gaps_or_overlaps_in_periods',
    zeroCode: 'zero_length_periods',
    check: 'consecutive',
    from: 'effective_from_date',
    to: 'effective_to_date',
    what: key === 'capacity_values' ? 'capacity value' : 'configuration period',
  })),
  {
    key: 'contribution_agreements',
    validator: 'Validate contribution agreements do not overlap',
    code: 'overlapping_contribution_agreements',
    check: 'overlap',
    from: 'active_period_start_date',
    to: 'active_period_end_date',
    group: ['scheme'],
    what: 'contribution agreement',
  },
  {
    key: 'adjustments',
    validator: 'Validate tax adjustments do not overlap',
    code: 'overlapping_tax_adjustments',
    check: 'overlap',
    from: 'effective_from_date',
    to: 'effective_to_date',
    group: ['supply_point_external_identifier', 'adjustment_type', 'tax_category', 'tax_subcategory'],
    what: 'tax adjustment',
  },
  {
    key: 'periods',
    validator: 'Validate periods do not overlap per market',
    code: 'overlapping_contracted_volume_periods',
    check: 'overlap',
    from: 'valid_from_date',
    to: 'valid_to_date',
    group: ['market_name'],
    what: 'contracted volume period',
  },
];

const BY_KEY = new Map<string, ListCheck[]>();
for (const c of CHECKS) BY_KEY.set(c.key, [...(BY_KEY.get(c.key) ?? []), c]);
const KEYS = indexedKeys(BY_KEY.keys());

function groupOf(p: Period, fields: readonly string[] | undefined): string {
  return fields ? JSON.stringify(fields.map((f) => p.item[f] ?? null)) : '';
}

function suffix(a: Activation): string {
  return a.krakenCode ? ` (Kraken: ${a.krakenCode})` : '';
}

function checkOverlap(ctx: RuleContext, c: ListCheck, a: Activation, list: JsonPath, periods: Period[]): void {
  for (let j = 1; j < periods.length; j++) {
    const b = periods[j];
    const other = periods.slice(0, j).find((p) => groupOf(p, c.group) === groupOf(b, c.group) && certainlyOverlap(p, b));
    if (!other) continue;
    const within = c.group ? ` with the same ${c.group.join(', ')}` : '';
    ctx.report(
      [...list, b.index, c.from],
      `This ${c.what} (${describePeriod(b)}) overlaps ${[...list, other.index].join('.')} (${describePeriod(other)})${within}: Kraken rejects overlapping ${c.what}s. End the earlier one before the later one starts${suffix(a)}.`,
      { severity: a.severity, data: findingData(a, { other: [...list, other.index].join('.') }) },
    );
  }
}

function checkOneOpen(ctx: RuleContext, c: ListCheck, a: Activation, list: JsonPath, periods: Period[]): void {
  const open = periods.filter((p) => p.end === undefined);
  for (const p of open.slice(1)) {
    ctx.report(
      [...list, p.index],
      `A second open-ended ${c.what} (${c.to} missing here and on ${[...list, open[0].index].join('.')}): Kraken allows at most one. Give all but the latest a ${c.to}${suffix(a)}.`,
      { severity: a.severity, target: 'owner', data: findingData(a, { other: [...list, open[0].index].join('.') }) },
    );
  }
}

/** `consecutive`: each period ends on the day the next starts; `day-after`: the next starts the day after it ends. */
function checkSequence(ctx: RuleContext, c: ListCheck, a: Activation, list: JsonPath, periods: Period[]): void {
  const sorted = [...periods].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.index - y.index));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const next = sorted[i];
    // An open-ended predecessor: the contracts do not say how Kraken reads it; left alone.
    if (prev.end === undefined) continue;
    const expected = c.check === 'consecutive' ? prev.end : nextDay(prev.end);
    if (next.start === expected) continue;
    const kind = next.start > expected ? 'a gap' : 'an overlap';
    ctx.report(
      [...list, next.index, c.from],
      `This ${c.what} starts on ${next.start}, but the one before it (${[...list, prev.index].join('.')}) ends on ${prev.end}: ${kind}. Kraken requires each ${c.what} to start ${c.check === 'consecutive' ? 'on the day the previous one ends' : 'the day after the previous one ends'} (${expected})${suffix(a)}.`,
      { severity: a.severity, data: findingData(a, { other: [...list, prev.index].join('.'), expected }) },
    );
  }
}

export const periodLists: Rule = {
  code: 'period-lists',
  severity: 'error',
  doc: "Lists of periods Kraken checks, where the contract in force declares the validator on the list: tax exemptions (ccl/vat) do not overlap and at most one is open-ended; AQ history has at most one open-ended entry and each entry starts the day after the previous one ends; capacity values and configuration periods are consecutive (each ends on the day the next starts) and not of zero length; contribution agreements of one scheme, tax adjustments of one supply point/type/category/subcategory and contracted volume periods of one market do not overlap. Errors with Kraken's code. Two periods count as overlapping only when each starts before the other ends (true however Kraken reads end dates); an open-ended period followed by a later one is left alone in the consecutive checks (not described). Not checked under the bundled schemas (the seed pages do not state it).",
  kinds: ['account'],
  appliesTo: [...new Set(CHECKS.map((c) => `*.${c.key}[].${c.from}`))],
  implements: [...new Set(CHECKS.map((c) => c.validator))].map((name) => ({
    name,
    codes: [...new Set(CHECKS.filter((x) => x.validator === name).flatMap((x) => (x.zeroCode ? [x.code, x.zeroCode] : [x.code])))],
  })),
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const obj = objects[o];
      for (const key in obj) {
        const checks = BY_KEY.get(key);
        const value = obj[key];
        if (!checks || !Array.isArray(value)) continue;
        const list = [...paths[o].toPath(), key];
        for (const c of checks) {
          const a = activation(ctx, [list], [c.validator], c.code, undefined);
          if (!a) continue;
          const periods = periodsOf(value, c.from, c.to);
          if (c.check === 'overlap') checkOverlap(ctx, c, a, list, periods);
          else if (c.check === 'one-open') checkOneOpen(ctx, c, a, list, periods);
          else {
            if (c.zeroCode) checkZero(ctx, c, a, list, value);
            checkSequence(ctx, c, a, list, periods);
          }
        }
      }
    }
  },
};

/** Periods that end on the day they start (consecutive lists): `zero_length_periods`. */
function checkZero(ctx: RuleContext, c: ListCheck, a: Activation, list: JsonPath, value: readonly unknown[]): void {
  for (const p of periodsOf(value, c.from, c.to)) {
    if (p.end !== p.start) continue;
    ctx.report(
      [...list, p.index, c.to],
      `This ${c.what} ends on the day it starts (${p.start}): Kraken rejects periods of no length${a.krakenCode ? ` (Kraken: ${c.zeroCode})` : ''}.`,
      { severity: a.severity, data: a.krakenCode ? { krakenCode: c.zeroCode } : {} },
    );
  }
}
