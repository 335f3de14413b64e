/**
 * Server health, over a real LSP conversation with dist/server.js:
 * - a request whose handler throws is answered with an error response (runSafe in server.ts: InternalError,
 *   "<name> failed: <reason>", and the reason logged), never with silence, and the server keeps serving;
 * - malformed and unknown requests are answered too;
 * - huge and hostile documents (100 000-deep nesting, a 10 MB line, a 200 000-element array, NUL bytes, lone
 *   surrogates, a BOM, lone "\r" line breaks) get diagnostics, the authoring requests on them answer, and the process
 *   stays up.
 * The client side (restart once, say so once) is client/src/serverHealth.ts, unit-tested in test/unit/serverHealth.test.ts.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startLspServer, type LspServer, type PublishedDiagnostics } from './lspHarness';

const seedText = readFileSync(path.join(REPO_ROOT, 'test/fixtures/seeds/seed-account.json'), 'utf8');

/** Resolves with the request's outcome (result or error), or fails the test when the server stays silent. */
async function answer<T>(
  server: LspServer,
  method: string,
  params: unknown,
  ms = 30_000,
): Promise<{ result?: T; error?: { code: number; message: string } }> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${ms} ms`)), ms);
  });
  try {
    const result = await Promise.race([server.request<T>(method, params), silence]);
    return { result };
  } catch (error) {
    const e = error as Error & { code?: number };
    if (e.code === undefined) throw error; // silence (or a broken connection), not an error response
    return { error: { code: e.code, message: e.message } };
  } finally {
    clearTimeout(timer);
  }
}

function alive(server: LspServer): void {
  assert.equal(server.process.exitCode, null, `the server exited: ${server.stderr.join('').slice(-2000)}`);
  assert.equal(server.process.signalCode, null);
}

/** Peak resident memory of the server process (Linux /proc), MB; undefined elsewhere. */
function peakRssMb(server: LspServer): number | undefined {
  try {
    const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const INTERNAL_ERROR = -32603;
const METHOD_NOT_FOUND = -32601;
const ERROR = 1;

describe('server health: a request that throws answers with an error, and the server keeps serving', () => {
  let server: LspServer;

  before(async () => {
    server = startLspServer();
    await server.initialize({ workspace: { configuration: true } });
  });
  after(() => server.shutdown());

  it('krakenImport/locatePaths with paths that are not an array: an InternalError naming the request, and the reason logged', async () => {
    const since = server.notifications.length;
    const { result, error } = await answer(server, 'krakenImport/locatePaths', { uri: 'file:///nowhere.json', paths: 'customers.0' });
    assert.equal(result, undefined);
    assert.ok(error, 'an error response');
    assert.equal(error.code, INTERNAL_ERROR);
    assert.match(error.message, /^locatePaths failed: /, 'runSafe answered (not the JSON-RPC layer)');
    const logged = await server.waitFor(
      (n) => n.method === 'window/logMessage' && /locatePaths failed/.test((n.params as { message: string }).message),
      since,
    );
    assert.equal((logged.params as { type: number }).type, ERROR, 'logged as an error, with the stack, for the output channel');
    alive(server);
  });

  it('null params, missing positions and a missing document: answers, not silence', async () => {
    const uri = 'file:///work/health.json';
    server.open(uri, seedText);
    const outcomes = [
      await answer(server, 'krakenImport/locatePaths', null),
      await answer(server, 'krakenImport/documentInfo', null),
      await answer(server, 'textDocument/hover', { textDocument: { uri } }),
      await answer(server, 'textDocument/completion', { textDocument: { uri }, position: { line: -5, character: 1e9 } }),
      await answer(server, 'textDocument/hover', {
        textDocument: { uri: 'file:///never-opened.json' },
        position: { line: 0, character: 0 },
      }),
      await answer(server, 'textDocument/documentSymbol', { textDocument: { uri: 42 } }),
    ];
    for (const o of outcomes) assert.ok(o.error === undefined || o.error.code === INTERNAL_ERROR, JSON.stringify(o.error));
    assert.ok(outcomes[0].error && /^locatePaths failed/.test(outcomes[0].error.message));
    alive(server);
  });

  it('an unknown request: MethodNotFound', async () => {
    const { error } = await answer(server, 'krakenImport/noSuchRequest', {});
    assert.equal(error?.code, METHOD_NOT_FOUND);
  });

  it('keeps serving afterwards: diagnostics, document info and located paths', async () => {
    const uri = 'file:///work/after.json';
    const since = server.open(uri, '{"import_supplier": "X", "customers": [], "sales_channel": "direct"}');
    const published = await server.waitForDiagnostics(uri, () => true, since);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['invalid-enum'],
    );
    const info = await answer<{ kind: string }>(server, 'krakenImport/documentInfo', { uri });
    assert.equal(info.result?.kind, 'account');
    const located = await answer<Array<{ exact: boolean }>>(server, 'krakenImport/locatePaths', { uri, paths: ['sales_channel'] });
    assert.equal(located.result?.[0].exact, true);
    alive(server);
  });
});

describe('server health: huge and hostile documents do not take the server down', () => {
  let server: LspServer;
  const figures: string[] = [];

  before(async () => {
    server = startLspServer();
    await server.initialize({ workspace: { configuration: true } });
  });
  after(async () => {
    const peak = peakRssMb(server);
    if (peak !== undefined) figures.push(`server peak RSS ${peak.toFixed(0)} MB`);
    console.log(`health: ${figures.join('; ')}`);
    await server.shutdown();
  });

  /** Opens the text, waits for its diagnostics, then runs the authoring requests at `offset`; all must answer. */
  async function openAndProbe(name: string, uri: string, text: string, position: { line: number; character: number }) {
    const started = performance.now();
    const since = server.open(uri, text);
    let timer: NodeJS.Timeout | undefined;
    const published = await Promise.race([
      server.waitForDiagnostics(uri, () => true, since),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no diagnostics for ${name} within 60 s`)), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const diagnosticsMs = performance.now() - started;
    const textDocument = { uri };
    const requests: Array<[string, unknown]> = [
      ['textDocument/hover', { textDocument, position }],
      ['textDocument/completion', { textDocument, position }],
      ['textDocument/documentSymbol', { textDocument }],
      ['textDocument/foldingRange', { textDocument }],
      ['textDocument/definition', { textDocument, position }],
      [
        'textDocument/codeAction',
        { textDocument, range: { start: position, end: position }, context: { diagnostics: published.diagnostics.slice(0, 3) } },
      ],
      ['krakenImport/documentInfo', { uri }],
    ];
    const slowest = { method: '', ms: 0 };
    for (const [method, params] of requests) {
      const t0 = performance.now();
      const o = await answer(server, method, params, 60_000);
      assert.equal(o.error, undefined, `${name}: ${method} failed: ${o.error?.message}`);
      const ms = performance.now() - t0;
      if (ms > slowest.ms) Object.assign(slowest, { method, ms });
    }
    figures.push(
      `${name}: diagnostics in ${diagnosticsMs.toFixed(0)} ms, ${requests.length} requests answered after ${(performance.now() - started).toFixed(0)} ms (slowest ${slowest.method} ${slowest.ms.toFixed(0)} ms)`,
    );
    alive(server);
    return published;
  }

  it('nesting 100 000 levels deep: too-deep, and every authoring request answers', async () => {
    const text =
      '{"import_supplier": "X", "customers": [], "metadata": [{"key": "k", "value": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}]}';
    const published = await openAndProbe('100 000 deep', 'file:///work/deep.json', text, { line: 0, character: 60_000 });
    assert.ok(published.diagnostics.some((d) => d.code === 'too-deep' && d.severity === ERROR));
    // unfinished, with the debris of a broken edit: deeper than jsonc-parser's recursion
    const broken = '["x\n' + '['.repeat(50_000);
    await openAndProbe('broken deep', 'file:///work/deep-broken.json', broken, { line: 1, character: 25_000 });
  });

  it('a 10 MB line and a 200 000-element array: diagnostics, then an edit at the far end', async () => {
    const item = '{"title": "Herr", "date_of_birth": "26.07.1997"}';
    const text = '{"import_supplier": "X", "customers": [' + Array(200_000).fill(item).join(',') + '], "sales_channel": "direct"}';
    assert.ok(text.length > 9_000_000 && !text.includes('\n'));
    const uri = 'file:///work/huge.json';
    const published = await openAndProbe('10 MB line, 200 000 items', uri, text, { line: 0, character: text.length - 5 });
    assert.ok(published.diagnostics.some((d) => d.code === 'too-many-findings'));
    const end = text.lastIndexOf('"direct"');
    const since = server.change(uri, [
      { range: { start: { line: 0, character: end }, end: { line: 0, character: end + 8 } }, text: '"DIRECT"' },
    ]);
    const after = await server.waitForDiagnostics(uri, (p) => p.version === server.version(uri), since);
    assert.ok(!after.diagnostics.some((d) => d.code === 'invalid-enum'), 'the edit at character 9 000 000+ landed');
    alive(server);
  });

  it('NUL bytes, lone surrogates, a BOM and lone "\\r" line breaks', async () => {
    const nul = await openAndProbe('NUL', 'file:///work/nul.json', seedText.slice(0, 50) + '\u0000' + seedText.slice(50), {
      line: 1,
      character: 3,
    });
    // not detected as a payload (binary): no diagnostics, no crash
    assert.ok(nul.diagnostics.every((d) => d.code === 'binary'));
    await openAndProbe('lone surrogates', 'file:///work/surrogates.json', seedText.replace('"Goethe"', '"Go\ud800the\udfff"'), {
      line: 7,
      character: 20,
    });
    const bom = await openAndProbe('BOM', 'file:///work/bom.json', '\ufeff' + seedText, { line: 0, character: 0 });
    assert.ok(bom.diagnostics.some((d) => d.code === 'bom' && d.range.start.line === 0 && d.range.start.character === 0));
    const cr = '{"import_supplier": "X",\r"customers": [],\r"sales_channel": "direct"}';
    const crPublished = await openAndProbe('lone CR', 'file:///work/cr.json', cr, { line: 2, character: 20 });
    const enumError = crPublished.diagnostics.find((d) => d.code === 'invalid-enum');
    assert.deepEqual(
      enumError?.range,
      { start: { line: 2, character: 17 }, end: { line: 2, character: 25 } },
      'on the line the editor shows',
    );
  });

  it('after all that: still serving', async () => {
    const uri = 'file:///work/final.json';
    const since = server.open(uri, seedText);
    const published: PublishedDiagnostics = await server.waitForDiagnostics(uri, () => true, since);
    assert.deepEqual(
      published.diagnostics.filter((d) => d.severity === ERROR),
      [],
    );
    // nothing failed behind the scenes either: no uncaught exception, no failed validation in the log
    const failures = server.notifications
      .filter((n) => n.method === 'window/logMessage')
      .map((n) => (n.params as { message: string }).message)
      .filter((m) => /uncaught|unhandled rejection|failed/.test(m));
    assert.deepEqual(failures, []);
    alive(server);
  });
});
