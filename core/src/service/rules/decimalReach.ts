/**
 * Where in a bundled schema a decimal field can be met: the table decimal-amount walks a document by.
 *
 * A decimal field is a string schema with the contract's decimal pattern (`^-?\d{0,W}(?:\.\d{0,F})?$`). Working
 * out which properties of which objects can lead to one means following every `$ref`, `allOf` / `anyOf` / `oneOf`
 * branch, property and item schema of the whole account schema: about a sixth of what a start of the CLI or the server
 * costs above Node. The schemas are bundled, so scripts/compile-schemas.mjs runs `buildDecimalReach` at build time
 * and writes the table to generated/decimalReach.js; a unit test holds it to a run of this code on the schemas.
 *
 * The table is a graph (schemas are recursive): a node stands for the schemas that apply at one place of a document
 * (a schema with its `$ref` followed and its branches added); it says whether they are a decimal's, which property
 * names can lead to a decimal (with the child's node), and the node of the array items when a decimal can be met in
 * them. A schema list that can lead to no decimal has no node: the walk does not go there.
 */
import { resolvePointer, type JsonSchema } from '../schemas';
import type { PathSegment } from '../types';

export interface DecimalReachNode {
  /** These schemas are a decimal's (a string here is a decimal field). */
  decimal: boolean;
  /** Property names under which a decimal can be met, each with its child's node. */
  keys: Array<[key: string, node: number]>;
  /** The node of the array items when a decimal can be met in them, else -1. */
  items: number;
}

export interface DecimalReach {
  /** The root node of each schema file. */
  roots: Record<string, number>;
  nodes: DecimalReachNode[];
}

/** The contract's decimal pattern shape: optional sign, up to W digits, optional point and up to F digits. */
const DECIMAL_PATTERN = /^\^-\?\\d\{0,\d+\}\(\?:\\\.\\d\{0,\d+\}\)\?\$$/;

interface SchemaNode {
  schema: JsonSchema;
  /** The file the schema sits in, for its local `$ref`s. */
  file: string;
}

function isSchema(v: unknown): v is JsonSchema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The schemas of a set of documents, explored with memoised answers (each list of schemas is made once). */
class Explorer {
  private readonly expandCache = new WeakMap<JsonSchema, SchemaNode[]>();
  private readonly childCache = new WeakMap<readonly SchemaNode[], Map<PathSegment, SchemaNode[]>>();
  private readonly reachCache = new WeakMap<readonly SchemaNode[], boolean>();
  private readonly schemaIds = new WeakMap<JsonSchema, number>();
  private nextId = 0;
  private readonly lists = new Map<string, SchemaNode[]>();

  constructor(private readonly documents: Record<string, JsonSchema>) {}

  private lookup(file: string, ref: string): SchemaNode | undefined {
    const [refFile, pointer = ''] = ref.split('#');
    const name = refFile || file;
    const schema = resolvePointer(this.documents[name], pointer);
    return isSchema(schema) ? { schema, file: name } : undefined;
  }

