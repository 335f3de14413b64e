import { dotted, listQuoted, quote } from './messages';
import { selectObjects, type Selected } from './select';
import { idKey } from './supplyPoints';
import type { Rule } from './types';

/** The meter numbers of one supply point: `melos[].meters[]` and, where a payload has them, `meters[]`. */
function meterNumbers(supplyPoint: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const pattern of ['melos[].meters[]', 'meters[]']) {
    for (const meter of selectObjects(supplyPoint, pattern)) {
      const n = meter.value.meter_number;
      if (typeof n === 'string') out.push(n);
    }
  }
  return out;
}

export const transferReadingMeter: Rule = {
  code: 'transfer-reading-meter',
  severity: 'warning',
  doc: "A supply point's transfer_readings[].meter_number names a meter of the same supply point (melos[].meters[] or meters[]). A warning: the German contract that would say how Kraken treats an unknown meter is not public; a supply point that lists no meters is not checked.",
  kinds: ['account'],
  appliesTo: ['supply_addresses[].supply_points[].transfer_readings[].meter_number'],
  check(ctx) {
    const points = selectObjects(ctx.root, 'supply_addresses[].supply_points[]').map((sp) => ({
      at: sp,
      identifier: sp.value.identifier,
      meters: meterNumbers(sp.value),
      readings: selectObjects(sp.value, 'transfer_readings[]', sp),
    }));
    // Where each meter number is, to say so when a reading names a meter of another supply point.
    const meterHome = new Map<string, { at: Selected; identifier: unknown }>();
    for (const p of points) for (const m of p.meters) if (!meterHome.has(idKey(m))) meterHome.set(idKey(m), p);

    for (const p of points) {
      if (p.meters.length === 0) continue;
      const own = new Set(p.meters.map(idKey));
      for (const reading of p.readings) {
        const n = reading.value.meter_number;
        if (typeof n !== 'string' || own.has(idKey(n))) continue;
        const elsewhere = meterHome.get(idKey(n));
        const where = elsewhere
          ? ` It is a meter of another supply point${typeof elsewhere.identifier === 'string' ? ` (${quote(elsewhere.identifier)}, ${dotted(elsewhere.at.path)})` : ` (${dotted(elsewhere.at.path)})`}: move the reading there or correct the number.`
          : ' Correct the number or add the meter under melos[].meters[].';
        ctx.report(
          [...reading.path, 'meter_number'],
          `Transfer reading for meter ${quote(n)}, which is not a meter of this supply point (its meters: ${listQuoted(p.meters)}).${where}`,
          { data: { meterNumber: n, meters: p.meters } },
        );
      }
    }
  },
};
