/**
 * Position -> JSON path, for completion and hover. The one place that answers "what is at this offset"; it runs
 * jsonc-parser's scanner from the start of the text to the offset, so it works in unfinished documents (missing
 * commas, open strings, unclosed brackets). A later performance pass may replace the implementation; callers
 * only see `pathAtOffset`.
 */
import * as jsonc from 'jsonc-parser';
import type { JsonPath } from './types';

export interface CursorToken {
  start: number;
  end: number;
  kind: 'string' | 'literal';
  /** The token's value (a string's content, a literal's text). */
  value: string;
  /** False for a string without its closing quote. */
  terminated: boolean;
}

export interface CursorLocation {
  /**
   * - `key`: a property name is being written (`path` ends with the name typed so far, `''` when none).
   * - `value`: a value is being written (a property's value, an array item, or the root).
   * - `none`: somewhere nothing can be written (after a key before its colon, inside punctuation).
   */
  at: 'key' | 'value' | 'none';
  /** For `key`: the object's path plus the key typed so far; for `value`: the path of the value. */
  path: JsonPath;
  /** The path of the containing object or array (`undefined` at the root). */
  containerPath?: JsonPath;
  container?: 'object' | 'array';
  /** The string or literal the cursor is in (or at the end of): what a completion replaces. */
  token?: CursorToken;
  /** The previous item lacks its comma: insert one here (the end of the previous value). */
  missingCommaAt?: number;
  /** For `key`: a colon already follows the key, so only the name is to be written. */
  colonFollows: boolean;
  /** Another property or item follows the insertion: what is inserted needs a comma after it. */
  valueFollows: boolean;
}

interface Frame {
  type: 'object' | 'array';
  /** The frame this container is a value of, and its key or index there: the path is built once, at the end (a copy per frame would be quadratic in the nesting depth). */
  parent: Frame | undefined;
  segment: string | number | undefined;
  state: 'key' | 'colon' | 'value' | 'after';
  key?: string;
  index: number;
  lastValueEnd: number;
}

function isValueToken(kind: jsonc.SyntaxKind): boolean {
  return (
    kind === jsonc.SyntaxKind.StringLiteral ||
    kind === jsonc.SyntaxKind.NumericLiteral ||
    kind === jsonc.SyntaxKind.TrueKeyword ||
    kind === jsonc.SyntaxKind.FalseKeyword ||
    kind === jsonc.SyntaxKind.NullKeyword ||
    kind === jsonc.SyntaxKind.Unknown
  );
}

function framePath(frame: Frame): JsonPath {
  const path: JsonPath = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) path.push(f.segment!);
  return path.reverse();
}

/** Where to start reading instead of the start of the text (largeDocument.ts `cursorAnchor`, for large texts). */
export interface CursorStart {
  /** A container's opening bracket. */
  offset: number;
  /** The containers around it, outermost first: each one's type and the key or index leading inwards. */
  frames: Array<{ type: 'object' | 'array'; segment: string | number }>;
}

/** The scan's state: the open containers, whether the root value is complete, the token at the cursor, the next token. */
interface Scan {
  readonly text: string;
  readonly offset: number;
  readonly scanner: jsonc.JSONScanner;
  readonly stack: Frame[];
  rootDone: boolean;
  token?: CursorToken;
  nextKind: jsonc.SyntaxKind;
}

function isTrivia(kind: jsonc.SyntaxKind): boolean {
  return (
    kind === jsonc.SyntaxKind.LineCommentTrivia ||
    kind === jsonc.SyntaxKind.BlockCommentTrivia ||
    kind === jsonc.SyntaxKind.LineBreakTrivia ||
    kind === jsonc.SyntaxKind.Trivia
  );
}

/**
 * The state the scan would be in at `from`'s opening bracket: in each outer container, writing the value under the
 * segment that leads inwards.
 */
function framesAt(from: CursorStart): Frame[] {
  const stack: Frame[] = [];
  let parent: Frame | undefined;
  let segment: string | number | undefined;
  for (const f of from.frames) {
    const frame: Frame = {
      type: f.type,
      parent,
      segment,
      state: 'value',
      key: f.type === 'object' ? String(f.segment) : undefined,
      index: f.type === 'array' ? Number(f.segment) : 0,
      lastValueEnd: 0,
    };
    stack.push(frame);
    parent = frame;
    segment = f.segment;
  }
  return stack;
}

const top = (scan: Scan): Frame | undefined => scan.stack[scan.stack.length - 1];

/** A value starts in the current frame: in an array right after another value (no comma), it is the next item. */
function beginValue(scan: Scan): void {
  const f = top(scan);
  if (f?.type === 'array' && f.state === 'after') f.index++;
}

function endValue(scan: Scan, end: number): void {
  const f = top(scan);
  if (!f) {
    scan.rootDone = true;
    return;
  }
  f.state = 'after';
  f.lastValueEnd = end;
}

function openContainer(scan: Scan, kind: jsonc.SyntaxKind, start: number): void {
  const f = top(scan);
  if (f?.type === 'object' && f.state !== 'value') {
    // `{` where a key belongs: treat as the value of a key we did not see.
    f.state = 'value';
  }
  beginValue(scan);
  const segment = f ? (f.type === 'object' ? (f.key ?? '') : f.index) : undefined;
  scan.stack.push({
    type: kind === jsonc.SyntaxKind.OpenBraceToken ? 'object' : 'array',
    parent: f,
    segment,
    state: kind === jsonc.SyntaxKind.OpenBraceToken ? 'key' : 'value',
    index: 0,
    lastValueEnd: start + 1,
  });
}

