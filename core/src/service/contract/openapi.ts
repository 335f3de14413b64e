/**
 * An instance's served data-import contract (OpenAPI 3.0.3, `GET {api host}/data-import/schema/`) -> one JSON
 * Schema (draft-07) per payload kind, ready for ajv (`{ allErrors: true, strict: false, discriminator: true }` +
 * ajv-formats).
 *
 * Pure: no I/O. The caller reads the file or fetches the URL and hands the text to `parseContractText`, then the
 * parsed document to `convertContract`. Nothing in a contract makes the conversion throw: whatever cannot be
 * represented is dropped and named in `Contract.warnings`.
 *
 * What the conversion does (and why):
 * - `$ref: #/components/schemas/X` -> `#/definitions/X`; each kind carries only the components it reaches.
 * - `nullable: true` -> `"null"` added to `type` (and to `enum`); a nullable `allOf`/`oneOf`/`anyOf`/`not` is
 *   wrapped as `{ if: { type: "null" }, else: <the combinator> }` because the referenced schema rejects null.
 * - `oneOf` + `discriminator` -> ajv's `discriminator: { propertyName }`. ajv needs every branch to pin the tag
 *   (`const`/`enum`) and to require it; Kraken's branches declare the tag with the *full* enum (or a bare
 *   string) and some make it optional, so each branch becomes
 *   `{ x-kraken-branch, properties: { tag: { const } }, required: [tag], allOf: [{ $ref }] }` with the tag
 *   values taken from `mapping` (or the component name when unmapped).
 * - A discriminator whose tag is not a payload field and whose mapping keys are None/False/True (Kraken's
 *   `enforce_*` import-supplier settings) cannot be selected from the payload: the default (unset/false)
 *   branch is applied, the others are kept in `definitions` and named in `x-kraken-config-discriminator`.
 * - `readOnly` properties are dropped (a request cannot send them) and removed from `required`.
 * - `format: decimal` is not a JSON Schema format: dropped (the contract's `pattern` stays, `type` is string);
 *   `x-kraken-format: "decimal"` keeps the fact for rules and hover.
 * - `x-enum-descriptions` (an object keyed by value, `None` for null) -> `enumDescriptions` aligned with `enum`.
 * - `x-validators` -> `x-kraken-validators` (names) and `x-kraken-errors` (union of `possible_errors`).
 * - Descriptions that are i18n keys (`data-import--field-definition--…--html`) stay, flagged
 *   `x-description-is-key: true`. `x-comment` -> `$comment`. Other `x-*` keys are kept as they are.
 */
import { sha256Hex } from '../../hash';
import { parse as parseYaml } from 'yaml';
import { PYYAML_SCALAR_TAGS } from './pyyaml';

import type { KindId } from '../kinds';
import { ENDPOINTS } from '../../endpoints';
import { isObject } from '../../json';

export type { KindId };

export type JsonSchema = Record<string, unknown>;

export interface ContractKind {
  /** Draft-07, self-contained (`definitions` inside), no `$id` (the caller names it when it registers it). */
  schema: JsonSchema;
  endpoint: { method: 'POST'; path: string };
  /** The component the request body references (or `<operation> request body` when it is inline). */
  schemaName: string;
}

export interface ContractExample {
  kind: KindId;
  /** The endpoint path whose request body embeds the example. */
  endpoint: string;
  name: string;
  value: unknown;
}

export interface ContractStats {
  paths: number;
  schemas: number;
  /** Property declarations in `components.schemas` (nested inline objects included). */
  fields: number;
  /** Schema nodes with an `enum` in `components.schemas`. */
  enums: number;
  /** Set by whoever compiles the schemas; `convertContract` does not compile. */
  compileMs?: number;
  /** `METHOD path` of every operation that maps to no payload kind. */
  ignored: string[];
}

export interface Contract {
  source: string;
  title: string;
  version: string;
  /** sha256 (hex) of the canonical JSON (keys sorted) of the parsed document. */
  hash: string;
  kinds: Partial<Record<KindId, ContractKind>>;
  examples: ContractExample[];
  stats: ContractStats;
  warnings: string[];
}

