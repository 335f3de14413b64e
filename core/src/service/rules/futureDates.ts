import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { certainlyInFuture } from './dateInFuture';
import { absent, dayOf, nextDay, periodsOf, type Period } from './periodDates';
import { isRecord, selectObjects } from './select';
import type { Rule, RuleContext } from './types';

const STARTING = 'Validate that no billable meter points are starting supply in the future';
const ENDING = 'Validate that no meter points are ending supply in the future';
const STATEMENT_END = 'Validate historical statement period end must not be in the future';
const CONFIG = 'Validate that configuration periods start in the past';
const GAPS = 'Validate no gaps in future dated payment schedules';

function today(ctx: RuleContext): string {
  return ctx.now.toISOString().slice(0, 10);
}

function future(v: unknown, ctx: RuleContext): boolean {
  return typeof v === 'string' && certainlyInFuture(v, ctx.now) === true;
}

/** Meter points' supply start and end dates (declared on the account). */
function supplyDates(ctx: RuleContext): void {
  const starting = activation(ctx, [[]], [STARTING], 'future_supply_start_date', undefined);
  const ending = activation(ctx, [[]], [ENDING], 'future_supply_end_date', undefined);
  if (!starting && !ending) return;
  for (const mp of selectObjects(ctx.root, 'supply_addresses[].meter_points[]')) {
    const end = mp.value.supply_end_date;
    if (ending && future(end, ctx)) {
      ctx.report(
        [...mp.path, 'supply_end_date'],
        `This meter point's supply_end_date (${String(end)}) is in the future (today is ${today(ctx)}): Kraken does not take planned supply ends (future_supply_end_date). Leave supply_end_date out until the supply has ended.`,
        { severity: ending.severity, data: findingData(ending, { today: today(ctx) }) },
      );
    }
    // Billable: supply not ended (open-ended, or ending in the future).
    const billable = absent(end) || future(end, ctx);
    const start = mp.value.supply_start_date;
    if (starting && billable && future(start, ctx)) {
      ctx.report(
        [...mp.path, 'supply_start_date'],
        `This billable meter point starts supply in the future (supply_start_date ${String(start)}, today is ${today(ctx)}): Kraken rejects it (future_supply_start_date). Import the meter point once its supply has started.`,
        { severity: starting.severity, data: findingData(starting, { today: today(ctx) }) },
      );
    }
  }
}

/** last_statement_closing_date on the account and its ledgers (declared on the account). */
function statementEnd(ctx: RuleContext): void {
  const a = activation(ctx, [[]], [STATEMENT_END], 'historical_statement_period_end_in_future', undefined);
  if (!a || !isRecord(ctx.root)) return;
  const holders: Array<{ value: Record<string, unknown>; path: JsonPath }> = [{ value: ctx.root, path: [] }];
  // Ledgers the contract describes (Origin AU); GB's account schema has no ledgers, Kraken does not read them there.
  holders.push(...selectObjects(ctx.root, 'ledgers[]').filter((l) => ctx.declared(l.path) !== undefined));
  for (const h of holders) {
    const v = h.value.last_statement_closing_date;
    if (!future(v, ctx)) continue;
    ctx.report(
      [...h.path, 'last_statement_closing_date'],
      `last_statement_closing_date (${String(v)}) is in the future (today is ${today(ctx)}): the historical statement period cannot end after today (historical_statement_period_end_in_future).`,
      { severity: a.severity, data: findingData(a, { today: today(ctx) }) },
    );
  }
}

/** Configuration periods: none starts in the future; the latest is open-ended (declared on the list). */
function configurationPeriods(ctx: RuleContext): void {
  for (const mp of selectObjects(ctx.root, 'supply_addresses[].meter_points[]')) {
    const list = mp.value.configuration_periods;
    if (!Array.isArray(list)) continue;
    const path = [...mp.path, 'configuration_periods'];
    const a = activation(ctx, [path], [CONFIG], 'configuration_period_starts_in_future', undefined);
    if (!a) continue;
    let latest: { index: number; start: string } | undefined;
    let tie = false;
    list.forEach((p, i) => {
      if (!isRecord(p)) return;
      const start = dayOf(p.effective_from_date);
      if (start && (!latest || start > latest.start)) [latest, tie] = [{ index: i, start }, false];
      else if (start && latest && start === latest.start) tie = true;
      if (!future(p.effective_from_date, ctx)) return;
      ctx.report(
        [...path, i, 'effective_from_date'],
        `This configuration period starts in the future (effective_from_date ${String(p.effective_from_date)}, today is ${today(ctx)}): Kraken requires configuration periods to start in the past (configuration_period_starts_in_future).`,
        { severity: a.severity, data: findingData(a, { today: today(ctx) }) },
      );
    });
    const last = latest ? list[latest.index] : undefined;
    if (!latest || tie || !isRecord(last) || absent(last.effective_to_date)) continue;
    const code = 'latest_configuration_period_not_open_ended';
    ctx.report(
      [...path, latest.index, 'effective_to_date'],
      `The latest configuration period (from ${latest.start}) has an effective_to_date (${String(last.effective_to_date)}): Kraken requires the latest period to be open-ended (${code}). Leave its effective_to_date out.`,
      { severity: a.severity, data: a.krakenCode ? { krakenCode: code } : {} },
    );
  }
}

