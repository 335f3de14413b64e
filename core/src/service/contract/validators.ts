/**
 * The `x-validators` a served contract declares: where each is attached (component and field), its name and
 * description as text, and the error codes it may raise. Pure: works on the parsed OpenAPI document.
 *
 * Kraken's names and descriptions are HTML fragments with Unicode directional isolates around identifiers
 * (`Validate <code>⁨valid_to⁩</code> not before …`): `validatorText` turns them into plain text with backticks, and
 * `validatorKey` into the key names are matched by (case, spacing, backticks and invisible characters ignored).
 */
import { isObject } from '../../json';
import { decodeEntities } from '../text';

export interface DeclaredValidator {
  /** The component under `components.schemas`. */
  schema: string;
  /** The field inside it the validator is attached to (`transactions[].transaction_date`), `''` for the object itself. */
  field: string;
  /** Plain text (see `validatorText`); `''` when the contract gives no name. */
  name: string;
  description: string;
  possibleErrors: string[];
}

/** Invisible characters Kraken puts around identifiers (directional isolates and marks, zero-width spaces, BOM). */
const INVISIBLE = /[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** HTML fragment -> plain text: `<code>x</code>` -> `` `x` ``, other tags dropped, entities and spaces tidied. */
export function validatorText(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const text = raw
    .replace(INVISIBLE, '')
    .replace(/<\/?code>/gi, '`')
    .replace(/<[^>]+>/g, '');
  return decodeEntities(text).replace(/\s+/g, ' ').trim();
}

/** The key validator names are matched by: plain text, lower case, without backticks, quotes or repeated spaces. */
export function validatorKey(name: unknown): string {
  return validatorText(name)
    .toLowerCase()
    .replace(/[`'"]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[.\s]+$/, '')
    .trim();
}

/** Every `x-validators` entry under `components.schemas`, in document order. */
export function declaredValidators(doc: unknown): DeclaredValidator[] {
  const out: DeclaredValidator[] = [];
  const components = isObject(doc) && isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  const walk = (node: unknown, schema: string, field: string, depth: number): void => {
    if (!isObject(node) || depth > 64) return;
    const list = node['x-validators'];
    if (Array.isArray(list)) {
      for (const v of list) {
        if (!isObject(v)) continue;
        out.push({
          schema,
          field,
          name: validatorText(v.name),
          description: validatorText(v.description),
          possibleErrors: Array.isArray(v.possible_errors) ? v.possible_errors.filter((e): e is string => typeof e === 'string') : [],
        });
      }
    }
    if (isObject(node.properties)) {
      for (const [name, prop] of Object.entries(node.properties)) walk(prop, schema, field ? `${field}.${name}` : name, depth + 1);
    }
    if (isObject(node.items)) walk(node.items, schema, `${field}[]`, depth + 1);
    if (isObject(node.additionalProperties)) walk(node.additionalProperties, schema, `${field}{*}`, depth + 1);
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
      const parts = node[key];
      if (Array.isArray(parts)) for (const p of parts) walk(p, schema, field, depth + 1);
    }
  };
  for (const [name, schema] of Object.entries(components)) walk(schema, name, '', 0);
  return out;
}
