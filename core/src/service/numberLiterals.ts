/**
 * Number literals of a JSON text that could read back differently, found without parsing it: the scan the
 * number-precision rule starts with, and the integers a sender in JavaScript would change (send/fidelity.ts). Not the
 * rules, so that the extension's bundle, which sends, does not carry them.
 */
import { closingQuote } from './jsonScan';

/**
 * Calls `visit` with each number literal of a JSON text that could read back differently: 16 characters or more, or
 * with an exponent (a literal with at most 15 significant digits and no exponent always reads back exactly). One pass
 * over the text, strings skipped.
 */
export function forEachLongNumber(text: string, visit: (token: string) => void): void {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = closingQuote(text, i);
      if (i === -1) return;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) j++;
        else break;
      }
      if (j - i >= 16 || /[eE]/.test(text.slice(i, j))) visit(text.slice(i, j));
      i = j - 1;
    }
  }
}

/**
 * The integer literals of a JSON text that a sender in JavaScript would change: read as a double and written again,
 * 12345678901234567891 goes out as 12345678901234567000, 2^60 (exact as a double) as 1152921504606847000 (the
 * shortest digits that read back as the same double), and 1000000000000000000000 as 1e+21 (a float to Kraken's Python
 * reader), where Kraken would have read the literal exactly. `sent` is what would go out. Decimals are not here:
 * Kraken reads those as doubles too, so sending the double changes nothing it would see.
 */
export function integersChangedBySending(text: string): Array<{ literal: string; sent: string }> {
  const out: Array<{ literal: string; sent: string }> = [];
  forEachLongNumber(text, (token) => {
    if (!/^-?\d+$/.test(token)) return;
    const sent = JSON.stringify(Number(token));
    if (sent !== token.replace(/^(-?)0+(?=\d)/, '$1')) out.push({ literal: token, sent });
  });
  return out;
}
