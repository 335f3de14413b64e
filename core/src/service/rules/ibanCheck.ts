import { checkIban } from '../identifiers';
import { quote } from './messages';
import type { Rule } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

const KEYS = indexedKeys(['iban']);

export const ibanCheck: Rule = {
  code: 'iban-check',
  severity: 'warning',
  doc: "Every iban (bank_account.iban and any other iban field) has a known country, that country's length and valid mod-97 check digits. A warning: Kraken's schemas accept any string here, and the payment vendor, not the import, decides.",
  kinds: ['account', 'payment-instruction', 'business-payment-instruction'],
  appliesTo: ['*.iban'],
  check(ctx) {
    // The objects outside metadata (not the customer's free-form data) that hold an iban.
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, KEYS);
    for (const o of holders) {
      const value = objects[o].iban;
      if (typeof value !== 'string' || value.trim() === '') continue;
      const result = checkIban(value);
      if (result.valid) continue;
      const path = paths[o];
      // The check digits the algorithm computes are not offered as a fix: the typo may be anywhere.
      const reason =
        result.expected !== undefined
          ? 'its check digits do not match the rest (mod 97-10): a character is mistyped or swapped somewhere'
          : result.reason;
      ctx.report(
        [...path.toPath(), 'iban'],
        `IBAN ${quote(value)} is not valid: ${reason}. Take the IBAN from the customer's bank details again; it is not corrected here.`,
        {
          data: { country: result.country },
        },
      );
    }
  },
};
