/**
 * The server with clients that are not VS Code: it uses only what the client announced (diagnostic refresh, pull
 * vs push, snippets, code action literals, showDocument, watched files), reads kraken-import.config.json at each
 * workspace folder's root under the editor's settings, applies initializationOptions from the first validation, and
 * treats JSON Lines waves record by record. A real LSP conversation with the built server over stdio.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, startLspServer, type LspServer, type PublishedDiagnostics } from './lspHarness';

const ACCOUNT = '{"import_supplier": "X", "customers": [], "sales_channel": "direct"}';
/** The range of "direct" in ACCOUNT (the CLI places it there too: test/integration/cli.test.ts). */
const DIRECT = { start: { line: 0, character: 59 }, end: { line: 0, character: 67 } };

/** Neovim 0.10's announcement, reduced to what matters here: no pull diagnostics, no refresh, literals, snippets. */
const NEOVIM_010 = {
  workspace: { configuration: true, applyEdit: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: false } },
  window: { workDoneProgress: true, showDocument: { support: true } },
  textDocument: {
    completion: { completionItem: { snippetSupport: true } },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'source', 'source.fixAll'] } } },
  },
};

const codes = (p: PublishedDiagnostics) =>
  p.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}/${d.severity}`);

function tempFolder(): { dir: string; uri: string; file: (name: string) => string; write: (name: string, text: string) => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kraken-lsp-clients-'));
  return {
    dir,
    uri: pathToFileURL(dir).toString(),
    file: (name) => pathToFileURL(path.join(dir, name)).toString(),
    write: (name, text) => writeFileSync(path.join(dir, name), text),
  };
}

describe('a client without pull diagnostics or refresh support (Neovim 0.10)', () => {
  let server: LspServer;
  before(async () => {
    server = startLspServer();
    server.settings = { krakenImport: null };
    const init = await server.initialize(NEOVIM_010);
    assert.equal(init.capabilities.diagnosticProvider, undefined);
  });
  after(() => server.shutdown());

  it('pushes diagnostics again after a settings change, and never sends workspace/diagnostic/refresh', async () => {
    const uri = 'file:///nvim/account.json';
    const first = await server.waitForDiagnostics(uri, () => true, server.open(uri, ACCOUNT));
    assert.deepEqual(codes(first), ['invalid-enum@0:59/1']);
    const since = server.notifications.length;
    server.settings = { krakenImport: { rules: { 'invalid-enum': 'warning' } } };
    server.notify('workspace/didChangeConfiguration', { settings: { krakenImport: { rules: { 'invalid-enum': 'warning' } } } });
    const after = await server.waitForDiagnostics(uri, () => true, since);
    assert.deepEqual(codes(after), ['invalid-enum@0:59/2']);
    assert.deepEqual(
      server.serverRequests.map((r) => r.method).filter((m) => m !== 'workspace/configuration'),
      [],
    );
  });

  it('completion items carry no VS Code command', async () => {
    const uri = 'file:///nvim/customer.json';
    const text = '{"import_supplier": "X", "customers": [{"given_name": "A", "fam"}], "sales_channel": "DIRECT"}';
    server.open(uri, text);
    const list = await server.request<{ items: Array<{ label: string; command?: unknown }> }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 0, character: text.indexOf('fam') + 3 },
    });
    assert.ok(list.items.some((i) => i.label === 'family_name'));
    assert.deepEqual(
      list.items.filter((i) => i.command),
      [],
    );
  });
});

describe('pull diagnostics without refreshSupport', () => {
  it('falls back to push, so a settings change shows without an edit', async () => {
    const server = startLspServer();
    try {
      const init = await server.initialize({ textDocument: { diagnostic: {} }, workspace: { configuration: true } });
      assert.equal(init.capabilities.diagnosticProvider, undefined);
      const uri = 'file:///pull/account.json';
      assert.deepEqual(codes(await server.waitForDiagnostics(uri, () => true, server.open(uri, ACCOUNT))), ['invalid-enum@0:59/1']);
      const since = server.notifications.length;
      server.settings = { krakenImport: { rules: { 'invalid-enum': 'off' } } };
      server.notify('workspace/didChangeConfiguration', { settings: null });
      assert.deepEqual(codes(await server.waitForDiagnostics(uri, () => true, since)), []);
      assert.ok(!server.serverRequests.some((r) => r.method === 'workspace/diagnostic/refresh'));
    } finally {
      await server.shutdown();
    }
  });

  it('with refreshSupport: pull, and a refresh request after a settings change', async () => {
    const server = startLspServer();
    try {
      const init = await server.initialize({
        textDocument: { diagnostic: {} },
        workspace: { configuration: true, diagnostics: { refreshSupport: true } },
      });
      assert.ok(init.capabilities.diagnosticProvider);
      const uri = 'file:///pull/account.json';
      server.open(uri, ACCOUNT);
      const from = server.serverRequests.length;
      server.settings = { krakenImport: { rules: { 'invalid-enum': 'hint' } } };
      server.notify('workspace/didChangeConfiguration', { settings: null });
      await server.waitForServerRequest((r) => r.method === 'workspace/diagnostic/refresh' && server.serverRequests.indexOf(r) >= from);
      const report = await server.request<{ items: Array<{ code: string; severity: number }> }>('textDocument/diagnostic', {
        textDocument: { uri },
      });
      assert.deepEqual(
        report.items.map((i) => `${i.code}/${i.severity}`),
        ['invalid-enum/4'],
      );
    } finally {
      await server.shutdown();
    }
  });
});

describe('a minimal client: no snippets, no code action literals', () => {
  let server: LspServer;
  before(async () => {
    server = startLspServer();
    const init = await server.initialize({ workspace: { applyEdit: true }, general: { positionEncodings: ['utf-8', 'utf-16'] } });
    assert.equal(init.capabilities.codeActionProvider, true, 'no kinds for a client without literals');
    assert.deepEqual(init.capabilities.executeCommandProvider, { commands: ['krakenImport.server.applyEdit'] });
    assert.equal((init.capabilities as { positionEncoding?: string }).positionEncoding, 'utf-16');
  });
  after(() => server.shutdown());

  it('completion inserts plain text', async () => {
    const uri = 'file:///min/tx.json';
    const text =
      '{ "import_supplier": "X", "ledgers": [ { "current_statement_transactions": [ { "type": "CHARGE", "amount": "1", "tra } ] } ] }';
    server.open(uri, text);
    const list = await server.request<{ items: Array<{ label: string; insertTextFormat: number; textEdit: { newText: string } }> }>(
      'textDocument/completion',
      { textDocument: { uri }, position: { line: 0, character: text.indexOf('"tra') + 4 } },
    );
    const date = list.items.find((i) => i.label === 'transaction_date')!;
    assert.deepEqual([date.insertTextFormat, date.textEdit.newText], [1, '"transaction_date": ""']);
    assert.ok(list.items.every((i) => i.insertTextFormat === 1));
  });

  it('a quick fix is a command; running it makes the server apply the edit', async () => {
    const uri = 'file:///min/account.json';
    const published = await server.waitForDiagnostics(uri, () => true, server.open(uri, ACCOUNT));
    const actions = await server.request<Array<{ title: string; command: string; arguments: unknown[] }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: DIRECT,
      context: { diagnostics: published.diagnostics },
    });
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Change to "DIRECT"'],
    );
    const edit = { changes: { [uri]: [{ range: DIRECT, newText: '"DIRECT"' }] } };
    assert.deepEqual(actions[0], { title: 'Change to "DIRECT"', command: 'krakenImport.server.applyEdit', arguments: [edit] });
    server.answer = (method) => (method === 'workspace/applyEdit' ? { applied: true } : null);
    await server.request('workspace/executeCommand', { command: actions[0].command, arguments: actions[0].arguments });
    const applied = server.serverRequests.filter((r) => r.method === 'workspace/applyEdit');
    assert.deepEqual(
      applied.map((r) => r.params),
      [{ edit }],
    );
  });
});

describe('initializationOptions', () => {
  it('apply from the first validation (no finding flashes and goes)', async () => {
    const server = startLspServer();
    try {
      // The client has no `krakenImport` section to answer with: the options stay.
      server.settings = {};
      await server.initialize({ workspace: { configuration: true } }, { rules: { 'invalid-enum': 'off' } });
      const uri = 'file:///init/account.json';
      const since = server.open(uri, ACCOUNT);
      const first = await server.waitForDiagnostics(uri, () => true, since);
      assert.deepEqual(codes(first), []);
      assert.equal(server.notifications.slice(since).filter((n) => n.method === 'textDocument/publishDiagnostics').length, 1);
    } finally {
      await server.shutdown();
    }
  });

  it('an unknown option is an error that names it; the rest still works', async () => {
    const server = startLspServer();
    try {
      await server.initialize({}, { rules: {}, maxFindngs: 3 });
      const shown = await server.waitFor((n) => n.method === 'window/showMessage');
      assert.deepEqual(shown.params, {
        type: 1,
        message:
          'Kraken Import: initializationOptions: unknown setting "maxFindngs": did you mean "maxFindings"? (known: rules, payloadAssociations, maxFindings, retriggerCompletionCommand)',
      });
      const uri = 'file:///init/account.json';
      assert.deepEqual(codes(await server.waitForDiagnostics(uri, () => true, server.open(uri, ACCOUNT))), ['invalid-enum@0:59/1']);
    } finally {
      await server.shutdown();
    }
  });
  it('a code in "rules" that no finding carries is an error that names it, with the code meant', async () => {
    const server = startLspServer();
    try {
      await server.initialize({}, { rules: { 'invalid-enum': 'hint', 'malo-checkdigit': 'off' } });
      const shown = await server.waitFor((n) => n.method === 'window/showMessage');
      assert.deepEqual(shown.params, {
        type: 1,
        message:
          'Kraken Import: initializationOptions: "rules" names "malo-checkdigit", which is no finding code: did you mean "malo-check-digit"? ("kraken-import rules" lists them)',
      });
      // Not applied: invalid-enum keeps its own severity.
      const uri = 'file:///init/account.json';
      const diagnostics = await server.waitForDiagnostics(uri, () => true, server.open(uri, ACCOUNT));
      assert.deepEqual(codes(diagnostics), ['invalid-enum@0:59/1']);
    } finally {
      await server.shutdown();
    }
  });
});

describe('kraken-import.config.json at the workspace folder root', () => {
  const folder = tempFolder();
  after(() => rmSync(folder.dir, { recursive: true, force: true }));

  it('applies the file, the editor settings on top, and follows edits of the file on disk (file-system watch)', async () => {
    folder.write(
      'kraken-import.config.json',
      JSON.stringify({ rules: { 'invalid-enum': 'warning' }, payloadAssociations: { 'notes/*.json': 'notes' } }),
    );
    const server = startLspServer();
    try {
      server.settings = { krakenImport: null };
      await server.initialize(NEOVIM_010, undefined, { workspaceFolders: [{ uri: folder.uri, name: 'wave' }] });
      const uri = folder.file('account.json');
      assert.deepEqual(codes(await server.waitForDiagnostics(uri, () => true, server.open(uri, ACCOUNT))), ['invalid-enum@0:59/2']);
      // A file outside the folder does not get the folder's settings.
      const outside = 'file:///elsewhere/account.json';
      assert.deepEqual(codes(await server.waitForDiagnostics(outside, () => true, server.open(outside, ACCOUNT))), ['invalid-enum@0:59/1']);

      let since = server.notifications.length;
      folder.write('kraken-import.config.json', JSON.stringify({ rules: { 'invalid-enum': 'off' } }));
      assert.deepEqual(codes(await server.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0, since)), []);

      // The editor's settings win over the file's.
      since = server.notifications.length;
      server.settings = { krakenImport: { rules: { 'invalid-enum': 'information' } } };
      server.notify('workspace/didChangeConfiguration', { settings: null });
      assert.deepEqual(codes(await server.waitForDiagnostics(uri, (p) => p.diagnostics.length === 1, since)), ['invalid-enum@0:59/3']);
      const asked = server.serverRequests
        .filter((r) => r.method === 'workspace/configuration')
        .map((r) => (r.params as { items: unknown[] }).items);
      assert.ok(
        asked.some((items) => JSON.stringify(items) === JSON.stringify([{ scopeUri: folder.uri, section: 'krakenImport' }])),
        'asked per folder',
      );
    } finally {
      await server.shutdown();
    }
  });

  it('a client that watches files: the server registers the watcher and reloads on didChangeWatchedFiles', async () => {
    folder.write('kraken-import.config.json', JSON.stringify({ rules: { 'invalid-enum': 'hint' } }));
    const server = startLspServer();
    try {
      await server.initialize({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } }, undefined, {
        workspaceFolders: [{ uri: folder.uri, name: 'wave' }],
      });
      const registration = await server.waitForServerRequest((r) => r.method === 'client/registerCapability');
      assert.deepEqual(
        (registration.params as { registrations: Array<{ method: string; registerOptions: unknown }> }).registrations.map((r) => [
          r.method,
          r.registerOptions,
        ]),
        [['workspace/didChangeWatchedFiles', { watchers: [{ globPattern: '**/kraken-import.config.json' }] }]],
      );
      const uri = folder.file('account.json');
      assert.deepEqual(codes(await server.waitForDiagnostics(uri, () => true, server.open(uri, ACCOUNT))), ['invalid-enum@0:59/4']);
      folder.write('kraken-import.config.json', JSON.stringify({ maxFindings: 5 }));
      const since = server.notifications.length;
      server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: folder.file('kraken-import.config.json'), type: 2 }] });
      assert.deepEqual(codes(await server.waitForDiagnostics(uri, () => true, since)), ['invalid-enum@0:59/1']);
    } finally {
      await server.shutdown();
    }
  });

  it('a broken file is named, with a button that opens it when the client can show documents', async () => {
    folder.write('kraken-import.config.json', '{"rules": {"invalid-enum": "loud"}}');
    const server = startLspServer();
    try {
      server.answer = (method, params) =>
        method === 'window/showMessageRequest'
          ? (params as { actions: unknown[] }).actions[0]
          : method === 'window/showDocument'
            ? { success: true }
            : null;
      await server.initialize({ window: { showDocument: { support: true } } }, undefined, {
        workspaceFolders: [{ uri: folder.uri, name: 'wave' }],
      });
      const asked = await server.waitForServerRequest((r) => r.method === 'window/showMessageRequest');
      const file = path.join(folder.dir, 'kraken-import.config.json');
      assert.deepEqual(asked.params, {
        type: 2,
        message: `Kraken Import: config ${file}: rule "invalid-enum" has severity "loud"; use error, warning, information, hint or off. Its settings are not applied until it is fixed.`,
        actions: [{ title: 'Open File' }],
      });
      const shown = await server.waitForServerRequest((r) => r.method === 'window/showDocument');
      assert.deepEqual(shown.params, { uri: folder.file('kraken-import.config.json'), takeFocus: true });
    } finally {
      await server.shutdown();
    }
    const plain = startLspServer();
    try {
      await plain.initialize({}, undefined, { workspaceFolders: [{ uri: folder.uri, name: 'wave' }] });
      const shown = await plain.waitFor((n) => n.method === 'window/showMessage');
      assert.match((shown.params as { message: string }).message, /rule "invalid-enum" has severity "loud"/);
      assert.deepEqual(
        plain.serverRequests.map((r) => r.method),
        [],
      );
    } finally {
      await plain.shutdown();
    }
  });
});

describe("the config file's contract", () => {
  const OPENAPI_DIR = process.env.KRAKEN_OPENAPI_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'kraken-openapi');
  const fixture = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'contract', 'uk-account-mistakes.json'), 'utf8');

  for (const progress of [true, false]) {
    it(`is loaded (relative to the file) before the first validation, ${progress ? 'with' : 'without'} work-done progress as the client announced`, async () => {
      const folder = tempFolder();
      const cache = mkdtempSync(path.join(tmpdir(), 'kraken-lsp-cache-'));
      try {
        copyFileSync(path.join(OPENAPI_DIR, 'edf-gb.openapi.yml'), path.join(folder.dir, 'gb.openapi.yml'));
        folder.write('kraken-import.config.json', JSON.stringify({ contract: './gb.openapi.yml' }));
        const server = startLspServer(['--stdio'], [path.join(REPO_ROOT, 'dist', 'server.js')], { KRAKEN_IMPORT_CACHE_DIR: cache });
        try {
          await server.initialize(progress ? { window: { workDoneProgress: true } } : {}, undefined, {
            workspaceFolders: [{ uri: folder.uri, name: 'gb' }],
          });
          const uri = folder.file('account.json');
          const published = await server.waitForDiagnostics(uri, () => true, server.open(uri, fixture));
          const info = await server.request<{ contract: string; kind: string }>('krakenImport/documentInfo', { uri });
          assert.match(info.contract, /^Kraken v1 contract from .*gb\.openapi\.yml/);
          // The instance contract's findings, not the bundled schemas': the same as the CLI with the same config file.
          const run = spawnSync(
            process.execPath,
            [
              path.join(REPO_ROOT, 'dist', 'cli.js'),
              'validate',
              '--format',
              'json',
              '--show-personal-data',
              '--quiet',
              '--stdin-filepath',
              'account.json',
              '-',
            ],
            { cwd: folder.dir, input: fixture, encoding: 'utf8', env: { ...process.env, KRAKEN_IMPORT_CACHE_DIR: cache } },
          );
          assert.equal(run.status, 1, run.stderr);
          const cli = JSON.parse(run.stdout);
          assert.deepEqual(
            published.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`),
            cli[0].diagnostics.map(
              (d: { code: string; range: { start: { line: number; character: number } } }) =>
                `${d.code}@${d.range.start.line}:${d.range.start.character}`,
            ),
          );
          const created = server.serverRequests.filter((r) => r.method === 'window/workDoneProgress/create');
          assert.equal(created.length, progress ? 1 : 0);
          if (progress) {
            const token = (created[0].params as { token: string }).token;
            const reports = server.notifications
              .filter((n) => n.method === '$/progress' && (n.params as { token: string }).token === token)
              .map((n) => (n.params as { value: { kind: string; title?: string } }).value);
            assert.deepEqual(
              reports.map((v) => v.kind),
              ['begin', 'end'],
            );
            assert.equal(reports[0].title, 'Kraken Import: loading the contract ./gb.openapi.yml');
          }
        } finally {
          await server.shutdown();
        }
      } finally {
        rmSync(folder.dir, { recursive: true, force: true });
        rmSync(cache, { recursive: true, force: true });
      }
    });
  }
});

