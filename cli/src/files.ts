import { readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { isJsonLinesPath } from '../../server/src/service/jsonLines';

export const PAYLOAD_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson']);

/** A JSON Lines wave (one payload per line): server/src/service/jsonLines.ts says which files are. */
export const isLinesFile = isJsonLinesPath;

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

/** Decodes UTF-8 strictly; on invalid bytes returns the text decoded leniently and the first bad byte offset. */
export function decodeUtf8(bytes: Uint8Array): { text: string; invalidAt?: number } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
    return { text, invalidAt: Math.max(0, text.indexOf('\ufffd')) };
  }
}