/** Payment schedules (not debt repayment plans) starting in the future follow the one before without a gap, per ledger_code. */
function scheduleGaps(ctx: RuleContext): void {
  const root = ctx.root;
  if (!isRecord(root) || !Array.isArray(root.payment_schedules)) return;
  const a = activation(ctx, [['payment_schedules'], []], [GAPS], 'payment_schedule_date_gaps', undefined);
  if (!a) return;
  const groups = new Map<string, Period[]>();
  for (const p of periodsOf(root.payment_schedules, 'start_date', 'end_date')) {
    if (p.item.is_debt_repayment_plan === true) continue;
    const g = typeof p.item.ledger_code === 'string' ? p.item.ledger_code : '';
    groups.set(g, [...(groups.get(g) ?? []), p]);
  }
  for (const list of groups.values()) {
    list.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1];
      const next = list[i];
      // A gap however Kraken reads end_date (the last day, or the day the schedule stops): more than a day apart.
      if (prev.end === undefined || next.start <= nextDay(prev.end) || !future(next.item.start_date, ctx)) continue;
      ctx.report(
        ['payment_schedules', next.index, 'start_date'],
        `This payment schedule starts in the future (${next.start}) but the one before it (payment_schedules.${prev.index}) ends on ${prev.end}: Kraken rejects gaps before future payment schedules (payment_schedule_date_gaps). Start it when the previous one ends, or extend the previous one.`,
        { severity: a.severity, data: findingData(a, { other: `payment_schedules.${prev.index}` }) },
      );
    }
  }
}

export const futureDates: Rule = {
  code: 'future-dates',
  severity: 'error',
  doc: "Dates Kraken declares must not be in the future, where the contract in force declares the validator (errors with Kraken's code): meter points' supply_end_date (future_supply_end_date) and billable meter points' supply_start_date (future_supply_start_date; billable: no supply_end_date or one in the future), last_statement_closing_date on the account and its ledgers (historical_statement_period_end_in_future; a latest historical transaction in the future is date-in-future's transaction_in_future), configuration periods' effective_from_date (configuration_period_starts_in_future), and the latest configuration period open-ended (latest_configuration_period_not_open_ended); a payment schedule (not a debt repayment plan) starting in the future follows the previous one of its ledger_code without a gap (payment_schedule_date_gaps; only a gap of more than a day, a gap however end_date is read). \"Now\" is the validation's clock; a date counts as future only when it is after today in every time zone (UTC+14), as date-in-future does. Not checked under the bundled schemas.",
  kinds: ['account'],
  appliesTo: [
    'supply_addresses[].meter_points[].supply_start_date',
    'supply_addresses[].meter_points[].supply_end_date',
    '*.last_statement_closing_date',
    'supply_addresses[].meter_points[].configuration_periods[].effective_from_date',
    'payment_schedules[].start_date',
  ],
  implements: [
    { name: STARTING, codes: ['future_supply_start_date'] },
    { name: ENDING, codes: ['future_supply_end_date'] },
    { name: STATEMENT_END, codes: ['historical_statement_period_end_in_future'] },
    { name: CONFIG, codes: ['configuration_period_starts_in_future', 'latest_configuration_period_not_open_ended'] },
    { name: GAPS, codes: ['payment_schedule_date_gaps'] },
  ],
  check(ctx) {
    if (!ctx.underContract) return;
    supplyDates(ctx);
    statementEnd(ctx);
    configurationPeriods(ctx);
    scheduleGaps(ctx);
  },
};
