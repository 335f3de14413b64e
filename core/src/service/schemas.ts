/**
 * Schema sets: the bundled schemas in schemas/ or an instance's contract (converted from its OpenAPI). Each set
 * owns one ajv instance; a kind's validator is compiled on first use and kept.
 */
import type Ajv from 'ajv';
import type { CodeKeywordDefinition, Options, ValidateFunction } from 'ajv';
import { _ } from 'ajv/dist/compile/codegen';
import { KRAKEN_FORMAT_OVERRIDES } from './ajvFormats';
// Built by scripts/compile-schemas.mjs (npm run build) from schemas/*.json: one ajv standalone validator per file.
import PRECOMPILED from './generated/validators';
import { type KindId, KINDS_BY_ID } from './kinds';

import account from '../../../schemas/account.schema.json';
import accountV2Validate from '../../../schemas/account-v2-validate.schema.json';
import accountV2Create from '../../../schemas/account-v2-create.schema.json';
import accountV1Create from '../../../schemas/account-v1-create.schema.json';
import notes from '../../../schemas/notes.schema.json';
import transactions from '../../../schemas/transactions.schema.json';
import statements from '../../../schemas/statements.schema.json';
import paymentInstruction from '../../../schemas/payment-instruction.schema.json';
import businessPaymentInstruction from '../../../schemas/business-payment-instruction.schema.json';

export type JsonSchema = Record<string, unknown>;

export const BUNDLED_SCHEMA_FILES: Record<string, JsonSchema> = {
  'account.schema.json': account,
  'account-v2-validate.schema.json': accountV2Validate,
  'account-v2-create.schema.json': accountV2Create,
  'account-v1-create.schema.json': accountV1Create,
  'notes.schema.json': notes,
  'transactions.schema.json': transactions,
  'statements.schema.json': statements,
  'payment-instruction.schema.json': paymentInstruction,
  'business-payment-instruction.schema.json': businessPaymentInstruction,
};

/**
 * Rewrites of the code ajv generates, applied to code ajv compiles (`code.process` below) and to standalone code
 * (scripts/compile-schemas.mjs, contract/schemaSet.ts). Each gives the same result as the code it replaces:
 * - ajv appends a referenced validator's errors with `vErrors = vErrors.concat(sub.errors)`, a copy of every error
 *   found so far: with allErrors, an array of a million wrong items makes a million copies of a growing list
 *   (quadratic: minutes). The append becomes a push in place (linear).
 * - maxLength / minLength count code points (as Kraken's Python does) with ajv's `ucs2length`, a loop over the
 *   string, for every string checked. A string has at most as many code points as UTF-16 units and at least half as
 *   many, so the loop runs only when `.length` cannot decide: `len(s) > n` needs `s.length > n`, and `len(s) < n`
 *   needs `s.length < 2 * n`.
 */
export function tuneValidatorCode(code: string): string {
  return code
    .replace(/\bvErrors\.concat\(([\w$.]+)\)/g, '($1.forEach((e) => vErrors.push(e)), vErrors)')
    .replace(/\b(func\d+)\((data\d*)\) > (\d+)\b/g, '($2.length > $3 && $1($2) > $3)')
    .replace(/\b(func\d+)\((data\d*)\) < (\d+)\b/g, '($2.length < 2 * $3 && $1($2) < $3)');
}

/** The ajv every schema set uses; `extra` adds options (contract/schemaSet.ts: `code` for standalone code). */
export function createAjv(extra: Options = {}): Ajv {
  // ajv's compiler and ajv-formats, required here rather than imported: the bundled schemas run as precompiled code
  // (generated/validators.js), so a start of the CLI or the server that compiles no schema never loads them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (start-up time)
  const { default: AjvClass } = require('ajv') as typeof import('ajv');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (start-up time)
  const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
  const process = extra.code?.process;
  const ajv = new AjvClass({
    allErrors: true,
    strict: false,
    discriminator: true,
    verbose: true,
    allowUnionTypes: true,
    logger: false,
    ...extra,
    code: { ...extra.code, process: (code, env) => tuneValidatorCode(process ? process(code, env) : code) },
  });
  addFormats(ajv);
  // date, date-time, time, email, decimal: as Kraken (Django REST Framework) parses them; see ajvFormats.ts.
  for (const [name, format] of Object.entries(KRAKEN_FORMAT_OVERRIDES)) ajv.addFormat(name, format);
  ajv.addKeyword(KRAKEN_DEPRECATED);
  return ajv;
}

/**
 * Present deprecated properties are findings (tagged Deprecated) naming the replacement: prepareSchema() copies
 * `deprecated` / `x-use-instead` into this keyword, which always reports when the property is there
 * (`params.useInstead`). A code keyword, so standalone validator code (contract/schemaSet.ts) can carry it.
 */