/** Request bodies -> payload kinds, by endpoint path (POST). Order matters: the first path of a kind wins. */
export const CONTRACT_ENDPOINTS: ReadonlyArray<{ path: string; kind: KindId }> = ENDPOINTS.filter(
  (e) => e.method === 'POST' && e.kinds.length > 0,
).map((e) => ({ path: e.path, kind: e.kinds[0] }));

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Formats ajv-formats knows; any other `format` is moved to `x-kraken-format` (ajv would log or throw). */
const AJV_FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'iso-time',
  'iso-date-time',
  'duration',
  'uri',
  'uri-reference',
  'uri-template',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'regex',
  'uuid',
  'json-pointer',
  'json-pointer-uri-fragment',
  'relative-json-pointer',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
  'password',
  'binary',
]);

/** Keywords copied unchanged. */
const PLAIN_KEYWORDS = new Set([
  'title',
  'default',
  'deprecated',
  'writeOnly',
  'readOnly',
  'maxLength',
  'minLength',
  'pattern',
  'minimum',
  'maximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'const',
]);

/** Keywords that can reject `null` even without `type`: a nullable node holding them is wrapped. */
const COMBINATORS = ['allOf', 'anyOf', 'oneOf', 'not', 'discriminator'] as const;

const SCHEMA_TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean']);
const COMPONENT_PREFIX = '#/components/schemas/';
/** An i18n message key standing in for a description. */
const DESCRIPTION_KEY = /^(?:[a-z]+:)?data-import--[a-z0-9_.-]+$/i;
/** Mapping keys of a discriminator over a Python bool/None setting (YAML `null:` parses as ""). */
const CONFIG_KEYS = new Set(['', 'null', 'none', 'false', 'true']);

type Json = Record<string, unknown>;

/**
 * Parses a served contract: JSON when it looks like JSON, otherwise YAML with PyYAML's scalar types (see
 * `pyyaml.ts`; a document with a `%YAML 1.2` directive gets plain YAML 1.2). Throws on syntax errors.
 */
export function parseContractText(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(body);
    } catch {
      // JSON with comments or trailing commas: YAML reads most of it; its error is the one reported.
    }
  }
  // A document that declares YAML 1.2 gets it; anything else is read as PyYAML (what Kraken serves) reads it.
  if (/^%YAML\s+1\.2\b/m.test(body)) return parseYaml(body, { maxAliasCount: -1 });
  return parseYaml(body, {
    schema: 'failsafe',
    customTags: (tags) => [...tags, ...PYYAML_SCALAR_TAGS],
    merge: true,
    maxAliasCount: -1,
  });
}

/** JSON with object keys sorted at every level: the input of `Contract.hash`. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  return JSON.stringify(value) ?? 'null';
}

function pointerToken(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function definitionRef(name: string): string {
  return `#/definitions/${pointerToken(name)}`;
}

/** `#/components/schemas/X` (or a bare `X`, as discriminator mappings allow) -> `X`. */
function componentName(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  if (ref.startsWith(COMPONENT_PREFIX)) {
    return ref.slice(COMPONENT_PREFIX.length).replace(/~1/g, '/').replace(/~0/g, '~');
  }
  if (!ref.includes('/') && !ref.includes('#')) return ref;
  return undefined;
}

/** Converts the components one kind reaches; collects their definitions. */
class KindConverter {
  readonly definitions: Record<string, JsonSchema> = {};
  private readonly queue: string[] = [];

  constructor(
    private readonly components: Json,
    private readonly warn: (message: string) => void,
  ) {}

  /** Converts `root` (at `at`) and every component it reaches. */
  convertRoot(root: unknown, at: string): JsonSchema {
    const out = this.convert(root, at);
    while (this.queue.length) {
      const name = this.queue.shift()!;
      this.definitions[name] = this.convert(this.components[name], name);
    }
    return out;
  }

  /** `#/definitions/X` for a component ref (queued for conversion), undefined (warned) for anything else. */
  private ref(ref: unknown, at: string): string | undefined {
    const name = typeof ref === 'string' && ref.startsWith(COMPONENT_PREFIX) ? componentName(ref) : undefined;
    if (name === undefined) {
      this.warn(`${at}: $ref ${JSON.stringify(ref)} is not a #/components/schemas/ reference; left unconstrained`);
      return undefined;
    }
    if (!(name in this.components)) {
      this.warn(`${at}: $ref to missing component "${name}"; left unconstrained`);
      return undefined;
    }
    if (!(name in this.definitions)) {
      this.definitions[name] = {}; // placeholder: marks it queued (and breaks cycles)
      this.queue.push(name);
    }
    return definitionRef(name);
  }

