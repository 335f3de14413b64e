/**
 * Field formats Kraken declares and states exactly in the validator's description: one row each. A row names the
 * validator, its code, the fields it judges and what a valid value is; the rule reports a value only when it is
 * certainly outside the stated format (surrounding whitespace is ignored: Kraken's serializers trim strings).
 */
import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { quote } from './messages';
import type { Rule } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

interface Format {
  validator: string;
  code: string;
  /** The field names the validator judges (wherever the contract declares it). */
  fields: readonly string[];
  /** Where the contract declares it: on the field itself, or on the object holding the field. */
  on: 'field' | 'object';
  /** Why the value is wrong, or undefined when it is fine or not certainly wrong (then nothing is reported). */
  problem(value: unknown): string | undefined;
  /** What a valid value looks like, for the message. */
  expected: string;
}

/** A non-empty trimmed string, or undefined (empty and non-string values are other validators' business). */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

/** Python's int() of a string: optional sign, decimal digits with single underscores between them, whitespace around. */
const PYTHON_INT = /^[+-]?\p{Nd}+(?:_\p{Nd}+)*$/u;

/** Characters are counted as Python counts them (code points), not as UTF-16 units. */
const length = (s: string): number => [...s].length;

const TABLE: readonly Format[] = [
  {
    validator: 'Validate delivery point identifier',
    code: 'invalid_delivery_point_identifier',
    fields: ['delivery_point_identifier', 'billing_delivery_point_identifier', 'supply_delivery_point_identifier'],
    on: 'field',
    // Doubt: "capital letters" may or may not include non-ASCII capitals (Ä); only other characters are flagged.
    problem: (v) => {
      const t = text(v);
      return t !== undefined && !/^[\p{Lu}\p{Nd}]+$/u.test(t) ? 'it has characters other than capital letters and digits' : undefined;
    },
    expected: 'only capital letters and digits, e.g. "51234567" or "SW1A1AA1A"',
  },
  {
    validator: 'Validate the portfolio number',
    code: 'invalid_portfolio_number',
    fields: ['portfolio_number'],
    on: 'field',
    problem: (v) => {
      const t = text(v);
      return t !== undefined && !/^P-[A-Z0-9]{8}$/.test(t) ? 'it is not "P-" followed by 8 capital letters or digits' : undefined;
    },
    expected: '"P-" followed by 8 uppercase letters or digits, e.g. "P-1A2B3C4D"',
  },
  {
    validator: 'Validate tax year format',
    code: 'incorrect_format_for_tax_year',
    fields: ['tax_year'],
    on: 'field',
    problem: (v) => {
      const t = text(v);
      return t !== undefined && !/^\p{Nd}{4}\/\p{Nd}{2}$/u.test(t) ? 'it is not in the YYYY/YY format' : undefined;
    },
    expected: 'YYYY/YY, e.g. "2018/19"',
  },
  {
    validator: 'Validate value contains only alphabetic capitals',
    code: 'value_must_be_alphabetic_caps',
    fields: ['postal_delivery_number_prefix', 'postal_delivery_number_suffix'],
    on: 'field',
    problem: (v) => {
      const t = text(v);
      return t !== undefined && !/^[A-Z]+$/.test(t) ? 'it has characters other than the capital letters A-Z' : undefined;
    },
    expected: 'only capital letters A-Z, e.g. "RMB"',
  },
  {
    validator: 'Validate multiline max length',
    code: 'multiline_max_length_exceeded',
    fields: ['building_or_property_name'],
    on: 'field',
    problem: (v) => {
      const t = text(v);
      if (t === undefined) return undefined;
      // Lines split at "\n" only (fewest lines); a "\r" before it is not counted in the line's length.
      const lines = t.split('\n').map((l) => l.replace(/\r$/, ''));
      if (lines.length > 2) return `it has ${lines.length} lines`;
      const long = lines.findIndex((l) => length(l) > 30);
      return long >= 0 ? `line ${long + 1} has ${length(lines[long])} characters` : undefined;
    },
    expected: 'at most 2 lines of at most 30 characters each (put "\\n" after the first 30 characters)',
  },
  {
    validator: 'Validate installation id',
    code: 'installation_id_should_be_integer',
    fields: ['installation_id'],
    on: 'object',
    // Only the integer part: the allowed range is not published (installation_id_out_of_range is not checked).
    problem: (v) => {
      const t = text(v);
      return t !== undefined && !PYTHON_INT.test(t) ? 'it is not a whole number' : undefined;
    },
    expected: 'a whole number written in digits, e.g. "1234567890"',
  },
  {
    validator: 'Validate line item units',
    code: 'line_item_units_must_be_two_values',
    fields: ['units'],
    on: 'field',
    // An empty list is left alone: whether Kraken reads it as "not provided" is not said.
    problem: (v) =>
      Array.isArray(v) && v.length > 0 && v.length !== 2 ? `it has ${v.length} item${v.length === 1 ? '' : 's'}` : undefined,
    expected: 'a list of exactly two readings (the start and end readings of the period)',
  },
  {
    validator: "Validate 'blackhole+' is not in billing email",
    code: 'billing_email_not_valid',
    fields: ['billing_email'],
    on: 'field',
    problem: (v) => (typeof v === 'string' && v.includes('blackhole+') ? 'it contains "blackhole+"' : undefined),
    expected: 'the customer\'s real billing address, without "blackhole+" (or no billing_email)',
  },
];

const BY_FIELD = new Map<string, Format[]>();
for (const f of TABLE) for (const field of f.fields) BY_FIELD.set(field, [...(BY_FIELD.get(field) ?? []), f]);
const KEYS = indexedKeys(BY_FIELD.keys());

export const fieldFormats: Rule = {
  code: 'field-format',
  severity: 'error',
  doc: "Field formats Kraken's contract states exactly: delivery point identifiers (capital letters and digits), portfolio_number (P- and 8 uppercase letters or digits), tax_year (YYYY/YY), postal delivery number prefix/suffix (A-Z), building_or_property_name (2 lines of 30 characters), installation_id (a whole number; its range is not published, so not checked), line item units (two values), billing_email without 'blackhole+'. Errors with Kraken's code where the contract in force declares the validator; empty values are not judged; only non-ASCII capitals and digits are left alone where the text leaves a doubt. Not checked under the bundled schemas: the seed pages do not state these formats.",
  kinds: ['account', 'transactions', 'statements'],
  appliesTo: TABLE.flatMap((t) => t.fields.map((f) => `*.${f}`)),
  implements: TABLE.map((t) => ({ name: t.validator, codes: [t.code] })),
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const obj = objects[o];
      for (const key in obj) {
        const formats = BY_FIELD.get(key);
        if (!formats) continue;
        const value = obj[key];
        for (const f of formats) {
          const why = f.problem(value);
          if (why === undefined) continue;
          const objPath = paths[o].toPath();
          const fieldPath: JsonPath = [...objPath, key];
          const a = activation(ctx, [f.on === 'field' ? fieldPath : objPath], [f.validator], f.code, undefined);
          if (!a) continue;
          const shown = typeof value === 'string' ? quote(value) : `the list`;
          ctx.report(fieldPath, `${key} ${shown} is not accepted: ${why}. Kraken expects ${f.expected} (${f.code}).`, {
            severity: a.severity,
            data: findingData(a),
          });
          break;
        }
      }
    }
  },
};
