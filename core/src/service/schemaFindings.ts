/**
 * ajv errors -> findings written for people, with Kraken's (Django REST Framework's) input coercion applied so we
 * never report an error Kraken would not raise:
 *
 * | declared            | sent                                   | Kraken (DRF)                | we report            |
 * |---------------------|----------------------------------------|-----------------------------|----------------------|
 * | string / decimal    | JSON number                            | accepted, converted to text | hint number-as-string |
 * | string              | boolean, object, array                 | "Not a valid string."       | error invalid-type   |
 * | integer / number    | numeric string ("5", "1.5")            | accepted, parsed            | hint string-as-number |
 * | integer / number    | other string, boolean, object          | "A valid integer is required." | error invalid-type |
 * | boolean             | "true"/"false"/"1"/"0"/"yes"/"no"/"on"/"off", 1, 0 | accepted         | hint string-as-boolean |
 * | any non-nullable    | null                                   | "This field may not be null." | error null-not-allowed |
 */
import type { ErrorObject } from 'ajv';
import { FORMAT_HINTS } from './formats';
import { humanize, listValues, nearest } from './suggest';
import type { JsonPath, RawFinding } from './types';
import { decodeEntities } from './text';

type Schema = Record<string, unknown>;

/** "/customers/0/landline" -> ['customers', 0, 'landline'] */
export function pointerToPath(pointer: string): JsonPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^(0|[1-9]\d*)$/.test(p) ? Number(p) : p));
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return `the number ${String(v)}`;
}

function typeName(t: string): string {
  return t === 'integer' ? 'a whole number' : t === 'array' ? 'an array' : t === 'object' ? 'an object' : `a ${t}`;
}

const DRF_BOOLEAN_STRINGS = new Set([
  'true',
  'false',
  'True',
  'False',
  'TRUE',
  'FALSE',
  '1',
  '0',
  'yes',
  'no',
  'Yes',
  'No',
  'on',
  'off',
  'On',
  'Off',
  'y',
  'n',
  'Y',
  'N',
  't',
  'f',
  'T',
  'F',
]);

/** The name a value is called by in messages: the nearest property name on its path. */
function nounFor(path: JsonPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return humanize(path[i] as string);
  return 'value';
}

/** The property's own name in quotes (`"is_pinned"`), for type messages; item paths name their list. */
function fieldName(path: JsonPath): string {
  const last = path[path.length - 1];
  if (typeof last === 'string') return `"${last}"`;
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return `an item of "${path[i]}"`;
  return 'the payload';
}

function firstSentence(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !raw || /^[a-z0-9-]+--/.test(raw)) return undefined;
  // Instance contracts write descriptions as HTML (`<p>The Market Participant ID …</p>`).
  const s = decodeEntities(raw.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  if (!s) return undefined;
  const m = /^(.*?[.!?])(\s|$)/.exec(s);
  return (m ? m[1] : s).trim();
}

function isNumericString(s: string): boolean {
  return /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s);
}

export interface SchemaFindingContext {
  /** The source text of the value at a path (to quote numbers exactly as written). */
  rawText(path: JsonPath): string | undefined;
  /** Resolves a `$ref` of the kind's schema (to name the branch a value without its discriminator most resembles). */
  resolveRef?(ref: string): Schema | undefined;
}

/** The property names a branch declares (its own, and those of its `$ref` / `allOf` members, a few levels deep). */
function branchProperties(branch: Schema, ctx: SchemaFindingContext, depth = 0, out = new Set<string>()): Set<string> {
  if (depth > 4) return out;
  for (const k of Object.keys((branch.properties as Record<string, unknown> | undefined) ?? {})) out.add(k);
  const parts = [...((branch.allOf as Schema[] | undefined) ?? [])];
  if (typeof branch.$ref === 'string') {
    const target = ctx.resolveRef?.(branch.$ref);
    if (target) parts.push(target);
  }
  for (const p of parts) if (p && typeof p === 'object') branchProperties(p, ctx, depth + 1, out);
  return out;
}