  /** The component a raw `$ref` points to, or the raw schema itself. */
  private resolveRaw(s: unknown): Json | undefined {
    if (!isObject(s)) return undefined;
    if (typeof s.$ref === 'string') {
      const name = componentName(s.$ref);
      const target = name === undefined ? undefined : this.components[name];
      return isObject(target) ? target : undefined;
    }
    return s;
  }

  /** Does a raw schema (following `$ref` and `allOf`) declare property `name`? Does it require it? */
  private declares(s: unknown, name: string, seen = new Set<unknown>()): { declared: boolean; required: boolean } {
    const sch = this.resolveRaw(s);
    if (!sch || seen.has(sch)) return { declared: false, required: false };
    seen.add(sch);
    let declared = isObject(sch.properties) && name in sch.properties;
    let required = Array.isArray(sch.required) && sch.required.includes(name);
    if (Array.isArray(sch.allOf)) {
      for (const part of sch.allOf) {
        const r = this.declares(part, name, seen);
        declared ||= r.declared;
        required ||= r.required;
      }
    }
    return { declared, required };
  }

  /** The raw declaration of property `name` in a branch (following `$ref` and `allOf`). */
  private propertyOf(s: unknown, name: string, seen = new Set<unknown>()): Json | undefined {
    const sch = this.resolveRaw(s);
    if (!sch || seen.has(sch)) return undefined;
    seen.add(sch);
    if (isObject(sch.properties) && isObject(sch.properties[name])) return sch.properties[name] as Json;
    for (const part of Array.isArray(sch.allOf) ? sch.allOf : []) {
      const p = this.propertyOf(part, name, seen);
      if (p) return p;
    }
    return undefined;
  }

  convert(s: unknown, at: string): JsonSchema {
    if (typeof s === 'boolean') return s ? {} : { not: {} };
    if (!isObject(s)) {
      this.warn(`${at}: not a schema object (${JSON.stringify(s)?.slice(0, 60)}); left unconstrained`);
      return {};
    }
    if ('$ref' in s) {
      const target = this.ref(s.$ref, at);
      const siblings = Object.keys(s).filter((k) => k !== '$ref');
      if (!siblings.length) return target ? { $ref: target } : {};
      // OpenAPI 3.0 ignores siblings of $ref, draft-07 too; kept (annotations, `nullable` in practice) around an allOf.
      const rest: Json = { ...s };
      delete rest.$ref;
      rest.allOf = [{ $ref: s.$ref }, ...(Array.isArray(s.allOf) ? s.allOf : [])];
      return this.convert(rest, at);
    }

    const out: JsonSchema = {};
    const droppedReadOnly: string[] = [];
    for (const [key, value] of Object.entries(s)) {
      switch (key) {
        case 'type':
          if (typeof value === 'string' && SCHEMA_TYPES.has(value)) out.type = value;
          else if (Array.isArray(value) && value.every((t) => typeof t === 'string' && (SCHEMA_TYPES.has(t) || t === 'null')))
            out.type = [...value];
          else this.warn(`${at}: type ${JSON.stringify(value)} is not an OpenAPI type; dropped`);
          break;
        case 'nullable':
        case 'x-enum-descriptions':
        case 'discriminator':
          break; // handled below, once the rest is known
        case 'format':
          if (typeof value !== 'string') this.warn(`${at}: format ${JSON.stringify(value)} is not a string; dropped`);
          else if (value === 'decimal') out['x-kraken-format'] = 'decimal';
          else if (AJV_FORMATS.has(value)) out.format = value;
          else {
            out['x-kraken-format'] = value;
            this.warn(`${at}: format "${value}" is unknown to ajv-formats; kept as x-kraken-format, not checked`);
          }
          break;
        case 'enum':
          if (Array.isArray(value)) out.enum = [...value];
          else this.warn(`${at}: enum is not an array; dropped`);
          break;
        case 'description':
          out.description = value;
          if (typeof value === 'string' && DESCRIPTION_KEY.test(value.trim())) out['x-description-is-key'] = true;
          break;
        case 'required':
          if (Array.isArray(value)) out.required = value.filter((r) => typeof r === 'string');
          else this.warn(`${at}: required is not an array; dropped`);
          break;
        case 'exclusiveMinimum':
        case 'exclusiveMaximum': {
          // OpenAPI 3.0: booleans qualifying minimum/maximum; draft-07: the bound itself.
          const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
          if (typeof value === 'number') out[key] = value;
          else if (value === true && typeof s[bound] === 'number') out[key] = s[bound];
          break;
        }
        case 'properties': {
          if (!isObject(value)) {
            this.warn(`${at}: properties is not an object; dropped`);
            break;
          }
          const props: Json = {};
          for (const [name, prop] of Object.entries(value)) {
            if (isObject(prop) && prop.readOnly === true) {
              droppedReadOnly.push(name); // the server sets it; a request cannot send it
              continue;
            }
            props[name] = this.convert(prop, `${at}.${name}`);
          }
          out.properties = props;
          break;
        }
        case 'additionalProperties':
          out.additionalProperties = typeof value === 'boolean' ? value : this.convert(value, `${at}{*}`);
          break;
        case 'items':
          if (Array.isArray(value)) {
            this.warn(`${at}: tuple items are not OpenAPI 3.0; left unconstrained`);
          } else {
            out.items = this.convert(value, `${at}[]`);
          }
          break;
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
          if (Array.isArray(value)) out[key] = value.map((v, i) => this.convert(v, `${at}/${key}/${i}`));
          else this.warn(`${at}: ${key} is not an array; dropped`);
          break;
        case 'not':
          out.not = this.convert(value, `${at}/not`);
          break;
        case 'example':
          out.examples = [value];
          break;
        case 'x-validators':
          this.validators(value, out, at);
          break;
        case 'x-comment':
          out.$comment = value;
          break;
        case 'externalDocs':
        case 'xml':
          out[`x-${key}`] = value;
          break;
        default:
          if (PLAIN_KEYWORDS.has(key) || key.startsWith('x-')) out[key] = value;
          else this.warn(`${at}: keyword "${key}" is not OpenAPI 3.0; dropped`);
      }
    }
    if (droppedReadOnly.length && Array.isArray(out.required)) {
      out.required = (out.required as string[]).filter((r) => !droppedReadOnly.includes(r));
      if (!(out.required as string[]).length) delete out.required;
    }
    if (s.discriminator !== undefined) this.discriminate(s, out, at);
    if (s['x-enum-descriptions'] !== undefined) this.enumDescriptions(s['x-enum-descriptions'], out, at);
    if (s.nullable === true) nullable(out);
    return out;
  }

