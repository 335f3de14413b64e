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
import { BUNDLED_SCHEMA_FILES, type JsonSchema } from '../schemas';
import { isDecimalString } from '../formats';
import type { PathSegment } from '../types';
import { quote } from './messages';
import { selectObjects } from './select';
import type { Rule } from './types';
import { ROOT_PATH, type PathNode } from './walk';

/** The contract's decimal pattern shape: optional sign, up to W digits, optional point and up to F digits. */
const DECIMAL_PATTERN = /^\^-\?\\d\{0,\d+\}\(\?:\\\.\\d\{0,\d+\}\)\?\$$/;
const NO_DIGIT = /^\s*-?\s*\.?\s*$/;

/** NO_DIGIT, without running it on the usual value: one that starts with a letter or digit has a character it lacks. */
function noDigit(value: string): boolean {
  const c = value.charCodeAt(0);
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return false;
  return NO_DIGIT.test(value);
}

interface SchemaNode {
  schema: JsonSchema;
  /** The file the schema sits in, for its local `$ref`s. */
  file: string;
}

function isSchema(v: unknown): v is JsonSchema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function lookup(file: string, ref: string): SchemaNode | undefined {
  const [refFile, pointer = ''] = ref.split('#');
  const name = refFile || file;
  let node: unknown = BUNDLED_SCHEMA_FILES[name];
  for (const raw of pointer.split('/').filter(Boolean)) {
    if (!isSchema(node)) return undefined;
    node = node[decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSchema(node) ? { schema: node, file: name } : undefined;
}

const expandCache = new WeakMap<JsonSchema, SchemaNode[]>();

/** A schema with its `$ref` followed and its `allOf` / `anyOf` / `oneOf` branches added (each branch may apply). */
function expand(start: SchemaNode): SchemaNode[] {
  const cached = expandCache.get(start.schema);
  if (cached) return cached;
  const out: SchemaNode[] = [];
  const seen = new Set<JsonSchema>();
  const stack = [start];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.schema)) continue;
    seen.add(n.schema);
    out.push(n);
    if (typeof n.schema.$ref === 'string') {
      const target = lookup(n.file, n.schema.$ref);
      if (target) stack.push(target);
    }
    for (const k of ['allOf', 'anyOf', 'oneOf']) {
      const branches = n.schema[k];
      if (Array.isArray(branches)) for (const b of branches) if (isSchema(b)) stack.push({ schema: b, file: n.file });
    }
  }
  expandCache.set(start.schema, out);
  return out;
}

const childCache = new WeakMap<readonly SchemaNode[], Map<PathSegment, SchemaNode[]>>();
const NONE: SchemaNode[] = [];

/** The schemas of a child (`key` a property name, or any number for array items); memoised, so the same lists come back. */
function children(nodes: readonly SchemaNode[], key: PathSegment): SchemaNode[] {
  const k = typeof key === 'number' ? 0 : key;
  let byKey = childCache.get(nodes);
  if (!byKey) childCache.set(nodes, (byKey = new Map()));
  const cached = byKey.get(k);
  if (cached) return cached;
  const out: SchemaNode[] = [];
  for (const n of nodes) {
    const sub =
      typeof k === 'number'
        ? n.schema.items
        : isSchema(n.schema.properties) && Object.prototype.hasOwnProperty.call(n.schema.properties, k)
          ? (n.schema.properties as Record<string, unknown>)[k]
          : undefined;
    if (isSchema(sub)) out.push(...expand({ schema: sub, file: n.file }));
  }
  const result = out.length ? out : NONE;
  byKey.set(k, result);
  return result;
}

const decimalCache = new WeakMap<readonly SchemaNode[], boolean>();

function isDecimalSchema(nodes: readonly SchemaNode[]): boolean {
  let is = decimalCache.get(nodes);
  if (is === undefined) {
    is = nodes.some((n) => typeof n.schema.pattern === 'string' && DECIMAL_PATTERN.test(n.schema.pattern));
    decimalCache.set(nodes, is);
  }
  return is;
}

const propertyNamesCache = new WeakMap<readonly SchemaNode[], string[]>();

function propertyNames(nodes: readonly SchemaNode[]): string[] {
  let names = propertyNamesCache.get(nodes);
  if (!names) {
    const set = new Set<string>();
    for (const n of nodes) if (isSchema(n.schema.properties)) for (const k of Object.keys(n.schema.properties)) set.add(k);
    propertyNamesCache.set(nodes, (names = [...set]));
  }
  return names;
}

const reachCache = new WeakMap<readonly SchemaNode[], boolean>();

/**
 * Whether a decimal schema can be met at or below these schemas. A recursive schema counts as yes while it is being
 * looked at (at worst the walk visits more than it needs); a no is certain, so both are kept.
 */
function mayHoldDecimal(nodes: readonly SchemaNode[], visiting = new Set<readonly SchemaNode[]>()): boolean {
  const cached = reachCache.get(nodes);
  if (cached !== undefined) return cached;
  if (isDecimalSchema(nodes)) {
    reachCache.set(nodes, true);
    return true;
  }
  if (visiting.has(nodes)) return true;
  visiting.add(nodes);
  let found = propertyNames(nodes).some((k) => mayHoldDecimal(children(nodes, k), visiting));
  if (!found && nodes.some((n) => isSchema(n.schema.items))) found = mayHoldDecimal(children(nodes, 0), visiting);
  visiting.delete(nodes);
  reachCache.set(nodes, found);
  return found;
}

