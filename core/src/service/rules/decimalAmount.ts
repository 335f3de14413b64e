/**
 * Decimal strings the schema lets through but Kraken does not read as numbers.
 *
 * Kraken's decimal fields are Django REST Framework DecimalFields; the served contract describes them as strings
 * with a pattern such as `^-?\d{0,10}(?:\.\d{0,10})?$`, which the bundled schemas copy. That pattern already rejects
 * "10,50", "1,000.00", "1.000,50", "€10" and "1e5" (schema error `invalid-pattern`). What it does not reject,
 * because every part of it is optional, is a value without a digit: "", "-", ".", "-.". DRF parses those with
 * `Decimal(...)` and answers "A valid number is required." — an error here.
 *
 * German agreement `params` (prices and consumptions in the seed account) have no pattern in the schema: the German
 * contract is not public. A value there that is not a plain decimal ("0,1025") is a warning.
 */
import { KINDS_BY_ID } from '../kinds';
import { isDecimalString } from '../formats';
// Built by scripts/compile-schemas.mjs (npm run build) from schemas/*.json with decimalReach.ts.
import DECIMAL_REACH from '../generated/decimalReach';
import type { DecimalReach } from './decimalReach';
import { quote } from './messages';
import { SelectedField, selectObjects } from './select';
import type { Rule } from './types';
import { ROOT_PATH, type PathNode } from './walk';

const NO_DIGIT = /^\s*-?\s*\.?\s*$/;

/** NO_DIGIT, without running it on the usual value: one that starts with a letter or digit has a character it lacks. */
function noDigit(value: string): boolean {
  const c = value.charCodeAt(0);
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return false;
  return NO_DIGIT.test(value);
}

/**
 * The decimal fields of a document whose value has no digit. The document is walked along the table (see
 * decimalReach.ts), only where the schema says a decimal can be: an object is read by the property names that can
 * lead to one, not by all its keys. Strings are checked where they are met; only containers go on the stack.
 */
export function digitlessDecimals(root: unknown, reach: DecimalReach, rootNode: number): Array<{ value: string; path: PathNode }> {
  const found: Array<{ value: string; path: PathNode }> = [];
  const table = reach.nodes;
  if (typeof root === 'string') {
    if (table[rootNode]!.decimal && noDigit(root)) found.push({ value: root, path: ROOT_PATH });
    return found;
  }
  if (root === null || typeof root !== 'object') return found;
  // Parallel stacks (container, its path, its node): no allocation per container but its path node.
  const values: object[] = [root];
  const paths: PathNode[] = [ROOT_PATH];
  const at: number[] = [rootNode];
  while (values.length) {
    const value = values.pop()!;
    const path = paths.pop()!;
    const node = table[at.pop()!]!;
    if (Array.isArray(value)) {
      if (node.items < 0) continue;
      const decimal = table[node.items]!.decimal;
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (typeof item === 'string') {
          if (decimal && noDigit(item)) found.push({ value: item, path: path.child(i) });
        } else if (item !== null && typeof item === 'object') {
          values.push(item);
          paths.push(path.child(i));
          at.push(node.items);
        }
      }
    } else {
      const keys = node.keys;
      for (let i = keys.length - 1; i >= 0; i--) {
        const [key, sub] = keys[i]!;
        const child: unknown = (value as Record<string, unknown>)[key];
        if (child === undefined || !Object.prototype.hasOwnProperty.call(value, key)) continue;
        if (typeof child === 'string') {
          if (table[sub]!.decimal && noDigit(child)) found.push({ value: child, path: path.child(key) });
        } else if (child !== null && typeof child === 'object') {
          values.push(child);
          paths.push(path.child(key));
          at.push(sub);
        }
      }
    }
  }
  return found;
}

/** German agreement params that are amounts or quantities (seed account), as plain decimal strings. */
const DE_DECIMAL_PARAMS = [
  'annual_consumption',
  'annual_nighttime_usage',
  'unit_rate_per_kwh',
  'net_unit_rate_per_kwh',
  'night_unit_rate_per_kwh',
  'net_night_unit_rate_per_kwh',
  'monthly_standing_charge',
  'net_monthly_standing_charge',
  'total_estimated_annual_bill_in_euros',
];

export const decimalAmount: Rule = {
  code: 'decimal-amount',
  severity: 'error',
  doc: 'Decimal fields hold a number: error for a value with no digit ("", "-", "."), which the contract\'s pattern lets through but Kraken rejects ("A valid number is required."); warning for German agreement params (no pattern in the schema; the German contract is not public) that are not plain decimals, e.g. "0,1025". Commas and thousands separators elsewhere are schema errors already.',
  kinds: ['account', 'transactions', 'statements'],
  check(ctx) {
    const file = KINDS_BY_ID.get(ctx.kind)?.schemaFile;
    const rootNode = file === undefined ? undefined : DECIMAL_REACH.roots[file];
    if (rootNode !== undefined) {
      for (const { value, path } of digitlessDecimals(ctx.root, DECIMAL_REACH, rootNode)) {
        const name = typeof path.key === 'string' ? path.key : 'This decimal field';
        ctx.report(
          path.toPath(),
          `${name} is ${quote(value)}, which is not a number: Kraken rejects it ("A valid number is required."). Give the value as a decimal string such as "10.50", or leave the property out if it is optional.`,
        );
      }
    }

    if (ctx.kind !== 'account') return;
    for (const params of selectObjects(ctx.root, 'supply_addresses[].supply_points[].agreements[].params')) {
      const fields = DE_DECIMAL_PARAMS.map((k) => new SelectedField(params, k));
      for (const charges of selectObjects(params.value, 'network_charges', params))
        for (const k in charges.value) fields.push(new SelectedField(charges, k));
      for (const field of fields) {
        const { name, value } = field;
        if (typeof value !== 'string' || isDecimalString(value.trim())) continue;
        ctx.report(
          field.path,
          `${name} is ${quote(value)}, which is not a plain decimal number: write digits with "." as the decimal point and no thousands separators or units, e.g. "0.1025". A warning: the German contract for agreement params is not public, but Kraken's decimal fields read only this form.`,
          { severity: 'warning' },
        );
      }
    }
  },
};
