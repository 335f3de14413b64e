import type { Severity } from '../types';
import { activation, findingData } from './declared';
import { isPlainDay } from './periodDates';
import { isRecord } from './select';
import type { Rule } from './types';

const OVERLAP = 'Validate that payment schedules do not overlap within each ledger_code group';
const SAME_START = 'Validate that payment schedules within each ledger_code group do not start on the same date';
const OPEN_ENDED = 'Validate that only one open-ended payment schedule is allowed within each ledger_code group';

interface Schedule {
  index: number;
  start: string;
  /** Undefined: open-ended. */
  end?: string;
}

function day(v: unknown): string | undefined {
  const s = typeof v === 'string' ? v.trim() : undefined;
  return isPlainDay(s) ? s : undefined;
}

export const paymentSchedules: Rule = {
  code: 'payment-schedule-overlap',
  severity: 'error',
  doc: "Within each ledger_code group, payment schedules that are not debt repayment plans do not start on the same date, do not overlap, and at most one is open-ended (Kraken: payment_schedule_date_overlaps, multiple_open_ended_payment_schedules). Errors where the contract in force declares the validators on payment_schedules. Two schedules overlap when one starts before the other ends; a schedule ending on the day the next starts does not overlap (Kraken's end dates are read as the day the schedule stops). Under the bundled schemas: warnings (the seed pages do not state the checks).",
  kinds: ['account', 'account-v2-create'],
  appliesTo: ['payment_schedules[].start_date', 'payment_schedules[].end_date'],
  implements: [
    { name: OVERLAP, codes: ['payment_schedule_date_overlaps'] },
    { name: SAME_START, codes: ['payment_schedule_date_overlaps'] },
    { name: OPEN_ENDED, codes: ['multiple_open_ended_payment_schedules'] },
  ],
  check(ctx) {
    const root = ctx.root;
    if (!isRecord(root) || !Array.isArray(root.payment_schedules)) return;
    const at = [['payment_schedules'], []];
    const bundled: Severity = 'warning';
    const overlap = activation(ctx, at, [OVERLAP], 'payment_schedule_date_overlaps', bundled);
    const sameStart = activation(ctx, at, [SAME_START], 'payment_schedule_date_overlaps', bundled);
    const openEnded = activation(ctx, at, [OPEN_ENDED], 'multiple_open_ended_payment_schedules', bundled);
    if (!overlap && !sameStart && !openEnded) return;
    const groups = new Map<string, Schedule[]>();
    root.payment_schedules.forEach((s, index) => {
      if (!isRecord(s) || s.is_debt_repayment_plan === true) return;
      const start = day(s.start_date);
      if (!start) return;
      const endRaw = s.end_date;
      const end = endRaw === undefined || endRaw === null ? undefined : day(endRaw);
      if (endRaw !== undefined && endRaw !== null && !end) return; // unreadable end: the schema reports it
      const group = typeof s.ledger_code === 'string' ? s.ledger_code : '';
      groups.set(group, [...(groups.get(group) ?? []), { index, start, end }]);
    });
    for (const [group, list] of groups) {
      const label = group ? `ledger ${group}` : 'schedules without a ledger_code';
      const reported = new Set<number>();
      for (let j = 0; j < list.length; j++) {
        const b = list[j];
        for (let i = 0; i < j; i++) {
          const a = list[i];
          if (sameStart && a.start === b.start) {
            ctx.report(
              ['payment_schedules', b.index, 'start_date'],
              `This payment schedule starts on ${b.start}, as payment_schedules.${a.index} does (${label}): Kraken rejects two schedules of a ledger starting on the same date${sameStart.krakenCode ? ` (${sameStart.krakenCode})` : ''}.`,
              {
                severity: sameStart.severity,
                data: findingData(sameStart, { other: `payment_schedules.${a.index}` }),
              },
            );
            reported.add(b.index);
            break;
          }
          const overlaps = (a.end === undefined || b.start < a.end) && (b.end === undefined || a.start < b.end);
          if (overlap && overlaps && a.start !== b.start) {
            ctx.report(
              ['payment_schedules', b.index, 'start_date'],
              `This payment schedule (${b.start} to ${b.end ?? 'open-ended'}) overlaps payment_schedules.${a.index} (${a.start} to ${a.end ?? 'open-ended'}) in ${label}${overlap.krakenCode ? ` (Kraken: ${overlap.krakenCode})` : ''}.`,
              {
                severity: overlap.severity,
                data: findingData(overlap, { other: `payment_schedules.${a.index}` }),
              },
            );
            reported.add(b.index);
            break;
          }
        }
      }
      if (openEnded) {
        const open = list.filter((s) => s.end === undefined);
        for (const s of open.slice(1)) {
          ctx.report(
            ['payment_schedules', s.index],
            `A second open-ended payment schedule in ${label} (payment_schedules.${open[0].index} has no end_date either): Kraken allows one per ledger${openEnded.krakenCode ? ` (${openEnded.krakenCode})` : ''}. Give all but the latest an end_date.`,
            {
              severity: openEnded.severity,
              target: 'owner',
              data: findingData(openEnded, { other: `payment_schedules.${open[0].index}` }),
            },
          );
        }
      }
    }
  },
};