  private validators(value: unknown, out: JsonSchema, at: string): void {
    if (!Array.isArray(value)) {
      this.warn(`${at}: x-validators is not an array; dropped`);
      return;
    }
    const names: string[] = [];
    const errors: string[] = [];
    for (const v of value) {
      if (!isObject(v)) continue;
      if (typeof v.name === 'string') names.push(v.name);
      for (const code of Array.isArray(v.possible_errors) ? v.possible_errors : []) {
        if (typeof code === 'string' && !errors.includes(code)) errors.push(code);
      }
    }
    out['x-kraken-validators'] = names;
    out['x-kraken-errors'] = errors;
  }

  private enumDescriptions(value: unknown, out: JsonSchema, at: string): void {
    const values = out.enum as unknown[] | undefined;
    if (!values) {
      this.warn(`${at}: x-enum-descriptions without enum; dropped`);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === values.length) out.enumDescriptions = value.map((d) => String(d ?? ''));
      else this.warn(`${at}: x-enum-descriptions has ${value.length} entries for ${values.length} enum values; dropped`);
      return;
    }
    if (!isObject(value)) {
      this.warn(`${at}: x-enum-descriptions is neither an object nor an array; dropped`);
      return;
    }
    const missing: string[] = [];
    out.enumDescriptions = values.map((v) => {
      // Keyed by str(value) on the Python side: null is "None" (YAML/JSON tools may also write "null").
      const keys = v === null ? ['None', 'null'] : [String(v)];
      const key = keys.find((k) => k in value);
      if (key === undefined) {
        missing.push(JSON.stringify(v));
        return '';
      }
      return String(value[key] ?? '');
    });
    if (missing.length) this.warn(`${at}: x-enum-descriptions has no entry for ${missing.join(', ')}`);
  }

  /** oneOf + discriminator -> ajv's discriminator form (see the file comment). */
  private discriminate(s: Json, out: JsonSchema, at: string): void {
    const disc = s.discriminator;
    const branches = Array.isArray(s.oneOf) ? s.oneOf : undefined;
    const tag = isObject(disc) ? disc.propertyName : undefined;
    if (!branches || typeof tag !== 'string') {
      this.warn(
        `${at}: discriminator ${branches ? 'without a propertyName' : 'without oneOf (allOf inheritance)'} is not supported; ignored`,
      );
      return;
    }
    const converted = out.oneOf as JsonSchema[];
    const names = branches.map((b) => (isObject(b) ? componentName(b.$ref) : undefined));
    const tags: string[][] = branches.map(() => []);
    const mapping = isObject((disc as Json).mapping) ? ((disc as Json).mapping as Json) : {};
    for (const [value, target] of Object.entries(mapping)) {
      const i = names.indexOf(componentName(target));
      if (i < 0)
        this.warn(
          `${at}: discriminator mapping ${JSON.stringify(value)} -> ${JSON.stringify(target)} is not one of the oneOf branches; ignored`,
        );
      else tags[i].push(value);
    }

    const declared = branches.map((b) => this.declares(b, tag));
    const mappingKeys = Object.keys(mapping);
    if (declared.every((d) => !d.declared) && mappingKeys.length && mappingKeys.every((k) => CONFIG_KEYS.has(k.toLowerCase()))) {
      this.configDiscriminator(tag, tags, names, converted, out, at);
      return;
    }

    for (let i = 0; i < branches.length; i++) {
      if (tags[i].length) continue;
      // Unmapped branch: OpenAPI's implicit value is the component name; an inline branch must pin the tag itself.
      const own = this.propertyOf(branches[i], tag);
      if (names[i] !== undefined) tags[i].push(names[i]!);
      else if (own && typeof own.const === 'string') tags[i].push(own.const);
      else if (own && Array.isArray(own.enum) && own.enum.every((e) => typeof e === 'string')) tags[i].push(...(own.enum as string[]));
    }
    const seen = new Set<string>();
    for (let i = 0; i < branches.length; i++) {
      tags[i] = tags[i].filter((t) => {
        if (seen.has(t)) this.warn(`${at}: discriminator value "${t}" selects more than one branch; the first wins`);
        const fresh = !seen.has(t);
        seen.add(t);
        return fresh;
      });
    }
    const untagged = branches.map((_, i) => i).filter((i) => !tags[i].length);
    if (untagged.length) {
      this.warn(`${at}: oneOf branch(es) ${untagged.join(', ')} have no discriminator value; validated as a plain oneOf`);
      return;
    }

    for (let i = 0; i < branches.length; i++) {
      const own = this.propertyOf(branches[i], tag);
      if (own && Array.isArray(own.enum)) {
        const unreachable = tags[i].filter((t) => !(own.enum as unknown[]).includes(t));
        if (unreachable.length) {
          this.warn(`${at}: branch ${names[i] ?? i} is selected by ${tag}=${unreachable.join('|')}, which its own ${tag} enum rejects`);
        }
      }
    }
    out.type ??= 'object'; // ajv skips discriminator and oneOf for non-objects
    const selected = {
      discriminator: { propertyName: tag },
      oneOf: converted.map((branch, i) => ({
        'x-kraken-branch': names[i] ?? String(i),
        properties: { [tag]: tags[i].length === 1 ? { const: tags[i][0] } : { enum: tags[i] } },
        required: [tag],
        allOf: [branch],
      })),
    };
    const optional = names.map((n, i) => n ?? String(i)).filter((_, i) => !declared[i].required);
    if (!optional.length || (Array.isArray(s.required) && s.required.includes(tag))) {
      Object.assign(out, selected);
      out.required = [...new Set([...((out.required as string[] | undefined) ?? []), tag])];
      return;
    }
    // The contract lets the tag be omitted (AU meter points: each branch defaults it to its own value) and does not
    // say which branch Kraken then applies. With the tag, ajv selects the branch; without it, OpenAPI's own reading
    // of oneOf is the only one left, relaxed to anyOf because branches overlap (Electricity and SolarPPA require
    // the same fields, so a payload valid for one is valid for both and oneOf would reject it).
    // The else branch is marked with the tag and its values (schemaFindings.ts reports a miss there as one finding
    // that names the tag) and goes first, so no other keyword's errors on the same value come just before its own.
    delete out.oneOf;
    out['x-kraken-optional-discriminator'] = tag;
    out.allOf = [
      {
        if: { required: [tag] },
        then: { type: 'object', ...selected },
        else: { anyOf: converted, 'x-kraken-missing-tag': { tag, values: tags.flat() } },
      },
      ...((out.allOf as unknown[] | undefined) ?? []),
    ];
    this.warn(
      `${at}: discriminator "${tag}" is optional in ${optional.length === branches.length ? 'every branch' : optional.join(', ')} ` +
        `and the contract does not say which branch applies without it; without "${tag}" a value passes when it ` +
        `satisfies any branch`,
    );
  }

  /** A discriminator over an import-supplier setting: apply its default branch, keep the others named. */
  private configDiscriminator(
    tag: string,
    tags: string[][],
    names: (string | undefined)[],
    converted: JsonSchema[],
    out: JsonSchema,
    at: string,
  ): void {
    const isDefault = (t: string) => ['', 'null', 'none', 'false'].includes(t.toLowerCase());
    let chosen = tags.findIndex((ts) => ts.some(isDefault));
    if (chosen < 0) chosen = 0;
    const variants: Record<string, string> = {};
    tags.forEach((ts, i) => {
      for (const t of ts)
        variants[t === '' ? 'null' : t.toLowerCase()] = names[i] !== undefined ? definitionRef(names[i]!) : `#/oneOf/${i}`;
    });
    delete out.oneOf;
    out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), converted[chosen]];
    out['x-kraken-config-discriminator'] = { setting: tag, applied: names[chosen] ?? String(chosen), variants };
    const others = names.filter((_, i) => i !== chosen).map((n, i) => n ?? String(i));
    this.warn(
      `${at}: the branch is chosen by the import-supplier setting "${tag}", not by the payload; ` +
        `validated as ${names[chosen] ?? chosen} (setting unset/false), ${others.join(', ')} (setting true) is not applied`,
    );
  }
}

