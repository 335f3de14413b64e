import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { amountAt, formatDecimal, itemAmountAt } from './decimal';
import { dotted } from './messages';
import { isRecord } from './select';
import type { Rule, RuleContext } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

const AVERAGE = 'Validate average monthly charge equal to sum';
const INSTALMENTS = 'Validate instalment payment amounts sum to total amount';
const COMPONENTS = 'Validate that component amounts sum up to the total';
const SUPPLY_CHARGE = 'Validate that the total transaction amount is correct';

/** The sum of `field` over a list's items, or undefined when an item or its amount cannot be read. */
function sumOf(ctx: RuleContext, list: unknown, path: JsonPath, field: string): bigint | undefined {
  if (list === undefined || list === null) return 0n;
  if (!Array.isArray(list)) return undefined;
  let sum = 0n;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isRecord(item)) return undefined;
    const v = itemAmountAt(ctx, item[field], path, i, field);
    if (v === undefined) return undefined;
    sum += v;
  }
  return sum;
}

/** One cent in decimal.ts's units (10^-12). */
const CENT = 10n ** 10n;

/** `units` rounded to whole cents, half away from zero or half to even. */
function roundCents(units: bigint, halfEven: boolean): bigint {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  let q = abs / CENT;
  const r = abs % CENT;
  const half = CENT / 2n;
  if (r > half || (r === half && (!halfEven || q % 2n === 1n))) q += 1n;
  return negative ? -q : q;
}

/** A scaled amount as text: integers (minor units) without decimals when whole. */
function show(units: bigint, integer: boolean | undefined): string {
  const unit = CENT * 100n;
  return integer && units % unit === 0n ? String(units / unit) : formatDecimal(units);
}

/** Different however Kraken compares: exactly, or each rounded to cents (either rounding). */
function differsAnyway(a: bigint, b: bigint): boolean {
  return a !== b && roundCents(a, false) !== roundCents(b, false) && roundCents(a, true) !== roundCents(b, true);
}

interface SumCheck {
  validator: string;
  code: string;
  /** The field holding the total (where the finding lands). */
  total: string;
  /** Whether the object carries this check's parts. */
  applies(obj: Record<string, unknown>): boolean;
  /** The sum of the parts, undefined when a part cannot be read. */
  parts(ctx: RuleContext, obj: Record<string, unknown>, path: JsonPath): bigint | undefined;
  /** Compare with a tolerance for rounding to cents (the parts may carry more decimals than the total). */
  rounding?: boolean;
  /** Integer fields (minor units): shown without decimals. */
  integer?: boolean;
  explain(total: string, sum: string): string;
}

