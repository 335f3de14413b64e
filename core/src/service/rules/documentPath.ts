import type { KindId } from '../kinds';
import type { Severity } from '../types';
import { quote } from './messages';
import { select } from './select';
import type { Rule } from './types';

/** Where S3 paths live in each payload kind. */
const PATHS: Partial<Record<KindId, readonly string[]>> = {
  account: [
    'notes[].document_paths[].document_path',
    'portfolio.notes[].document_paths[].document_path',
    'business.portfolios[].notes[].document_paths[].document_path',
    'statements[].statement_path',
  ],
  notes: ['notes[].document_paths[].document_path'],
  statements: ['statements[].statement_path'],
};

const RELATIVE =
  'Kraken expects the path relative to the root folder configured for the import supplier in its S3 file store (e.g. "path/to/document.pdf"; ask the Kraken team for the root)';

/** What is wrong with a path, most certain first; undefined when it looks like a relative S3 key. */
function problem(path: string): { severity: Severity; message: string } | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(path);
  if (scheme) {
    return {
      severity: 'error',
      message: `${quote(path)} is a URL (${scheme[1]}://), not a path: ${RELATIVE}. Kraken looks the path up under that root, so no file will be found (path_does_not_exist_in_file_store).`,
    };
  }
  if (/^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\')) {
    return {
      severity: 'error',
      message: `${quote(path)} is a path on a local disk or network share: ${RELATIVE}. Upload the file to S3 and give its path there.`,
    };
  }
  if (path.startsWith('/')) {
    return {
      severity: 'warning',
      message: `${quote(path)} starts with "/": ${RELATIVE}, without a leading slash. How Kraken joins an absolute path to the root is not documented; the file may not be found.`,
    };
  }
  if (path.split(/[\\/]/).includes('..')) {
    return {
      severity: 'warning',
      message: `${quote(path)} contains a ".." segment: ${RELATIVE}. S3 keys have no parent folders; whether Kraken resolves ".." is not documented. Write the path from the root down.`,
    };
  }
  if (path.includes('\\')) {
    return {
      severity: 'warning',
      message: `${quote(path)} contains a backslash: S3 keys separate folders with "/", and a "\\" is part of the file name. Use "/" unless the file was uploaded with that name.`,
    };
  }
  return undefined;
}

export const documentPath: Rule = {
  code: 'document-path',
  severity: 'error',
  doc: 'Document and statement paths (document_paths[].document_path, statement_path) are S3 keys relative to the import supplier\'s root. Error for a URL (s3://, https://) or a local disk path, which cannot name a file under the root; warning for a leading "/", a ".." segment or a backslash, which Kraken may or may not resolve (undocumented).',
  kinds: ['account', 'notes', 'statements'],
  appliesTo: ['notes[].document_paths[].document_path', 'statements[].statement_path'],
  check(ctx) {
    for (const pattern of PATHS[ctx.kind] ?? []) {
      for (const selected of select(ctx.root, pattern)) {
        const value = selected.value;
        if (typeof value !== 'string') continue;
        const found = problem(value);
        if (found) ctx.report(selected.path, found.message, { severity: found.severity });
      }
    }
  },
};
