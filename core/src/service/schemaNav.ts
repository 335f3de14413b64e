/**
 * The schema that applies at a JSON path of a payload, for completion, hover and quick fixes.
 *
 * Walks `properties` / `patternProperties` / `additionalProperties` and `items`, follows `$ref` (through
 * `SchemaSet.resolveRef`, keeping track of which document a local `#/definitions/...` ref belongs to), flattens
 * `allOf`, and picks the branch of an ajv `discriminator` (`oneOf` keyed by e.g. a transaction's `type`) from the
 * document's value. Branches that the document does not decide (an undecided discriminator, a plain `oneOf` /
 * `anyOf`, `then` / `else`) are kept apart as alternatives: their properties are offered, never required.
 */
import type { KindId } from './kinds';
import type { JsonSchema, SchemaSet } from './schemas';
import type { JsonPath } from './types';

/** A schema node and the document its local refs (`#/...`) resolve against (`''`: the kind's root document). */
export interface SchemaRef {
  schema: JsonSchema;
  base: string;
}

export interface SchemaView {
  /** Schemas that all apply, outermost first: the property's own schema, its `$ref` target, `allOf` members, the chosen branch. */
  all: SchemaRef[];
  /** Branches not decided by the document. */
  alternatives: SchemaRef[];
}

export interface PropertyInfo {
  name: string;
  view: SchemaView;
  required: boolean;
  /** Only an undecided branch declares it. */
  alternative: boolean;
  deprecated: boolean;
}

const MAX_DEPTH = 32;

function isSchema(v: unknown): v is JsonSchema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function emptyView(): SchemaView {
  return { all: [], alternatives: [] };
}

export function isEmptyView(view: SchemaView | undefined): boolean {
  return !view || (view.all.length === 0 && view.alternatives.length === 0);
}

/**
 * What a navigator works out from the schemas alone, kept for every navigator of the same schema set and kind: the
 * target of each `$ref` and the tag values of each discriminated branch. A navigator is made per document (the
 * near-miss check walks each with one), and a document of 50 000 discriminated transactions would otherwise resolve
 * the same pointers and expand the same branches for every item. Schemas are data that does not change, and a new
 * contract is a new schema set, so nothing here goes stale.
 */
interface NavMemo {
  /** `${base}\0${ref}` -> its target (null: it resolves to nothing). */
  refs: Map<string, SchemaRef | null>;
  /** Branch schema -> `${base}\0${tag}` -> the tag's values. */
  tagValues: WeakMap<JsonSchema, Map<string, unknown[]>>;
}

const MEMOS = new WeakMap<SchemaSet, Map<KindId, NavMemo>>();

function memoOf(schemas: SchemaSet, kind: KindId): NavMemo {
  let byKind = MEMOS.get(schemas);
  if (!byKind) MEMOS.set(schemas, (byKind = new Map()));
  let memo = byKind.get(kind);
  if (!memo) byKind.set(kind, (memo = { refs: new Map(), tagValues: new WeakMap() }));
  return memo;
}

/**
 * What an expansion read of the value it expands for: whether it is null or undefined, whether a condition's
 * required keys are all there, a discriminator tag's value. The expansion takes the same course, and gives the same
 * view, for any value on which each of these reads the same.
 */
type Fact =
  | { read: 'null'; result: boolean }
  | { read: 'defined'; result: boolean }
  | { read: 'required'; keys: string[] | undefined; result: boolean }
  | { read: 'tag'; tag: string; result: unknown };

function factHolds(fact: Fact, value: unknown): boolean {
  switch (fact.read) {
    case 'null':
      return (value === null) === fact.result;
    case 'defined':
      return (value !== undefined) === fact.result;
    case 'required':
      return conditionHolds(fact.keys, value) === fact.result;
    case 'tag':
      return (isRecord(value) ? value[fact.tag] : undefined) === fact.result;
  }
}

/** Item views of one array view, each with the facts of the item it was made for (see `SchemaNavigator.itemViews`). */
export interface ItemViews {
  readonly entries: Array<{ facts: Fact[]; view: SchemaView | undefined }>;
}

/** Kinds of item (a transaction's types) kept per array: an array with more kinds makes the rest's views anew. */
const MAX_ITEM_VIEWS = 16;

/** Navigates the schemas of one payload kind. */
export class SchemaNavigator {
  private readonly rootBase: string;
  private readonly memo: NavMemo;
  /** While an item view is made for `itemView`: what the expansion reads of the item. */
  private facts: Fact[] | undefined;

