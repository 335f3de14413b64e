import { isRecord, selectObjects } from './select';
import type { Rule } from './types';

export const ledgerCodeReference: Rule = {
  code: 'ledger-code-reference',
  severity: 'warning',
  doc: 'ledger_code of a payment instruction or payment schedule names a ledger in ledgers[]. A warning: ledger_code is a Kraken ledger type, and the guide does not say a payload must list every ledger it uses.',
  kinds: ['account'],
  appliesTo: ['payment_instructions[].ledger_code', 'payment_schedules[].ledger_code'],
  check(ctx) {
    if (!isRecord(ctx.root) || !Array.isArray(ctx.root.ledgers)) return;
    const codes = selectObjects(ctx.root, 'ledgers[]')
      .map((l) => l.value.ledger_code)
      .filter((c): c is string => typeof c === 'string');
    for (const list of ['payment_instructions', 'payment_schedules']) {
      for (const selected of selectObjects(ctx.root, `${list}[]`)) {
        const code = selected.value.ledger_code;
        if (typeof code !== 'string' || codes.includes(code)) continue;
        ctx.report(
          [...selected.path, 'ledger_code'],
          `ledger_code "${code}" names no ledger of this account (ledgers: ${codes.length ? codes.join(', ') : 'none'}).`,
          { data: { ledgers: codes } },
        );
      }
    }
  },
};
