import type { JsonPath } from '../types';

/**
 * A path as a chain of parent links: extending it is O(1), so walking a document nested 100 000 levels deep stays
 * linear. Materialise it with `toPath()` only when reporting.
 */
export class PathNode {
  constructor(
    readonly parent: PathNode | undefined,
    readonly key: string | number | undefined,
  ) {}

  child(key: string | number): PathNode {
    return new PathNode(this, key);
  }

  toPath(): JsonPath {
    const out: JsonPath = [];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walks up the parent chain from this node
    for (let n: PathNode | undefined = this; n && n.key !== undefined; n = n.parent) out.push(n.key);
    return out.reverse();
  }
}

export const ROOT_PATH = new PathNode(undefined, undefined);

/** The shared walk of one payload: its objects outside metadata, their paths, and the holders of each key set. */
interface Walk {
  root: object;
  objects: Record<string, unknown>[];
  paths: PathNode[];
  /** By key set (IndexedKeys.id): the indices (into objects, ascending) of the objects with any of its keys. */
  holders: number[][];
}

/**
 * The last payload walked: the rules of one validation share one walk. One slot, not a WeakMap keyed by the
 * payload: V8's young-generation collector keeps a WeakMap's entries alive, so every record of a wave would survive
 * into the old generation (each scavenge copying it) until a full collection. `forgetWalks` (called when a
 * validation's rules are done) lets the payload go.
 */
let walked: Walk | undefined;

/** Drops the shared walk of the last payload (collectRuleFindings calls it when the rules are done). */
export function forgetWalks(): void {
  walked = undefined;
}

/** A rule's set of keys, registered with the shared walk (made by `indexedKeys` when the rule's module loads). */
export interface IndexedKeys {
  readonly id: number;
  readonly keys: ReadonlySet<string>;
}

/** Key -> the ids of the key sets that hold it. */
const SETS_BY_KEY = new Map<string, number[]>();
let keySets = 0;

/**
 * Registers a key set with the shared walk, for `objectsWithAnyKey`: the walk notes, as it passes each object, which
 * sets it holds a key of. Call once, at module load: not per payload.
 */
export function indexedKeys(keys: Iterable<string>): IndexedKeys {
  const set: IndexedKeys = { id: keySets++, keys: new Set(keys) };
  for (const k of set.keys) SETS_BY_KEY.set(k, [...(SETS_BY_KEY.get(k) ?? []), set.id]);
  return set;
}

const NO_WALK: Walk = { root: {}, objects: [], paths: [], holders: [] };
const NO_HOLDERS: readonly number[] = [];

/**
 * Every object of a payload except `metadata` values and what is inside them (the customer's free-form data), in
 * document order (depth-first, an object before what it holds), with its path. Walked once per payload and shared by
 * the rules that read every object (date-order, iban-check): each would otherwise walk the whole document itself.
 */
export function objectsOutsideMetadata(root: unknown): Walk {
  if (root === null || typeof root !== 'object') return NO_WALK;
  if (walked?.root === root) return walked;
  const objects: Record<string, unknown>[] = [];
  const paths: PathNode[] = [];
  const holders: number[][] = [];
  for (let i = 0; i < keySets; i++) holders.push([]);
  // Depth-first in document order, iteratively (documents may nest very deeply), on two parallel stacks: no
  // allocation per container but its path node. An object's keys are read with for-in, not Object.keys: no array of
  // keys per object (a 40 MB account has 120 000 objects), and a third less time.
  const values: unknown[] = [root];
  const nodes: PathNode[] = [ROOT_PATH];
  while (values.length) {
    const value = values.pop();
    const path = nodes.pop()!;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (item !== null && typeof item === 'object') {
          values.push(item);
          nodes.push(new PathNode(path, i));
        }
      }
      continue;
    }
    const holder = typeof path.key === 'number' ? path.parent?.key : path.key;
    if (holder === 'metadata') continue;
    const obj = value as Record<string, unknown>;
    const o = objects.push(obj) - 1;
    paths.push(path);
    const pushed = values.length;
    for (const key in obj) {
      const sets = SETS_BY_KEY.get(key);
      if (sets !== undefined)
        for (let j = 0; j < sets.length; j++) {
          const list = holders[sets[j]];
          if (list[list.length - 1] !== o) list.push(o);
        }
      const child = obj[key];
      if (child !== null && typeof child === 'object') {
        values.push(child);
        nodes.push(new PathNode(path, key));
      }
    }
    // The children went on in key order: turned round, the first key's is taken first.
    for (let a = pushed, b = values.length - 1; a < b; a++, b--) {
      const v = values[a];
      values[a] = values[b];
      values[b] = v;
      const n = nodes[a];
      nodes[a] = nodes[b];
      nodes[b] = n;
    }
  }
  walked = { root, objects, paths, holders };
  return walked;
}

/**
 * The shared walk, and the indices of its objects that have at least one of `keys`, in document order: a rule that
 * looks for a few keys reads only the objects that hold them, not every key of every object.
 */
export function objectsWithAnyKey(
  root: unknown,
  keys: IndexedKeys,
): { objects: Record<string, unknown>[]; paths: PathNode[]; holders: readonly number[] } {
  const walk = objectsOutsideMetadata(root);
  return { objects: walk.objects, paths: walk.paths, holders: walk.holders[keys.id] ?? NO_HOLDERS };
}

/** Visits every number in a value, iteratively. */
export function walkNumbers(root: unknown, visit: (n: number, path: PathNode) => void, base: PathNode = ROOT_PATH): void {
  const stack: Array<{ value: unknown; path: PathNode }> = [{ value: root, path: base }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'number') visit(value, path);
    else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: path.child(i) });
    else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--)
        stack.push({ value: (value as Record<string, unknown>)[keys[i]], path: path.child(keys[i]) });
    }
  }
}

/** The path to a value as parent links (undefined for the root): O(1) to extend, materialised by `pathOf`. */
export interface Trail {
  parent: Trail | undefined;
  key: string | number;
}

export function pathOf(trail: Trail | undefined): JsonPath {
  const out: JsonPath = [];
  for (let t = trail; t; t = t.parent) out.push(t.key);
  return out.reverse();
}

/** The name an object is held under: its property name, or for an array item the array's property name. */
export function holderName(trail: Trail | undefined): string | undefined {
  if (!trail) return undefined;
  if (typeof trail.key === 'string') return trail.key;
  const parent = trail.parent;
  return parent && typeof parent.key === 'string' ? parent.key : undefined;
}

/** Free-form blocks (metadata values, agreement params, event data): no Kraken field lives inside them. */
export const FREE_FORM_KEYS: ReadonlySet<string> = new Set(['metadata', 'params', 'data', 'structured_street_address']);

/**
 * Visits every value (the root with an undefined trail), iteratively and in document order. Children of keys in
 * `skipKeys` are not visited; `visit` returning false skips the value's children.
 */
export function walk(
  root: unknown,
  visit: (value: unknown, trail: Trail | undefined) => boolean | void,
  options: { skipKeys?: ReadonlySet<string> } = {},
): void {
  const stack: Array<{ value: unknown; trail: Trail | undefined }> = [{ value: root, trail: undefined }];
  const skip = options.skipKeys;
  while (stack.length) {
    const { value, trail } = stack.pop()!;
    if (visit(value, trail) === false) continue;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], trail: { parent: trail, key: i } });
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        if (skip?.has(keys[i])) continue;
        stack.push({ value: (value as Record<string, unknown>)[keys[i]], trail: { parent: trail, key: keys[i] } });
      }
    }
  }
}
