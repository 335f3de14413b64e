import { isUtf8 } from 'node:buffer';
import { readdirSync, statSync } from 'node:fs';
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
 * kept (the service reports it). Valid text (nearly always) is checked by `isUtf8` and decoded by Buffer's decoder:
 * together a fraction of what a fatal TextDecoder costs on a large file.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; invalidAt?: number } {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) return { text: buffer.toString('utf8') };
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
  return { text, invalidAt: Math.max(0, text.indexOf('\ufffd')) };
}
