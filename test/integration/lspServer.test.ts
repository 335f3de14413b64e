import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { REPO_ROOT, startLspServer, type LspServer, type PublishedDiagnostics } from './lspHarness';

const seedText = readFileSync(path.join(REPO_ROOT, 'test/fixtures/seeds/seed-account.json'), 'utf8');
const ERROR = 1;

function offsetToPosition(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

describe('LSP conversation with the built server (push diagnostics)', () => {
  let server: LspServer;
  const uri = 'file:///work/accounts/EXTERNAL-1234.json';

  before(async () => {
    server = startLspServer();
    const init = await server.initialize({ workspace: { configuration: true } });
    assert.equal((init.capabilities as { textDocumentSync: number }).textDocumentSync, 2);
    assert.equal((init.capabilities as { diagnosticProvider?: unknown }).diagnosticProvider, undefined);
  });
  after(() => server.shutdown());

  it('publishes no errors for the seed account', async () => {
    const since = server.open(uri, seedText);
    const published = await server.waitForDiagnostics(uri, () => true, since);
    assert.equal(published.version, 1);
    assert.deepEqual(
      published.diagnostics.filter((d) => d.severity === ERROR),
      [],
    );
  });

  it('"landline": "abcde" is an error at exactly that value, with path customers.0.landline', async () => {
    const at = seedText.indexOf('"landline": ""') + '"landline": '.length;
    const start = offsetToPosition(seedText, at);
    const since = server.change(uri, [{ range: { start, end: { line: start.line, character: start.character + 2 } }, text: '"abcde"' }]);
    const published = await server.waitForDiagnostics(uri, (p) => p.version === server.version(uri), since);
    const errors = published.diagnostics.filter((d) => d.severity === ERROR);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.deepEqual(errors[0].range, { start, end: { line: start.line, character: start.character + 7 } });
    assert.equal(errors[0].source, 'kraken-import');
    assert.equal((errors[0].data as { path: string }).path, 'customers.0.landline');
  });

  it('drops stale results: only the last of quick successive changes is published', async () => {
    const since = server.change(uri, [{ text: seedText.replace('"DIRECT"', '"direct"') }]);
    server.change(uri, [{ text: seedText.replace('"DIRECT"', '"DIRCT"') }]);
    const finalVersion = server.version(uri);
    const published = await server.waitForDiagnostics(uri, (p) => p.version === finalVersion, since);
    const enumErrors = published.diagnostics.filter((d) => d.code === 'invalid-enum');
    assert.equal(enumErrors.length, 1);
    assert.match(enumErrors[0].message, /^"DIRCT" is not a valid sales channel; did you mean "DIRECT"\?/);
    const intermediate = server.notifications
      .slice(since)
      .filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as PublishedDiagnostics).uri === uri);
    assert.ok(
      intermediate.every((n) => (n.params as PublishedDiagnostics).version === finalVersion),
      'a stale version was published',
    );
  });

  it('reports the payload kind and why', async () => {
    const info = await server.request<{ kind: string; reason: string; contract: string }>('krakenImport/documentInfo', { uri });
    assert.equal(info.kind, 'account');
    assert.equal(info.reason, 'account fields at the top level ("unknown_occupier", "customers", "billing_address1")');
    assert.match(info.contract, /^Bundled schemas/);
  });

  it('places Kraken attr paths with the same locator', async () => {
    const text = seedText;
    const since = server.change(uri, [{ text }]);
    await server.waitForDiagnostics(uri, (p) => p.version === server.version(uri), since);
    const [landline, missing, root] = await server.request<Array<{ range: unknown; exact: boolean }>>('krakenImport/locatePaths', {
      uri,
      paths: ['customers.0.landline', 'customers.0.no_such_field', ''],
    });
    const at = text.indexOf('"landline": ""') + '"landline": '.length;
    assert.deepEqual(landline, { range: { start: offsetToPosition(text, at), end: offsetToPosition(text, at + 2) }, exact: true });
    assert.equal(missing.exact, false);
    assert.deepEqual(root, { range: { start: { line: 0, character: 0 }, end: offsetToPosition(text, text.length - 1) }, exact: true });
  });

  it('a JSON document that is no payload gets no diagnostics', async () => {
    const other = 'file:///work/package.json';
    const since = server.open(other, '{"name": "x", "version": "1.0.0"}');
    const published = await server.waitForDiagnostics(other, () => true, since);
    assert.deepEqual(published.diagnostics, []);
  });

  it('settings: krakenImport.rules switches a code off', async () => {
    server.settings = { krakenImport: { rules: { 'invalid-enum': 'off' } } };
    const since = server.change(uri, [{ text: seedText.replace('"DIRECT"', '"direct"') }]);
    server.notify('workspace/didChangeConfiguration', { settings: null });
    const published = await server.waitForDiagnostics(
      uri,
      (p) => p.version === server.version(uri) && !p.diagnostics.some((d) => d.code === 'invalid-enum'),
      since,
    );
    assert.equal(published.diagnostics.filter((d) => d.severity === ERROR).length, 0);
    server.settings = {};
  });

  it('a file whose bytes are not UTF-8: invalid-utf8 at the "\ufffd" the editor shows, not for one written on purpose', async () => {
    // The editor decoded "Müller" from a Windows-1252 file leniently: its text has "\ufffd"; only the file says why.
    const dir = mkdtempSync(path.join(tmpdir(), 'kraken-lsp-utf8-'));
    try {
      const latin1 = path.join(dir, 'latin1.json');
      const text = seedText.replace(/"family_name": "[^"]*"/, '"family_name": "M\u00fcller"');
      writeFileSync(latin1, Buffer.from(text, 'latin1'));
      const shown = text.replace('\u00fc', '\ufffd');
      const latin1Uri = pathToFileURL(latin1).href;
      let since = server.open(latin1Uri, shown);
      let published = await server.waitForDiagnostics(latin1Uri, () => true, since);
      const start = offsetToPosition(shown, shown.indexOf('\ufffd'));
      assert.deepEqual(
        published.diagnostics.filter((d) => d.code === 'invalid-utf8').map((d) => [d.severity, d.range, d.message]),
        [
          [
            ERROR,
            { start, end: { line: start.line, character: start.character + 1 } },
            'The file is not valid UTF-8: Kraken reads request bodies as UTF-8. Re-encode the file (the bad bytes are shown as \ufffd).',
          ],
        ],
      );
      // Re-encoded on disk and the editor's text fixed: the finding goes.
      writeFileSync(latin1, text, 'utf8');
      since = server.change(latin1Uri, [{ text }]);
      published = await server.waitForDiagnostics(latin1Uri, (p) => p.version === server.version(latin1Uri), since);
      assert.deepEqual(
        published.diagnostics.filter((d) => d.code === 'invalid-utf8'),
        [],
      );
      server.close(latin1Uri);

      // The same text from a file that is UTF-8: the "\ufffd" is the file's own, and nothing is said.
      const onPurpose = path.join(dir, 'on-purpose.json');
      writeFileSync(onPurpose, shown, 'utf8');
      const onPurposeUri = pathToFileURL(onPurpose).href;
      since = server.open(onPurposeUri, shown);
      published = await server.waitForDiagnostics(onPurposeUri, () => true, since);
      assert.deepEqual(
        published.diagnostics.filter((d) => d.code === 'invalid-utf8'),
        [],
      );
      server.close(onPurposeUri);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closing a document clears its diagnostics', async () => {
    const since = server.notifications.length;
    server.close(uri);
    const published = await server.waitForDiagnostics(uri, () => true, since);
    assert.deepEqual(published.diagnostics, []);
  });
});

