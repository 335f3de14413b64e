/**
 * The supply points of an account payload, whatever the market calls them: `supply_points[]` (Germany, France),
 * `meter_points[]` (GB: `identifier`; AU: `mpxn`). Several rules need them; they are read with `select`, so a
 * missing or mistyped level selects nothing (the schema reports it).
 */
import type { JsonPath } from '../types';
import { selectObjects } from './select';

export interface SupplyPointRef {
  /** The identifier as written (MaLo-ID, PRM, MPAN, MPRN, NMI …). */
  identifier: string;
  /** Path of the identifier value. */
  path: JsonPath;
  /** Path of the supply point object. */
  owner: JsonPath;
  container: 'supply_points' | 'meter_points';
  value: Record<string, unknown>;
}

/** Every supply point with a string identifier, in document order of the selects. */
export function supplyPoints(root: unknown): SupplyPointRef[] {
  const out: SupplyPointRef[] = [];
  for (const sp of selectObjects(root, 'supply_addresses[].supply_points[]')) {
    const id = sp.value.identifier;
    if (typeof id === 'string')
      out.push({ identifier: id, path: [...sp.path, 'identifier'], owner: sp.path, container: 'supply_points', value: sp.value });
  }
  for (const mp of selectObjects(root, 'supply_addresses[].meter_points[]')) {
    for (const field of ['identifier', 'mpxn']) {
      const id = mp.value[field];
      if (typeof id === 'string') {
        out.push({ identifier: id, path: [...mp.path, field], owner: mp.path, container: 'meter_points', value: mp.value });
        break;
      }
    }
  }
  return out;
}

/** How identifiers are compared: Kraken trims surrounding whitespace from strings (DRF CharField). */
export function idKey(value: string): string {
  return value.trim();
}
