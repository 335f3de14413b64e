/**
 * Scanning JSON text without parsing it, for the passes that read only what lies outside strings (parseShape.ts,
 * numberLiterals.ts). No imports: the extension's bundle carries numberLiterals.ts.
 */

/** The offset of the quote that closes the string whose opening quote is at `open` (one not escaped), or -1. */
export function closingQuote(text: string, open: number): number {
  for (let from = open + 1; ;) {
    const q = text.indexOf('"', from);
    if (q === -1) return -1;
    let k = q - 1;
    while (text.charCodeAt(k) === 92) k--;
    if ((q - 1 - k) % 2 === 0) return q;
    from = q + 1;
  }
}