  constructor(
    readonly schemas: SchemaSet,
    readonly kind: KindId,
  ) {
    const root = schemas.schemaFor(kind);
    this.rootBase = typeof root?.$id === 'string' ? root.$id : '';
    this.memo = memoOf(schemas, kind);
  }

  /** The view of the document root. */
  root(value: unknown): SchemaView {
    const root = this.schemas.schemaFor(this.kind);
    return root ? this.expand({ schema: root, base: this.rootBase }, value) : emptyView();
  }

  /** The view at a path, walking the document's values alongside (for discriminators). Undefined when no schema describes it. */
  at(path: JsonPath, rootValue: unknown): SchemaView | undefined {
    let view: SchemaView | undefined = this.root(rootValue);
    let value = rootValue;
    for (const seg of path) {
      const child = childValue(value, seg);
      view = typeof seg === 'number' ? this.item(view, seg, child) : this.property(view, seg, child);
      if (!view) return undefined;
      value = child;
    }
    return view;
  }

  /** Resolves a `$ref` met in a schema of document `base`. */
  resolve(ref: string, base: string): SchemaRef | undefined {
    const key = `${base}\0${ref}`;
    const known = this.memo.refs.get(key);
    if (known !== undefined) return known ?? undefined;
    const hash = ref.indexOf('#');
    const file = hash === -1 ? ref : ref.slice(0, hash);
    const full = file ? ref : base ? `${base}${ref}` : ref;
    const schema = this.schemas.resolveRef(this.kind, full);
    const target = schema ? { schema, base: file || base } : undefined;
    this.memo.refs.set(key, target ?? null);
    return target;
  }

  /** The schemas that apply to a value described by `ref`. */
  expand(ref: SchemaRef, value: unknown): SchemaView {
    const view = emptyView();
    this.expandInto(ref, value, view, false, new Set(), 0);
    return view;
  }

