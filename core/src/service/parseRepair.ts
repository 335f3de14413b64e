/** Large broken texts: repaired in place (same offsets) until JSON.parse accepts them, each stop a syntax finding. */
import * as jsonc from 'jsonc-parser';
import { type OffsetFinding, SYNTAX_MESSAGES } from './parseFindings';

/**
 * Large broken texts (a document being typed in): jsonc-parser's tolerant tree costs about 50 ms per megabyte,
 * too slow to follow the typing. Above this size the text is repaired instead: where JSON.parse stops, the smallest
 * edit that keeps every offset (a missing comma written in a space, a trailing comma blanked, else the line blanked)
 * is made until JSON.parse accepts it, a few times at most; the repaired text is then checked like strict JSON and
 * each stop is a syntax finding. When that does not work out, the tolerant parse runs as for smaller texts.
 */
export const LARGE_BROKEN_TEXT = 256 << 10;
export const MAX_REPAIRS = 6;

/** JSON.parse's message for an unexpected token: the text around it (dots where it is cut), not its position. */
const SNIPPET = /^Unexpected token .*?, (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/;

/** Where JSON.parse stopped, from its message (V8 gives a position, or a snippet of the text around it). */
function jsonParseStop(message: string, text: string): number | undefined {
  const at = /at position (\d+)/.exec(message);
  if (at) return Math.min(Number(at[1]), text.length);
  if (/end of JSON input/.test(message)) return text.length;
  // `Unexpected token 'x', ..."<up to 10 characters each side>"... is not valid JSON`
  const m = SNIPPET.exec(message);
  if (!m || !m[2]) return undefined;
  const first = text.indexOf(m[2]);
  if (first === -1 || text.indexOf(m[2], first + 1) !== -1) return undefined; // not found once: unknown
  if (m[1]) return first + 10;
  if (m[3]) return first + m[2].length - 10;
  return undefined;
}

function previousNonWsCode(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i--;
  }
  return i;
}

/** The syntax finding for a JSON.parse stop, worded like the tolerant parser's. */
function stopFinding(message: string, at: number, text: string): OffsetFinding {
  const finding = (code: string, start: number, end: number, message: string): OffsetFinding => ({
    code,
    severity: 'error',
    message,
    start,
    end,
  });
  // On the whole token there, as the tolerant parser reports it: a string, a word or number, or one character.
  let end = at + 1;
  if (text[at] === '"') {
    const close = text.indexOf('"', at + 1);
    const eol = text.indexOf('\n', at);
    end = close !== -1 && (eol === -1 || close < eol) ? close + 1 : eol === -1 ? text.length : eol;
  } else if (/[\w.+-]/.test(text[at] ?? '')) {
    while (end < text.length && /[\w.+-]/.test(text[end])) end++;
  }
  const here = (m: string) => finding('syntax-error', at, Math.min(end, text.length), m);
  const prev = previousNonWsCode(text, at);
  const closer = text[at] === '}' || text[at] === ']';
  if (closer && prev >= 0 && text[prev] === ',')
    return finding('trailing-comma', prev, prev + 1, 'Trailing comma: Kraken accepts strict JSON only. Remove this comma.');
  if (at >= text.length)
    return finding(
      'syntax-error',
      Math.max(0, text.length - 1),
      text.length,
      'The text ends before the JSON value does: a closing "}" or "]" is missing.',
    );
  if (text[at] === '/' && (text[at + 1] === '/' || text[at + 1] === '*'))
    return finding('comment', at, at + 2, SYNTAX_MESSAGES[jsonc.ParseErrorCode.InvalidCommentToken]);
  const code = /Expected ',' or '}'|Expected ',' or ']'/.test(message)
    ? jsonc.ParseErrorCode.CommaExpected
    : /Expected ':'/.test(message)
      ? jsonc.ParseErrorCode.ColonExpected
      : /property name/.test(message)
        ? jsonc.ParseErrorCode.PropertyNameExpected
        : /Unterminated string/.test(message)
          ? jsonc.ParseErrorCode.UnexpectedEndOfString
          : /Bad control character/.test(message)
            ? jsonc.ParseErrorCode.InvalidCharacter
            : /Bad Unicode escape/.test(message)
              ? jsonc.ParseErrorCode.InvalidUnicode
              : /Bad escaped character/.test(message)
                ? jsonc.ParseErrorCode.InvalidEscapeCharacter
                : /number|minus sign|Exponent|fractional/i.test(message)
                  ? jsonc.ParseErrorCode.InvalidNumberFormat
                  : /after JSON/.test(message)
                    ? jsonc.ParseErrorCode.EndOfFileExpected
                    : closer
                      ? jsonc.ParseErrorCode.ValueExpected
                      : jsonc.ParseErrorCode.InvalidSymbol;
  return here(SYNTAX_MESSAGES[code]);
}

