import type { JsonPath, Severity } from '../types';
import { dotted, quote } from './messages';
import { isRecord, SelectedField, selectObjects } from './select';
import { idKey, supplyPoints } from './supplyPoints';
import type { Rule, RuleContext } from './types';

interface Occurrence {
  /** The id as compared (trimmed; a number as written). */
  readonly key: string;
  /** Path of the id value. */
  readonly path: JsonPath;
  readonly severity: Severity;
  /** For meters: the melo_number and the supply point (its selection) they are listed under. */
  readonly melo?: string;
  readonly supplyPoint?: object;
}

/** The id as Kraken sees it: strings trimmed (DRF CharField), numbers as written (DRF turns them into text). */
function idOf(ctx: RuleContext, value: unknown, path: JsonPath | (() => JsonPath)): string | undefined {
  if (typeof value === 'string') return idKey(value) || undefined;
  if (typeof value === 'number') return ctx.rawText(typeof path === 'function' ? path() : path) ?? String(value);
  return undefined;
}

/**
 * A transaction's id: its path is made only when it is reported (an account holds tens of thousands of
 * transactions, and their ids are nearly always unique).
 */
class TransactionId implements Occurrence {
  readonly severity = 'error';

  constructor(
    readonly key: string,
    private readonly list: JsonPath,
    private readonly index: number,
  ) {}

  get path(): JsonPath {
    return transactionIdPath(this.list, this.index);
  }
}

/** An id held by a field of a selected object: its path, too, is made only when it is reported. */
class FieldId implements Occurrence {
  constructor(
    readonly key: string,
    private readonly field: SelectedField,
    readonly severity: Severity,
    readonly melo?: string,
    readonly supplyPoint?: object,
  ) {}

  get path(): JsonPath {
    return this.field.path;
  }
}

/** The id in a field, as idOf reads it (the path only for a number, whose text is read). */
function idAt(ctx: RuleContext, field: SelectedField): string | undefined {
  return idOf(ctx, field.value, () => field.path);
}

function transactionIdPath(list: JsonPath, index: number): JsonPath {
  return [...list, index, 'transaction_id'];
}

function reportRepeats(
  ctx: RuleContext,
  occurrences: readonly Occurrence[],
  describe: (o: Occurrence, first: Occurrence) => string,
  allowed: (o: Occurrence, first: Occurrence) => boolean = () => false,
): void {
  const first = new Map<string, Occurrence>();
  for (const o of occurrences) {
    const earlier = first.get(o.key);
    if (!earlier) {
      first.set(o.key, o);
      continue;
    }
    if (allowed(o, earlier)) continue;
    ctx.report(o.path, describe(o, earlier), { severity: o.severity, data: { id: o.key, first: dotted(earlier.path) } });
  }
}

const TRANSACTION_LISTS = new Set(['current_statement_transactions', 'historical_statement_transactions']);

/** transaction_id occurrences in document order: account-level lists and every ledger's lists, as they come. */
function transactionIds(ctx: RuleContext): Occurrence[] {
  const out: Occurrence[] = [];
  const root = ctx.root;
  if (!isRecord(root)) return out;
  const fromList = (list: unknown, path: JsonPath) => {
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) {
      const t: unknown = list[i];
      if (!isRecord(t)) continue;
      const key = idOf(ctx, t.transaction_id, () => transactionIdPath(path, i));
      if (key !== undefined) out.push(new TransactionId(key, path, i));
    }
  };
  if (ctx.kind === 'transactions') {
    fromList(root.transactions, ['transactions']);
    return out;
  }
  for (const key of Object.keys(root)) {
    if (TRANSACTION_LISTS.has(key)) fromList(root[key], [key]);
    else if (key === 'ledgers' && Array.isArray(root.ledgers)) {
      root.ledgers.forEach((ledger, i) => {
        if (!isRecord(ledger)) return;
        for (const lk of Object.keys(ledger)) if (TRANSACTION_LISTS.has(lk)) fromList(ledger[lk], ['ledgers', i, lk]);
      });
    }
  }
  return out;
}