/** The tag value of the branch whose fields the object's fields match best (unique best, at least one field shared). */
function likelyBranch(schema: Schema, tag: string, value: unknown, ctx: SchemaFindingContext): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !ctx.resolveRef) return undefined;
  const keys = Object.keys(value).filter((k) => k !== tag);
  let best: string | undefined;
  let bestScore = 0;
  let tie = false;
  for (const branch of (schema.oneOf as Schema[] | undefined) ?? []) {
    const tagSchema = (branch.properties as Record<string, Schema> | undefined)?.[tag];
    const tagValue = tagSchema?.const ?? (Array.isArray(tagSchema?.enum) && tagSchema.enum.length === 1 ? tagSchema.enum[0] : undefined);
    if (tagValue === undefined) continue;
    const props = branchProperties(branch, ctx);
    const score = keys.filter((k) => props.has(k)).length;
    if (score > bestScore) {
      best = String(tagValue);
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0) tie = true;
  }
  return tie ? undefined : best;
}

function typeFinding(e: ErrorObject, path: JsonPath, ctx: SchemaFindingContext): RawFinding | undefined {
  const expected = String(e.params.type).split(',');
  const data = e.data;
  const schema = (e.parentSchema ?? {}) as Schema;
  const noun = fieldName(path);
  if (data === null) {
    return {
      code: 'null-not-allowed',
      severity: 'error',
      message: `${noun} may not be null: Kraken's convention for an optional value you do not have is to leave the property out.`,
      path,
      target: 'value',
    };
  }
  if (expected.includes('string') && typeof data === 'number') {
    const raw = ctx.rawText(path) ?? String(data);
    const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern) : undefined;
    if (pattern && !pattern.test(raw)) {
      return {
        code: 'invalid-pattern',
        severity: 'error',
        message: `${raw} does not fit ${noun}: ${typeof schema.patternErrorMessage === 'string' ? schema.patternErrorMessage : `it must match ${schema.pattern}`}`,
        path,
        target: 'value',
      };
    }
    return {
      code: 'number-as-string',
      severity: 'hint',
      message: `Kraken accepts the number ${raw} and converts it to text, but JSON numbers can lose exactness on the way: send the string "${raw}".`,
      path,
      target: 'value',
      data: { raw },
    };
  }
  if ((expected.includes('integer') || expected.includes('number')) && typeof data === 'string' && isNumericString(data)) {
    if (expected.includes('integer') && !/^\s*-?\d+(\.0*)?\s*$/.test(data)) {
      return {
        code: 'invalid-type',
        severity: 'error',
        message: `${noun} must be a whole number; "${data}" is not.`,
        path,
        target: 'value',
      };
    }
    return {
      code: 'string-as-number',
      severity: 'hint',
      message: `Kraken accepts the numeric string "${data}" for ${noun} and parses it; a JSON number (${data.trim()}) is the declared type.`,
      path,
      target: 'value',
      data: { raw: data },
    };
  }
  if (expected.includes('boolean') && ((typeof data === 'string' && DRF_BOOLEAN_STRINGS.has(data)) || data === 0 || data === 1)) {
    return {
      code: 'string-as-boolean',
      severity: 'hint',
      message: `Kraken reads ${JSON.stringify(data)} as a boolean for ${noun}; write true or false.`,
      path,
      target: 'value',
    };
  }
  return {
    code: 'invalid-type',
    severity: 'error',
    message: `${noun} must be ${expected
      .filter((t) => t !== 'null')
      .map(typeName)
      .join(' or ')}${expected.includes('null') ? ' (or null)' : ''}, not ${describeValue(data)}.`,
    path,
    target: 'value',
  };
}

function enumFinding(e: ErrorObject, path: JsonPath): RawFinding {
  const allowed = (e.params.allowedValues ?? []) as unknown[];
  const value = e.data;
  const noun = nounFor(path);
  const suggestion =
    typeof value === 'string'
      ? nearest(
          value,
          allowed.filter((a): a is string => typeof a === 'string'),
        )
      : undefined;
  const shown = typeof value === 'string' ? `"${value}"` : describeValue(value);
  const message =
    `${shown} is not a valid ${noun}` +
    (suggestion !== undefined ? `; did you mean "${suggestion}"?` : '.') +
    ` Allowed: ${listValues(allowed)}.`;
  return { code: 'invalid-enum', severity: 'error', message, path, target: 'value', data: { allowed, suggestion } };
}

function requiredFinding(e: ErrorObject, path: JsonPath): RawFinding {
  const property = String(e.params.missingProperty);
  const schema = (e.parentSchema ?? {}) as Schema;
  const propSchema = (schema.properties as Record<string, Schema> | undefined)?.[property];
  const what = firstSentence(propSchema?.description);
  const where = path.length ? path.join('.') : 'the payload';
  // The field's own path, as Kraken's DRF error names it (`attr`); located on the object that lacks it (its key, or
  // its opening brace), since the field has no place in the text yet.
  return {
    code: 'missing-property',
    severity: 'error',
    message: `Missing required property "${property}" in ${where}.${what ? ` (${what})` : ''}`,
    path: [...path, property],
    target: 'owner',
    data: { property },
  };
}

