/**
 * Typing into a large document over a real LSP conversation (dist/server.js --stdio): after each ranged edit, as an
 * editor sends them, the server that built the version from the previous one (largeDocument.ts) answers diagnostics,
 * hover, completion, the outline and folding exactly as a server that opens that text afresh.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { LARGE_AUTHORING_TEXT } from '../../core/src/service/largeDocument';
import { LineIndex } from '../../core/src/service/text';
import { seedAccount } from '../helpers';
import { startLspServer, type LspServer } from './lspHarness';

/** The seed account with 1500 statements, pretty-printed (about 400 KB). */
function account(): string {
  const a = seedAccount();
  const statement = a.statements[0];
  a.statements = [];
  for (let i = 0; i < 1500; i++) a.statements.push({ ...statement, statement_id: String(i + 1), statement_path: `S/${i}.pdf` });
  return JSON.stringify(a, null, 2);
}

type Position = { line: number; character: number };
type Change = { range: { start: Position; end: Position }; text: string };

/** The ranged change that replaces `[from, to)` of `text` with `insert`, and the text after it. */
function change(text: string, from: number, to: number, insert: string): { change: Change; text: string } {
  const lines = new LineIndex(text);
  return {
    change: { range: { start: lines.positionAt(from), end: lines.positionAt(to) }, text: insert },
    text: text.slice(0, from) + insert + text.slice(to),
  };
}

/** What a server answers about a text: its diagnostics and the authoring requests at fixed places. */
async function answers(server: LspServer, uri: string, text: string, since: number) {
  const version = server.version(uri);
  const published = await server.waitForDiagnostics(uri, (p) => p.version === version, since);
  const lines = new LineIndex(text);
  const doc = { uri };
  const hoverAt = lines.positionAt(text.indexOf('"statement_path": "S/1200.pdf"') + 3);
  const completeAt = lines.positionAt(text.indexOf('"statement_id": "1300"'));
  return {
    diagnostics: published.diagnostics,
    hover: await server.request('textDocument/hover', { textDocument: doc, position: hoverAt }),
    completion: await server.request('textDocument/completion', { textDocument: doc, position: completeAt }),
    symbols: await server.request('textDocument/documentSymbol', { textDocument: doc }),
    folding: await server.request('textDocument/foldingRange', { textDocument: doc }),
  };
}

describe('LSP: typing into a large document', () => {
  const uri = 'file:///work/accounts/big.json';
  let typed: LspServer;

  before(async () => {
    typed = startLspServer();
    await typed.initialize({ textDocument: { documentSymbol: { hierarchicalDocumentSymbolSupport: true } } });
  });
  after(() => typed.shutdown());

  it('answers every version as a server that opens it afresh', async () => {
    let text = account();
    assert.ok(text.length > LARGE_AUTHORING_TEXT);
    await answers(typed, uri, text, typed.open(uri, text));
    const at = (needle: string) => text.indexOf(needle);
    const steps: Array<[string, () => { change: Change; text: string }]> = [
      ['a space in the indentation', () => change(text, at('\n') + 1, at('\n') + 1, ' ')],
      ['a string value changed', () => change(text, at('"S/700.pdf"') + 3, at('"S/700.pdf"') + 4, '9')],
      ['a key begun (broken text)', () => change(text, at('"statement_id": "800"'), at('"statement_id": "800"'), '"x')],
      ['the key typed on', () => change(text, at('"x"statement_id') + 2, at('"x"statement_id') + 2, 'y')],
      ['the property finished', () => change(text, at('"xy"statement_id') + 3, at('"xy"statement_id') + 3, '": "DIRCT",\n      ')],
      ['a statement id made a number', () => change(text, at('"900"'), at('"900"') + 5, '900')],
    ];
    const codes: string[][] = [];
    for (const [step, edit] of steps) {
      const next = edit();
      const since = typed.change(uri, [next.change]);
      text = next.text;
      const fromEdits = await answers(typed, uri, text, since);
      const fresh = startLspServer();
      try {
        await fresh.initialize({ textDocument: { documentSymbol: { hierarchicalDocumentSymbolSupport: true } } });
        const afresh = await answers(fresh, uri, text, fresh.open(uri, text));
        assert.deepEqual(fromEdits, afresh, step);
      } finally {
        await fresh.shutdown();
      }
      assert.ok(fromEdits.hover, step);
      codes.push(fromEdits.diagnostics.map((d) => String(d.code)));
    }
    // The steps did what they say: a syntax error only while the key is typed, then an unknown key, then a number
    // where Kraken reads a string.
    assert.deepEqual(
      codes.map((c) => c.includes('syntax-error')),
      [false, false, true, true, false, false],
    );
    assert.ok(codes[4].includes('unknown-property') && !codes[3].includes('unknown-property'));
    const count = (c: string[]) => c.filter((code) => code === 'number-as-string').length;
    assert.equal(count(codes[5]), count(codes[4]) + 1);
  });
});