/** A property under which a decimal can be met: its schemas, and whether they are a decimal's. */
interface Relevant {
  key: string;
  sub: SchemaNode[];
  decimal: boolean;
}

const relevantCache = new WeakMap<readonly SchemaNode[], Relevant[]>();

/**
 * The property names of these schemas under which a decimal can be met, each with its child schemas: an object is
 * read by these alone, and reading it looks nothing up.
 */
function relevantKeys(nodes: readonly SchemaNode[]): Relevant[] {
  let keys = relevantCache.get(nodes);
  if (!keys)
    relevantCache.set(
      nodes,
      (keys = propertyNames(nodes)
        .map((key) => ({ key, sub: children(nodes, key) }))
        .filter(({ sub }) => mayHoldDecimal(sub))
        .map(({ key, sub }) => ({ key, sub, decimal: isDecimalSchema(sub) }))),
    );
  return keys;
}

const itemsCache = new WeakMap<readonly SchemaNode[], SchemaNode[] | null>();

/** The schemas of these schemas' array items when a decimal can be met in them, else null. */
function decimalItems(nodes: readonly SchemaNode[]): SchemaNode[] | null {
  let items = itemsCache.get(nodes);
  if (items === undefined) {
    const sub = children(nodes, 0);
    itemsCache.set(nodes, (items = sub.length && mayHoldDecimal(sub) ? sub : null));
  }
  return items;
}

/**
 * The decimal fields of a document whose value has no digit. The document and the schema are walked together, only
 * where the schema says a decimal can be: an object is read by the schema's property names that can lead to one, not
 * by all its keys. Strings are checked where they are met; only containers go on the stack.
 */
function digitlessDecimals(root: unknown, rootNodes: SchemaNode[]): Array<{ value: string; path: PathNode }> {
  const found: Array<{ value: string; path: PathNode }> = [];
  if (typeof root === 'string') {
    if (noDigit(root) && isDecimalSchema(rootNodes)) found.push({ value: root, path: ROOT_PATH });
    return found;
  }
  if (root === null || typeof root !== 'object') return found;
  // Parallel stacks (container, its path, its schemas): no allocation per container but its path node.
  const values: object[] = [root];
  const paths: PathNode[] = [ROOT_PATH];
  const schemas: SchemaNode[][] = [rootNodes];
  while (values.length) {
    const value = values.pop()!;
    const path = paths.pop()!;
    const nodes = schemas.pop()!;
    if (Array.isArray(value)) {
      const items = decimalItems(nodes);
      if (items === null) continue;
      const decimal = isDecimalSchema(items);
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (typeof item === 'string') {
          if (decimal && noDigit(item)) found.push({ value: item, path: path.child(i) });
        } else if (item !== null && typeof item === 'object') {
          values.push(item);
          paths.push(path.child(i));
          schemas.push(items);
        }
      }
    } else {
      const keys = relevantKeys(nodes);
      for (let i = keys.length - 1; i >= 0; i--) {
        const { key, sub, decimal } = keys[i]!;
        const child: unknown = (value as Record<string, unknown>)[key];
        if (child === undefined || !Object.prototype.hasOwnProperty.call(value, key)) continue;
        if (typeof child === 'string') {
          if (decimal && noDigit(child)) found.push({ value: child, path: path.child(key) });
        } else if (child !== null && typeof child === 'object' && sub.length) {
          values.push(child);
          paths.push(path.child(key));
          schemas.push(sub);
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
    const rootSchema = file ? BUNDLED_SCHEMA_FILES[file] : undefined;
    if (rootSchema) {
      for (const { value, path } of digitlessDecimals(ctx.root, expand({ schema: rootSchema, file: file! }))) {
        const name = typeof path.key === 'string' ? path.key : 'This decimal field';
        ctx.report(
          path.toPath(),
          `${name} is ${quote(value)}, which is not a number: Kraken rejects it ("A valid number is required."). Give the value as a decimal string such as "10.50", or leave the property out if it is optional.`,
        );
      }
    }

    if (ctx.kind !== 'account') return;
    for (const params of selectObjects(ctx.root, 'supply_addresses[].supply_points[].agreements[].params')) {
      const fields: Array<[string, unknown, PathSegment[]]> = DE_DECIMAL_PARAMS.map((k) => [k, params.value[k], [...params.path, k]]);
      for (const charges of selectObjects(params.value, 'network_charges', params.path)) {
        for (const [k, v] of Object.entries(charges.value)) fields.push([k, v, [...charges.path, k]]);
      }
      for (const [name, value, path] of fields) {
        if (typeof value !== 'string' || isDecimalString(value.trim())) continue;
        ctx.report(
          path,
          `${name} is ${quote(value)}, which is not a plain decimal number: write digits with "." as the decimal point and no thousands separators or units, e.g. "0.1025". A warning: the German contract for agreement params is not public, but Kraken's decimal fields read only this form.`,
          { severity: 'warning' },
        );
      }
    }
  },
};
