/**
 * "Provided" as the contracts' validators use it, read conservatively: present, not null, and not empty (an empty
 * string, array or object). A check that fires on "provided" values stays silent on empty ones, where Kraken's
 * reading is not documented.
 */
export function provided(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.trim() !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}
