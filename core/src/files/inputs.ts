import { isAscii, isUtf8 } from 'node:buffer';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { isJsonLinesPath } from './';

export const PAYLOAD_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson']);

/** A JSON Lines wave (one payload per line): core/src/service/jsonLines.ts says which files are. */
export const isLinesFile = isJsonLinesPath;

/** A folder given as input that held no payload file, and what it held instead. */
export interface EmptyFolder {
  folder: string;
  /** Files with other extensions (or none). */
  otherFiles: number;
  /** Dot-folders and node_modules, which are not walked. */
  notWalked: number;
}

/**
 * Expands files and folders into payload files, in a stable order. Folders skip node_modules and dot-folders.
 * `emptyFolders`: the folders among the inputs that yielded no payload file (to say why nothing was checked).
 */
export function expandInputs(inputs: string[]): { files: string[]; missing: string[]; emptyFolders: EmptyFolder[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const emptyFolders: EmptyFolder[] = [];
  let otherFiles = 0;
  let notWalked = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) {
        notWalked++;
        continue;
      }
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (PAYLOAD_EXTENSIONS.has(extname(name).toLowerCase())) files.push(p);
      else otherFiles++;
    }
  };
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch {
      missing.push(input);
      continue;
    }
    if (st.isDirectory()) {
      const before = files.length;
      otherFiles = 0;
      notWalked = 0;
      walk(input);
      if (files.length === before) emptyFolders.push({ folder: input, otherFiles, notWalked });
    } else files.push(input);
  }
  return { files, missing, emptyFolders };
}

/** What an empty folder held, for the "nothing was checked" message. */
export function describeEmptyFolder(e: EmptyFolder): string {
  const held = [
    e.otherFiles ? `${e.otherFiles} file${e.otherFiles === 1 ? '' : 's'} without a .json, .jsonl or .ndjson extension` : '',
    e.notWalked ? `${e.notWalked} dot-folder${e.notWalked === 1 ? '' : 's'}/node_modules (not searched)` : '',
  ].filter(Boolean);
  return `${e.folder}: no .json, .jsonl or .ndjson file${held.length ? ` (${held.join(', ')})` : ' (the folder is empty)'}`;
}

