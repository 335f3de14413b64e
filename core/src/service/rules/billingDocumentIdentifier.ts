/**
 * Kraken's "Validate historical statement transaction billing document identifier": the historical statement
 * transactions carry one and the same billing_document_identifier.
 */
import { activation, findingData } from './declared';
import { quote } from './messages';
import { isRecord, selectObjects } from './select';
import type { JsonPath } from '../types';
import type { Rule, RuleContext } from './types';

const VALIDATOR = 'Validate historical statement transaction billing document identifier';
const CODE = 'historical_statement_billing_document_identifier_mismatch';

/** Every given identifier of one list must equal the first one given. */
function checkList(ctx: RuleContext, list: unknown, listPath: JsonPath, accountPath: JsonPath): void {
  if (!Array.isArray(list)) return;
  let first: { id: string; index: number } | undefined;
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (!isRecord(t) || typeof t.billing_document_identifier !== 'string') continue;
    const id = t.billing_document_identifier.trim();
    if (id === '') continue;
    if (!first) {
      first = { id, index: i };
      continue;
    }
    if (id === first.id) continue;
    const a = activation(ctx, [accountPath], [VALIDATOR], CODE, undefined);
    if (!a) return;
    ctx.report(
      [...listPath, i, 'billing_document_identifier'],
      `billing_document_identifier ${quote(id)} differs from ${quote(first.id)} on ${listPath.join('.')}.${first.index}: Kraken requires the same billing document identifier on all historical statement transactions (${CODE}). Use one identifier for them all.`,
      { severity: a.severity, data: findingData(a, { expected: first.id }) },
    );
  }
}

export const billingDocumentIdentifier: Rule = {
  code: 'billing-document-identifier',
  severity: 'error',
  doc: "The historical statement transactions of a list (the account's historical_statement_transactions, each ledger's) carry the same billing_document_identifier where they carry one. Error with Kraken's code where the contract declares the validator on the account. Doubt: whether Kraken compares across the account's and the ledgers' lists is not said, so each list is compared on its own; a missing identifier is the presence validator's business (it depends on a feature flag). Not checked under the bundled schemas.",
  kinds: ['account'],
  appliesTo: [
    'historical_statement_transactions[].billing_document_identifier',
    'ledgers[].historical_statement_transactions[].billing_document_identifier',
  ],
  implements: [{ name: VALIDATOR, codes: [CODE] }],
  check(ctx) {
    if (!ctx.underContract || !isRecord(ctx.root)) return;
    checkList(ctx, ctx.root.historical_statement_transactions, ['historical_statement_transactions'], []);
    for (const l of selectObjects(ctx.root, 'ledgers[]')) {
      checkList(ctx, l.value.historical_statement_transactions, [...l.path, 'historical_statement_transactions'], []);
    }
  },
};
