import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { dotted, quote } from './messages';
import { isRecord } from './select';
import type { Rule, RuleContext } from './types';

const READING_ROUTE = 'Validate one reading route';

/** "All or none": a list whose items either all give `ledger_code` or none does. */
const LEDGER_CODE_LISTS: ReadonlyArray<{ list: string; validator: string; code: string; noun: string }> = [
  {
    list: 'payment_instructions',
    validator: 'Validate uniformity of ledger code in payment instructions',
    code: 'payment_instructions_ledger_code_uniformity_failed',
    noun: 'payment instruction',
  },
  {
    list: 'payment_schedules',
    validator: 'Validate uniformity of ledger code in payment schedules',
    code: 'payment_schedules_ledger_code_uniformity_failed',
    noun: 'payment schedule',
  },
];

/**
 * Items without a ledger_code key while others give a non-empty one. An empty or null ledger_code is neither: whether
 * Kraken counts it as given is not published, so such items are not reported.
 */
function ledgerCodeUniformity(ctx: RuleContext, root: Record<string, unknown>): void {
  for (const t of LEDGER_CODE_LISTS) {
    const items = root[t.list];
    if (!Array.isArray(items) || items.length < 2) continue;
    const withCode = items.findIndex((s) => isRecord(s) && typeof s.ledger_code === 'string' && s.ledger_code.trim() !== '');
    if (withCode < 0) continue;
    const a = activation(ctx, [[t.list]], [t.validator], t.code, undefined);
    if (!a) continue;
    const code = (items[withCode] as Record<string, unknown>).ledger_code as string;
    items.forEach((s, i) => {
      if (!isRecord(s) || s.ledger_code !== undefined) return;
      ctx.report(
        [t.list, i],
        `This ${t.noun} has no ledger_code, but ${t.list}.${withCode} has one (${quote(code)}): Kraken requires either every ${t.noun} to give a ledger_code or none. Add the ledger_code here.`,
        { severity: a.severity, target: 'owner', data: findingData(a, { other: `${t.list}.${withCode}` }) },
      );
    });
  }
}

/** Every reading_route of the account's supply addresses: on meter points (embedded water) and on meters (embedded gas). */
function readingRoutes(root: Record<string, unknown>): Array<{ value: string; path: JsonPath }> {
  const out: Array<{ value: string; path: JsonPath }> = [];
  const take = (holder: Record<string, unknown>, path: JsonPath) => {
    const v = holder.reading_route;
    if (typeof v === 'string' && v.trim()) out.push({ value: v.trim(), path: [...path, 'reading_route'] });
  };
  const addresses = Array.isArray(root.supply_addresses) ? root.supply_addresses : [];
  addresses.forEach((s, i) => {
    if (!isRecord(s) || !Array.isArray(s.meter_points)) return;
    s.meter_points.forEach((mp, j) => {
      if (!isRecord(mp)) return;
      const mpPath = ['supply_addresses', i, 'meter_points', j];
      take(mp, mpPath);
      if (Array.isArray(mp.meters)) mp.meters.forEach((m, k) => isRecord(m) && take(m, [...mpPath, 'meters', k]));
    });
  });
  return out;
}

/** Reading routes compared leniently (case and inner spacing ignored): only a difference Kraken cannot overlook is reported. */
function sameRoute(a: string, b: string): boolean {
  const norm = (v: string) => v.replace(/\s+/g, ' ').toUpperCase();
  return norm(a) === norm(b);
}

export const uniformValues: Rule = {
  code: 'uniform-values',
  severity: 'error',
  doc: "Values Kraken declares must agree across the account: every reading_route (embedded gas meters, embedded water meter points) is the same; payment instructions, and payment schedules, either all give a ledger_code or none does. Reading routes are compared leniently (case and spacing ignored: Kraken's comparison is not published, so only a certain difference is reported); an empty or null ledger_code is not counted either way (Kraken's reading is not published), only items without the key are reported. Errors with Kraken's code where the contract in force declares the validator; not checked under the bundled schemas (the seed pages do not state these checks; the seed account gives a ledger_code on every instruction and schedule).",
  kinds: ['account', 'account-v2-create'],
  appliesTo: [
    'supply_addresses[].meter_points[].reading_route',
    'supply_addresses[].meter_points[].meters[].reading_route',
    'payment_instructions[]',
    'payment_schedules[]',
  ],
  implements: [
    { name: READING_ROUTE, codes: ['reading_route_values_should_match'] },
    ...LEDGER_CODE_LISTS.map((t) => ({ name: t.validator, codes: [t.code] })),
  ],
  check(ctx) {
    if (!ctx.underContract) return;
    const root = ctx.root;
    if (!isRecord(root)) return;
    ledgerCodeUniformity(ctx, root);
    const routes = readingRoutes(root);
    if (routes.length < 2) return;
    const a = activation(ctx, [['supply_addresses']], [READING_ROUTE], 'reading_route_values_should_match', undefined);
    if (!a) return;
    const first = routes[0];
    for (const r of routes.slice(1)) {
      if (sameRoute(r.value, first.value)) continue;
      ctx.report(
        r.path,
        `reading_route ${quote(r.value)} differs from ${quote(first.value)} at ${dotted(first.path)}: Kraken requires every reading route of the account to match.`,
        { severity: a.severity, data: findingData(a, { first: dotted(first.path) }) },
      );
    }
  },
};
