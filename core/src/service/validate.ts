/**
 * The validation pipeline: parse -> detect kind -> schema -> rules -> severities -> cap -> locate.
 * Findings are located once, at the end, by the shared locator.
 */
import { noteCodeUse } from '../codeUse';
import { SEVERITY_RANK } from './severity';
import { associationTable, detectKind, KINDS_BY_ID, type Associations, type Detection, type KindId } from './kinds';
import { parseDocument, type ParsedDocument } from './parse';
import { RULES, type Rule } from './rules';
import { forgetWalks } from './rules/walk';
import type { DeclaredAt, RuleContext } from './rules/types';
import { validatorKey } from './contract/validators';
import { SchemaNavigator, type SchemaView } from './schemaNav';
import { schemaFindings } from './schemaFindings';
import { nearMissFindings } from './nearMiss';
import type { SchemaSet } from './schemas';
import { type Diagnostic, dottedPath, type JsonPath, type RawFinding, type RuleSeverity, type Severity, type Target } from './types';

export const SOURCE = 'kraken-import';
export const DEFAULT_MAX_FINDINGS = 200;
/**
 * Schema errors beyond this many (or ten times maxFindings) are counted, not turned into findings: a million wrong
 * items must not cost a million messages and locations (gigabytes) to show two hundred of them.
 */
export const MAX_EXAMINED_SCHEMA_ERRORS = 10_000;

export interface ValidationConfig {
  /** Severity per code (rule codes and schema finding codes alike), or `off`. */
  rules?: Record<string, RuleSeverity>;
  /** At most this many findings per document; then one "N more" finding. */
  maxFindings?: number;
  associations?: Associations;
  /** The folder the associations' globs are relative to (the workspace folder; the CLI's working folder). */
  associationBase?: string;
  /** "Today" for the checks against the current date (default: the system clock at each validation). */
  now?: Date | (() => Date);
}

export interface ValidateOptions {
  /** The file's path or URI path, for `payloadAssociations`. */
  filePath?: string;
  /** Force a kind (CLI `--kind`, or an association the client resolved). */
  kind?: KindId;
}

export interface ValidationResult {
  detection: Detection;
  diagnostics: Diagnostic[];
  parsed: ParsedDocument;
  /** Findings beyond the cap, not included in `diagnostics` one by one. */
  omitted: number;
}

/** Wrapper kinds whose `payload` is an account: rules for `account` run on it with this path prefix. */
const ACCOUNT_WRAPPERS: Partial<Record<KindId, JsonPath>> = {
  'account-v2-validate': ['payload'],
  'account-v2-create': ['payload'],
};

interface Positioned {
  raw: Omit<RawFinding, 'path' | 'target'> & { path: JsonPath };
  start: number;
  end: number;
}

type RawTextOf = (path: JsonPath) => string | undefined;
/** What the contract in force declares at a path of the whole document (undefined: bundled schemas, or no schema there). */
export type DeclaredOf = (path: JsonPath) => DeclaredAt | undefined;

interface RuleEnv {
  rawText: RawTextOf;
  numbersExact?: boolean;
  now: Date;
  declared: DeclaredOf;
  underContract: boolean;
}

/**
 * What a rule is given: one object per rule and payload, its methods on the prototype (not three closures made
 * for every rule of every record of a wave).
 */
class RuleRun implements RuleContext {
  constructor(
    private readonly rule: Rule,
    readonly kind: KindId,
    readonly root: unknown,
    private readonly base: JsonPath,
    private readonly out: RawFinding[],
    private readonly env: RuleEnv,
  ) {}

  get numbersExact(): boolean | undefined {
    return this.env.numbersExact;
  }

  get now(): Date {
    return this.env.now;
  }

  get underContract(): boolean {
    return this.env.underContract;
  }

  declared(path: JsonPath): DeclaredAt | undefined {
    return this.env.declared(this.base.length ? [...this.base, ...path] : path);
  }