  /** A schema with its `$ref` followed and its `allOf` / `anyOf` / `oneOf` branches added (each branch may apply). */
  expand(start: SchemaNode): SchemaNode[] {
    const cached = this.expandCache.get(start.schema);
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
        const target = this.lookup(n.file, n.schema.$ref);
        if (target) stack.push(target);
      }
      for (const k of ['allOf', 'anyOf', 'oneOf']) {
        const branches = n.schema[k];
        if (Array.isArray(branches)) for (const b of branches) if (isSchema(b)) stack.push({ schema: b, file: n.file });
      }
    }
    this.expandCache.set(start.schema, out);
    return out;
  }

  /**
   * One list per set of schemas: a child's list is made anew from its parents', so without this a recursive schema
   * (a node whose child is a node) would give a new list at every level and the exploration would never end.
   */
  private canonical(list: SchemaNode[]): SchemaNode[] {
    const key = list
      .map((n) => {
        let id = this.schemaIds.get(n.schema);
        if (id === undefined) this.schemaIds.set(n.schema, (id = this.nextId++));
        return id;
      })
      .sort((a, b) => a - b)
      .join(',');
    const known = this.lists.get(key);
    if (known) return known;
    this.lists.set(key, list);
    return list;
  }

  /** The schemas of a child (`key` a property name, or any number for array items); the same lists come back. */
  children(nodes: readonly SchemaNode[], key: PathSegment): SchemaNode[] {
    const k = typeof key === 'number' ? 0 : key;
    let byKey = this.childCache.get(nodes);
    if (!byKey) this.childCache.set(nodes, (byKey = new Map()));
    const cached = byKey.get(k);
    if (cached) return cached;
    const out: SchemaNode[] = [];
    const seen = new Set<JsonSchema>();
    for (const n of nodes) {
      const sub =
        typeof k === 'number'
          ? n.schema.items
          : isSchema(n.schema.properties) && Object.prototype.hasOwnProperty.call(n.schema.properties, k)
            ? (n.schema.properties as Record<string, unknown>)[k]
            : undefined;
      if (!isSchema(sub)) continue;
      for (const e of this.expand({ schema: sub, file: n.file })) {
        if (seen.has(e.schema)) continue;
        seen.add(e.schema);
        out.push(e);
      }
    }
    const list = this.canonical(out);
    byKey.set(k, list);
    return list;
  }

  static isDecimal(nodes: readonly SchemaNode[]): boolean {
    return nodes.some((n) => typeof n.schema.pattern === 'string' && DECIMAL_PATTERN.test(n.schema.pattern));
  }

  static propertyNames(nodes: readonly SchemaNode[]): string[] {
    const set = new Set<string>();
    for (const n of nodes) if (isSchema(n.schema.properties)) for (const k of Object.keys(n.schema.properties)) set.add(k);
    return [...set];
  }

  /**
   * Whether a decimal schema can be met at or below these schemas. A recursive schema counts as yes while it is being
   * looked at (at worst the walk visits more than it needs); a no is certain, so both are kept.
   */
  mayHoldDecimal(nodes: readonly SchemaNode[], visiting = new Set<readonly SchemaNode[]>()): boolean {
    const cached = this.reachCache.get(nodes);
    if (cached !== undefined) return cached;
    if (Explorer.isDecimal(nodes)) {
      this.reachCache.set(nodes, true);
      return true;
    }
    if (visiting.has(nodes)) return true;
    visiting.add(nodes);
    let found = Explorer.propertyNames(nodes).some((k) => this.mayHoldDecimal(this.children(nodes, k), visiting));
    if (!found && nodes.some((n) => isSchema(n.schema.items))) found = this.mayHoldDecimal(this.children(nodes, 0), visiting);
    visiting.delete(nodes);
    this.reachCache.set(nodes, found);
    return found;
  }
}

/** The table of `files` (each a root) among `documents` (keyed by file name, for `$ref`s between them). */
export function buildDecimalReach(documents: Record<string, JsonSchema>, files: readonly string[]): DecimalReach {
  const explorer = new Explorer(documents);
  const ids = new Map<readonly SchemaNode[], number>();
  const nodes: DecimalReachNode[] = [];
  const pending: Array<readonly SchemaNode[]> = [];
  const idOf = (list: readonly SchemaNode[]): number => {
    let id = ids.get(list);
    if (id === undefined) {
      ids.set(list, (id = nodes.length));
      nodes.push({ decimal: false, keys: [], items: -1 });
      pending.push(list);
    }
    return id;
  };
  const roots: Record<string, number> = {};
  for (const file of files) {
    const schema = documents[file];
    if (isSchema(schema)) roots[file] = idOf(explorer.expand({ schema, file }));
  }
  for (let i = 0; i < pending.length; i++) {
    const list = pending[i]!;
    const node = nodes[i]!;
    node.decimal = Explorer.isDecimal(list);
    for (const key of Explorer.propertyNames(list)) {
      const sub = explorer.children(list, key);
      if (sub.length && explorer.mayHoldDecimal(sub)) node.keys.push([key, idOf(sub)]);
    }
    const items = explorer.children(list, 0);
    if (items.length && explorer.mayHoldDecimal(items)) node.items = idOf(items);
  }
  return { roots, nodes };
}
