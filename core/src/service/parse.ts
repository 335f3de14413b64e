/**
 * Parsing, the way Kraken parses: strict JSON. The fast path is JSON.parse (the floor of what any validator can
 * cost); only when it fails does jsonc-parser build a tolerant tree to place syntax errors exactly and to keep
 * validating a document that is being typed.
 */
import * as jsonc from 'jsonc-parser';
import { LineIndex } from './text';
import { type Locator, ScanLocator, TreeLocator } from './locate';
import type { Severity } from './types';

export interface OffsetFinding {
  code: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  data?: Record<string, unknown>;
}

export interface ParsedDocument {
  text: string;
  /** The parsed value: strict when `strict`, jsonc-parser's best effort otherwise; undefined when nothing parsed. */
  value: unknown;
  /** JSON.parse accepted the text as it is. */
  strict: boolean;
  /** Syntax errors, comments, trailing commas, duplicate keys, nesting depth: already placed by offset. */
  findings: OffsetFinding[];
  /** The text has syntax errors beyond comments and trailing commas (it is unfinished or broken). */
  broken: boolean;
  lines: LineIndex;
  locator: Locator;
  /**
   * Strict text only: true when every number literal in it reads back exactly as a double (at most 15 significant
   * digits, no exponent), so checks of number literals against their values can be skipped. Undefined when not
   * known (broken text, or numbers inside arrays, which the cheap check does not see).
   */
  numbersExact?: boolean;
}

/** Python's json module (Kraken's parser) gives up at its recursion limit of about 1000 levels. */
export const MAX_KRAKEN_DEPTH = 990;
/** jsonc-parser recurses per level; beyond this we do not build a tolerant tree. */
const MAX_TREE_DEPTH = 1000;
const MAX_SYNTAX_FINDINGS = 50;

interface Structure {
  colons: number;
  maxDepth: number;
  maxDepthAt: number;
}

/** One pass over the text outside strings: counts colons (one per property) and the deepest nesting. */
function scanStructure(text: string): Structure {
  let colons = 0;
  let depth = 0;
  let maxDepth = 0;
  let maxDepthAt = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // skip the string
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) {
          i = n;
          break;
        }
        let k = q - 1;
        let bs = 0;
        while (text.charCodeAt(k) === 92) {
          bs++;
          k--;
        }
        if ((bs & 1) === 0) {
          i = q;
          break;
        }
        j = q + 1;
      }
    } else if (c === 58) colons++;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) {
        maxDepth = depth;
        maxDepthAt = i;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return { colons, maxDepth, maxDepthAt };
}

interface ValueShape {
  /** Own keys of all objects (a duplicate key in the text counts once: JSON.parse keeps the last). */
  keys: number;
  /** Nesting of containers, the root container being 1 (as the bracket depth of the text). */
  maxDepth: number;
  /** Numbers held directly by arrays (their literals are not next to a colon). */
  arrayNumbers: number;
}

/** Counts keys, nesting and array-held numbers of a parsed value, iteratively (documents may nest very deeply). */
function valueShape(value: unknown): ValueShape {
  let keys = 0;
  let maxDepth = 0;
  let arrayNumbers = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length) {
    const v = stack.pop();
    const depth = depths.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) maxDepth = depth;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (item !== null && typeof item === 'object') {
          stack.push(item);
          depths.push(depth + 1);
        } else if (typeof item === 'number') arrayNumbers++;
      }
    } else {
      for (const k in v) {
        keys++;
        const child = (v as Record<string, unknown>)[k];
        if (child !== null && typeof child === 'object') {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return { keys, maxDepth, arrayNumbers };
}

/**
 * For strict JSON text: the colons that follow a closing quote (property separators), found with indexOf, not a
 * character scan. Every key is followed by one; the only other colons counted are those opening a string value
 * (`": x"`), so the count is at least the number of keys in the text, and equals the parsed value's key count only
 * when no key was dropped as a duplicate. Also tells whether a number literal after a colon could be inexact.
 */
function keyColons(text: string): { colons: number; longNumbers: boolean } {
  let colons = 0;
  let longNumbers = false;
  const n = text.length;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    let j = i - 1;
    let c = text.charCodeAt(j);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(--j);
    if (c !== 34) continue;
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === 92) backslashes++;
    if (backslashes & 1) continue;
    colons++;
    // The value: a number literal with more than 15 characters or an exponent may not read back as written.
    let k = i + 1;
    let d = text.charCodeAt(k);
    while (d === 32 || d === 10 || d === 13 || d === 9) d = text.charCodeAt(++k);
    if (d === 45 || (d >= 48 && d <= 57)) {
      const start = k;
      while (k < n && (((d = text.charCodeAt(k)) >= 48 && d <= 57) || d === 45 || d === 43 || d === 46)) k++;
      if (k - start > 15 || d === 101 || d === 69) longNumbers = true;
    }
  }
  return { colons, longNumbers };
}

