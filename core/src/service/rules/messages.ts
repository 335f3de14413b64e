/** Small helpers for rule messages: values are quoted the same way everywhere. */

/** A string value as it appears in JSON, shortened when long. */
export function quote(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

/** Up to `max` values, quoted and comma-separated, with "and N more" after. */
export function listQuoted(values: readonly string[], max = 5): string {
  if (values.length === 0) return 'none';
  const shown = values
    .slice(0, max)
    .map((v) => quote(v, 40))
    .join(', ');
  return values.length > max ? `${shown} and ${values.length - max} more` : shown;
}

/** A dotted path for messages (`supply_addresses.0.supply_points.1`); "the payload" for the root. */
export function dotted(path: readonly (string | number)[]): string {
  return path.length ? path.join('.') : 'the payload';
}
