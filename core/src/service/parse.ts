/**
 * Parsing, the way Kraken parses: strict JSON. The fast path is JSON.parse (the floor of what any validator can
 * cost); only when it fails does jsonc-parser build a tolerant tree to place syntax errors exactly and to keep
 * validating a document that is being typed.
 */
import type * as jsonc from 'jsonc-parser';
import { LineIndex } from './text';
import { type Locator, ScanLocator, TreeLocator } from './locate';
import { MAX_KRAKEN_DEPTH, MAX_TREE_DEPTH, scanStructure, type Structure, textShape, type TextShape } from './parseShape';
import { findDuplicateKeys, leadingZeroFinding, leadingZeroNumbers, type OffsetFinding, syntaxFindings } from './parseFindings';
import { tolerantTree, withinStack } from './parseTolerant';
import { LARGE_BROKEN_TEXT, repairLarge } from './parseRepair';
import { LARGE_AUTHORING_TEXT, rememberRepairedText, fromLastRead, rememberShape, rememberStrictText } from './largeDocument';

export { MAX_KRAKEN_DEPTH } from './parseShape';
export type { OffsetFinding } from './parseFindings';
export { tolerantTree, withinStack } from './parseTolerant';
export { LARGE_BROKEN_TEXT, strictOrRepaired } from './parseRepair';

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

function jsonParseErrorOffset(error: unknown, text: string): number {
  const m = /position (\d+)/.exec(String((error as Error)?.message ?? ''));
  return m ? Math.min(Number(m[1]), text.length) : 0;
}

export function parseDocument(text: string): ParsedDocument {
  // A large text that is an edit of the last one read (typing): its value from that one's, parsing only the container
  // that holds the edit (largeDocument.ts), and its line index shifted; the checks below are the same.
  const large = text.length >= LARGE_AUTHORING_TEXT && text.charCodeAt(0) !== 0xfeff;
  // A large broken text that completion or hover has just repaired: the same repair, not done again.
  const last = large ? fromLastRead(text) : undefined;
  const lines = last?.lines ?? new LineIndex(text);
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
    if (last) {
      value = last.value;
      strict = !last.repairFindings;
    } else {
      value = JSON.parse(text);
      if (large) rememberStrictText(text, value, lines);
    }
  } catch (error) {
    strict = false;
    parseError = error;
  }

  // The fast path costs JSON.parse, a walk of the value and an indexOf pass over the colons; the character scan
  // (scanStructure) runs only to place a too-deep finding. `parsedText` is the text or its repair (same offsets).
  // A large text's shape after an edit comes from the last one's (largeDocument.ts); its depth is an upper bound,
  // used only while it decides nothing.
  const checkStrict = (parsedText: string, parsedValue: unknown, broken: boolean, known?: TextShape): ParsedDocument => {
    let shape = known;
    if (!shape || shape.maxDepth > MAX_KRAKEN_DEPTH) {
      shape = textShape(parsedText, parsedValue);
      if (large) rememberShape(text, parsedText, shape);
    }
    if (shape.maxDepth > MAX_KRAKEN_DEPTH) tooDeep(scanStructure(parsedText));
    if (shape.maxDepth <= MAX_TREE_DEPTH && shape.colons !== shape.keys)
      for (const f of findDuplicateKeys(parsedText, lines)) findings.push(f);
    const numbersExact = shape.longNumbers === 0 && shape.arrayNumbers === 0 ? true : undefined;
    return { text, value: parsedValue, strict, findings, broken, lines, locator: new ScanLocator(parsedText, parsedValue), numbersExact };
  };
  if (strict) return checkStrict(text, value, false, last?.shape);
  if (last?.repairFindings) {
    for (const f of last.repairFindings) findings.push(f);
    return checkStrict(last.parsedText, last.value, true, last.shape);
  }

  if (text.length >= LARGE_BROKEN_TEXT) {
    const repaired = repairLarge(text, parseError);
    if (repaired) {
      if (large) rememberRepairedText(text, repaired, lines);
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
