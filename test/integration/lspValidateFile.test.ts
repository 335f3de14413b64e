/**
 * krakenImport/validateFile over the protocol: the server validates a file's text that is not an open document
 * (workspace validation), with the same service and the same LSP diagnostics as for an open one; .jsonl records
 * are placed on the file's lines; a file that is no payload gets nothing; an open document is left alone.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, startLspServer, type LspServer, type PublishedDiagnostics } from './lspHarness';
import { ValidateFileRequest, type ValidateFileResult } from '../../core/src/protocol';

const seedText = readFileSync(path.join(REPO_ROOT, 'test/fixtures/seeds/seed-account.json'), 'utf8');

describe('krakenImport/validateFile', () => {
  let server: LspServer;
  before(async () => {
    server = startLspServer();
    await server.initialize({ workspace: { configuration: true } });
  });
  after(() => server.shutdown());

  it('a file on disk: the kind and the same diagnostics as for the open document', async () => {
    const bad = seedText.replace(/"sales_channel": "[A-Z_]+"/, '"sales_channel": "direct"');
    assert.notEqual(bad, seedText);
    const uri = 'file:///work/wave/EXT-1.json';
    const r = await server.request<ValidateFileResult>(ValidateFileRequest, { uri, text: bad });
    assert.equal(r.kind, 'account');
    const enumError = r.diagnostics.find((d) => d.code === 'invalid-enum');
    assert.ok(enumError, JSON.stringify(r.diagnostics));
    assert.equal(enumError.severity, 1);
    assert.equal(enumError.source, 'kraken-import');
    const line = bad.split('\n').findIndex((l) => l.includes('"direct"'));
    assert.equal(enumError.range.start.line, line);

    // The same text opened: the same findings (the editor and workspace validation agree).
    const since = server.open('file:///work/wave/EXT-1-open.json', bad);
    const published: PublishedDiagnostics = await server.waitForDiagnostics('file:///work/wave/EXT-1-open.json', () => true, since);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      r.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]),
    );
  });

  it("a .jsonl wave: each record validated, findings on the record's line; broken lines reported", async () => {
    const good = JSON.stringify(JSON.parse(seedText));
    const badRecord = JSON.stringify({ ...JSON.parse(seedText), sales_channel: 'direct' });
    const text = [good, '', badRecord, '{"import_supplier": '].join('\n') + '\n';
    const r = await server.request<ValidateFileResult>(ValidateFileRequest, { uri: 'file:///work/wave/wave.jsonl', text });
    assert.equal(r.kind, 'account');
    const enumError = r.diagnostics.find((d) => d.code === 'invalid-enum');
    assert.ok(enumError);
    assert.equal(enumError.range.start.line, 2);
    assert.equal(badRecord.slice(enumError.range.start.character, enumError.range.end.character), '"direct"');
    const syntax = r.diagnostics.filter((d) => d.range.start.line === 3);
    assert.ok(syntax.length >= 1 && syntax.every((d) => d.severity === 1), JSON.stringify(syntax));
    assert.equal(r.diagnostics.filter((d) => d.range.start.line === 0 && d.severity === 1).length, 0);
  });

  it('a JSON file that is no payload: no kind, no diagnostics; nothing is published for it', async () => {
    const before = server.notifications.length;
    const r = await server.request<ValidateFileResult>(ValidateFileRequest, {
      uri: 'file:///work/package.json',
      text: '{"name": "x", "version": "1.0.0"}',
    });
    assert.deepEqual(r, { kind: null, diagnostics: [] });
    assert.equal(server.notifications.slice(before).filter((n) => n.method === 'textDocument/publishDiagnostics').length, 0);
  });
});