describe('JSON Lines waves', () => {
  let server: LspServer;
  const uri = 'file:///wave/accounts.jsonl';
  // Line 0 is fine, line 1 has "direct" (after a name with an emoji: UTF-16 columns), line 2 is blank, line 3 is
  // not JSON.
  const ok = '{"import_supplier": "X", "customers": [], "sales_channel": "DIRECT"}';
  const bad = '{"import_supplier": "X", "customers": [{"given_name": "Jürgen 😀", "family_name": "B"}], "sales_channel": "direct"}';
  const text = `${ok}\n${bad}\n\n{"import_supplier": \n`;
  let published: PublishedDiagnostics;
  before(async () => {
    server = startLspServer();
    await server.initialize(NEOVIM_010);
    published = await server.waitForDiagnostics(uri, () => true, server.open(uri, text, 'jsonl'));
  });
  after(() => server.shutdown());

  it("diagnostics per record, on the record's line, in UTF-16 columns", () => {
    const at = bad.indexOf('"direct"');
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range]),
      [
        ['invalid-enum', { start: { line: 1, character: at }, end: { line: 1, character: at + 8 } }],
        ['syntax-error', published.diagnostics[1]?.range],
      ],
    );
    assert.equal(published.diagnostics[1].range.start.line, 3);
    assert.match(published.diagnostics[1].message, /^Line 4: /);
  });

  it("completion inside a record edits that record's line", async () => {
    const col = bad.indexOf('"direct"') + 1;
    const list = await server.request<{ items: Array<{ label: string; textEdit: { range: unknown; newText: string } }> }>(
      'textDocument/completion',
      { textDocument: { uri }, position: { line: 1, character: col } },
    );
    const direct = list.items.find((i) => i.label === '"DIRECT"')!;
    assert.deepEqual(direct.textEdit, {
      range: { start: { line: 1, character: col - 1 }, end: { line: 1, character: col + 7 } },
      newText: '"DIRECT"',
    });
  });

  it('hover inside a record', async () => {
    const col = bad.indexOf('"sales_channel"') + 2;
    const hover = await server.request<{ contents: { value: string }; range: unknown }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: col },
    });
    assert.match(hover.contents.value, /sales channel/i);
    assert.deepEqual(hover.range, {
      start: { line: 1, character: col - 2 },
      end: { line: 1, character: col - 2 + '"sales_channel"'.length },
    });
  });

  it('quick fix and fix-all inside the wave', async () => {
    const d = published.diagnostics[0];
    const actions = await server.request<Array<{ title: string; kind: string; diagnostics?: unknown[]; edit: unknown }>>(
      'textDocument/codeAction',
      { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } },
    );
    assert.deepEqual(actions[0], {
      title: 'Change to "DIRECT"',
      kind: 'quickfix',
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: '"DIRECT"' }] } },
    });
    const fixAll = await server.request<Array<{ title: string; kind: string; edit: unknown }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepEqual(fixAll, [
      {
        title: 'Fix all safe Kraken Import findings',
        kind: 'source.fixAll.krakenImport',
        edit: { changes: { [uri]: [{ range: d.range, newText: '"DIRECT"' }] } },
      },
    ]);
  });

  it('live: an edit in one record updates the findings', async () => {
    const at = bad.indexOf('"direct"');
    const since = server.change(uri, [
      { range: { start: { line: 1, character: at }, end: { line: 1, character: at + 8 } }, text: '"DIRECT"' },
    ]);
    const next = await server.waitForDiagnostics(uri, () => true, since);
    assert.deepEqual(
      next.diagnostics.map((d) => d.code),
      ['syntax-error'],
    );
  });
});
