/**
 * Syntax findings, the way Kraken parses (strict JSON): jsonc-parser's errors in plain words, leading-zero numbers,
 * comments and trailing commas; and duplicate keys (which JSON.parse silently drops).
 */
import * as jsonc from 'jsonc-parser';
import type { LineIndex } from './text';
import type { Severity } from './types';

export interface OffsetFinding {
  code: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  data?: Record<string, unknown>;
}

const MAX_SYNTAX_FINDINGS = 50;

/** Finds duplicate keys with their offsets (only called when the cheap count says there are some). */
export function findDuplicateKeys(text: string, lines: LineIndex): OffsetFinding[] {
  const findings: OffsetFinding[] = [];
  const stack: Array<Map<string, { offset: number; length: number }[]>> = [];
  jsonc.visit(
    text,
    {
      onObjectBegin: () => {
        stack.push(new Map());
      },
      onObjectEnd: () => {
        const keys = stack.pop();
        if (!keys) return;
        for (const [key, occurrences] of keys) {
          if (occurrences.length < 2) continue;
          const last = occurrences[occurrences.length - 1];
          const lastLine = lines.positionAt(last.offset).line + 1;
          for (const occ of occurrences.slice(0, -1)) {
            findings.push({
              code: 'duplicate-key',
              severity: 'warning',
              message: `Duplicate key "${key}": Kraken keeps only the last value (line ${lastLine}); this one is ignored. Remove one of them.`,
              start: occ.offset,
              end: occ.offset + occ.length,
              data: { key },
            });
          }
        }
      },
      onObjectProperty: (property, offset, length) => {
        const keys = stack[stack.length - 1];
        if (!keys) return;
        const list = keys.get(property);
        if (list) list.push({ offset, length });
        else keys.set(property, [{ offset, length }]);
      },
    },
    { disallowComments: false, allowTrailingComma: true },
  );
  return findings;
}

export const SYNTAX_MESSAGES: Record<number, string> = {
  [jsonc.ParseErrorCode.InvalidSymbol]: 'Unexpected character: this is not valid JSON here.',
  [jsonc.ParseErrorCode.InvalidNumberFormat]: 'Invalid number: JSON numbers have no leading zeros, plus signs or trailing dots.',
  [jsonc.ParseErrorCode.PropertyNameExpected]: 'Expected a property name in double quotes.',
  [jsonc.ParseErrorCode.ValueExpected]: 'Expected a value (a string, number, object, array, true, false or null).',
  [jsonc.ParseErrorCode.ColonExpected]: 'Expected ":" after the property name.',
  [jsonc.ParseErrorCode.CommaExpected]: 'Expected a comma between these values.',
  [jsonc.ParseErrorCode.CloseBraceExpected]: 'Expected "}" to close the object.',
  [jsonc.ParseErrorCode.CloseBracketExpected]: 'Expected "]" to close the array.',
  [jsonc.ParseErrorCode.EndOfFileExpected]: 'Unexpected content after the end of the JSON value: a payload is exactly one JSON object.',
  [jsonc.ParseErrorCode.InvalidCommentToken]: 'Comments are not allowed: Kraken accepts strict JSON only. Remove the comment.',
  [jsonc.ParseErrorCode.UnexpectedEndOfComment]: 'Unterminated comment (and comments are not allowed in JSON).',
  [jsonc.ParseErrorCode.UnexpectedEndOfString]: 'Unterminated string: add the closing double quote.',
  [jsonc.ParseErrorCode.UnexpectedEndOfNumber]: 'Unterminated number.',
  [jsonc.ParseErrorCode.InvalidUnicode]: 'Invalid \\u escape: it needs four hexadecimal digits.',
  [jsonc.ParseErrorCode.InvalidEscapeCharacter]: 'Invalid escape: JSON allows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX only.',
  [jsonc.ParseErrorCode.InvalidCharacter]: 'Control characters must be escaped inside strings (for example \\n or \\t).',
};

function previousNonWs(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return i;
}

/**
 * Number literals with leading zeros (`007`, `-01.5`) outside strings. They are not JSON (Kraken's parser rejects
 * the document), jsonc-parser reads them as several numbers with misleading errors, and as a number an identifier's
 * leading zeros would be lost anyway: one finding says so instead. At most MAX_SYNTAX_FINDINGS.
 */
export function leadingZeroNumbers(text: string): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  // Strings are matched too (and skipped), so digits inside them do not count; like jsonc-parser, a string ends at a line break.
  const re = /"(?:[^"\\\r\n]|\\.)*"?|-?0\d[\d.eE+-]*/g;
  for (let m = re.exec(text); m && found.length < MAX_SYNTAX_FINDINGS; m = re.exec(text)) {
    if (m[0].charCodeAt(0) === 34) continue;
    const before = m.index > 0 ? text[m.index - 1] : ' ';
    if (/[\w.+-]/.test(before)) continue; // inside another token: 100, 1.007, 1e007
    found.push({ start: m.index, end: m.index + m[0].length });
  }
  return found;
}

export function leadingZeroFinding(text: string, at: { start: number; end: number }): OffsetFinding {
  const literal = text.slice(at.start, at.end);
  return {
    code: 'leading-zero',
    severity: 'error',
    message: `${literal} is not a JSON number: numbers cannot start with 0, and Kraken rejects the whole document. An identifier or code keeps its zeros only as text: write the string "${literal}" (as a number its leading zeros would be lost).`,
    start: at.start,
    end: at.end,
    data: { literal, suggestion: literal },
  };
}

export function syntaxFindings(text: string, errors: jsonc.ParseError[]): { findings: OffsetFinding[]; broken: boolean } {
  const findings: OffsetFinding[] = [];
  let broken = false;
  for (const e of errors) {
    if (findings.length >= MAX_SYNTAX_FINDINGS) {
      findings.push({
        code: 'syntax-error',
        severity: 'error',
        message: `${errors.length - MAX_SYNTAX_FINDINGS} more syntax errors not shown.`,
        start: e.offset,
        end: e.offset + Math.max(1, e.length),
      });
      broken = true;
      break;
    }
    const closing = text[e.offset];
    const prev = previousNonWs(text, e.offset);
    if (
      (e.error === jsonc.ParseErrorCode.PropertyNameExpected || e.error === jsonc.ParseErrorCode.ValueExpected) &&
      (closing === '}' || closing === ']') &&
      prev >= 0 &&
      text[prev] === ','
    ) {
      findings.push({
        code: 'trailing-comma',
        severity: 'error',
        message: 'Trailing comma: Kraken accepts strict JSON only. Remove this comma.',
        start: prev,
        end: prev + 1,
      });
      continue;
    }
    if (e.error === jsonc.ParseErrorCode.InvalidCommentToken) {
      findings.push({ code: 'comment', severity: 'error', message: SYNTAX_MESSAGES[e.error], start: e.offset, end: e.offset + e.length });
      continue;
    }
    broken = true;
    findings.push({
      code: 'syntax-error',
      severity: 'error',
      message: SYNTAX_MESSAGES[e.error] ?? 'Invalid JSON.',
      start: e.offset,
      end: e.offset + Math.max(1, e.length),
    });
  }
  return { findings, broken };
}