  rawText(path: JsonPath): string | undefined {
    return this.env.rawText(this.base.length ? [...this.base, ...path] : path);
  }

  report(path: JsonPath, message: string, options?: { target?: Target; data?: Record<string, unknown>; severity?: Severity }): void {
    // A finding of a validator the contract declares names Kraken's error code, as Kraken's 400 answer will.
    const krakenCode = options?.data?.krakenCode;
    this.out.push({
      code: this.rule.code,
      severity: options?.severity ?? this.rule.severity,
      message: typeof krakenCode === 'string' && !message.includes(krakenCode) ? `${message} (Kraken: ${krakenCode})` : message,
      path: [...this.base, ...path],
      target: options?.target ?? 'value',
      data: options?.data,
    });
  }
}

function runRule(rule: Rule, kind: KindId, root: unknown, base: JsonPath, out: RawFinding[], env: RuleEnv): void {
  try {
    rule.check(new RuleRun(rule, kind, root, base, out, env));
  } catch (error) {
    out.push({
      code: 'internal-error',
      severity: 'information',
      message: `Rule ${rule.code} could not check this document (${(error as Error)?.message ?? String(error)}). Other checks ran.`,
      path: base,
      target: 'owner',
    });
  }
}

export function collectRuleFindings(
  kind: KindId,
  root: unknown,
  config: ValidationConfig,
  rawText: RawTextOf = () => undefined,
  numbersExact?: boolean,
  declared?: DeclaredOf,
): RawFinding[] {
  const out: RawFinding[] = [];
  const base = ACCOUNT_WRAPPERS[kind];
  const inner = base && root && typeof root === 'object' ? (root as Record<string, unknown>).payload : undefined;
  const now = typeof config.now === 'function' ? config.now() : (config.now ?? new Date());
  const env: RuleEnv = { rawText, numbersExact, now, declared: declared ?? (() => undefined), underContract: declared !== undefined };
  try {
    for (const rule of RULES) {
      if (config.rules?.[rule.code] === 'off') continue;
      if (rule.kinds.includes(kind)) runRule(rule, kind, root, [], out, env);
      else if (base && inner !== undefined && rule.kinds.includes('account')) runRule(rule, 'account', inner, base, out, env);
    }
  } finally {
    forgetWalks();
  }
  return out;
}

const EMPTY_DECLARED: DeclaredAt = { names: new Set(), errors: new Set() };

/**
 * What an instance contract declares along a document's paths: the schema view of each path (discriminators picked
 * from the document's values), computed from its parent's and cached, so a rule asking at many objects walks each
 * path once. The bundled schemas declare no validators: undefined everywhere.
 */
export function declaredOfDocument(schemas: SchemaSet, kind: KindId, root: unknown): DeclaredOf | undefined {
  if (schemas.id === 'bundled') return undefined;
  if (!schemas.schemaFor(kind)) return () => undefined;
  const nav = new SchemaNavigator(schemas, kind);
  const views = new Map<string, SchemaView | undefined>();
  const values = new Map<string, unknown>();
  const declaredCache = new Map<string, DeclaredAt | undefined>();
  const viewAt = (path: JsonPath): SchemaView | undefined => {
    const key = JSON.stringify(path);
    if (views.has(key)) return views.get(key);
    let view: SchemaView | undefined;
    let value: unknown;
    if (!path.length) {
      value = root;
      view = nav.root(root);
    } else {
      const parentPath = path.slice(0, -1);
      const parent = viewAt(parentPath);
      const parentValue = values.get(JSON.stringify(parentPath));
      const seg = path[path.length - 1];
      value =
        typeof seg === 'number'
          ? Array.isArray(parentValue)
            ? parentValue[seg]
            : undefined
          : parentValue && typeof parentValue === 'object' && !Array.isArray(parentValue)
            ? (parentValue as Record<string, unknown>)[seg]
            : undefined;
      view = typeof seg === 'number' ? nav.item(parent, seg, value) : nav.property(parent, seg, value);
    }
    views.set(key, view);
    values.set(key, value);
    return view;
  };
  return (path) => {
    const key = JSON.stringify(path);
    if (declaredCache.has(key)) return declaredCache.get(key);
    const view = viewAt(path);
    let result: DeclaredAt | undefined;
    if (view) {
      const names = new Set<string>();
      const errors = new Set<string>();
      for (const r of view.all) {
        const n = r.schema['x-kraken-validators'];
        const e = r.schema['x-kraken-errors'];
        if (Array.isArray(n)) for (const x of n) names.add(validatorKey(x));
        if (Array.isArray(e)) for (const x of e) if (typeof x === 'string') errors.add(x);
      }
      result = names.size || errors.size ? { names, errors } : EMPTY_DECLARED;
    }
    declaredCache.set(key, result);
    return result;
  };
}