  private expandInto(ref: SchemaRef, value: unknown, view: SchemaView, alternative: boolean, seen: Set<unknown>, depth: number): void {
    const s = ref.schema;
    if (!isSchema(s) || seen.has(s) || depth > MAX_DEPTH) return;
    seen.add(s);
    (alternative ? view.alternatives : view.all).push(ref);
    if (typeof s.$ref === 'string') {
      const target = this.resolve(s.$ref, ref.base);
      if (target) this.expandInto(target, value, view, alternative, seen, depth + 1);
    }
    if (Array.isArray(s.allOf))
      for (const member of s.allOf)
        this.expandInto({ schema: member as JsonSchema, base: ref.base }, value, view, alternative, seen, depth + 1);
    if (isSchema(s.if)) {
      // Converted contracts wrap nullable combinators as { if: { type: "null" }, else: <schema> }, and an optional
      // discriminator as { if: { required: [tag] }, then: <selected by the tag>, else: <any branch> }: both are
      // decided by the value when there is one. Any other condition keeps both sides as alternatives.
      const ifNull = s.if.type === 'null';
      const required = requiredOnly(s.if);
      const byTag = !ifNull && value !== undefined && required !== undefined;
      const decided = ifNull || byTag;
      const holds = ifNull ? value === null : conditionHolds(required, value);
      if (this.facts)
        this.facts.push(
          { read: 'null', result: value === null },
          { read: 'defined', result: value !== undefined },
          { read: 'required', keys: required, result: conditionHolds(required, value) },
        );
      // The null wrapper's side is the schema itself; a side chosen by the tag is as alternative as its parent.
      const side = ifNull ? false : byTag ? alternative : true;
      if (isSchema(s.then) && (!decided || holds)) this.expandInto({ schema: s.then, base: ref.base }, value, view, side, seen, depth + 1);
      if (isSchema(s.else) && (!decided || !holds)) this.expandInto({ schema: s.else, base: ref.base }, value, view, side, seen, depth + 1);
    }
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const branches = s[keyword];
      if (!Array.isArray(branches)) continue;
      const tag =
        keyword === 'oneOf' && isSchema(s.discriminator) && typeof s.discriminator.propertyName === 'string'
          ? s.discriminator.propertyName
          : undefined;
      const tagValue = tag && isRecord(value) ? value[tag] : undefined;
      if (tag && this.facts) this.facts.push({ read: 'tag', tag, result: tagValue });
      const chosen =
        tag && tagValue !== undefined
          ? branches.find((b) => this.branchTagValues({ schema: b as JsonSchema, base: ref.base }, tag).includes(tagValue))
          : undefined;
      if (chosen) this.expandInto({ schema: chosen as JsonSchema, base: ref.base }, value, view, alternative, seen, depth + 1);
      else for (const b of branches) this.expandInto({ schema: b as JsonSchema, base: ref.base }, value, view, true, seen, depth + 1);
    }
  }

  /**
   * The values of a discriminator tag that select a branch: those every `const`/`enum` on the tag in the branch
   * allows (a branch narrows the tag with its own `const` while the shared base lists every type in an `enum`).
   */
  branchTagValues(branch: SchemaRef, tag: string): readonly unknown[] {
    let byTag = this.memo.tagValues.get(branch.schema);
    if (!byTag) this.memo.tagValues.set(branch.schema, (byTag = new Map()));
    const key = `${branch.base}\0${tag}`;
    let values = byTag.get(key);
    if (!values) byTag.set(key, (values = this.tagValuesOf(branch, tag)));
    return values;
  }

  private tagValuesOf(branch: SchemaRef, tag: string): unknown[] {
    let values: unknown[] | undefined;
    // The branch is expanded for no value: nothing of the item being made is read here.
    const facts = this.facts;
    this.facts = undefined;
    const expanded = this.expand(branch, undefined);
    this.facts = facts;
    for (const r of expanded.all) {
      const p = (r.schema.properties as Record<string, unknown> | undefined)?.[tag];
      if (!isSchema(p)) continue;
      const allowed = p.const !== undefined ? [p.const] : Array.isArray(p.enum) ? p.enum : undefined;
      if (!allowed) continue;
      values = values === undefined ? [...allowed] : values.filter((v) => allowed.includes(v));
    }
    return values ?? [];
  }

  /** The view of property `name` of an object described by `view`; undefined when nothing describes it. */
  property(view: SchemaView | undefined, name: string, value: unknown): SchemaView | undefined {
    return this.child(view, value, (schema) => propertySchema(schema, name));
  }

  /** The view of item `index` of an array described by `view`. */
  item(view: SchemaView | undefined, index: number, value: unknown): SchemaView | undefined {
    return this.child(view, value, (schema) => itemSchema(schema, index));
  }

  /**
   * A cache of item views for the array described by `view`, for `itemView`: undefined when an item's schema depends
   * on its index (tuple `items`), where each item is made with `item`.
   */
  itemViews(view: SchemaView | undefined): ItemViews | undefined {
    if (!view) return undefined;
    for (const r of view.all) if (Array.isArray(r.schema.items)) return undefined;
    for (const r of view.alternatives) if (Array.isArray(r.schema.items)) return undefined;
    return { entries: [] };
  }

  /**
   * `item(view, index, value)`, taken from `cache` when an earlier item read the same there: the array's items of
   * one kind (a discriminated transaction type) share one view instead of each expanding its schemas again.
   */
  itemView(view: SchemaView | undefined, index: number, value: unknown, cache: ItemViews): SchemaView | undefined {
    for (const e of cache.entries) if (e.facts.every((f) => factHolds(f, value))) return e.view;
    const facts: Fact[] = [];
    this.facts = facts;
    try {
      const made = this.item(view, index, value);
      if (cache.entries.length < MAX_ITEM_VIEWS) cache.entries.push({ facts, view: made });
      return made;
    } finally {
      this.facts = undefined;
    }
  }

  /** A child's view: `pick` the child schema in every schema of `view`; a child of an alternative stays one. */
  private child(
    view: SchemaView | undefined,
    value: unknown,
    pick: (schema: JsonSchema) => JsonSchema | undefined,
  ): SchemaView | undefined {
    if (!view) return undefined;
    const out = emptyView();
    const add = (refs: SchemaRef[], alternative: boolean) => {
      for (const r of refs) {
        const child = pick(r.schema);
        if (!child) continue;
        const expanded = this.expand({ schema: child, base: r.base }, value);
        if (alternative) out.alternatives.push(...expanded.all, ...expanded.alternatives);
        else {
          out.all.push(...expanded.all);
          out.alternatives.push(...expanded.alternatives);
        }
      }
    };
    add(view.all, false);
    add(view.alternatives, true);
    return isEmptyView(out) ? undefined : out;
  }

  /** The properties an object described by `view` may take, in schema order (decided schemas first). */
  properties(view: SchemaView, value: unknown): PropertyInfo[] {
    const required = requiredOf(view);
    const seen = new Map<string, PropertyInfo>();
    const visit = (refs: SchemaRef[], alternative: boolean) => {
      for (const r of refs) {
        const props = r.schema.properties;
        if (!isSchema(props)) continue;
        for (const name of Object.keys(props)) {
          if (seen.has(name)) continue;
          const child = this.property(view, name, isRecord(value) ? value[name] : undefined);
          if (!child) continue;
          seen.set(name, {
            name,
            view: child,
            required: required.has(name),
            alternative,
            deprecated: first(child, 'deprecated') === true,
          });
        }
      }
    };
    visit(view.all, false);
    visit(view.alternatives, true);
    return [...seen.values()];
  }
}

