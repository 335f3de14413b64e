/**
 * Which energy market an account payload is for, read from its shape. Kraken instances are per market, and the
 * payload says so only through market-specific parts (`x-market` in the schemas): GB meter points carry MPANs and
 * MPRNs, German supply points carry 11-digit MaLo-IDs and MeLos, French ones 14-digit PRMs.
 */
import type { JsonPath } from '../types';
import { selectObjects } from './select';

export type Market = 'GB' | 'DE' | 'FR';

export const MALO_SHAPE = /^\d{11}$/;
export const PRM_SHAPE = /^\d{14}$/;

/**
 * GB meter points of one supply type, with their identifier: `supply_addresses[].meter_points[]` that carry an
 * `identifier` (AU meter points carry `mpxn` instead). The one definition the GB identifier rules share.
 */
export function gbMeterPointIdentifiers(root: unknown, supplyType: 'ELECTRICITY' | 'GAS'): Array<{ id: string; path: JsonPath }> {
  const out: Array<{ id: string; path: JsonPath }> = [];
  for (const mp of selectObjects(root, 'supply_addresses[].meter_points[]')) {
    const id = mp.value.identifier;
    if (mp.value.supply_type === supplyType && typeof id === 'string' && mp.value.mpxn === undefined)
      out.push({ id, path: [...mp.path, 'identifier'] });
  }
  return out;
}

/** The market, with the reason; undefined when the payload shows none or more than one. */
export function marketOf(root: unknown): { market: Market; reason: string } | undefined {
  const found = new Map<Market, string>();
  for (const mp of selectObjects(root, 'supply_addresses[].meter_points[]')) {
    if (typeof mp.value.identifier === 'string' && mp.value.mpxn === undefined) found.set('GB', 'the payload has GB meter points');
  }
  for (const sp of selectObjects(root, 'supply_addresses[].supply_points[]')) {
    const id = typeof sp.value.identifier === 'string' ? sp.value.identifier.trim() : '';
    if (Array.isArray(sp.value.melos) || MALO_SHAPE.test(id)) found.set('DE', 'the supply points are German (MaLo-IDs, MeLos)');
    else if (PRM_SHAPE.test(id)) found.set('FR', 'the supply points are French (14-digit PRMs)');
  }
  if (found.size !== 1) return undefined;
  const [market, reason] = [...found][0]!;
  return { market, reason };
}

/**
 * Whether a value is `digits` digits written with separators (spaces, dots, dashes, slashes) between them, e.g. a
 * MaLo-ID copied as "502 038 297 15". Surrounding whitespace does not count: Kraken trims it.
 */
export function digitsWithSeparators(value: string, digits: number): boolean {
  const v = value.trim();
  return /^\d[\d .\-/]*\d$/.test(v) && /[ .\-/]/.test(v) && v.replace(/\D/g, '').length === digits;
}