/**
 * The severity a finding is shown with under the `rules` setting (code -> severity or "off"): undefined when its code
 * is turned off. Every finding of ours goes through it, the reader's on a text that is no payload included.
 */
export function settledSeverity(
  rules: Readonly<Record<string, RuleSeverity>> | undefined,
  code: string,
  severity: Severity,
): Severity | undefined {
  const override = rules && Object.hasOwn(rules, code) ? rules[code] : undefined;
  return override === 'off' ? undefined : (override ?? severity);
}

/** An instance contract without this kind's endpoint: nothing to validate against, and the instance does not serve it. */
function noSchemaFinding(kind: KindId, schemas: SchemaSet): RawFinding {
  const paths = KINDS_BY_ID.get(kind)?.endpoints.map((e) => `${e.method} ${e.path}`) ?? [];
  return {
    code: 'no-contract-endpoint',
    severity: 'warning',
    message:
      `This instance's contract has no ${kind} endpoint${paths.length ? ` (${paths.join(', ')})` : ''}: ` +
      `the document is not checked against a schema, and the instance would not accept it there. Contract: ${schemas.label}.`,
    path: [],
    target: 'owner',
    data: { kind, contract: schemas.id },
  };
}

export function validateDocument(
  text: string,
  schemas: SchemaSet,
  config: ValidationConfig,
  options: ValidateOptions = {},
): ValidationResult {
  const parsed = parseDocument(text);
  const detection: Detection = options.kind
    ? { kind: options.kind, source: 'association', reason: `the kind was set to "${options.kind}"` }
    : detectKind(parsed.value, options.filePath, config.associations && associationTable(config.associations, config.associationBase));
  if (!detection.kind) return { detection, diagnostics: [], parsed, omitted: 0 };
  const kind = detection.kind;

  const positioned: Positioned[] = parsed.findings.map((f) => ({
    raw: { code: f.code, severity: f.severity, message: f.message, path: [], data: f.data },
    start: f.start,
    end: f.end,
  }));

  const raw: RawFinding[] = [];
  const max = config.maxFindings ?? DEFAULT_MAX_FINDINGS;
  let unexamined = 0;
  const value = parsed.value;
  if (value === undefined && !parsed.findings.length) {
    raw.push({
      code: 'empty-document',
      severity: 'error',
      message: 'The document is empty: a Kraken payload is one JSON object.',
      path: [],
      target: 'owner',
    });
  } else if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    raw.push({
      code: 'not-an-object',
      severity: 'error',
      message: `A Kraken payload is one JSON object; this document is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}.`,
      path: [],
      target: 'owner',
    });
  } else if (value !== undefined) {
    const rawText: RawTextOf = (path) => {
      const span = parsed.locator.valueSpan(path);
      return span ? text.slice(span.start, span.end) : undefined;
    };
    if (!schemas.kinds.includes(kind)) raw.push(noSchemaFinding(kind, schemas));
    const validator = schemas.validatorFor(kind);
    noteCodeUse(kind); // the code cache is written again when a run validates a kind its writer did not
    if (validator && !validator(value) && validator.errors) {
      const examine = Math.max(MAX_EXAMINED_SCHEMA_ERRORS, 10 * max);
      unexamined = Math.max(0, validator.errors.length - examine);
      let fromSchema = schemaFindings(unexamined ? validator.errors.slice(0, examine) : validator.errors, {
        rawText,
        resolveRef: (ref) => schemas.resolveRef(kind, ref),
      });
      // While a document is unfinished, "missing property" is noise: the user has not typed it yet.
      if (parsed.broken) fromSchema = fromSchema.filter((f) => f.code !== 'missing-property');
      for (const f of fromSchema) raw.push(f); // not push(...): a spread of a million findings throws
    }
    for (const f of nearMissFindings(value, new SchemaNavigator(schemas, kind))) raw.push(f);
    for (const f of collectRuleFindings(kind, value, config, rawText, parsed.numbersExact, declaredOfDocument(schemas, kind, value)))
      raw.push(f);
  }

  // A value that is itself a syntax error (e.g. 0050203829715, which the tolerant parser reads as 0) gets no
  // schema or rule finding about what it was misread as: the syntax finding says what is wrong.
  const syntaxSpans = parsed.findings.filter((f) => f.severity === 'error').map((f) => [f.start, f.end] as const);
  for (const f of raw) {
    const span = parsed.locator.locate(f.path, f.target);
    if (syntaxSpans.length && f.target === 'value' && syntaxSpans.some(([s, e]) => span.start < e && s < span.end)) continue;
    positioned.push({ raw: f, start: span.start, end: span.end });
  }

  // Severity overrides, then order, then cap.
  const kept: Positioned[] = [];
  for (const p of positioned) {
    const severity = settledSeverity(config.rules, p.raw.code, p.raw.severity);
    if (severity === undefined) continue;
    if (severity !== p.raw.severity) p.raw = { ...p.raw, severity };
    kept.push(p);
  }
  kept.sort((a, b) => a.start - b.start || SEVERITY_RANK[a.raw.severity] - SEVERITY_RANK[b.raw.severity]);
  let omitted = unexamined;
  let shown = kept;
  if (kept.length > max) {
    // Keep the most severe first when cutting, then show them in document order.
    const bySeverity = [...kept].sort((a, b) => SEVERITY_RANK[a.raw.severity] - SEVERITY_RANK[b.raw.severity] || a.start - b.start);
    shown = bySeverity.slice(0, max).sort((a, b) => a.start - b.start);
    omitted += kept.length - max;
  }

  const diagnostics: Diagnostic[] = shown.map((p) => ({
    code: p.raw.code,
    severity: p.raw.severity,
    message: p.raw.message,
    path: dottedPath(p.raw.path),
    range: parsed.lines.range(p.start, p.end),
    source: SOURCE,
    ...(p.raw.tags ? { tags: p.raw.tags } : {}),
    ...(p.raw.data ? { data: p.raw.data } : {}),
  }));
  const tooMany = omitted ? settledSeverity(config.rules, 'too-many-findings', 'information') : undefined;
  if (tooMany) {
    diagnostics.push({
      code: 'too-many-findings',
      severity: tooMany,
      message: unexamined
        ? `${omitted} more findings not shown (the limit is ${max} per document; see krakenImport.maxFindings). The schema check stopped describing errors after the first ${Math.max(MAX_EXAMINED_SCHEMA_ERRORS, 10 * max)}: fix those and check again.`
        : `${omitted} more findings not shown (the limit is ${max} per document; see krakenImport.maxFindings).`,
      path: '',
      range: parsed.lines.range(0, Math.min(1, text.length)),
      source: SOURCE,
    });
  }
  return { detection, diagnostics, parsed, omitted };
}
