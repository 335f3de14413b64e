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

/**
 * Visits every object (not array) in a value, iteratively, depth-first in document order.
 * `visit` returning false skips the object's children.
 */
export function walkObjects(
  root: unknown,
  visit: (obj: Record<string, unknown>, path: PathNode) => boolean | void,
  base: PathNode = ROOT_PATH,
): void {
  const stack: Array<{ value: unknown; path: PathNode }> = [{ value: root, path: base }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item = value[i];
        if (item !== null && typeof item === 'object') stack.push({ value: item, path: path.child(i) });
      }
      continue;
    }
    const obj = value as Record<string, unknown>;
    if (visit(obj, path) === false) continue;
    const keys = Object.keys(obj);
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = obj[keys[i]];
      if (child !== null && typeof child === 'object') stack.push({ value: child, path: path.child(keys[i]) });
    }
  }
}

/**
 * The last payload walked and its objects: the rules of one validation share one walk. One slot, not a WeakMap keyed
 * by the payload: V8's young-generation collector keeps a WeakMap's entries alive, so every record of a wave would
 * survive into the old generation (each scavenge copying it) until a full collection. `forgetWalks` (called when a
 * validation's rules are done) lets the payload go.
 */
let walked: { root: object; objects: Record<string, unknown>[]; paths: PathNode[] } | undefined;

/** Drops the shared walk of the last payload (collectRuleFindings calls it when the rules are done). */
export function forgetWalks(): void {
  walked = undefined;
}

/**
 * Every object of a payload except `metadata` values and what is inside them (the customer's free-form data), in
 * walkObjects order, with its path. Walked once per payload and shared by the rules that read every object
 * (date-order, iban-check): each would otherwise walk the whole document itself.
 */
export function objectsOutsideMetadata(root: unknown): { objects: Record<string, unknown>[]; paths: PathNode[] } {
  if (root === null || typeof root !== 'object') return { objects: [], paths: [] };
  if (walked?.root === root) return walked;
  const objects: Record<string, unknown>[] = [];
  const paths: PathNode[] = [];
  walkObjects(root, (obj, path) => {
    const holder = typeof path.key === 'number' ? path.parent?.key : path.key;
    if (holder === 'metadata') return false;
    objects.push(obj);
    paths.push(path);
  });
  walked = { root, objects, paths };
  return walked;
}

/** Whether an object has at least one of `keys` (the cheap pre-filter of the table-driven rules). */
export function hasAnyKey(obj: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const k in obj) if (keys.has(k)) return true;
  return false;
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