describe('LSP conversation (pull diagnostics)', () => {
  let server: LspServer;
  before(async () => {
    server = startLspServer();
    const init = await server.initialize({
      textDocument: { diagnostic: { dynamicRegistration: false } },
      workspace: { diagnostics: { refreshSupport: true } },
    });
    assert.deepEqual((init.capabilities as { diagnosticProvider: unknown }).diagnosticProvider, {
      interFileDependencies: false,
      workspaceDiagnostics: false,
      identifier: 'kraken-import',
    });
  });
  after(() => server.shutdown());

  it('answers textDocument/diagnostic with the current findings', async () => {
    const uri = 'file:///work/notes.json';
    server.open(uri, '{"import_supplier": "X", "external_account_number": "E", "notes": [{"body": "b", "is_pinned": "maybe"}]}');
    const report = await server.request<{ kind: string; items: Array<{ code: string; message: string }> }>('textDocument/diagnostic', {
      textDocument: { uri },
    });
    assert.equal(report.kind, 'full');
    assert.deepEqual(
      report.items.map((i) => i.code),
      ['invalid-type'],
    );
    assert.equal(report.items[0].message, '"is_pinned" must be a boolean, not the string "maybe".');
  });
});

describe('the CLI runs the same server', () => {
  it('kraken-import lsp --stdio initializes and validates', async () => {
    const server = startLspServer(['lsp', '--stdio'], [path.join(REPO_ROOT, 'dist', 'cli.js')]);
    try {
      await server.initialize({});
      const uri = 'file:///x/account.json';
      const since = server.open(uri, '{"import_supplier": "X", "customers": [], "sales_channel": "direct"}');
      const published = await server.waitForDiagnostics(uri, () => true, since);
      assert.deepEqual(
        published.diagnostics.map((d) => d.code),
        ['invalid-enum'],
      );
    } finally {
      await server.shutdown();
    }
  });
});
