import type { JsonPath } from '../types';

export interface Selected<T = unknown> {
  value: T;
  path: JsonPath;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A pattern's steps, parsed once per pattern (the rules select by a handful of constant patterns). */
const STEPS = new Map<string, Array<{ name: string; iterate: boolean }>>();

function stepsOf(pattern: string): Array<{ name: string; iterate: boolean }> {
  let steps = STEPS.get(pattern);
  if (!steps) {
    steps = pattern
      .split('.')
      .map((step) => (step.endsWith('[]') ? { name: step.slice(0, -2), iterate: true } : { name: step, iterate: false }));
    if (STEPS.size < 1000) STEPS.set(pattern, steps);
  }
  return steps;
}

/**
 * A selected value. Its path is made when a rule reads it (most selected values are checked and pass): selecting
 * costs a small object per value and step, not a copy of the path.
 */
class Selection implements Selected {
  private made: JsonPath | undefined;

  /**
   * A selection below `parent` is reached by `key` (a property name), then by `index` into that array when it is
   * not -1: an array item is one object, not one for the array and one for the item. The root has no parent and
   * starts at `base`.
   */
  constructor(
    readonly value: unknown,
    private readonly parent: Selection | undefined,
    private readonly key: string | undefined,
    private readonly index: number,
    private readonly base: Base | undefined,
  ) {}

  get path(): JsonPath {
    if (this.made) return this.made;
    const keys: Array<string | number> = [];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walks up the parent chain from this node
    let n: Selection = this;
    for (; n.parent; n = n.parent) {
      if (n.index !== -1) keys.push(n.index);
      if (n.key !== undefined) keys.push(n.key);
    }
    const path = [...basePath(n.base ?? [])];
    for (let i = keys.length - 1; i >= 0; i--) path.push(keys[i]);
    return (this.made = path);
  }
}

/**
 * Where a selection starts: the path of the value selected from, or the selection that value came from (its path is
 * then made only if one of the new selections' paths is).
 */
type Base = JsonPath | Selected;

function basePath(base: Base): JsonPath {
  return Array.isArray(base) ? base : (base as Selected).path;
}

/**
 * Selects values by a simple pattern: dot-separated property names, `[]` after a name iterates its array
 * (`supply_addresses[].supply_points[].meters[]`). Missing or mistyped steps select nothing: the schema reports them.
 */
export function select(root: unknown, pattern: string, base: Base = []): Selected[] {
  let current: Selection[] = [new Selection(root, undefined, undefined, -1, base)];
  if (!pattern) return current;
  for (const { name, iterate } of stepsOf(pattern)) {
    const next: Selection[] = [];
    for (const s of current) {
      const value = s.value;
      const child = name === '' ? value : isRecord(value) ? value[name] : undefined;
      if (child === undefined) continue;
      const key = name === '' ? undefined : name;
      if (iterate) {
        if (Array.isArray(child)) for (let i = 0; i < child.length; i++) next.push(new Selection(child[i], s, key, i, undefined));
      } else next.push(key === undefined ? s : new Selection(child, s, key, -1, undefined));
    }
    current = next;
  }
  return current;
}

/**
 * A field of a selected object: its value, and its path, made when first read (most fields are checked and pass, and
 * a path per field would cost more than the check).
 */
export class SelectedField<V = unknown> {
  private made: JsonPath | undefined;

  constructor(
    readonly at: Selected<Record<string, unknown>>,
    readonly name: string,
  ) {}

  get value(): V {
    return this.at.value[this.name] as V;
  }

  get path(): JsonPath {
    return (this.made ??= [...this.at.path, this.name]);
  }
}

/** Records only: `select` followed by a filter. */
export function selectObjects(root: unknown, pattern: string, base: Base = []): Selected<Record<string, unknown>>[] {
  return select(root, pattern, base).filter((s): s is Selected<Record<string, unknown>> => isRecord(s.value));
}
