import { isPlainIsoDate, parseKrakenDate } from '../formats';
import type { JsonPath } from '../types';
import { activation, findingData } from './declared';
import { amountAt } from './decimal';
import { datedTransactions, type DatedTransaction } from './periodDates';
import { isRecord } from './select';
import type { Rule, RuleContext } from './types';

const HIST_AFTER = 'Validate that there are no historical statement transactions after the last statement closing date';
const CURRENT_AFTER = 'Validate that current statement transactions are after the last statement closing date';
const ISSUE_AFTER = 'Validate that the last statement issue date is on or after the last statement closing date';
const BEFORE_BILLED = 'Validate current statement transactions are not before `last_billed_to_date`';
const CLOSING_FOR_BALANCE = 'Validate that a last statement closing date is provided for non-zero last statement balance';
const CLOSING_FOR_HISTORY = 'Historical statement transactions require `last_statement_closing_date` for invoices';

/** A date (`YYYY-MM-DD` for comparing) as parse_date reads it; a date-time's date part. */
function day(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (isPlainIsoDate(v)) return v; // already the day it names
  const d = parseKrakenDate(v.trim()) ?? parseKrakenDate(v.trim().slice(0, 10));
  return d ? `${String(d[0]).padStart(4, '0')}-${String(d[1]).padStart(2, '0')}-${String(d[2]).padStart(2, '0')}` : undefined;
}

/** The transactions of `holder[key]` with their days as this rule reads them (`day`). */
function transactions(holder: Record<string, unknown>, key: string, path: JsonPath): DatedTransaction[] {
  return datedTransactions(holder, key, path, day);
}

function holderChecks(ctx: RuleContext, holder: Record<string, unknown>, path: JsonPath, isAccount: boolean): void {
  const closing = day(holder.last_statement_closing_date);
  if (closing) {
    const hist = activation(ctx, [path], [HIST_AFTER], 'historical_statement_transaction_after_last_statement_closing_date', undefined);
    if (hist) {
      for (const t of transactions(holder, 'historical_statement_transactions', path)) {
        if (t.date > closing) {
          ctx.report(
            t.path,
            `This historical statement transaction (${t.date}) is after last_statement_closing_date (${closing}): Kraken rejects it (historical_statement_transaction_after_last_statement_closing_date). Move it to current_statement_transactions or correct the date.`,
            {
              severity: hist.severity,
              data: findingData(hist, { closing }),
            },
          );
        }
      }
    }
    const cur = activation(ctx, [path], [CURRENT_AFTER], 'current_statement_transaction_before_last_statement_closing_date', undefined);
    if (cur) {
      for (const t of transactions(holder, 'current_statement_transactions', path)) {
        if (t.date < closing) {
          ctx.report(
            t.path,
            `This current statement transaction (${t.date}) is before last_statement_closing_date (${closing}): Kraken rejects it (current_statement_transaction_before_last_statement_closing_date). It belongs in historical_statement_transactions.`,
            {
              severity: cur.severity,
              data: findingData(cur, { closing }),
            },
          );
        }
      }
    }
    const issued = day(holder.last_statement_issue_date);
    const iss = activation(ctx, [path], [ISSUE_AFTER], 'last_statement_issued_before_closing_date', undefined);
    if (iss && issued && issued < closing) {
      ctx.report(
        [...path, 'last_statement_issue_date'],
        `last_statement_issue_date (${issued}) is before last_statement_closing_date (${closing}): a statement cannot be issued before it closes (last_statement_issued_before_closing_date).`,
        {
          severity: iss.severity,
          data: findingData(iss, { closing }),
        },
      );
    }
  } else if (holder.last_statement_closing_date === undefined || holder.last_statement_closing_date === null) {
    const balance = amountAt(ctx, holder.last_statement_balance, [...path, 'last_statement_balance']);
    const a = activation(ctx, [path], [CLOSING_FOR_BALANCE], 'historical_statement_without_last_statement_closing_date', undefined);
    if (a && balance !== undefined && balance !== 0n) {
      ctx.report(
        [...path, 'last_statement_closing_date'],
        `last_statement_closing_date is required when last_statement_balance is not zero (${String(holder.last_statement_balance)}) (historical_statement_without_last_statement_closing_date).`,
        {
          severity: a.severity,
          target: 'owner',
          data: findingData(a, {}),
        },
      );
    }
    const h = activation(
      ctx,
      [path],
      [CLOSING_FOR_HISTORY],
      'historical_statement_transactions_require_last_statement_closing_date',
      undefined,
    );
    if (
      h &&
      Array.isArray(holder.historical_statement_transactions) &&
      holder.historical_statement_transactions.length &&
      !(a && balance !== undefined && balance !== 0n)
    ) {
      ctx.report(
        [...path, 'last_statement_closing_date'],
        `last_statement_closing_date is required when historical_statement_transactions are given (historical_statement_transactions_require_last_statement_closing_date).`,
        {
          severity: h.severity,
          target: 'owner',
          data: findingData(h, {}),
        },
      );
    }
  }
  if (isAccount) {
    const billed = day(holder.last_billed_to_date);
    const b = billed
      ? activation(ctx, [path], [BEFORE_BILLED], 'current_statement_transaction_before_last_billed_to_date', undefined)
      : undefined;
    if (b && billed) {
      const lists = [...transactions(holder, 'current_statement_transactions', path)];
      // Ledgers' transactions too, where the contract's ledger schema declares them (GB ledgers do not: Kraken ignores them there).
      if (Array.isArray(holder.ledgers)) {
        holder.ledgers.forEach((l, i) => {
          if (isRecord(l) && ctx.declared([...path, 'ledgers', i, 'current_statement_transactions']) !== undefined)
            for (const t of transactions(l, 'current_statement_transactions', [...path, 'ledgers', i])) lists.push(t);
        });
      }
      for (const t of lists) {
        if (t.date < billed) {
          ctx.report(
            t.path,
            `This current statement transaction (${t.date}) is before the account's last_billed_to_date (${billed}) (current_statement_transaction_before_last_billed_to_date).`,
            {
              severity: b.severity,
              data: findingData(b, { lastBilledToDate: billed }),
            },
          );
        }
      }
    }
  }
}