/** All of stdin, as bytes (for `-`). */
export async function readStdinBytes(stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * Decodes UTF-8 strictly; on invalid bytes returns the text decoded leniently and the first bad byte offset. A BOM is
 * kept (the service reports it). Valid text (nearly always) is checked by `isUtf8` and decoded by `decodeValidUtf8`:
 * together a fraction of what a fatal TextDecoder costs on a large file. With `consume`, the caller hands the bytes
 * over: they may be overwritten (foldLatin1InPlace), and must not be read again.
 */
export function decodeUtf8(bytes: Uint8Array, options?: { consume?: boolean }): { text: string; invalidAt?: number } {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (options?.consume) {
    const text = foldLatin1InPlace(buffer);
    if (text !== undefined) return { text };
  }
  if (isUtf8(buffer)) return { text: decodeValidUtf8(buffer) };
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
  return { text, invalidAt: Math.max(0, text.indexOf('\ufffd')) };
}

/**
 * Whether a file's bytes are UTF-8, read again only when its size or modification time changed since `known`
 * (undefined when it cannot be read). For an editor's open document, whose text is all the language server sees.
 */
export function fileUtf8(file: string, known?: FileUtf8): FileUtf8 | undefined {
  try {
    const { size, mtimeMs } = statSync(file);
    if (known && known.size === size && known.mtimeMs === mtimeMs) return known;
    return { size, mtimeMs, utf8: isUtf8(readFileSync(file)) };
  } catch {
    return undefined;
  }
}

export interface FileUtf8 {
  size: number;
  mtimeMs: number;
  utf8: boolean;
}

/** Bytes looked at by `isAscii` at once, then again in smaller pieces where a block holds a non-ASCII byte. */
const BLOCK = 1 << 16;
const PIECE = 1 << 10;

/**
 * The same string as `buffer.toString('utf8')` for valid UTF-8, several times faster on the usual migration file:
 * ASCII with a name or an address here and there in another alphabet (the bench's 40 MB account has 286 non-ASCII
 * bytes; Node's decoder leaves its fast ASCII path at the first and takes 158 ms where a latin1 copy takes 19 ms).
 * ASCII stretches are copied as latin1, each run of non-ASCII bytes (whole characters, since continuation bytes are
 * never ASCII) goes to the UTF-8 decoder, and the pieces are joined; a text that is not mostly ASCII (more than one
 * run per KB) is handed to Node's decoder whole, which is then the faster.
 */
export function decodeValidUtf8(buffer: Buffer): string {
  const n = buffer.length;
  if (typeof isAscii !== 'function') return buffer.toString('utf8');
  let at = nextNonAscii(buffer, 0);
  if (at < 0) return buffer.toString('latin1', 0, n);
  const maxRuns = 64 + (n >> 10);
  let text = '';
  let from = 0;
  for (let runs = 0; at >= 0; runs++) {
    if (runs > maxRuns) return buffer.toString('utf8');
    let end = at + 1;
    while (end < n && buffer[end] >= 0x80) end++;
    text += buffer.toString('latin1', from, at) + buffer.toString('utf8', at, end);
    from = end;
    at = nextNonAscii(buffer, end);
  }
  return text + buffer.toString('latin1', from, n);
}

/**
 * For `decodeUtf8(bytes, { consume: true })`, where the caller reads the bytes no more (a file it has just read, a
 * record it is done with): when the text is valid UTF-8 whose every non-ASCII character is Latin-1 (U+0080 to U+00FF,
 * the accented letters of most European names: two bytes each, C2 or C3 and a continuation byte), each such pair is
 * folded into its one Latin-1 byte in place, and the text is the buffer read as latin1 once. That is one flat string,
 * where decodeValidUtf8's pieces make a rope that `JSON.parse` copies whole again (40 MB more memory to write for the
 * bench's 40 MB account), and the pairs' own check is the UTF-8 check, since the rest is ASCII: `isUtf8` is not needed.
 * Any other text (another alphabet, a BOM, invalid bytes, more than one character per KB) is left unchanged and
 * undefined returned; nothing is written until the whole buffer has been looked at.
 */
function foldLatin1InPlace(buffer: Buffer): string | undefined {
  const n = buffer.length;
  if (typeof isAscii !== 'function') return undefined;
  let at = nextNonAscii(buffer, 0);
  if (at < 0) return buffer.toString('latin1', 0, n);
  const maxPairs = 64 + (n >> 10);
  const pairs: number[] = [];
  while (at >= 0) {
    const lead = buffer[at];
    if ((lead !== 0xc2 && lead !== 0xc3) || at + 1 >= n || (buffer[at + 1] & 0xc0) !== 0x80 || pairs.length === maxPairs) return undefined;
    pairs.push(at);
    at = at + 2 < n && buffer[at + 2] >= 0x80 ? at + 2 : nextNonAscii(buffer, at + 2);
  }
  let to = pairs[0];
  for (let k = 0; k < pairs.length; k++) {
    const pair = pairs[k];
    buffer[to++] = ((buffer[pair] & 0x1f) << 6) | (buffer[pair + 1] & 0x3f);
    const next = k + 1 < pairs.length ? pairs[k + 1] : n;
    // The ASCII between this pair and the next moves down by the pairs folded so far (copy allows the overlap).
    if (next > pair + 2) to += buffer.copy(buffer, to, pair + 2, next);
  }
  return buffer.toString('latin1', 0, to);
}

/** The offset of the first byte at or after `from` that is not ASCII, or -1. */
function nextNonAscii(buffer: Buffer, from: number): number {
  const n = buffer.length;
  for (let block = from; block < n;) {
    const blockEnd = Math.min(n, block + BLOCK);
    if (isAscii(buffer.subarray(block, blockEnd))) {
      block = blockEnd;
      continue;
    }
    for (let piece = block; piece < blockEnd; piece += PIECE) {
      const pieceEnd = Math.min(blockEnd, piece + PIECE);
      if (isAscii(buffer.subarray(piece, pieceEnd))) continue;
      for (let i = piece; i < pieceEnd; i++) if (buffer[i] >= 0x80) return i;
    }
  }
  return -1;
}