function propertySchema(schema: JsonSchema, name: string): JsonSchema | undefined {
  const props = schema.properties;
  if (isSchema(props) && isSchema(props[name])) return props[name] as JsonSchema;
  if (isSchema(schema.patternProperties)) {
    for (const [pattern, s] of Object.entries(schema.patternProperties)) {
      try {
        if (isSchema(s) && new RegExp(pattern, 'u').test(name)) return s;
      } catch {
        // an invalid pattern describes nothing
      }
    }
  }
  if (isSchema(schema.additionalProperties) && !(isSchema(props) && name in props)) return schema.additionalProperties;
  return undefined;
}

function itemSchema(schema: JsonSchema, index: number): JsonSchema | undefined {
  const items = schema.items;
  if (Array.isArray(items))
    return isSchema(items[index]) ? (items[index] as JsonSchema) : isSchema(schema.additionalItems) ? schema.additionalItems : undefined;
  return isSchema(items) ? items : undefined;
}

export function childValue(value: unknown, seg: string | number): unknown {
  if (typeof seg === 'number') return Array.isArray(value) ? value[seg] : undefined;
  return isRecord(value) ? value[seg] : undefined;
}

/** The first value of a keyword among the decided schemas (outermost first), then the alternatives. */
export function first(view: SchemaView | undefined, keyword: string): unknown {
  if (!view) return undefined;
  for (const r of view.all) if (r.schema[keyword] !== undefined) return r.schema[keyword];
  for (const r of view.alternatives) if (r.schema[keyword] !== undefined) return r.schema[keyword];
  return undefined;
}

/** The first value of a keyword among the decided schemas only (for what is inserted: `const`, `default`). */
export function firstDecided(view: SchemaView | undefined, keyword: string): unknown {
  if (!view) return undefined;
  for (const r of view.all) if (r.schema[keyword] !== undefined) return r.schema[keyword];
  return undefined;
}

/** Every value of a keyword among the decided schemas, then the alternatives. */
export function collect(view: SchemaView | undefined, keyword: string): unknown[] {
  if (!view) return [];
  const out: unknown[] = [];
  for (const r of [...view.all, ...view.alternatives]) if (r.schema[keyword] !== undefined) out.push(r.schema[keyword]);
  return out;
}

/** Required property names of the decided schemas. */
export function requiredOf(view: SchemaView): Set<string> {
  const out = new Set<string>();
  for (const r of view.all) if (Array.isArray(r.schema.required)) for (const n of r.schema.required) if (typeof n === 'string') out.add(n);
  return out;
}

/** The JSON types a view allows (from `type`, or inferred from `properties` / `items` / `enum` / `const`). */
export function typesOf(view: SchemaView | undefined): string[] {
  if (!view) return [];
  const declared = new Set<string>();
  let any = false;
  for (const r of view.all.length ? view.all : view.alternatives) {
    const t = r.schema.type;
    if (typeof t === 'string') {
      declared.add(t);
      any = true;
    } else if (Array.isArray(t)) {
      for (const x of t) if (typeof x === 'string') declared.add(x);
      any = true;
    }
  }
  if (any) return [...declared];
  const inferred = new Set<string>();
  for (const r of [...view.all, ...view.alternatives]) {
    if (r.schema.properties || r.schema.additionalProperties) inferred.add('object');
    if (r.schema.items) inferred.add('array');
    const values = r.schema.const !== undefined ? [r.schema.const] : Array.isArray(r.schema.enum) ? r.schema.enum : [];
    for (const v of values) inferred.add(v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);
  }
  return [...inferred];
}

export interface EnumValue {
  value: unknown;
  description?: string;
}