export const uniqueIds: Rule = {
  code: 'unique-ids',
  severity: 'error',
  doc: 'Ids are unique in their scope: transaction_id per payload and GB meter point identifiers per account (errors: Kraken declares duplicate_transaction_ids and duplicate_meter_points_provided); statement_id per payload, meter_number and supply point identifier per account (warnings: no published check).',
  kinds: ['account', 'transactions', 'statements'],
  appliesTo: [
    '*.transaction_id',
    'statements[].statement_id',
    'supply_addresses[].supply_points[].melos[].meters[].meter_number',
    'supply_addresses[].supply_points[].meters[].meter_number',
    'supply_addresses[].supply_points[].identifier',
    'supply_addresses[].meter_points[].identifier',
  ],
  check(ctx) {
    reportRepeats(
      ctx,
      transactionIds(ctx),
      (o, first) =>
        `transaction_id ${quote(o.key)} is used more than once; the first is at ${dotted(first.path)}. Kraken requires transaction ids to be unique within a payload (duplicate_transaction_ids): give each transaction its own id.`,
    );

    const statements: Occurrence[] = [];
    for (const s of selectObjects(ctx.root, 'statements[]')) {
      const field = new SelectedField(s, 'statement_id');
      const key = idAt(ctx, field);
      if (key !== undefined) statements.push(new FieldId(key, field, 'warning'));
    }
    reportRepeats(
      ctx,
      statements,
      (o, first) =>
        `statement_id ${quote(o.key)} is used more than once; the first is at ${dotted(first.path)}. A statement id identifies one statement: give each statement its own id.`,
    );

    if (ctx.kind !== 'account') return;

    // Meter numbers per account (German melos). A metering location (MeLo) can belong to two market locations
    // (consumption and feed-in), so the same meters under the same melo_number in another supply point are fine.
    const meters: Occurrence[] = [];
    for (const sp of selectObjects(ctx.root, 'supply_addresses[].supply_points[]')) {
      for (const melo of selectObjects(sp.value, 'melos[]', sp)) {
        const meloNumber = typeof melo.value.melo_number === 'string' ? melo.value.melo_number : undefined;
        for (const meter of selectObjects(melo.value, 'meters[]', melo)) {
          const field = new SelectedField(meter, 'meter_number');
          const key = idAt(ctx, field);
          if (key !== undefined) meters.push(new FieldId(key, field, 'warning', meloNumber, sp));
        }
      }
      for (const meter of selectObjects(sp.value, 'meters[]', sp)) {
        const field = new SelectedField(meter, 'meter_number');
        const key = idAt(ctx, field);
        if (key !== undefined) meters.push(new FieldId(key, field, 'warning', undefined, sp));
      }
    }
    reportRepeats(
      ctx,
      meters,
      (o, first) =>
        `meter_number ${quote(o.key)} appears on more than one meter of this account; the first is at ${dotted(first.path)}. List each meter once (only a metering location shared by two supply points repeats its meters, under the same melo_number).`,
      (o, first) => o.melo !== undefined && o.melo === first.melo && o.supplyPoint !== first.supplyPoint,
    );

    const points: Occurrence[] = [];
    for (const p of supplyPoints(ctx.root)) {
      const key = idKey(p.identifier);
      if (key === '') continue;
      const severity = p.container === 'meter_points' ? 'error' : 'warning';
      points.push(new FieldId(key, p, severity));
    }
    reportRepeats(ctx, points, (o, first) =>
      o.severity === 'error'
        ? `Meter point ${quote(o.key)} is listed more than once; the first is at ${dotted(first.path)}. Kraken rejects a meter point given twice (duplicate_meter_points_provided): list it once.`
        : `Supply point ${quote(o.key)} is listed more than once; the first is at ${dotted(first.path)}. List each supply point once.`,
    );
  },
};
