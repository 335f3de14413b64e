/**
 * When the server publishes diagnostics (server/src/validation.ts), on node:test's mocked clock: an opened document
 * at once, an edited one after the typing delay (150 ms, restarted by each keystroke). The server's own
 * TextDocuments and DocumentValidation run; only the connection is a stand-in that records what would be sent.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { Connection } from 'vscode-languageserver/node';
import { ServerSession } from '../../server/src/session';
import { DocumentValidation } from '../../server/src/validation';
import { REPO_ROOT } from '../helpers';

type Handler = (params: unknown) => void;

/** The parts of a connection that TextDocuments and DocumentValidation use; what is sent is recorded. */
function standInConnection() {
  const handlers: Record<string, Handler> = {};
  const published: Array<{ uri: string; version?: number; count: number }> = [];
  const on = (name: string) => (h: Handler) => {
    handlers[name] = h;
    return { dispose() {} };
  };
  const connection = {
    onDidOpenTextDocument: on('open'),
    onDidChangeTextDocument: on('change'),
    onDidCloseTextDocument: on('close'),
    onWillSaveTextDocument: on('willSave'),
    onWillSaveTextDocumentWaitUntil: on('willSaveWaitUntil'),
    onDidSaveTextDocument: on('save'),
    console: {
      info() {},
      warn() {},
      error(m: string) {
        throw new Error(m);
      },
    },
    sendNotification: async () => {},
    sendDiagnostics: async (p: { uri: string; version?: number; diagnostics: unknown[] }) => {
      published.push({ uri: p.uri, version: p.version, count: p.diagnostics.length });
    },
  };
  return { connection: connection as unknown as Connection, handlers, published };
}

const URI = 'file:///work/account.json';
const TEXT = readFileSync(path.join(REPO_ROOT, 'examples', 'mistakes', 'account-with-mistakes.json'), 'utf8');

describe('when the server publishes diagnostics', () => {
  let c: ReturnType<typeof standInConnection>;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'] });
    c = standInConnection();
    const session = new ServerSession(c.connection);
    session.documents.listen(c.connection);
    session.settled = true; // settings in (the initialized handler's work, not this test's)
    new DocumentValidation(session);
  });
  afterEach(() => mock.timers.reset());

  test('an opened document at once: the open is not also treated as an edit with the typing delay', () => {
    c.handlers.open({ textDocument: { uri: URI, languageId: 'json', version: 1, text: TEXT } });
    assert.equal(c.published.length, 0);
    mock.timers.tick(0);
    assert.equal(c.published.length, 1);
    assert.deepEqual({ ...c.published[0], count: c.published[0].count > 5 }, { uri: URI, version: 1, count: true });
    mock.timers.tick(1000);
    assert.equal(c.published.length, 1, 'published once, not again when a delay runs out');
  });

  test('an edit after the typing delay, counted from the last keystroke; only the last version is published', () => {
    c.handlers.open({ textDocument: { uri: URI, languageId: 'json', version: 1, text: TEXT } });
    mock.timers.tick(0);
    const edit = (version: number) =>
      c.handlers.change({
        textDocument: { uri: URI, version },
        contentChanges: [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: ' ' }],
      });
    edit(2);
    mock.timers.tick(100);
    edit(3);
    mock.timers.tick(149);
    assert.equal(c.published.length, 1, 'nothing before 150 ms after the last keystroke');
    mock.timers.tick(1);
    assert.deepEqual(
      c.published.map((p) => p.version),
      [1, 3],
    );
  });
});