/** OpenAPI `nullable: true` on a converted node. */
function nullable(out: JsonSchema): void {
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (Array.isArray(out.enumDescriptions) && Array.isArray(out.enum) && out.enumDescriptions.length < out.enum.length) {
    out.enumDescriptions = [...out.enumDescriptions, ''];
  }
  if (out.const !== undefined && out.const !== null) {
    out.enum = [out.const, null];
    delete out.const;
  }
  const inner: JsonSchema = {};
  for (const k of COMBINATORS) {
    if (k in out) {
      inner[k] = out[k];
      delete out[k];
    }
  }
  if (Object.keys(inner).length) {
    // The combinator (typically `allOf: [{$ref}]`) rejects null: apply it to non-null values only.
    if (inner.discriminator && !inner.type) inner.type = 'object';
    if (inner.discriminator && out.required) {
      inner.required = out.required;
      delete out.required;
    }
    out.if = { type: 'null' };
    out.else = inner;
  }
}

function countFields(s: unknown, acc = { fields: 0, enums: 0 }, seen = new Set<unknown>()): { fields: number; enums: number } {
  if (Array.isArray(s)) {
    for (const v of s) countFields(v, acc, seen);
    return acc;
  }
  if (!isObject(s) || seen.has(s)) return acc;
  seen.add(s);
  if (Array.isArray(s.enum)) acc.enums++;
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' && isObject(v)) {
      if (s['x-kraken-branch'] !== undefined) continue; // the synthetic tag pin of a discriminator branch
      acc.fields += Object.keys(v).length;
      for (const p of Object.values(v)) countFields(p, acc, seen);
    } else if (k === 'definitions' && isObject(v)) {
      for (const d of Object.values(v)) countFields(d, acc, seen);
    } else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf', 'if', 'then', 'else'].includes(k)) {
      countFields(v, acc, seen);
    }
  }
  return acc;
}

