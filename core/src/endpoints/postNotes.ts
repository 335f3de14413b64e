import { NEVER_UNKNOWN } from './shared';
import type { EndpointDef } from './types';

const DEDUPLICATED = { safe: true, reason: 'Kraken deduplicates notes by body (+ created_at): a repeat adds nothing' } as const;

/** `POST /v1/data-import/notes/create/`: 201 with one status per note (NOTE_CREATION_SUCCESS, NOTE_ALREADY_EXISTS). */
export const postNotes: EndpointDef = {
  id: 'postNotes',
  actions: ['notes'],
  kinds: ['notes'],
  offeredFor: ['notes'],
  method: 'POST',
  path: '/v1/data-import/notes/create/',
  pathParams: [],
  query: [],
  auth: true,
  what: 'add the notes',
  repeatWithinCall: DEDUPLICATED,
  repeatAfterInterruption: DEDUPLICATED,
  ui: { label: 'Send notes to Kraken', verb: 'Send notes for' },
  answer: {
    ok: [200, 201],
    postImport: true,
    items: { listKey: 'notes', label: 'Notes', verbs: { created: 'created', existing: 'already existed' } },
    identifiers: [],
    unknown: NEVER_UNKNOWN,
  },
  sandbox: 'notes',
};