function additionalFinding(e: ErrorObject, path: JsonPath): RawFinding {
  const property = String(e.params.additionalProperty);
  const schema = (e.parentSchema ?? {}) as Schema;
  const known = Object.keys((schema.properties as Record<string, unknown>) ?? {});
  const suggestion = nearest(property, known);
  return {
    code: 'unknown-property',
    severity: 'warning',
    message:
      `Unknown property "${property}": Kraken ignores fields it does not know, so this value will not be imported.` +
      (suggestion ? ` Did you mean "${suggestion}"?` : ''),
    path: [...path, property],
    target: 'key',
    tags: ['unnecessary'],
    data: { property, suggestion },
  };
}

function discriminatorFinding(e: ErrorObject, path: JsonPath, ctx: SchemaFindingContext): RawFinding {
  const tag = String(e.params.tag);
  const schema = (e.parentSchema ?? {}) as Schema;
  const allowed: string[] = [];
  for (const branch of (schema.oneOf as Schema[] | undefined) ?? []) {
    const tagSchema = (branch.properties as Record<string, Schema> | undefined)?.[tag];
    if (tagSchema?.const !== undefined) allowed.push(String(tagSchema.const));
    else if (Array.isArray(tagSchema?.enum)) allowed.push(...tagSchema.enum.map(String));
  }
  const value = e.params.tagValue;
  if (e.params.error === 'tag' && (value === undefined || value === null)) {
    // One finding for the missing tag (not every branch's required fields): the choices, and the likely one.
    const likely = likelyBranch(schema, tag, e.data, ctx);
    return {
      code: 'missing-property',
      severity: 'error',
      message:
        `Missing required property "${tag}"${allowed.length ? `: one of ${listValues(allowed)}` : ''}.` +
        (likely ? ` The fields given match ${JSON.stringify(likely)} best.` : ''),
      path: [...path, tag],
      target: 'owner',
      data: { property: tag, allowed, ...(likely ? { suggestion: likely } : {}) },
    };
  }
  const suggestion = typeof value === 'string' ? nearest(value, allowed) : undefined;
  return {
    code: 'invalid-enum',
    severity: 'error',
    message:
      `${typeof value === 'string' ? `"${value}"` : describeValue(value)} is not a valid ${humanize(tag)}` +
      (suggestion ? `; did you mean "${suggestion}"?` : '.') +
      ` Allowed: ${listValues(allowed)}.`,
    path: [...path, tag],
    target: 'value',
    data: { allowed, suggestion },
  };
}

/**
 * A contract's decimal pattern (`^-?\\d{0,8}(?:\\.\\d{0,2})?$`, what DRF's DecimalField max_digits/decimal_places
 * become) in words: "a decimal with at most 8 digits before the point and at most 2 decimal places".
 */
export function decimalPatternInWords(pattern: string): string | undefined {
  const m = /^\^(-\?)?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$/.exec(pattern);
  if (!m) return undefined;
  const whole = Number(m[2]);
  const places = Number(m[3]);
  return `Kraken expects a ${m[1] ? '' : 'non-negative '}decimal number with at most ${whole} digit${whole === 1 ? '' : 's'} before the decimal point and at most ${places} decimal place${places === 1 ? '' : 's'}.`;
}