/** Fields (property declarations) and enums in a converted kind schema, its definitions included. */
export function countSchema(schema: unknown): { fields: number; enums: number } {
  return countFields(schema);
}

interface RequestBody {
  schema: unknown;
  schemaName: string;
  examples: Array<{ name: string; value: unknown }>;
}

function normalisePath(p: string): string {
  return p.endsWith('/') ? p : `${p}/`;
}

function resolveLocal(doc: Json, ref: unknown): unknown {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node)) return undefined;
    node = node[token];
  }
  return node;
}

function requestBodyOf(doc: Json, op: Json, label: string, warn: (m: string) => void): RequestBody | undefined {
  let body = op.requestBody;
  if (isObject(body) && typeof body.$ref === 'string') body = resolveLocal(doc, body.$ref);
  if (!isObject(body) || !isObject(body.content)) return undefined;
  const types = Object.keys(body.content);
  const type = types.find((t) => t === 'application/json') ?? types.find((t) => /json/i.test(t));
  if (type === undefined) {
    warn(`${label}: request body has no JSON content (${types.join(', ')}); not converted`);
    return undefined;
  }
  const media = body.content[type];
  if (!isObject(media) || media.schema === undefined) return undefined;
  const ref = isObject(media.schema) ? media.schema.$ref : undefined;
  const examples: RequestBody['examples'] = [];
  if (isObject(media.examples)) {
    for (const [name, ex] of Object.entries(media.examples)) {
      const e = isObject(ex) && typeof ex.$ref === 'string' ? resolveLocal(doc, ex.$ref) : ex;
      if (isObject(e) && 'value' in e) examples.push({ name, value: e.value });
      else if (isObject(e) && 'externalValue' in e) warn(`${label}: example ${name} is external (${String(e.externalValue)}); skipped`);
    }
  }
  if (media.example !== undefined) examples.push({ name: 'example', value: media.example });
  const schemaName =
    (typeof ref === 'string' && ref.startsWith(COMPONENT_PREFIX) ? componentName(ref) : undefined) ??
    `${typeof op.operationId === 'string' ? op.operationId : label} request body`;
  return { schema: media.schema, schemaName, examples };
}