function closeContainer(scan: Scan, kind: jsonc.SyntaxKind, end: number): void {
  const want = kind === jsonc.SyntaxKind.CloseBraceToken ? 'object' : 'array';
  // Pop to the matching container (tolerates a missing close of an inner one).
  let i = scan.stack.length - 1;
  while (i >= 0 && scan.stack[i].type !== want) i--;
  if (i >= 0) {
    scan.stack.length = i;
    endValue(scan, end);
  }
}

/** A string, number or literal before the cursor: a key or a value of the current frame. */
function scalar(scan: Scan, start: number, end: number, isString: boolean): void {
  const f = top(scan);
  if (!f) return endValue(scan, end);
  if (f.type === 'array') {
    beginValue(scan);
    return endValue(scan, end);
  }
  if (f.state === 'key' || f.state === 'after') {
    f.key = isString ? scan.scanner.getTokenValue() : scan.text.slice(start, end);
    f.state = 'colon';
  } else {
    // a value (or a second string after a key with no colon)
    endValue(scan, end);
  }
}

/** One token before the cursor, applied to the frames. */
function applyToken(scan: Scan, kind: jsonc.SyntaxKind, start: number, end: number, isString: boolean): void {
  const f = top(scan);
  switch (kind) {
    case jsonc.SyntaxKind.OpenBraceToken:
    case jsonc.SyntaxKind.OpenBracketToken:
      return openContainer(scan, kind, start);
    case jsonc.SyntaxKind.CloseBraceToken:
    case jsonc.SyntaxKind.CloseBracketToken:
      return closeContainer(scan, kind, end);
    case jsonc.SyntaxKind.CommaToken:
      if (f?.type === 'object') {
        f.state = 'key';
        f.key = undefined;
      } else if (f?.type === 'array') {
        f.index++;
        f.state = 'value';
      }
      return;
    case jsonc.SyntaxKind.ColonToken:
      if (f?.type === 'object') f.state = 'value';
      return;
    default:
      return scalar(scan, start, end, isString);
  }
}

/** Scans up to the cursor: stops in the token the cursor is in (`token`) or at the first token after it (`nextKind`). */
function scanToCursor(scan: Scan): void {
  const { scanner, offset } = scan;
  for (;;) {
    const kind = scanner.scan();
    if (kind === jsonc.SyntaxKind.EOF) {
      scan.nextKind = jsonc.SyntaxKind.EOF;
      return;
    }
    if (isTrivia(kind)) continue;
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    const isString = kind === jsonc.SyntaxKind.StringLiteral;
    const terminated = !isString || (scanner.getTokenError() !== jsonc.ScanError.UnexpectedEndOfString && end - start >= 2);
    const touching = isValueToken(kind) && start < offset && (end > offset || (end === offset && (!isString || !terminated)));
    if (touching) {
      // An open string runs to the end of the line: only what is before the cursor belongs to it.
      scan.token = {
        start,
        end: terminated ? end : offset,
        kind: isString ? 'string' : 'literal',
        value: isString ? scanner.getTokenValue() : scan.text.slice(start, end),
        terminated,
      };
      return;
    }
    if (start >= offset) {
      scan.nextKind = kind;
      return;
    }
    applyToken(scan, kind, start, end, isString);
  }
}

/** The first token that is not trivia. */
function nextSignificant(scanner: jsonc.JSONScanner): jsonc.SyntaxKind {
  for (;;) {
    const k = scanner.scan();
    if (!isTrivia(k)) return k;
  }
}

/** The location the scan ended at. */
function locationOf(scan: Scan): CursorLocation {
  const { token, nextKind } = scan;
  const colonFollows = nextKind === jsonc.SyntaxKind.ColonToken;
  const valueFollows =
    isValueToken(nextKind) || nextKind === jsonc.SyntaxKind.OpenBraceToken || nextKind === jsonc.SyntaxKind.OpenBracketToken;
  const f = top(scan);
  if (!f) return { at: scan.rootDone ? 'none' : 'value', path: [], colonFollows, valueFollows: false, token };
  const fPath = framePath(f);
  const base = { containerPath: fPath, container: f.type, token, colonFollows } as const;
  if (f.type === 'object') {
    if (f.state === 'key' || f.state === 'after') {
      // `after`: a value, then no comma: the user is writing the next property.
      const comma = f.state === 'after' ? f.lastValueEnd : undefined;
      return {
        ...base,
        at: 'key',
        path: [...fPath, token ? token.value : ''],
        missingCommaAt: comma,
        valueFollows: valueFollows && !colonFollows,
      };
    }
    if (f.state === 'colon') {
      // The cursor is after a key that has no colon yet: if the cursor is in that key, this is the key token.
      return { ...base, at: 'none', path: [...fPath, f.key ?? ''], valueFollows };
    }
    return { ...base, at: 'value', path: [...fPath, f.key ?? ''], valueFollows: valueFollows && !colonFollows };
  }
  // array
  if (f.state === 'after') {
    return { ...base, at: 'value', path: [...fPath, f.index + 1], missingCommaAt: f.lastValueEnd, valueFollows };
  }
  return { ...base, at: 'value', path: [...fPath, f.index], valueFollows };
}

/** What is at `offset` in `text`; with `from`, read from that container on, as if the text before it had been read. */
export function pathAtOffset(text: string, offset: number, from?: CursorStart): CursorLocation {
  const scanner = jsonc.createScanner(text, true);
  const seeded = !!from && from.offset < offset;
  const scan: Scan = { text, offset, scanner, stack: seeded ? framesAt(from) : [], rootDone: false, nextKind: jsonc.SyntaxKind.EOF };
  if (seeded) scanner.setPosition(from.offset);
  scanToCursor(scan);
  // The token after the cursor (or after the token the cursor is in).
  if (scan.token) scan.nextKind = nextSignificant(scanner);
  return locationOf(scan);
}