export const statementDates: Rule = {
  code: 'statement-dates',
  severity: 'error',
  doc: "Statement dates agree, where the contract in force declares the validators (errors with Kraken's code): no historical statement transaction after last_statement_closing_date, no current statement transaction before it, last_statement_issue_date not before it, no current statement transaction before the account's last_billed_to_date, and last_statement_closing_date given for a non-zero last_statement_balance or with historical transactions. A transaction on the closing date itself is accepted (the contracts do not say which side it falls on); a closing date Kraken would infer from last_billed_to_date is not inferred here. Not checked under the bundled schemas: the seed pages do not state it.",
  kinds: ['account', 'account-v2-create'],
  appliesTo: ['*.transaction_date', '*.last_statement_issue_date', '*.last_statement_closing_date'],
  implements: [
    { name: HIST_AFTER, codes: ['historical_statement_transaction_after_last_statement_closing_date'] },
    { name: CURRENT_AFTER, codes: ['current_statement_transaction_before_last_statement_closing_date'] },
    { name: ISSUE_AFTER, codes: ['last_statement_issued_before_closing_date'] },
    { name: BEFORE_BILLED, codes: ['current_statement_transaction_before_last_billed_to_date'] },
    { name: CLOSING_FOR_BALANCE, codes: ['historical_statement_without_last_statement_closing_date'] },
    { name: CLOSING_FOR_HISTORY, codes: ['historical_statement_transactions_require_last_statement_closing_date'] },
  ],
  check(ctx) {
    if (!ctx.underContract || !isRecord(ctx.root)) return;
    holderChecks(ctx, ctx.root, [], true);
    if (Array.isArray(ctx.root.ledgers)) ctx.root.ledgers.forEach((l, i) => isRecord(l) && holderChecks(ctx, l, ['ledgers', i], false));
  },
};
