/**
 * The supply points of an account payload, whatever the market calls them: `supply_points[]` (Germany, France),
 * `meter_points[]` (GB: `identifier`; AU: `mpxn`). Several rules need them; they are read with `select`, so a
 * missing or mistyped level selects nothing (the schema reports it).
 */
import { SelectedField, selectObjects, type Selected } from './select';

/** A supply point's identifier field (a string); its path is made when read (most supply points are never reported). */
export class SupplyPointRef extends SelectedField<string> {
  constructor(
    at: Selected<Record<string, unknown>>,
    field: string,
    readonly container: 'supply_points' | 'meter_points',
  ) {
    super(at, field);
  }

  /** The identifier as written (MaLo-ID, PRM, MPAN, MPRN, NMI …). */
  get identifier(): string {
    return this.value;
  }
}

/** Every supply point with a string identifier, in document order of the selects. */
export function supplyPoints(root: unknown): SupplyPointRef[] {
  const out: SupplyPointRef[] = [];
  for (const sp of selectObjects(root, 'supply_addresses[].supply_points[]')) {
    if (typeof sp.value.identifier === 'string') out.push(new SupplyPointRef(sp, 'identifier', 'supply_points'));
  }
  for (const mp of selectObjects(root, 'supply_addresses[].meter_points[]')) {
    const field = ['identifier', 'mpxn'].find((f) => typeof mp.value[f] === 'string');
    if (field) out.push(new SupplyPointRef(mp, field, 'meter_points'));
  }
  return out;
}

/** How identifiers are compared: Kraken trims surrounding whitespace from strings (DRF CharField). */
export function idKey(value: string): string {
  return value.trim();
}