/**
 * The smallest same-length edit that gets JSON.parse past `at` (and where it starts), or undefined when there is
 * none to try. `inner`: the text is one container of a larger text (see `repairContainer`), so a line to blank must
 * have its line breaks inside it, else undefined.
 */
function repairAt(text: string, message: string, at: number, inner: boolean): { text: string; from: number } | undefined {
  if (at >= text.length) return undefined; // a missing end: nothing to blank
  const prev = previousNonWsCode(text, at);
  // A trailing comma: blank it.
  if ((text[at] === '}' || text[at] === ']') && prev >= 0 && text[prev] === ',')
    return { text: text.slice(0, prev) + ' ' + text.slice(prev + 1), from: prev };
  const commaExpected = /Expected ',' or '[}\]]'/.test(message);
  // A missing comma between two values: write it in the whitespace between them.
  if (commaExpected && prev >= 0 && prev + 1 < at) return { text: text.slice(0, prev + 1) + ',' + text.slice(prev + 2), from: prev + 1 };
  let line = at;
  // `"key": <nothing yet>` and the next property: JSON.parse took the next key for the value and stops at its
  // colon. The property without a value is the one to blank.
  if (commaExpected && text[at] === ':' && text[prev] === '"') {
    let open = text.lastIndexOf('"', prev - 1);
    while (open > 0 && text[open - 1] === '\\') open = text.lastIndexOf('"', open - 1);
    const colon = previousNonWsCode(text, open);
    if (open > 0 && text[colon] === ':') line = colon;
  }
  // Anything else: blank the line (JSON strings cannot span lines, so the rest stays as it was).
  const start = text.lastIndexOf('\n', line - 1) + 1;
  let end = text.indexOf('\n', line);
  // The line reaches outside the container (blanking it would blank a bracket, so the container would not parse:
  // this only saves the attempt).
  if (inner && (start === 0 || end === -1)) return undefined;
  if (end === -1) end = text.length;
  if (text.slice(start, end).trim() === '') return undefined;
  return { text: text.slice(0, start) + text.slice(start, end).replace(/[^\r]/g, ' ') + text.slice(end), from: start };
}

/** A large text JSON.parse rejected, repaired: the text (same offsets), its value, the stops' findings, the repairs. */
export interface Repaired {
  text: string;
  value: unknown;
  findings: OffsetFinding[];
  /** Where each repair starts, in order. */
  repairs: number[];
  /**
   * The repairs whose stop was placed by searching the text for JSON.parse's snippet of it (its message gave no
   * position): where such a stop is found depends on the whole text, so an edit anywhere may move it.
   */
  bySnippet: number[];
}

/** Repairs a large text JSON.parse rejected (see LARGE_BROKEN_TEXT); undefined when a few repairs are not enough. */
export function repairLarge(text: string, error: unknown): Repaired | undefined {
  return repairLoop(text, error, MAX_REPAIRS);
}

