import { validatorKey } from '../contract/validators';
import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { datedTransactions, dayOf, nextDay, type DatedTransaction } from './periodDates';
import { isRecord } from './select';
import type { Rule, RuleContext } from './types';

const AFTER_HISTORICAL = 'Validate current statement transactions are after historical statement transactions';
const AFTER_HISTORICAL_CODE = 'historical_statement_transaction_after_current_statement_transaction';
const OPENING = 'Validate that current statement transactions are not before the current statement opening date';
const OPENING_CODE = 'current_statement_transaction_before_current_statement_opening_date';
/** statement-dates reports a current transaction before the closing date where this is declared on the holder. */
const CURRENT_AFTER_CLOSING = 'Validate that current statement transactions are after the last statement closing date';

/** A prepay or vend transaction (by its type or reason): exempt from the opening-date check. */
function prepayOrVend(t: DatedTransaction): boolean {
  return /PREPAY|VEND/.test(`${String(t.item.type ?? '')} ${String(t.item.reason ?? '')}`.toUpperCase());
}

function holderChecks(ctx: RuleContext, holder: Record<string, unknown>, path: JsonPath): void {
  const current = datedTransactions(holder, 'current_statement_transactions', path);
  if (!current.length) return;
  const after = activation(ctx, [path], [AFTER_HISTORICAL], AFTER_HISTORICAL_CODE, undefined);
  if (after) {
    const earliest = current.reduce((m, t) => (t.date < m.date ? t : m));
    for (const h of datedTransactions(holder, 'historical_statement_transactions', path)) {
      if (h.date <= earliest.date) continue;
      ctx.report(
        h.path,
        `This historical statement transaction (${h.date}) is after a current statement transaction (${earliest.path.join('.')}, ${earliest.date}): Kraken requires every current statement transaction to be dated after the historical ones${after.krakenCode ? ` (${AFTER_HISTORICAL_CODE})` : ''}.`,
        { severity: after.severity, data: findingData(after, { currentTransaction: earliest.path.join('.') }) },
      );
    }
  }
  const closing = dayOf(holder.last_statement_closing_date);
  const opening = closing ? activation(ctx, [[]], [OPENING], OPENING_CODE, undefined) : undefined;
  if (!opening || !closing) return;
  const opens = nextDay(closing);
  // A transaction before the closing date is statement-dates' finding where the holder declares that check.
  const closingChecked = ctx.declared(path)?.names.has(validatorKey(CURRENT_AFTER_CLOSING)) === true;
  for (const t of current) {
    if (t.date >= opens || (closingChecked && t.date < closing) || prepayOrVend(t)) continue;
    ctx.report(
      t.path,
      `This current statement transaction (${t.date}) is before the current statement opens (${opens}, the day after last_statement_closing_date ${closing}): Kraken rejects it${opening.krakenCode ? ` (${OPENING_CODE})` : ''}. It belongs in historical_statement_transactions, or the closing date is wrong.`,
      { severity: opening.severity, data: findingData(opening, { openingDate: opens }) },
    );
  }
}

export const statementOrder: Rule = {
  code: 'statement-order',
  severity: 'error',
  doc: "Where the contract in force declares the validators (errors with Kraken's code): no historical statement transaction is dated after a current statement transaction of the same account or ledger, as the account's or ledger's schema declares it (historical_statement_transaction_after_current_statement_transaction; the same day is left to Kraken), and no current statement transaction is before the current statement opening date, the day after that account's or ledger's last_statement_closing_date (current_statement_transaction_before_current_statement_opening_date; prepay and vend transactions are exempt, as GB's text says; the opening date Kraken derives from last_billed_to_date when no closing date is given is not derived here). Not checked under the bundled schemas.",
  kinds: ['account'],
  appliesTo: ['*.current_statement_transactions[].transaction_date', '*.historical_statement_transactions[].transaction_date'],
  implements: [
    { name: AFTER_HISTORICAL, codes: [AFTER_HISTORICAL_CODE] },
    { name: OPENING, codes: [OPENING_CODE] },
  ],
  check(ctx) {
    if (!ctx.underContract || !isRecord(ctx.root)) return;
    holderChecks(ctx, ctx.root, []);
    // Ledgers the contract describes (Origin AU); GB's account schema has no ledgers, Kraken does not read them there.
    if (Array.isArray(ctx.root.ledgers))
      ctx.root.ledgers.forEach((l, i) => isRecord(l) && ctx.declared(['ledgers', i]) !== undefined && holderChecks(ctx, l, ['ledgers', i]));
  },
};
