import { isUtf8 } from 'node:buffer';
import { readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';

export const PAYLOAD_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson']);

export function isLinesFile(file: string): boolean {
  const ext = extname(file).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson';
}

/** Expands files and folders into payload files, in a stable order. Folders skip node_modules and dot-folders. */
export function expandInputs(inputs: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (PAYLOAD_EXTENSIONS.has(extname(name).toLowerCase())) files.push(p);
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
    if (st.isDirectory()) walk(input);
    else files.push(input);
  }
  return { files, missing };
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