/** Finds duplicate keys with their offsets (only called when the cheap count says there are some). */
function findDuplicateKeys(text: string, lines: LineIndex): OffsetFinding[] {
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

const SYNTAX_MESSAGES: Record<number, string> = {
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
function leadingZeroNumbers(text: string): Array<{ start: number; end: number }> {
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

function leadingZeroFinding(text: string, at: { start: number; end: number }): OffsetFinding {
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

function syntaxFindings(text: string, errors: jsonc.ParseError[]): { findings: OffsetFinding[]; broken: boolean } {
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

/**
 * jsonc-parser parses, visits and builds values recursively: one stack frame (or a few) per nesting level. Its
 * error recovery sees a different nesting than the depth scan above (an unterminated string ends at the line break
 * for jsonc-parser but runs on for the scan; a stray "]" inside an array is skipped, not a close), so the scan is
 * only the fast pre-check. This runs jsonc-parser and turns a stack overflow into `undefined`, never a throw.
 */
export function withinStack<T>(fn: () => T): { value: T } | undefined {
  try {
    return { value: fn() };
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) return undefined;
    throw error;
  }
}

/** jsonc-parser's tolerant tree and (unless not wanted) its value; undefined when the text nests too deeply to build one. */
export function tolerantTree(
  text: string,
  errors: jsonc.ParseError[],
  options: jsonc.ParseOptions,
  withValue = true,
): { tree: jsonc.Node | undefined; value: unknown } | undefined {
  const found: jsonc.ParseError[] = [];
  const built = withinStack(() => {
    const tree = jsonc.parseTree(text, found, options);
    return { tree, value: tree && withValue ? jsonc.getNodeValue(tree) : undefined };
  });
  if (built) for (const e of found) errors.push(e); // not push(...found): a spread of a million arguments throws
  return built?.value;
}

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
function repairLarge(text: string, error: unknown): { text: string; value: unknown; findings: OffsetFinding[] } | undefined {
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
 * for validation (LARGE_BROKEN_TEXT), with the text it was parsed from (same offsets). Undefined when neither works.
 */
export function strictOrRepaired(text: string): { text: string; value: unknown } | undefined {
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    const repaired = repairLarge(text, error);
    return repaired ? { text: repaired.text, value: repaired.value } : undefined;
  }
}

function jsonParseErrorOffset(error: unknown, text: string): number {
  const m = /position (\d+)/.exec(String((error as Error)?.message ?? ''));
  return m ? Math.min(Number(m[1]), text.length) : 0;
}

export function parseDocument(text: string): ParsedDocument {
  const lines = new LineIndex(text);
  const findings: OffsetFinding[] = [];

  if (text.charCodeAt(0) === 0xfeff) {
    findings.push({
      code: 'bom',
      severity: 'error',
      message:
        'The file starts with a byte order mark (BOM). Kraken reads the body as plain UTF-8 and rejects it: save the file as UTF-8 without BOM.',
      start: 0,
      end: 1,
    });
    text = ' ' + text.slice(1); // keep offsets; analyse the rest
  }

  if (text.trim() === '')
    return { text, value: undefined, strict: false, findings, broken: false, lines, locator: new TreeLocator(undefined, text.length) };

  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    findings.push({
      code: 'binary',
      severity: 'error',
      message: 'This file contains NUL bytes: it is binary data, not a JSON payload.',
      start: nul,
      end: nul + 1,
    });
    return { text, value: undefined, strict: false, findings, broken: true, lines, locator: new TreeLocator(undefined, text.length) };
  }

  const tooDeep = (structure: Structure): void => {
    findings.push({
      code: 'too-deep',
      severity: 'error',
      message: `Nesting is ${structure.maxDepth} levels deep. Kraken's JSON parser stops at about ${MAX_KRAKEN_DEPTH} levels; no payload needs more than a few dozen.`,
      start: structure.maxDepthAt,
      end: structure.maxDepthAt + 1,
    });
  };

  let value: unknown;
  let strict = true;
  let parseError: unknown;
  const noTree = (): ParsedDocument => {
    const at = jsonParseErrorOffset(parseError, text);
    findings.push({
      code: 'syntax-error',
      severity: 'error',
      message: `Invalid JSON: ${(parseError as Error).message}`,
      start: at,
      end: at + 1,
    });
    return { text, value: undefined, strict, findings, broken: true, lines, locator: new TreeLocator(undefined, text.length) };
  };
  try {
    value = JSON.parse(text);
  } catch (error) {
    strict = false;
    parseError = error;
  }

  // The fast path costs JSON.parse, a walk of the value and an indexOf pass over the colons; the character scan
  // (scanStructure) runs only to place a too-deep finding. `parsedText` is the text or its repair (same offsets).
  const checkStrict = (parsedText: string, parsedValue: unknown, broken: boolean): ParsedDocument => {
    const shape = valueShape(parsedValue);
    if (shape.maxDepth > MAX_KRAKEN_DEPTH) tooDeep(scanStructure(parsedText));
    const colons = keyColons(parsedText);
    if (shape.maxDepth <= MAX_TREE_DEPTH && colons.colons !== shape.keys)
      for (const f of findDuplicateKeys(parsedText, lines)) findings.push(f);
    const numbersExact = !colons.longNumbers && shape.arrayNumbers === 0 ? true : undefined;
    return { text, value: parsedValue, strict, findings, broken, lines, locator: new ScanLocator(parsedText, parsedValue), numbersExact };
  };
  if (strict) return checkStrict(text, value, false);

  if (text.length >= LARGE_BROKEN_TEXT) {
    const repaired = repairLarge(text, parseError);
    if (repaired) {
      for (const f of repaired.findings) findings.push(f);
      return checkStrict(repaired.text, repaired.value, true);
    }
  }

  const structure = scanStructure(text);
  if (structure.maxDepth > MAX_KRAKEN_DEPTH) tooDeep(structure);
  if (structure.maxDepth > MAX_TREE_DEPTH) return noTree();

  const errors: jsonc.ParseError[] = [];
  const built = tolerantTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  const duplicates = built && withinStack(() => findDuplicateKeys(text, lines));
  if (!built || !duplicates) return noTree(); // nested too deeply for the tolerant parser: JSON.parse's reason only
  const tree = built.tree;
  // jsonc-parser may report the same place twice (e.g. a trailing comma as two errors): keep one per offset.
  // Its errors in and right after a leading-zero number are that number's: one finding for it instead.
  const zeros = leadingZeroNumbers(text);
  const inZeros = (offset: number) => zeros.some((z) => offset >= z.start && offset <= z.end);
  const syntax = syntaxFindings(
    text,
    errors.filter((e, i) => (i === 0 || e.offset !== errors[i - 1].offset) && !inZeros(e.offset)),
  );
  for (const z of zeros) findings.push(leadingZeroFinding(text, z));
  findings.push(...syntax.findings);
  if (errors.length === 0) {
    // JSON.parse refused what jsonc-parser accepts (e.g. a lone surrogate escape): report JSON.parse's reason.
    findings.push({ code: 'syntax-error', severity: 'error', message: 'Invalid JSON.', start: 0, end: 1 });
  }
  for (const f of duplicates.value) findings.push(f);
  value = built.value;
  return { text, value, strict, findings, broken: syntax.broken, lines, locator: new TreeLocator(tree, text.length) };
}