export const KRAKEN_DEPRECATED: CodeKeywordDefinition = {
  keyword: 'krakenDeprecated',
  error: {
    message: 'is deprecated',
    params: ({ schema }) => (typeof schema === 'string' ? _`{useInstead: ${schema}}` : _`{}`),
  },
  code(cxt) {
    cxt.fail();
  },
};

/** Adds `krakenDeprecated` wherever a schema says `deprecated: true` (in place; returns the same object). */
export function prepareSchema<T>(schema: T): T {
  const stack: unknown[] = [schema];
  const seen = new Set<unknown>();
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (!Array.isArray(node)) {
      const obj = node as Record<string, unknown>;
      if (obj.deprecated === true && obj.krakenDeprecated === undefined) obj.krakenDeprecated = obj['x-use-instead'] ?? true;
    }
    for (const child of Object.values(node as object)) if (child && typeof child === 'object') stack.push(child);
  }
  return schema;
}

export interface SchemaSet {
  /** `bundled`, or where the contract came from (URL or file). */
  readonly id: string;
  /** Shown in the language status item and the CLI. */
  readonly label: string;
  /**
   * Its objects declare every field the instance reads (a served contract): a property that is not declared but is
   * close to one that is, is reported at every level nearMiss.ts reads. The bundled schemas list the migration
   * guide's fields, and other markets have fields they do not list: there only the payload's root is read.
   */
  readonly declaresEveryField?: boolean;
  /** The kinds this set can validate. */
  readonly kinds: KindId[];
  /** The root schema of a kind (for completion and hover). */
  schemaFor(kind: KindId): JsonSchema | undefined;
  /** Resolves a `$ref` met while walking `schemaFor(kind)`. */
  resolveRef(kind: KindId, ref: string): JsonSchema | undefined;
  validatorFor(kind: KindId): ValidateFunction | undefined;
  /** Which body shape and schema a kind is validated as (contracts: `{payload}` or bare, the component name). */
  describe?(kind: KindId): string | undefined;
}

/** The schema at a JSON pointer (`/definitions/x`, escapes decoded) inside a schema document. */
export function resolvePointer(doc: unknown, pointer: string): JsonSchema | undefined {
  let node: unknown = doc;
  for (const raw of pointer.split('/').filter(Boolean)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node && typeof node === 'object' ? (node as JsonSchema) : undefined;
}

/**
 * A schema set from documents keyed by `$id` (file name), one root per kind. Validators come from `precompiled`
 * (standalone code compiled at build time from the same documents) when it has the file, else ajv compiles them on
 * first use (the ajv instance itself is only created then).
 */
export class DocumentSchemaSet implements SchemaSet {
  private ajvInstance: Ajv | undefined;
  private readonly validators = new Map<KindId, ValidateFunction>();

  constructor(
    readonly id: string,
    readonly label: string,
    private readonly documents: Record<string, JsonSchema>,
    private readonly rootOf: Partial<Record<KindId, string>>,
    private readonly precompiled: Readonly<Record<string, ValidateFunction | undefined>> = {},
  ) {}

  private get ajv(): Ajv {
    if (!this.ajvInstance) {
      this.ajvInstance = createAjv();
      for (const [name, doc] of Object.entries(this.documents)) this.ajvInstance.addSchema(prepareSchema(doc), name);
    }
    return this.ajvInstance;
  }

  get kinds(): KindId[] {
    return Object.keys(this.rootOf) as KindId[];
  }

  schemaFor(kind: KindId): JsonSchema | undefined {
    const name = this.rootOf[kind];
    return name ? this.documents[name] : undefined;
  }

  resolveRef(kind: KindId, ref: string): JsonSchema | undefined {
    const [file, pointer = ''] = ref.split('#');
    const doc = file ? this.documents[file] : this.schemaFor(kind);
    return resolvePointer(doc, pointer);
  }

  validatorFor(kind: KindId): ValidateFunction | undefined {
    let v = this.validators.get(kind);
    if (v) return v;
    const name = this.rootOf[kind];
    if (!name) return undefined;
    v = this.precompiled[name] ?? this.ajv.getSchema(name);
    if (v) this.validators.set(kind, v);
    return v;
  }
}

let bundled: SchemaSet | undefined;

export function bundledSchemaSet(): SchemaSet {
  if (!bundled) {
    const rootOf: Partial<Record<KindId, string>> = {};
    for (const [id, kind] of KINDS_BY_ID) rootOf[id] = kind.schemaFile;
    bundled = new DocumentSchemaSet(
      'bundled',
      'Bundled schemas (German market, from the Kraken migration guide)',
      BUNDLED_SCHEMA_FILES,
      rootOf,
      PRECOMPILED,
    );
  }
  return bundled;
}
