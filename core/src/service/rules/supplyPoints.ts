/**
 * The supply points of an account payload, whatever the market calls them: `supply_points[]` (Germany, France),
 * `meter_points[]` (GB: `identifier`; AU: `mpxn`). Several rules need them; they are read with `select`, so a
 * missing or mistyped level selects nothing (the schema reports it).
 */
import type { JsonPath } from '../types';
import { selectObjects, type Selected } from './select';

/** A supply point with a string identifier; its paths are made when read (most supply points are never reported). */
export class SupplyPointRef {
  constructor(
    /** The identifier as written (MaLo-ID, PRM, MPAN, MPRN, NMI …). */
    readonly identifier: string,
    /** The supply point object, selected. */
    readonly at: Selected<Record<string, unknown>>,
    /** The field that holds the identifier. */
    readonly field: string,
    readonly container: 'supply_points' | 'meter_points',
  ) {}

  get value(): Record<string, unknown> {
    return this.at.value;
  }

  /** Path of the identifier value. */
  get path(): JsonPath {
    return [...this.at.path, this.field];
  }

  /** Path of the supply point object. */
  get owner(): JsonPath {
    return this.at.path;
  }
}

/** Every supply point with a string identifier, in document order of the selects. */
export function supplyPoints(root: unknown): SupplyPointRef[] {
  const out: SupplyPointRef[] = [];
  for (const sp of selectObjects(root, 'supply_addresses[].supply_points[]')) {
    if (typeof sp.value.identifier === 'string') out.push(new SupplyPointRef(sp.value.identifier, sp, 'identifier', 'supply_points'));
  }
  for (const mp of selectObjects(root, 'supply_addresses[].meter_points[]')) {
    for (const field of ['identifier', 'mpxn']) {
      const id = mp.value[field];
      if (typeof id === 'string') {
        out.push(new SupplyPointRef(id, mp, field, 'meter_points'));
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
