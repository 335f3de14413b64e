/**
 * JSON numbers whose text is not what a double-precision reader gets back.
 *
 * Kraken is a Python service: its JSON parser reads integers exactly (any size) and other numbers as doubles,
 * which Django REST Framework turns into text with Python's shortest round-trip form. So
 * - a decimal such as 1.0000000000000000001 arrives as 1.0: the value changes silently;
 * - an integer beyond 2^53 arrives intact at Kraken, but JavaScript and most JSON tools between the file and Kraken
 *   (and this extension's other checks) read it as a nearby double: an identifier can be corrupted on the way.
 * Both are warnings: Kraken accepts the payload either way; the fix is to write the value as a string.
 */
import { PAYLOAD_KINDS } from '../kinds';
import type { Rule } from './types';
import { walkNumbers } from './walk';
import { forEachLongNumber } from '../numberLiterals';

/** A number literal reduced to sign, significant digits and exponent ("-12.50" -> "-125e-1"); zero is "0". */
export function canonicalNumber(text: string): string | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  let digits = (m[2] + fraction).replace(/^0+/, '');
  if (!digits) return '0';
  let exponent = (m[4] ? Number(m[4]) : 0) - fraction.length;
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return `${m[1]}${digits}e${exponent}`;
}

/** Whether a number literal reads back as something else (or is an integer beyond 2^53). */
function lossy(token: string, value: number): boolean {
  if (/^-?\d+$/.test(token)) return !Number.isSafeInteger(value);
  return canonicalNumber(token) !== canonicalNumber(Number.isFinite(value) ? String(value) : 'Infinity');
}

/**
 * The values of the lossy number literals in a JSON text. Returns an empty set for the usual document, which then
 * needs no walk at all.
 */
function lossyValues(text: string): Set<number> {
  const out = new Set<number>();
  forEachLongNumber(text, (token) => {
    const value = Number(token);
    if (!Number.isNaN(value) && lossy(token, value)) out.add(value);
  });
  return out;
}

/** Property names that hold identifiers, for wording only. */
const IDENTIFIER_KEY = /(?:^|_)(?:id|identifier|identifiers|number|code|reference|mpxn|mpan|mprn|iban|serial)$/;

/** Whether the value is held by an identifier-like property (array items: the array's property). */
function isIdentifier(path: readonly (string | number)[]): boolean {
  for (let i = path.length - 1; i >= 0; i--) {
    const k = path[i];
    if (typeof k === 'string') return IDENTIFIER_KEY.test(k);
  }
  return false;
}

export const numberPrecision: Rule = {
  code: 'number-precision',
  severity: 'warning',
  doc: 'A JSON number that a double cannot hold as written: an integer beyond 2^53 (Kraken reads it exactly, but JavaScript tools on the way do not) or a decimal whose value changes when read (Kraken reads 1.0000000000000000001 as 1.0). A warning: Kraken accepts both; write such values as strings. kraken-import does not send a payload whose integer it would write differently (12345678901234567891 as 12345678901234567000).',
  // Every kind: a number is read the same way in any body.
  kinds: PAYLOAD_KINDS.map((k) => k.id),
  check(ctx) {
    if (ctx.numbersExact) return; // the parser saw no literal that could read back differently
    // One pass over the text first: most documents have no lossy literal and need no walk.
    const whole = ctx.rawText([]);
    const suspects = whole === undefined ? undefined : lossyValues(whole);
    if (suspects && suspects.size === 0) return;
    walkNumbers(ctx.root, (value, node) => {
      if (suspects && !suspects.has(value)) return;
      const path = node.toPath();
      const raw = ctx.rawText(path)?.trim();
      if (raw === undefined) return;
      const asString = `write it as the string "${raw}"`;
      const read = Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : '-Infinity';
      if (/^-?\d+$/.test(raw)) {
        if (Number.isSafeInteger(value)) return;
        const identifier = isIdentifier(path);
        const exact = canonicalNumber(raw) === canonicalNumber(read);
        // What kraken-import's own send would write (send/fidelity.ts refuses the payload when it differs).
        const sent = JSON.stringify(value);
        const notSent = sent === raw ? '' : ` kraken-import does not send the payload as it is: it would go out as ${sent}.`;
        ctx.report(
          path,
          (exact
            ? `${raw} is beyond 2^53 (9007199254740991), where JSON numbers stop being exact in JavaScript and many JSON tools: its neighbours read as the same number. Kraken reads integers exactly, but the tools on the way may not: ${asString}.`
            : `${raw} is beyond 2^53 (9007199254740991): JavaScript and many JSON tools read it as ${read}${identifier ? ', a different identifier' : ''}. Kraken reads integers exactly, but the tools on the way do not: ${asString}.`) +
            notSent,
          { data: { raw, read } },
        );
        return;
      }
      if (canonicalNumber(raw) === canonicalNumber(read)) return;
      const identifier = isIdentifier(path);
      ctx.report(
        path,
        `${raw} cannot be held exactly as a JSON number: Kraken (and most JSON tools) read it as ${read}, so the value changes without an error. ${identifier ? 'Identifiers are text: ' : 'If every digit matters, '}${asString}.`,
        { data: { raw, read } },
      );
    });
  },
};