function genericFinding(e: ErrorObject, path: JsonPath): RawFinding | undefined {
  const noun = nounFor(path);
  const schema = (e.parentSchema ?? {}) as Schema;
  switch (e.keyword) {
    case 'format': {
      const format = String(e.params.format);
      return {
        code: 'invalid-format',
        severity: 'error',
        message: `${typeof e.data === 'string' ? `"${e.data}"` : describeValue(e.data)} is not a valid ${noun}: expected ${FORMAT_HINTS[format] ?? `format ${format}`}.`,
        path,
        target: 'value',
        data: { format },
      };
    }
    case 'pattern':
      return {
        code: 'invalid-pattern',
        severity: 'error',
        message: `"${String(e.data)}" is not a valid ${noun}: ${typeof schema.patternErrorMessage === 'string' ? schema.patternErrorMessage : (decimalPatternInWords(String(e.params.pattern)) ?? `it must match ${String(e.params.pattern)}`)}`,
        path,
        target: 'value',
      };
    case 'maxLength':
      return {
        code: 'too-long',
        severity: 'error',
        message: `${noun} is ${String(e.data).length} characters long; Kraken allows at most ${e.params.limit}.`,
        path,
        target: 'value',
        data: { limit: e.params.limit },
      };
    case 'minLength':
      return {
        code: 'too-short',
        severity: 'error',
        message: `${noun} must be at least ${e.params.limit} characters long.`,
        path,
        target: 'value',
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        code: 'out-of-range',
        severity: 'error',
        message: `${noun} must be ${e.params.comparison} ${e.params.limit}; it is ${String(e.data)}.`,
        path,
        target: 'value',
      };
    case 'minItems':
      return {
        code: 'too-few-items',
        severity: 'error',
        message: `${noun} needs at least ${e.params.limit} item(s).`,
        path,
        target: 'value',
      };
    case 'maxItems':
      return {
        code: 'too-many-items',
        severity: 'error',
        message: `${noun} takes at most ${e.params.limit} item(s).`,
        path,
        target: 'value',
      };
    case 'const':
      return {
        code: 'invalid-enum',
        severity: 'error',
        message: `${noun} must be ${JSON.stringify(e.params.allowedValue)}.`,
        path,
        target: 'value',
      };
    case 'uniqueItems':
      return {
        code: 'duplicate-item',
        severity: 'error',
        message: `${noun} must not repeat items (items ${e.params.j} and ${e.params.i} are equal).`,
        path,
        target: 'value',
      };
    case 'oneOf':
    case 'anyOf':
      return {
        code: 'no-matching-shape',
        severity: 'error',
        message: `${noun} does not match any of the shapes Kraken accepts here.`,
        path,
        target: 'value',
      };
    case 'not':
    case 'if':
    case 'then':
    case 'else':
      return undefined; // their sub-errors say what is wrong
    default:
      return { code: 'schema', severity: 'error', message: `${noun} ${e.message ?? 'is not valid'}.`, path, target: 'value' };
  }
}

interface MissingTag {
  tag: string;
  values: string[];
}

interface MissingTagMiss extends MissingTag {
  /** Some of the shapes' errors are about values Kraken converts first (a number where text goes). */
  converted: boolean;
}

function missingTagOf(e: ErrorObject): MissingTag | undefined {
  if (e.keyword !== 'anyOf') return undefined;
  const mark = (e.parentSchema as Schema | undefined)?.['x-kraken-missing-tag'] as MissingTag | undefined;
  return mark && typeof mark.tag === 'string' && Array.isArray(mark.values) ? mark : undefined;
}

function isAtOrBelow(pointer: string, at: string): boolean {
  return pointer === at || (pointer.startsWith(at) && pointer[at.length] === '/');
}

/**
 * A value without its optional discriminator (an AU meter point without supply_type) is held against every shape,
 * and ajv reports each shape's misses: a hundred errors for one value, most about shapes its author never meant.
 * Its shapes' errors are the run of errors on the value and below it just before the anyOf's own (openapi.ts puts
 * the marked schema first on its value, so nothing else's errors on it come earlier in that run). Kept from them:
 * the errors every shape reports (distinct schemas giving the same error on the same place), which hold whichever
 * shape Kraken applies, and the hints of values Kraken converts; the anyOf's own becomes one finding naming the tag.
 */
function missingTagMisses(
  errors: readonly ErrorObject[],
  ctx: SchemaFindingContext,
): { skip: Set<number>; summaries: Map<number, MissingTagMiss> } {
  const skip = new Set<number>();
  const summaries = new Map<number, MissingTagMiss>();
  for (let k = 0; k < errors.length; k++) {
    const mark = missingTagOf(errors[k]);
    if (!mark) continue;
    const at = errors[k].instancePath;
    const shapes = ((errors[k].parentSchema as Schema).anyOf as unknown[] | undefined)?.length ?? 0;
    let start = k;
    while (start > 0 && !skip.has(start - 1) && isAtOrBelow(errors[start - 1].instancePath, at)) start--;
    const reporters = new Map<string, Set<unknown>>();
    const keyOf = (e: ErrorObject) => `${e.instancePath}\u0000${e.keyword}\u0000${JSON.stringify(e.params)}`;
    for (let i = start; i < k; i++) {
      const key = keyOf(errors[i]);
      let set = reporters.get(key);
      if (!set) reporters.set(key, (set = new Set()));
      set.add(errors[i].parentSchema);
    }
    let converted = false;
    const kept = new Set<string>();
    for (let i = start; i < k; i++) {
      const e = errors[i];
      const key = keyOf(e);
      if (reporters.get(key)!.size >= shapes && !kept.has(key)) {
        kept.add(key);
        continue;
      }
      // A type error Kraken's coercion forgives is a hint, not a miss: keep it (the findings loop drops repeats).
      if (e.keyword === 'type' && findingFor(e, pointerToPath(e.instancePath), ctx)?.severity === 'hint') {
        converted = true;
        continue;
      }
      skip.add(i);
    }
    summaries.set(k, { ...mark, converted });
  }
  return { skip, summaries };
}