/** The body of the v2 `{payload}` wrapper: the account a bare v2 body carries. */
function payloadOf(components: Json, body: RequestBody): { schema: unknown; schemaName: string } | undefined {
  const wrapper =
    isObject(body.schema) && typeof body.schema.$ref === 'string' ? components[componentName(body.schema.$ref) ?? ''] : body.schema;
  const payload = isObject(wrapper) && isObject(wrapper.properties) ? wrapper.properties.payload : undefined;
  if (!isObject(payload)) return undefined;
  const direct = componentName(payload.$ref);
  const viaAllOf =
    Array.isArray(payload.allOf) && payload.allOf.length === 1 && isObject(payload.allOf[0])
      ? componentName(payload.allOf[0].$ref)
      : undefined;
  const name = direct ?? viaAllOf;
  if (name !== undefined && name in components) return { schema: { $ref: `${COMPONENT_PREFIX}${pointerToken(name)}` }, schemaName: name };
  return { schema: payload, schemaName: `${body.schemaName}.payload` };
}

function buildKindSchema(components: Json, body: { schema: unknown; schemaName: string }, warn: (m: string) => void): JsonSchema {
  const conv = new KindConverter(components, warn);
  const rootName = isObject(body.schema) && Object.keys(body.schema).length === 1 ? componentName(body.schema.$ref) : undefined;
  let root: JsonSchema;
  if (rootName !== undefined && isObject(components[rootName])) {
    // Inline the root component so the kind schema's own properties are the body's (hover, completion). A root
    // that is also reached from inside (recursion) is in `definitions` as well.
    root = conv.convertRoot(components[rootName], rootName);
  } else {
    root = conv.convertRoot(body.schema, body.schemaName);
  }
  const definitions = Object.fromEntries(Object.entries(conv.definitions).sort(([a], [b]) => a.localeCompare(b)));
  return { $schema: DRAFT_07, title: body.schemaName, ...root, definitions };
}

/**
 * Converts one component of a parsed contract, with the components it reaches, into a self-contained draft-07
 * schema: for request bodies no kind covers (`POST /v1/data-import/business/`) and for parts of a kind.
 */
export function convertComponent(doc: unknown, name: string): { schema: JsonSchema; warnings: string[] } {
  const warnings = new Set<string>();
  const components = isObject(doc) && isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  if (!(name in components)) return { schema: {}, warnings: [`no component "${name}"`] };
  const schema = buildKindSchema(
    components,
    { schema: { $ref: `${COMPONENT_PREFIX}${pointerToken(name)}` }, schemaName: name },
    (m) => void warnings.add(m),
  );
  return { schema, warnings: [...warnings] };
}

/** Counts property declarations and enums over every component schema of the contract. */
function countComponents(components: Json): { fields: number; enums: number } {
  const acc = { fields: 0, enums: 0 };
  const walk = (s: unknown): void => {
    if (Array.isArray(s)) return s.forEach(walk);
    if (!isObject(s)) return;
    if (Array.isArray(s.enum)) acc.enums++;
    if (isObject(s.properties)) {
      acc.fields += Object.keys(s.properties).length;
      Object.values(s.properties).forEach(walk);
    }
    for (const k of ['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf']) walk(s[k]);
  };
  Object.values(components).forEach(walk);
  return acc;
}

