/**
 * Authoring over a real LSP conversation with the built server (dist/server.js --stdio): capabilities, then
 * completion, hover, code actions, definition, references, document symbols and folding ranges at marked positions
 * in fixture documents (broken ones included), and "New Payload… to zero errors" driven through the protocol.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { payloadTemplates } from '../../core/src/service/payloadTemplates';
import { LineIndex } from '../../core/src/service/text';
import {
  acceptItem,
  applyEdits,
  fixtureText,
  marked,
  newAccountToZeroErrors,
  type AuthoringDriver,
  type Edit,
  type Item,
  type Pos,
  type Rng,
  type ScenarioDiagnostic,
} from '../unit/authoringScenario';
import { startLspServer, VSCODE_LIKE_CAPABILITIES, type LspServer, type PublishedDiagnostics } from './lspHarness';

const ERROR = 1;

function rangeIn(text: string, needle: string, occurrence = 0): Rng {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at !== -1, `"${needle}" #${occurrence} not in text`);
  }
  return new LineIndex(text).range(at, at + needle.length);
}

interface CodeActionResult {
  title: string;
  kind: string;
  isPreferred?: boolean;
  diagnostics?: PublishedDiagnostics['diagnostics'];
  edit: { changes: Record<string, Edit[]> };
}

describe('authoring over LSP', () => {
  let server: LspServer;
  let n = 0;
  const nextUri = (name: string) => `file:///work/authoring/${name}-${++n}.json`;

  /** Opens a document and waits for its first diagnostics. */
  async function open(text: string, name = 'doc'): Promise<{ uri: string; diagnostics: PublishedDiagnostics['diagnostics'] }> {
    const uri = nextUri(name);
    const since = server.open(uri, text);
    const published = await server.waitForDiagnostics(uri, () => true, since);
    return { uri, diagnostics: published.diagnostics };
  }

  before(async () => {
    server = startLspServer();
    await server.initialize(VSCODE_LIKE_CAPABILITIES);
  });
  after(() => server.shutdown());

  it('announces completion (triggered by " : ,), hover, quick fixes and fix-all, definition, references, symbols and folding', async () => {
    const probe = startLspServer();
    try {
      const { capabilities } = await probe.initialize(VSCODE_LIKE_CAPABILITIES);
      assert.deepEqual(capabilities.completionProvider, { triggerCharacters: ['"', ':', ','], resolveProvider: false });
      assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.krakenImport'] });
      assert.equal(capabilities.executeCommandProvider, undefined, 'code actions are literals: no command to run');
      for (const p of ['hoverProvider', 'definitionProvider', 'referencesProvider', 'documentSymbolProvider', 'foldingRangeProvider'])
        assert.equal(capabilities[p], true, p);
    } finally {
      await probe.shutdown();
    }
  });

  it("completion in a broken document: an enum value in an open string, a property after a missing comma, the document's ledgers", async () => {
    const m = marked(fixtureText('authoring/account-unfinished.json'));
    const { uri } = await open(m.text, 'unfinished');
    const request = (position: Pos) =>
      server.request<{ isIncomplete: boolean; items: Array<Item & Record<string, unknown>> }>('textDocument/completion', {
        textDocument: { uri },
        position,
      });

    const enums = await request(m.marks['open-enum']);
    assert.equal(enums.isIncomplete, false);
    assert.deepEqual(enums.items[0], {
      label: '"DIRECT"',
      kind: 20,
      insertTextFormat: 1,
      documentation: { kind: 'markdown', value: 'Signed up directly with the supplier (website, app). The default.' },
      sortText: 'c0000',
      textEdit: { range: rangeIn(m.text, '"DI'), newText: '"DIRECT",' },
    });

    const keys = await request(m.marks['missing-comma-key']);
    const family = keys.items.find((i) => i.label === 'family_name')!;
    const johannEnd = rangeIn(m.text, '"Johann"').end;
    assert.deepEqual(family.textEdit, { range: rangeIn(m.text, '""'), newText: '"family_name": "$1"' });
    assert.deepEqual(family.additionalTextEdits, [{ range: { start: johannEnd, end: johannEnd }, newText: ',' }]);
    const fixed = acceptItem(m.text, family);
    assert.ok(fixed.includes('"given_name": "Johann",\n      "family_name": ""\n'));

    const ledgers = await request(m.marks['schedule-ledger']);
    assert.deepEqual(
      ledgers.items.map((i) => i.label),
      ['"GAS_LEDGER"', '"ELECTRICITY_LEDGER"'],
    );

    const txn = await request(m.marks['txn-key']);
    assert.deepEqual(
      txn.items.filter((i) => String(i.detail).endsWith('required')).map((i) => i.label),
      ['transaction_id', 'transaction_date', 'amount', 'reason'],
    );

    const notes = await request(m.marks['note-item']);
    assert.deepEqual(
      notes.items.map((i) => i.label),
      ['note', 'note with attachment', '{}'],
    );
  });

  it('hover: description, type, requiredness, allowed values and checks, at the hovered key', async () => {
    const m = marked('{\n  "import_supplier": "TENTACLE_ENERGY",\n  "customers": [],\n  "account_ty|pe": "DOMESTIC"\n}');
    const { uri } = await open(m.text, 'hover');
    const hover = await server.request<{ contents: { kind: string; value: string }; range: Rng }>('textDocument/hover', {
      textDocument: { uri },
      position: m.at,
    });
    assert.deepEqual(hover.range, rangeIn(m.text, '"account_type"'));
    assert.equal(hover.contents.kind, 'markdown');
    const lines = hover.contents.value.split('\n\n');
    assert.deepEqual(lines[0], '**`account_type`** · string · optional');
    assert.deepEqual(lines[1], 'The kind of account to create.');
    assert.match(lines[2], /^Allowed values:\n- `"DOMESTIC"` — A household customer\.\n- `"BUSINESS"` — A business customer\./);
    assert.deepEqual(lines.slice(3), ['Example: `"DOMESTIC"`', 'Checks: `invalid-enum`']);
    const none = await server.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(none, null);
  });

  it('code actions for published diagnostics: the exact workspace edit, and fix-all on request', async () => {
    const text =
      '{\n  "import_supplier": "TENTACLE_ENERGY",\n  "sales_channel": "DIRCT",\n  "account_type": "domestic",\n  "customers": [],\n  // from SAP\n  "transfer_balance": 12.50,\n}';
    const { uri, diagnostics } = await open(text, 'actions');
    const enumDiag = diagnostics.find((d) => d.code === 'invalid-enum')!;
    assert.deepEqual(enumDiag.range, rangeIn(text, '"DIRCT"'));
    const actions = await server.request<CodeActionResult[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: enumDiag.range,
      context: { diagnostics: [enumDiag], triggerKind: 1 },
    });
    assert.deepEqual(actions, [
      {
        title: 'Change to "DIRECT"',
        kind: 'quickfix',
        diagnostics: [enumDiag],
        isPreferred: true,
        edit: { changes: { [uri]: [{ range: rangeIn(text, '"DIRCT"'), newText: '"DIRECT"' }] } },
      },
    ]);

    const numberDiag = diagnostics.find((d) => d.code === 'number-as-string')!;
    const numberFix = await server.request<CodeActionResult[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: numberDiag.range,
      context: { diagnostics: [numberDiag] },
    });
    assert.deepEqual(
      numberFix.map((a) => [a.title, a.edit.changes[uri]]),
      [['Write 12.50 as the string "12.50"', [{ range: rangeIn(text, '12.50'), newText: '"12.50"' }]]],
    );

    const fixAll = await server.request<CodeActionResult[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepEqual(
      fixAll.map((a) => [a.title, a.kind]),
      [['Fix all safe Kraken Import findings', 'source.fixAll.krakenImport']],
    );
    // Safe fixes only: a case-only enum difference is fixed, a guessed one ("DIRCT" -> "DIRECT") is left to the quick fix.
    const after = applyEdits(text, fixAll[0].edit.changes[uri]);
    assert.equal(
      after,
      '{\n  "import_supplier": "TENTACLE_ENERGY",\n  "sales_channel": "DIRCT",\n  "account_type": "DOMESTIC",\n  "customers": [],\n  "transfer_balance": "12.50"\n}',
    );
    const since = server.change(uri, [{ text: after }]);
    const republished = await server.waitForDiagnostics(uri, (p) => p.version === server.version(uri), since);
    assert.deepEqual(
      republished.diagnostics.filter((d) => d.severity === ERROR).map((d) => [d.code, d.range]),
      [['invalid-enum', rangeIn(after, '"DIRCT"')]],
    );

    // Other servers' diagnostics (VS Code's JSON support) are not ours to fix.
    const foreign = await server.request<CodeActionResult[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: enumDiag.range,
      context: { diagnostics: [{ ...enumDiag, source: 'json' }] },
    });
    assert.deepEqual(foreign, []);
  });

  it('definition and references: ledger codes, meters of the same supply point, supply point identifiers', async () => {
    const m = marked(fixtureText('authoring/account-refs.json'));
    const { uri } = await open(m.text, 'refs');
    const value = (mark: string, v: string): Rng => ({
      start: { line: m.marks[mark].line, character: m.marks[mark].character - 1 },
      end: { line: m.marks[mark].line, character: m.marks[mark].character + v.length + 1 },
    });
    const def = (mark: string) =>
      server.request<Array<{ uri: string; range: Rng }>>('textDocument/definition', { textDocument: { uri }, position: m.marks[mark] });
    const refs = (mark: string, includeDeclaration: boolean) =>
      server.request<Array<{ uri: string; range: Rng }>>('textDocument/references', {
        textDocument: { uri },
        position: m.marks[mark],
        context: { includeDeclaration },
      });

    assert.deepEqual(await def('schedule-ledger'), [{ uri, range: value('ledger-gas', 'GAS_LEDGER') }]);
    assert.deepEqual(await refs('ledger-gas', true), [
      { uri, range: value('ledger-gas', 'GAS_LEDGER') },
      { uri, range: value('instruction-ledger', 'GAS_LEDGER') },
      { uri, range: value('schedule-ledger', 'GAS_LEDGER') },
    ]);
    assert.deepEqual(await def('reading-elec'), [{ uri, range: value('meter-elec', 'M-1') }]);
    assert.deepEqual(await refs('meter-gas', false), [{ uri, range: value('reading-gas', 'M-1') }]);
    assert.deepEqual(await def('ledger-id'), [{ uri, range: value('sp-gas', '50203829715') }]);
    assert.deepEqual(await refs('txn-1', true), [
      { uri, range: value('txn-1', '1') },
      { uri, range: value('txn-1-again', '1') },
    ]);
  });

  it('document symbols with readable names, and folding ranges', async () => {
    const seed = fixtureText('seeds/seed-account.json');
    const { uri } = await open(seed, 'seed');
    type Sym = { name: string; detail?: string; kind: number; range: Rng; selectionRange: Rng; children?: Sym[] };
    const symbols = await server.request<Sym[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const ledgers = symbols.find((s) => s.name === 'ledgers')!;
    assert.deepEqual(
      ledgers.children!.map((s) => s.name),
      ['Ledger GAS_LEDGER · 3 transactions', 'Ledger ELECTRICITY_LEDGER · 3 transactions'],
    );
    const points = symbols.find((s) => s.name === 'supply_addresses')!.children![0].children!.find((s) => s.name === 'supply_points')!;
    assert.deepEqual(
      points.children!.map((s) => s.name),
      ['Supply point 50203829715 · GAS', 'Supply point 60203829716 · ELECTRICITY'],
    );
    assert.deepEqual(points.children![0].selectionRange, points.children![0].range);

    const folding = await server.request<Array<{ startLine: number; endLine: number; kind?: string }>>('textDocument/foldingRange', {
      textDocument: { uri },
    });
    const lines = seed.split('\n');
    assert.deepEqual(folding[0], { startLine: 0, endLine: lines.length - 3, kind: 'object' }); // the file ends with "}\n"
    const customers = lines.findIndex((l) => l.includes('"customers": ['));
    assert.deepEqual(folding[1], {
      startLine: customers,
      endLine: lines.findIndex((l, i) => i > customers && l === '  ],') - 1,
      kind: 'array',
    });
  });

  it('a new account from "New Payload…" reaches zero errors with completion and quick fixes alone', async () => {
    const template = payloadTemplates().find((t) => t.kind === 'account' && t.market === 'DE')!;
    const uri = nextUri('new-account');
    let current: string | undefined;
    let lastDiagnostics: PublishedDiagnostics['diagnostics'] = [];
    const sync = async (text: string) => {
      if (current === text) return;
      const since = current === undefined ? server.open(uri, text) : server.change(uri, [{ text }]);
      current = text;
      const published = await server.waitForDiagnostics(uri, (p) => p.version === server.version(uri), since);
      lastDiagnostics = published.diagnostics;
    };
    const driver: AuthoringDriver = {
      errors: async (text) => {
        await sync(text);
        return lastDiagnostics.filter((d) => d.severity === ERROR) as ScenarioDiagnostic[];
      },
      complete: async (text, position) => {
        await sync(text);
        return (await server.request<{ items: Item[] }>('textDocument/completion', { textDocument: { uri }, position })).items;
      },
      quickFixes: async (text, d) => {
        await sync(text);
        const actions = await server.request<CodeActionResult[]>('textDocument/codeAction', {
          textDocument: { uri },
          range: d.range,
          context: { diagnostics: [d], only: ['quickfix'] },
        });
        return actions.map((a) => ({ title: a.title, isPreferred: a.isPreferred, edits: a.edit.changes[uri] }));
      },
    };
    const log = await newAccountToZeroErrors(driver, template.body);
    assert.equal(log.steps[log.steps.length - 1], 'no errors');
    assert.ok(
      log.steps.includes('fix missing-property: Add missing required properties: transaction_id, transaction_date, amount, reason'),
      log.steps.join('\n'),
    );
    assert.ok(
      log.steps.some((s) => /^complete invalid-format: "\d{4}-\d{2}-\d{2}"$/.test(s)),
      log.steps.join('\n'),
    );
    await sync(log.text);
    assert.deepEqual(
      lastDiagnostics.filter((d) => d.severity === ERROR),
      [],
    );
  });
});
