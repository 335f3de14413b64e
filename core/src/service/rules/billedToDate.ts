import type { JsonPath } from '../types';
import { activation, findingData, type Activation } from './declared';
import { absent, dayOf, nextDay } from './periodDates';
import { isRecord, selectObjects } from './select';
import type { Rule, RuleContext } from './types';

const TRANSFER = 'Validate all transfer reading dates match last billed to date';
const TRANSFER_CODE = 'transfer_reading_dates_must_match_last_billed_to_date';
const VEND = 'Validate prepay transfer vend read dates match last billed to date';
const VEND_CODE = 'transfer_vend_read_date_must_match_last_billed_to_date';
const BILLED = 'Validate that there are no billed readings after the `last_billed_to_date`';
const BILLED_CODE = 'billed_reading_after_last_billed_to_date';

const COVER = 'Validate that agreements cover the last billed to date';
const COVER_CODE = 'no_agreement_covering_last_billed_to_date';

/**
 * Each supply point in supply on its last billed to date has an agreement covering that date. Which date (the
 * account's or the supply point's) is not said: a point is flagged only when no agreement covers any of them, and
 * only when its supply started on or before, and had not ended before, each of them.
 */
function agreementsCover(ctx: RuleContext, a: Activation, account: string | undefined): void {
  for (const point of selectObjects(ctx.root, 'supply_addresses[].meter_points[]')) {
    const dates = [...new Set([dayOf(point.value.last_billed_to_date), account].filter((d): d is string => !!d))];
    const start = dayOf(point.value.supply_start_date);
    const end = absent(point.value.supply_end_date) ? undefined : dayOf(point.value.supply_end_date);
    if (!dates.length || !start || (!end && !absent(point.value.supply_end_date))) continue;
    if (dates.some((d) => d < start || (end !== undefined && end < d))) continue;
    const agreements = Array.isArray(point.value.agreements) ? point.value.agreements.filter(isRecord) : [];
    // An agreement whose dates cannot be read (a format error of their own) may be the one that covers it.
    if (agreements.some((ag) => !dayOf(ag.effective_from) || (!absent(ag.effective_to) && !dayOf(ag.effective_to)))) continue;
    const covers = (d: string) =>
      agreements.some((ag) => {
        const from = dayOf(ag.effective_from);
        const to = absent(ag.effective_to) ? undefined : dayOf(ag.effective_to);
        return !!from && from <= d && (absent(ag.effective_to) || (!!to && to >= d));
      });
    if (dates.some(covers)) continue;
    ctx.report(
      [...point.path, 'agreements'],
      `No agreement of this supply point covers the last billed to date (${dates.join(' or ')}): Kraken requires one${a.krakenCode ? ` (Kraken: ${COVER_CODE})` : ''}. Add the agreement in force on that date.`,
      {
        severity: a.severity,
        target: point.value.agreements === undefined ? 'owner' : 'value',
        data: findingData(a, { lastBilledToDate: dates }),
      },
    );
  }
}

/**
 * Billed readings after the last billed to date. GB's text compares with the register's (electricity) or the gas
 * meter's date, AU's with the supply point's: a reading is flagged only when both kinds are given and it is after
 * every one of them, which both texts reject.
 */
function billedReadings(ctx: RuleContext, a: Activation): void {
  for (const point of selectObjects(ctx.root, 'supply_addresses[].meter_points[]')) {
    const pointDate = dayOf(point.value.last_billed_to_date);
    if (!pointDate || !Array.isArray(point.value.meters)) continue;
    point.value.meters.forEach((meter, m) => {
      if (!isRecord(meter) || !Array.isArray(meter.reading_history)) return;
      meter.reading_history.forEach((r, i) => {
        if (!isRecord(r) || r.billed !== true) return;
        const date = dayOf(r.reading_date);
        const own = candidates(undefined, meter, r.register_id);
        if (!date || !own.length || [pointDate, ...own].some((d) => date <= d)) return;
        const latest = [pointDate, ...own].sort().pop()!;
        ctx.report(
          [...point.path, 'meters', m, 'reading_history', i, 'reading_date'],
          `This billed reading (${date}) is after the last billed to date (${latest}): a reading after it cannot have been billed${a.krakenCode ? ` (Kraken: ${BILLED_CODE})` : ''}. Mark it billed: false, or correct last_billed_to_date.`,
          { severity: a.severity, data: findingData(a, { lastBilledToDate: latest }) },
        );
      });
    });
  }
}

/** The last billed to dates that may apply to a meter's reading: its register's (by register_id), the meter's, the account's. */
function candidates(account: string | undefined, meter: Record<string, unknown>, registerId: unknown): string[] {
  const out: string[] = [];
  if (Array.isArray(meter.registers)) {
    for (const r of meter.registers) {
      if (!isRecord(r)) continue;
      const d = dayOf(r.last_billed_to_date);
      // A reading without register_id: any register's date may be the one Kraken takes.
      if (d && (registerId === undefined || registerId === null || r.register_id === registerId)) out.push(d);
    }
  }
  const m = dayOf(meter.last_billed_to_date);
  if (m) out.push(m);
  if (account) out.push(account);
  return out;
}

