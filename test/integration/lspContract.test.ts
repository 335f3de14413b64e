/**
 * The instance contract over a real LSP conversation with the built server: `krakenImport/setContract` switches
 * validation, document info, hover and completion to the contract the client sends (what the extension does with
 * `krakenImport.contract` pointing at the EDF GB or the Origin AU file), back to bundled, and reuses the compiled
 * validators a previous server left in the cache folder.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DocumentInfo, SetContractResult } from '../../core/src/protocol';
import { REPO_ROOT, startLspServer, type LspServer, type PublishedDiagnostics } from './lspHarness';
import { GB_MISTAKES } from '../fixtures/contract/expected';

const OPENAPI_DIR = process.env.KRAKEN_OPENAPI_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'kraken-openapi');
const GB_FILE = path.join(OPENAPI_DIR, 'edf-gb.openapi.yml');
const AU_FILE = path.join(OPENAPI_DIR, 'origin-au.openapi.yml');
const fixture = (name: string) => readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'contract', name), 'utf8');

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];
const row = (d: PublishedDiagnostics['diagnostics'][number]) =>
  `${SEVERITY[d.severity ?? 1]} ${d.code} @ ${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`;

describe('krakenImport/setContract over LSP', () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'kraken-import-lsp-contract-'));
  let server: LspServer;
  let n = 0;
  after(async () => {
    await server?.shutdown();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  before(async () => {
    server = startLspServer();
    await server.initialize({});
  });

  async function setContract(file: string | 'bundled', note?: string): Promise<SetContractResult> {
    return server.request<SetContractResult>(
      'krakenImport/setContract',
      file === 'bundled' ? { source: 'bundled' } : { source: file, text: readFileSync(file, 'utf8'), note, cacheDir },
    );
  }

  async function openAndWait(name: string, predicate: (d: PublishedDiagnostics) => boolean = () => true) {
    const uri = `file:///work/contract/${++n}-${name}`;
    const since = server.open(uri, fixture(name));
    return { uri, published: await server.waitForDiagnostics(uri, predicate, since) };
  }

  it('GB: the mistakes fixture gets the instance findings at exact ranges; document info names the contract and the shape', async (t) => {
    const started = Date.now();
    const result = await setContract(GB_FILE);
    t.diagnostic(`setContract GB: ${Date.now() - started} ms (${result.from}, load ${result.loadMs} ms)`);
    assert.equal(result.ok, true, result.message);
    assert.deepEqual(result.kinds, [
      'account',
      'account-v2-validate',
      'account-v2-create',
      'account-v1-create',
      'notes',
      'transactions',
      'statements',
      'payment-instruction',
    ]);
    assert.match(result.contract, /^Kraken v1 contract from .*edf-gb\.openapi\.yml \(sha256 a9e31dc81d6c\)$/);

    const { uri, published } = await openAndWait('uk-account-mistakes.json', (d) => d.diagnostics.length > 0);
    assert.deepEqual(published.diagnostics.map(row), GB_MISTAKES);
    const info = await server.request<DocumentInfo>('krakenImport/documentInfo', { uri });
    assert.equal(info.kind, 'account');
    assert.equal(info.contract, result.contract);
    assert.match(info.reason, /; shape: a bare account, validated as EnergyAccount/);

    const wrapped = await openAndWait('uk-account-v2-validate.json');
    assert.deepEqual(wrapped.published.diagnostics.map(row), []);
    const wrappedInfo = await server.request<DocumentInfo>('krakenImport/documentInfo', { uri: wrapped.uri });
    assert.match(wrappedInfo.reason, /shape: the \{payload\} wrapper the contract declares/);
  });

  it('hover and completion run on the contract', async () => {
    const { uri } = await openAndWait('uk-account.json');
    const text = fixture('uk-account.json');
    const offset = text.indexOf('"billing_postcode"') + 2;
    const before = text.slice(0, offset);
    const hover = await server.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) },
    });
    assert.match(hover?.contents.value ?? '', /Kraken may raise: `invalid_postcode`/);
  });

  it('the same text again is not converted again; an unusable text leaves the contract in force', async () => {
    const same = await setContract(GB_FILE);
    assert.equal(same.from, 'unchanged');
    const bad = await server.request<SetContractResult>('krakenImport/setContract', { source: 'broken.yml', text: 'openapi: [' });
    assert.equal(bad.ok, false);
    assert.match(bad.message!, /^broken\.yml is not a YAML or JSON contract/);
    assert.equal(bad.contract, same.contract);
  });

  it('AU, then back to bundled', async () => {
    const au = await setContract(AU_FILE, 'a note for the status item');
    assert.equal(au.ok, true, au.message);
    assert.match(au.contract, /origin-au\.openapi\.yml \(sha256 d1331e50f0ae\) — a note for the status item$/);
    const { published } = await openAndWait('au-account-mistakes.json', (d) => d.diagnostics.length > 0);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      [
        'invalid-enum',
        'invalid-type',
        'number-as-string',
        'string-as-number',
        'invalid-enum',
        'invalid-format',
        'invalid-enum',
        'number-as-string',
      ],
    );
    const clean = await openAndWait('au-account.json');
    assert.deepEqual(clean.published.diagnostics.map(row), []);

    const bundled = await setContract('bundled');
    assert.equal(bundled.ok, true);
    assert.match(bundled.contract, /^Bundled schemas/);
    const info = await server.request<DocumentInfo>('krakenImport/documentInfo', { uri: clean.uri });
    assert.match(info.contract, /^Bundled schemas/);
  });

  it('a second server reuses the converted contract and the compiled validators from the cache folder', async (t) => {
    const second = startLspServer();
    try {
      await second.initialize({});
      const started = Date.now();
      const result = await second.request<SetContractResult>('krakenImport/setContract', {
        source: GB_FILE,
        text: readFileSync(GB_FILE, 'utf8'),
        cacheDir,
      });
      const setMs = Date.now() - started;
      assert.equal(result.from, 'cache');
      const uri = 'file:///work/contract/second.json';
      const opened = Date.now();
      const since = second.open(uri, fixture('uk-account-mistakes.json'));
      const published = await second.waitForDiagnostics(uri, (d) => d.diagnostics.length > 0, since);
      t.diagnostic(
        `second server: setContract ${setMs} ms (conversion from the cache ${result.loadMs} ms), first diagnostics ${Date.now() - opened} ms after open (200 ms debounce included)`,
      );
      assert.equal(published.diagnostics.length, GB_MISTAKES.length);
    } finally {
      await second.shutdown();
    }
  });
});