/**
 * The allowed values: the first `enum` of the decided schemas (with `enumDescriptions`) and every `const`; when no
 * decided schema restricts the value, the `const` / `enum` values of the alternatives (an undecided discriminator).
 */
export function enumValues(view: SchemaView | undefined): EnumValue[] | undefined {
  if (!view) return undefined;
  const fromRefs = (refs: SchemaRef[]): EnumValue[] | undefined => {
    let out: EnumValue[] | undefined;
    const push = (v: EnumValue) => {
      out ??= [];
      if (!out.some((o) => JSON.stringify(o.value) === JSON.stringify(v.value))) out.push(v);
    };
    for (const r of refs) {
      const s = r.schema;
      if (s.const !== undefined) push({ value: s.const, description: typeof s.description === 'string' ? s.description : undefined });
      if (Array.isArray(s.enum)) {
        const descriptions = Array.isArray(s.enumDescriptions)
          ? s.enumDescriptions
          : Array.isArray(s.markdownEnumDescriptions)
            ? s.markdownEnumDescriptions
            : [];
        s.enum.forEach((v, i) =>
          push({
            value: v,
            description: typeof descriptions[i] === 'string' && descriptions[i] ? htmlToMarkdown(String(descriptions[i])) : undefined,
          }),
        );
      }
    }
    return out;
  };
  return fromRefs(view.all) ?? fromRefs(view.alternatives);
}

/** A readable type summary: `string (date)`, `array of objects`, `integer or null`. */
export function typeSummary(view: SchemaView | undefined): string {
  const types = typesOf(view);
  if (!types.length) return enumValues(view)?.length ? 'enum' : 'any';
  const format = first(view, 'format') ?? first(view, 'x-kraken-format');
  const parts = types.map((t) => {
    if (t === 'string' && typeof format === 'string') return `string (${format})`;
    return t;
  });
  return parts.join(' or ');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/**
 * Served contracts describe fields in HTML (`<p>…<code>CHARGE</code>…</p>`); hovers and completion documentation
 * are Markdown, where most tags would show as text. Plain text passes through unchanged.
 */
export function htmlToMarkdown(text: string): string {
  if (!/<\/?[a-z][^>]*>/i.test(text)) return text;
  return text
    .replace(/<br\s*\/?>/gi, '  \n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<\/?p[^>]*>/gi, '')
    .replace(/<code>([\s\S]*?)<\/code>/gi, '`$1`')
    .replace(/<(strong|b)>([\s\S]*?)<\/\1>/gi, '**$2**')
    .replace(/<(em|i)>([\s\S]*?)<\/\1>/gi, '*$2*')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '[$2]($1)')
    .replace(/<li[^>]*>/gi, '\n- ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e])
    .trim();
}

/** The description for people: `markdownDescription` when there is one, else `description` (outermost first). */
export function descriptionOf(view: SchemaView | undefined): string | undefined {
  if (!view) return undefined;
  for (const r of [...view.all, ...view.alternatives]) {
    const md = r.schema.markdownDescription;
    if (typeof md === 'string' && md) return md;
    const d = r.schema.description;
    if (typeof d === 'string' && d && r.schema['x-description-is-key'] !== true) return htmlToMarkdown(d);
  }
  return undefined;
}

export interface DefaultSnippet {
  label?: string;
  description?: string;
  body: unknown;
}

/** `defaultSnippets` of the decided schemas (or, when none, of the alternatives). */
export function defaultSnippetsOf(view: SchemaView | undefined): DefaultSnippet[] {
  if (!view) return [];
  const from = (refs: SchemaRef[]) =>
    refs
      .flatMap((r) => (Array.isArray(r.schema.defaultSnippets) ? (r.schema.defaultSnippets as unknown[]) : []))
      .filter((s): s is DefaultSnippet => isRecord(s) && 'body' in s);
  const decided = from(view.all);
  return decided.length ? decided : from(view.alternatives);
}

/** The property names of an `if` that is only `{ required: [...] }`; undefined for any other condition. */
function requiredOnly(condition: JsonSchema): string[] | undefined {
  const keys = Object.keys(condition);
  const required = condition.required;
  return keys.length === 1 && Array.isArray(required) && required.every((k) => typeof k === 'string') ? (required as string[]) : undefined;
}

/** Whether `{ required }` holds for a value (as JSON Schema reads it: a non-object passes). */
function conditionHolds(required: string[] | undefined, value: unknown): boolean {
  if (!required) return false;
  return !isRecord(value) || required.every((k) => value[k] !== undefined);
}