/**
 * `repairLarge`'s work on one container of a larger text, as repairLarge on the whole text does it there: the
 * container's text (from its opening to its closing bracket), JSON.parse's error on it, and the whole text around
 * it at that point of the whole repair (`before`: the text before the container, with the repairs made before it;
 * `after`: the text after it, as yet unrepaired). `budget` is how many repairs the whole text may still take.
 *
 * Undefined where the result could differ from the whole text's repair: the container's value ending before its
 * closing bracket (the whole text's parse goes on after it), a stop at its end, a line to blank not within the
 * container's lines, or a stop placed by a snippet of the text (JSON.parse gives no position for an unexpected
 * token) that the whole text's snippet would not place there (the snippet is not unique in the whole text, or the
 * stop is too near the container's brackets to know the whole text's snippet). Then the caller repairs the whole text.
 */
export function repairContainer(
  text: string,
  error: unknown,
  budget: number,
  whole: { before: string; after: string },
): Repaired | undefined {
  return repairLoop(text, error, budget, whole);
}

function repairLoop(text: string, error: unknown, budget: number, whole?: { before: string; after: string }): Repaired | undefined {
  const findings: OffsetFinding[] = [];
  const repairs: number[] = [];
  const bySnippet: number[] = [];
  let current = text;
  for (let attempt = 0; attempt < budget; attempt++) {
    const message = String((error as Error)?.message ?? '');
    const at = jsonParseStop(message, current);
    if (at === undefined) return undefined;
    const snippet = !/at position \d+/.test(message);
    if (whole) {
      // The container's value ended before its closing bracket (a bracket typed in it): the whole text goes on.
      if (/after JSON/.test(message)) return undefined;
      // A stop at the end: the whole text goes on there. (A stop's finding reaches at most to the end of its line or
      // string; one that would reach past the container's end leaves the container unparsable, so it is never used.)
      if (at >= current.length) return undefined;
      if (snippet && !wholeSnippetStops(message, whole.before + current + whole.after, whole.before.length + at)) return undefined;
    }
    // A stop right after an earlier repair (a comma left trailing by a blanked line) is ours, not the user's.
    const prev = previousNonWsCode(current, at);
    if (!repairs.some((r) => r > prev && r <= at)) findings.push(stopFinding(message, at, current));
    const repaired = repairAt(current, message, at, !!whole);
    if (repaired === undefined) return undefined;
    repairs.push(repaired.from);
    if (snippet) bySnippet.push(repaired.from);
    current = repaired.text;
    try {
      return { text: current, value: JSON.parse(current), findings, repairs, bySnippet };
    } catch (next) {
      error = next;
    }
  }
  return undefined;
}

/**
 * Whether JSON.parse's snippet message for a stop at `at` of the whole text `text` places the stop there, as
 * jsonParseStop does it: the message for a part of the text (`partMessage`, cut on both sides), with the whole
 * text's characters around `at` instead (as many each side as the part's message shows).
 */
function wholeSnippetStops(partMessage: string, text: string, at: number): boolean {
  const m = SNIPPET.exec(partMessage);
  if (!m || !m[1] || !m[3] || m[2].length % 2) return false;
  const side = m[2].length / 2;
  if (at < side || at + side > text.length) return false;
  const around = text.slice(at - side, at + side);
  const tail = (snippet: string) => `..."${snippet}"... is not valid JSON`;
  const message = partMessage.slice(0, partMessage.length - tail(m[2]).length) + tail(around);
  return jsonParseStop(message, text) === at;
}

/**
 * The value of a text for the authoring features on large documents: JSON.parse's, or that of the text repaired as
 * for validation (LARGE_BROKEN_TEXT), with the text it was parsed from (same offsets) and the repair's findings.
 * Undefined when neither works.
 */
export function strictOrRepaired(text: string): { text: string; value: unknown } | Repaired | undefined {
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    return repairLarge(text, error);
  }
}
