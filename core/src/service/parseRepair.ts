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
const MAX_REPAIRS = 6;

/** Where JSON.parse stopped, from its message (V8 gives a position, or a snippet of the text around it). */
function jsonParseStop(message: string, text: string): number | undefined {
  const at = /at position (\d+)/.exec(message);
  if (at) return Math.min(Number(at[1]), text.length);
  if (/end of JSON input/.test(message)) return text.length;
  // `Unexpected token 'x', ..."<up to 10 characters each side>"... is not valid JSON`
  const m = /^Unexpected token .*?, (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(message);
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
 * none to try.
 */
function repairAt(text: string, message: string, at: number): { text: string; from: number } | undefined {
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
  if (end === -1) end = text.length;
  if (text.slice(start, end).trim() === '') return undefined;
  return { text: text.slice(0, start) + text.slice(start, end).replace(/[^\r]/g, ' ') + text.slice(end), from: start };
}

/** Repairs a large text JSON.parse rejected (see LARGE_BROKEN_TEXT); undefined when a few repairs are not enough. */
export function repairLarge(text: string, error: unknown): { text: string; value: unknown; findings: OffsetFinding[] } | undefined {
  const findings: OffsetFinding[] = [];
  const repairedAt: number[] = [];
  let current = text;
  for (let attempt = 0; attempt < MAX_REPAIRS; attempt++) {
    const message = String((error as Error)?.message ?? '');
    const at = jsonParseStop(message, current);
    if (at === undefined) return undefined;
    // A stop right after an earlier repair (a comma left trailing by a blanked line) is ours, not the user's.
    const prev = previousNonWsCode(current, at);
    if (!repairedAt.some((r) => r > prev && r <= at)) findings.push(stopFinding(message, at, current));
    const repaired = repairAt(current, message, at);
    if (repaired === undefined) return undefined;
    repairedAt.push(repaired.from);
    current = repaired.text;
    try {
      return { text: current, value: JSON.parse(current), findings };
    } catch (next) {
      error = next;
    }
  }
  return undefined;
}

/**
 * The value of a text for the authoring features on large documents: JSON.parse's, or that of the text repaired as
 * for validation (LARGE_BROKEN_TEXT), with the text it was parsed from (same offsets) and the repair's findings.
 * Undefined when neither works.
 */
export function strictOrRepaired(text: string): { text: string; value: unknown; findings?: OffsetFinding[] } | undefined {
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    return repairLarge(text, error);
  }
}
