/**
 * Exact decimal arithmetic for money: values as bigint counts of 10^-SCALE units. No binary floats: 0.1 + 0.2 is
 * 0.3 here, as it is in Kraken's Python `Decimal`.
 */
import type { JsonPath } from '../types';
import type { RuleContext } from './types';

const SCALE = 12;
const UNIT = 10n ** BigInt(SCALE);

/** 10^(SCALE - i) for i = 0 … SCALE: the scale of a literal with i decimals. */
const SHIFT = Array.from({ length: SCALE + 1 }, (_, i) => 10n ** BigInt(SCALE - i));

/** A plain decimal literal (`-12.50`, `+3`, `.5`, `7.`) -> scaled bigint; undefined for anything else (exponents too). */
export function parseDecimal(text: string): bigint | undefined {
  return shortDecimal(text) ?? generalDecimal(text);
}

/**
 * The usual amount (`-12.50`: a sign, at most 15 digits, a point) without a regex or string building: its digits
 * read as one integer are exact in a double, and scaled by the number of decimals. Undefined: anything else, which
 * `generalDecimal` reads (test/unit/decimalFastPath.test.ts holds the two to the same answers).
 */
function shortDecimal(text: string): bigint | undefined {
  let i = 0;
  const first = text.charCodeAt(0);
  const negative = first === 45;
  if (negative || first === 43) i = 1;
  let digits = 0;
  let decimals = -1;
  let n = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) decimals = 0;
    else return undefined;
  }
  if (digits === 0 || digits > 15 || decimals > SCALE) return undefined;
  const units = BigInt(n) * SHIFT[decimals < 0 ? 0 : decimals];
  return negative ? -units : units;
}

/** `parseDecimal` without its fast path (exported for the test that holds the two to the same answers). */
export function generalDecimal(text: string): bigint | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text);
  if (!m || (!m[2] && !m[3])) return undefined;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > SCALE) return undefined;
  const units = BigInt(m[2] || '0') * UNIT + BigInt((frac + '0'.repeat(SCALE)).slice(0, SCALE) || '0');
  return m[1] === '-' ? -units : units;
}

/** The amount at `path` as written (a decimal string, or a JSON number read from its source text). */
export function amountAt(ctx: RuleContext, value: unknown, path: JsonPath): bigint | undefined {
  if (typeof value === 'string') return parseDecimal(value);
  if (typeof value === 'number' && Number.isFinite(value)) return parseDecimal(ctx.rawText(path) ?? String(value));
  return undefined;
}

/** `amountAt` for `list[index][field]` of the list at `listPath`: its path is made only for a number (whose text is read). */
export function itemAmountAt(ctx: RuleContext, value: unknown, listPath: JsonPath, index: number, field: string): bigint | undefined {
  return typeof value === 'string' ? parseDecimal(value) : amountAt(ctx, value, [...listPath, index, field]);
}

/** A scaled amount as text with at least two decimals (`-10.00`, `0.125`). */
export function formatDecimal(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNIT;
  let frac = (abs % UNIT).toString().padStart(SCALE, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}