/** Converts a parsed contract (OpenAPI 3.0.x) into per-kind schemas. Never throws on contract content. */
export function convertContract(doc: unknown, source: string): Contract {
  const warnings = new Set<string>();
  const warn = (m: string) => void warnings.add(m);
  const contract: Contract = {
    source,
    title: '',
    version: '',
    hash: sha256Hex(canonicalJson(doc)),
    kinds: {},
    examples: [],
    stats: { paths: 0, schemas: 0, fields: 0, enums: 0, ignored: [] },
    warnings: [],
  };
  if (!isObject(doc)) {
    contract.warnings.push('not an OpenAPI document (not an object)');
    return contract;
  }
  const info = isObject(doc.info) ? doc.info : {};
  contract.title = typeof info.title === 'string' ? info.title : '';
  contract.version = typeof info.version === 'string' ? info.version : String(info.version ?? '');
  if (typeof doc.openapi !== 'string')
    warn(doc.swagger ? `Swagger ${String(doc.swagger)} is not supported; only OpenAPI 3.0` : 'no "openapi" version field');
  else if (!doc.openapi.startsWith('3.0')) warn(`OpenAPI ${doc.openapi}: the converter reads OpenAPI 3.0; converted as if it were`);
  const paths = isObject(doc.paths) ? doc.paths : {};
  if (!isObject(doc.paths)) warn('no "paths" object');
  const components = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  contract.stats.paths = Object.keys(paths).length;
  contract.stats.schemas = Object.keys(components).length;
  Object.assign(contract.stats, countComponents(components));

  const kindOf = new Map(CONTRACT_ENDPOINTS.map((e) => [e.path, e.kind]));
  const bodies = new Map<KindId, Array<{ path: string; body: RequestBody }>>();
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method) || !isObject(op)) continue;
      const label = `${method.toUpperCase()} ${path}`;
      const kind = method === 'post' ? kindOf.get(normalisePath(path)) : undefined;
      const body = kind ? requestBodyOf(doc, op, label, warn) : undefined;
      if (!kind || !body) {
        contract.stats.ignored.push(label);
        if (kind) warn(`${label}: no JSON request body; kind ${kind} not converted`);
        continue;
      }
      const list = bodies.get(kind) ?? [];
      list.push({ path, body });
      bodies.set(kind, list);
      for (const ex of body.examples) contract.examples.push({ kind, endpoint: path, name: ex.name, value: ex.value });
    }
  }

  const endpointOrder = new Map(CONTRACT_ENDPOINTS.map((e, i) => [e.path, i] as const));
  const kinds: Array<[KindId, { path: string; schema: unknown; schemaName: string }]> = [];
  for (const [kind, list] of bodies) {
    list.sort((a, b) => (endpointOrder.get(normalisePath(a.path)) ?? 0) - (endpointOrder.get(normalisePath(b.path)) ?? 0));
    const [first, ...rest] = list;
    for (const other of rest) {
      if (canonicalJson(other.body.schema) !== canonicalJson(first.body.schema)) {
        warn(
          `${kind}: POST ${other.path} declares ${other.body.schemaName}, POST ${first.path} declares ${first.body.schemaName}; the kind uses ${first.body.schemaName}`,
        );
      }
    }
    kinds.push([kind, { path: first.path, schema: first.body.schema, schemaName: first.body.schemaName }]);
  }
  if (!bodies.has('account')) {
    // Instances with only the v2 flow: the account is what `{payload}` wraps.
    for (const v2 of ['account-v2-validate', 'account-v2-create'] as const) {
      const first = bodies.get(v2)?.[0];
      const payload = first && payloadOf(components, first.body);
      if (first && payload) {
        kinds.push(['account', { path: first.path, ...payload }]);
        break;
      }
    }
  }
  const order = new Map(CONTRACT_ENDPOINTS.map((e, i) => [e.kind, i] as const));
  kinds.sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  for (const [kind, k] of kinds) {
    contract.kinds[kind] = {
      schema: buildKindSchema(components, k, warn),
      endpoint: { method: 'POST', path: k.path },
      schemaName: k.schemaName,
    };
  }
  contract.warnings = [...warnings];
  return contract;
}