const CHECKS: readonly SumCheck[] = [
  {
    validator: AVERAGE,
    code: 'payment_adequacy_monthly_charges_unequal',
    total: 'average_monthly_charge',
    integer: true,
    applies: (o) => o.average_monthly_charge !== undefined && o.average_monthly_charge !== null,
    parts(ctx, o, path) {
      const elec = amountAt(ctx, o.average_monthly_elec_charge, [...path, 'average_monthly_elec_charge']);
      const gas = amountAt(ctx, o.average_monthly_gas_charge, [...path, 'average_monthly_gas_charge']);
      return elec === undefined || gas === undefined ? undefined : elec + gas;
    },
    explain: (total, sum) =>
      `average_monthly_charge is ${total}, but average_monthly_elec_charge plus average_monthly_gas_charge is ${sum}: Kraken requires the average to be the sum of the two. Correct one of the three values.`,
  },
  {
    validator: INSTALMENTS,
    // Only where the schedule gives its amount: without one Kraken's default (0.00) may or may not be compared.
    code: 'payment_instalments_do_not_sum_to_total',
    total: 'amount',
    applies: (o) => Array.isArray(o.instalments) && o.instalments.length > 0 && o.amount !== undefined && o.amount !== null,
    parts: (ctx, o, path) => sumOf(ctx, o.instalments, [...path, 'instalments'], 'amount'),
    explain: (total, sum) =>
      `The payment schedule's amount is ${total}, but its instalments add up to ${sum}: Kraken requires the instalment amounts to sum to the schedule's amount. Correct the amount or the instalments.`,
  },
  {
    validator: COMPONENTS,
    // "Can be an empty array if the payment is not broken into components": no components, nothing to add up.
    code: 'payment_plan_payment_components_do_not_sum_to_total',
    total: 'total_amount',
    integer: true,
    applies: (o) => Array.isArray(o.amount_components) && o.amount_components.length > 0 && o.total_amount !== undefined,
    parts: (ctx, o, path) => sumOf(ctx, o.amount_components, [...path, 'amount_components'], 'amount'),
    explain: (total, sum) =>
      `total_amount is ${total}, but the amount_components add up to ${sum}: Kraken requires the component amounts to sum to the payment's total_amount.`,
  },
  {
    validator: SUPPLY_CHARGE,
    code: 'ledger_transaction_amount_does_not_match_with_line_item_net_amount_and_tax_amount',
    total: 'amount',
    applies: (o) => Array.isArray(o.line_items) && o.line_items.length > 0 && o.amount !== undefined && o.amount !== null,
    parts(ctx, o, path) {
      const net = sumOf(ctx, o.line_items, [...path, 'line_items'], 'net_amount');
      const tax = sumOf(ctx, o.tax_items, [...path, 'tax_items'], 'amount');
      return net === undefined || tax === undefined ? undefined : net + tax;
    },
    rounding: true,
    explain: (total, sum) =>
      `The supply charge's amount is ${total}, but its line items' net_amount plus its tax_items' amount is ${sum}: Kraken requires the transaction amount to match them. Correct the amount, a line item or a tax item.`,
  },
];

/** The objects that can carry a check's parts (each check's `applies` reads one of these keys first), from the shared walk. */
const KEYS = indexedKeys(['average_monthly_charge', 'instalments', 'amount_components', 'line_items']);

export const amountSums: Rule = {
  code: 'amount-sum',
  severity: 'error',
  doc: "Totals Kraken declares as sums add up, in exact decimals: a payment adequacy change's average_monthly_charge = average_monthly_elec_charge + average_monthly_gas_charge; a payment schedule's amount = the sum of its instalments' amounts (only when the schedule gives an amount and instalments); a payment plan payment's total_amount = the sum of its amount_components (none: not compared); a supply charge's amount = its line items' net_amount plus its tax_items' amount (the contract's example: 53.24 = 44.0 + 9.24). Whether Kraken rounds the supply charge's parts to cents before comparing is not published, so there a difference is reported only when it remains after rounding to cents. Errors with Kraken's code where the contract in force declares the validator on the object; values that cannot be read are left to the schema. Not checked under the bundled schemas: the seed pages do not state these sums.",
  kinds: ['account', 'account-v2-create', 'transactions'],
  appliesTo: ['payment_adequacy_changes[].average_monthly_charge', 'payment_schedules[].amount', 'payment_plans[].payments[].total_amount'],
  implements: CHECKS.map((c) => ({ name: c.validator, codes: [c.code] })),
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const obj = objects[o];
      for (const c of CHECKS) {
        if (!c.applies(obj)) continue;
        const path = paths[o].toPath();
        const a = activation(ctx, [path], [c.validator], c.code, undefined);
        if (!a) continue;
        const totalPath = [...path, c.total];
        const total = amountAt(ctx, obj[c.total], totalPath);
        const sum = c.parts(ctx, obj, path);
        if (total === undefined || sum === undefined) continue;
        if (c.rounding ? !differsAnyway(total, sum) : total === sum) continue;
        ctx.report(totalPath, c.explain(show(total, c.integer), show(sum, c.integer)), {
          severity: a.severity,
          data: findingData(a, { expected: show(sum, c.integer), at: dotted(path) }),
        });
      }
    }
  },
};