/**
 * The finding for a value without its tag that no shape accepts. Where some of the misses are values Kraken converts
 * before validating (a number where a shape wants text), a shape may accept it after all: this check does not convert
 * inside shapes, so it is a warning then.
 */
function missingTagFinding(e: ErrorObject, path: JsonPath, miss: MissingTagMiss): RawFinding {
  const shapes = ((e.parentSchema as Schema).anyOf as unknown[] | undefined)?.length ?? miss.values.length;
  const last = path[path.length - 1];
  const what = typeof last === 'number' ? `Item ${last} of ${nounFor(path)}` : nounFor(path);
  const choose = `Add "${miss.tag}" (${listValues(miss.values)}) to choose one: the errors then say what that shape needs.`;
  return {
    code: 'no-matching-shape',
    severity: miss.converted ? 'warning' : 'error',
    message: miss.converted
      ? `${what} has no "${miss.tag}", so it may take any of the ${shapes} shapes Kraken's contract gives it, and as ` +
        `written it matches none; Kraken converts some of its values first (see the hints), after which one may match. ${choose}`
      : `${what} has no "${miss.tag}", so it may take any of the ${shapes} shapes Kraken's contract gives it, and it ` +
        `matches none. ${choose} Errors every shape reports are shown as well.`,
    path,
    target: 'value',
    data: { tag: miss.tag, allowed: miss.values },
  };
}

/** One ajv error as a finding (undefined: its sub-errors say what is wrong). */
function findingFor(e: ErrorObject, path: JsonPath, ctx: SchemaFindingContext): RawFinding | undefined {
  switch (e.keyword) {
    case 'type':
      return typeFinding(e, path, ctx);
    case 'enum':
      return enumFinding(e, path);
    case 'required':
      return requiredFinding(e, path);
    case 'additionalProperties':
      return additionalFinding(e, path);
    case 'discriminator':
      return discriminatorFinding(e, path, ctx);
    case 'krakenDeprecated': {
      const useInstead = e.params.useInstead;
      const name = String(path[path.length - 1] ?? 'this property');
      return {
        code: 'deprecated',
        severity: 'warning',
        message: `"${name}" is deprecated${typeof useInstead === 'string' ? `; use "${useInstead}" instead` : ''}.`,
        path,
        target: 'key',
        tags: ['deprecated'],
        data: { useInstead },
      };
    }
    default:
      return genericFinding(e, path);
  }
}

/** Converts ajv's errors for one document. */
export function schemaFindings(errors: readonly ErrorObject[], ctx: SchemaFindingContext): RawFinding[] {
  // A failing oneOf/anyOf without a discriminator reports every branch's errors: keep only its summary.
  const failedCombinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const { skip, summaries } = missingTagMisses(errors, ctx);
  const findings: RawFinding[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < errors.length; k++) {
    const e = errors[k];
    if (skip.has(k) || failedCombinators.some((p) => e.schemaPath.startsWith(p))) continue;
    const path = pointerToPath(e.instancePath);
    const mark = summaries.get(k);
    const finding = mark ? missingTagFinding(e, path, mark) : findingFor(e, path, ctx);
    if (!finding) continue;
    // A missing discriminator tag is one finding: the discriminator's (with the choices) replaces the plain "required".
    if (finding.code === 'missing-property') {
      const dotted = finding.path.join('.');
      const earlier = findings.findIndex((f) => f.code === 'missing-property' && f.path.join('.') === dotted);
      if (earlier !== -1) {
        if (finding.data && 'allowed' in finding.data) findings[earlier] = finding;
        continue;
      }
    }
    // One wrong value is one finding: an enum and a discriminator may both reject a transaction's type.
    const key =
      finding.code === 'invalid-enum'
        ? `${finding.code}|${finding.path.join('.')}`
        : `${finding.code}|${finding.path.join('.')}|${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}
