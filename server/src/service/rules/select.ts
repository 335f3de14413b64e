import type { JsonPath } from '../types';

export interface Selected<T = unknown> {
  value: T;
  path: JsonPath;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Selects values by a simple pattern: dot-separated property names, `[]` after a name iterates its array
 * (`supply_addresses[].supply_points[].meters[]`). Missing or mistyped steps select nothing: the schema reports them.
 */
export function select(root: unknown, pattern: string, base: JsonPath = []): Selected[] {
  let current: Selected[] = [{ value: root, path: base }];
  if (!pattern) return current;
  for (const step of pattern.split('.')) {
    const iterate = step.endsWith('[]');
    const name = iterate ? step.slice(0, -2) : step;
    const next: Selected[] = [];
    for (const { value, path } of current) {
      const child = name === '' ? value : isRecord(value) ? value[name] : undefined;
      const childPath = name === '' ? path : [...path, name];
      if (child === undefined) continue;
      if (iterate) {
        if (Array.isArray(child)) child.forEach((item, i) => next.push({ value: item, path: [...childPath, i] }));
      } else next.push({ value: child, path: childPath });
    }
    current = next;
  }
  return current;
}

/** Records only: `select` followed by a filter. */
export function selectObjects(root: unknown, pattern: string, base: JsonPath = []): Selected<Record<string, unknown>>[] {
  return select(root, pattern, base).filter((s): s is Selected<Record<string, unknown>> => isRecord(s.value));
}