function mismatch(ctx: RuleContext, a: Activation, path: JsonPath, date: string, dates: string[], code: string, what: string): void {
  const list = [...new Set(dates)].join(' or ');
  ctx.report(
    path,
    `${what} is dated ${date}, but the last billed to date that applies is ${list}: Kraken requires them to match${a.krakenCode ? ` (${code})` : ''}. Date the reading on the last billed to date, or correct last_billed_to_date.`,
    { severity: a.severity, data: findingData(a, { lastBilledToDate: [...new Set(dates)] }) },
  );
}

export const billedToDate: Rule = {
  code: 'billed-to-date',
  severity: 'error',
  doc: "Transfer readings are dated on the last billed to date (transfer_reading_dates_must_match_last_billed_to_date), and a prepay meter's transfer_vend_read_date is the day before it, as the field's description says (transfer_vend_read_date_must_match_last_billed_to_date; prepay_details_on_fully_billed_meter is not checked: not described), where the contract in force declares the validator (errors with Kraken's code). The date that applies is the register's or meter's last_billed_to_date, else the account's; flagged only when the reading matches none of those given (which level wins when several are given is not checked). No billed reading (reading_history, billed: true) after the last billed to date (billed_reading_after_last_billed_to_date): GB's text compares with the register's or gas meter's date, AU's with the supply point's, so a reading is flagged only when the supply point's and the register's or meter's dates are both given and it is after all of them. No billed reading (reading_history, billed: true) after the last billed to date (billed_reading_after_last_billed_to_date): GB's text compares with the register's or gas meter's date, AU's with the supply point's, so a reading is flagged only when the supply point's and the register's or meter's dates are both given and it is after all of them. Each supply point in supply on the last billed to date has an agreement covering it (no_agreement_covering_last_billed_to_date, GB): the account's and the supply point's dates both count, an agreement's effective_to is read as its last day, and a point is flagged only when no agreement covers any of them. Not checked under the bundled schemas.",
  kinds: ['account'],
  appliesTo: ['supply_addresses[].meter_points[].meters[].transfer_readings[].reading_date', '*.prepay_details.transfer_vend_read_date'],
  implements: [
    { name: TRANSFER, codes: [TRANSFER_CODE] },
    { name: VEND, codes: [VEND_CODE] },
    { name: BILLED, codes: [BILLED_CODE] },
    { name: COVER, codes: [COVER_CODE] },
  ],
  check(ctx) {
    if (!ctx.underContract || !isRecord(ctx.root)) return;
    const transfer = activation(ctx, [['supply_addresses'], []], [TRANSFER], TRANSFER_CODE, undefined);
    const vend = activation(ctx, [[]], [VEND], VEND_CODE, undefined);
    const billed = activation(ctx, [['supply_addresses'], []], [BILLED], BILLED_CODE, undefined);
    if (billed) billedReadings(ctx, billed);
    const cover = activation(ctx, [[]], [COVER], COVER_CODE, undefined);
    if (cover) agreementsCover(ctx, cover, dayOf(ctx.root.last_billed_to_date));
    if (!transfer && !vend) return;
    const account = dayOf(ctx.root.last_billed_to_date);
    for (const meter of selectObjects(ctx.root, 'supply_addresses[].meter_points[].meters[]')) {
      if (transfer && Array.isArray(meter.value.transfer_readings)) {
        meter.value.transfer_readings.forEach((r, i) => {
          if (!isRecord(r)) return;
          const date = dayOf(r.reading_date);
          const dates = candidates(account, meter.value, r.register_id);
          if (!date || !dates.length || dates.includes(date)) return;
          mismatch(
            ctx,
            transfer,
            [...meter.path, 'transfer_readings', i, 'reading_date'],
            date,
            dates,
            TRANSFER_CODE,
            'This transfer reading',
          );
        });
      }
      const prepay = meter.value.prepay_details;
      if (vend && isRecord(prepay) && meter.value.is_prepay !== false) {
        // The field's own description: the vend read is taken the day before last_billed_to_date (billing runs as of midnight).
        const date = dayOf(prepay.transfer_vend_read_date);
        const dates = candidates(account, meter.value, undefined);
        if (!date || !dates.length || dates.includes(nextDay(date))) continue;
        const list = [...new Set(dates)].join(' or ');
        ctx.report(
          [...meter.path, 'prepay_details', 'transfer_vend_read_date'],
          `The transfer vend read is dated ${date}; it must be the day before the last billed to date that applies (${list})${vend.krakenCode ? ` (Kraken: ${VEND_CODE})` : ''}.`,
          { severity: vend.severity, data: findingData(vend, { lastBilledToDate: [...new Set(dates)] }) },
        );
      }
    }
  },
};
