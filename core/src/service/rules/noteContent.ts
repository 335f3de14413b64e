import type { KindId } from '../kinds';
import type { Rule } from './types';
import { selectObjects } from './select';

/** Where notes live in each payload kind. */
const NOTE_LISTS: Partial<Record<KindId, readonly string[]>> = {
  notes: ['notes[]'],
  account: ['notes[]', 'portfolio.notes[]', 'business.portfolios[].notes[]'],
};

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

export const noteContent: Rule = {
  code: 'note-content',
  severity: 'error',
  doc: 'A note has a body or document_paths (Kraken: note_body_or_document_path_not_found). Error when it has neither; warning when they are there but empty, which Kraken most likely rejects too (blank text, no documents) but does not document.',
  kinds: ['notes', 'account'],
  appliesTo: ['notes[].body', 'notes[].document_paths'],
  check(ctx) {
    for (const pattern of NOTE_LISTS[ctx.kind] ?? []) {
      for (const { value: note, path } of selectObjects(ctx.root, pattern)) {
        const hasBody = note.body !== undefined && note.body !== null;
        const hasDocs = note.document_paths !== undefined && note.document_paths !== null;
        if (!hasBody && !hasDocs) {
          ctx.report(
            path,
            'This note has neither a body nor document_paths: Kraken rejects it (note_body_or_document_path_not_found). Add the text of the note as "body", attach documents with "document_paths", or remove the note.',
            { target: 'owner' },
          );
          continue;
        }
        const docs = note.document_paths;
        const noDocs = !Array.isArray(docs) || docs.length === 0;
        if (isBlank(note.body) && noDocs && (typeof note.body === 'string' || Array.isArray(docs))) {
          const what = [
            typeof note.body === 'string' ? 'its body is blank' : undefined,
            Array.isArray(docs) ? 'its document_paths list is empty' : undefined,
          ]
            .filter(Boolean)
            .join(' and ');
          ctx.report(
            path,
            `This note has no content: ${what}. Kraken needs a body or at least one document (note_body_or_document_path_not_found); add the text or a document, or remove the note.`,
            { target: 'owner', severity: 'warning' },
          );
        }
      }
    }
  },
};
