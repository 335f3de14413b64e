/**
 * Extreme input through the language service and through the CLI: a 45 MB account payload, nesting 100 000 deep,
 * an array of 1 000 000 elements, a 10 MB line, invalid UTF-8, a BOM, NUL bytes. Each must finish within a time
 * limit, within a memory limit, with the specific finding, and without a crash.
 *
 * Both run in a child process of their own, so the peak resident memory (`process.resourceUsage().maxRSS`, read
 * by a preloaded probe as the child exits) is that of the work alone:
 * - service: this file re-run with KRAKEN_EXTREMES_WORKER=<file> reads the file and calls `service.validate`;
 * - CLI: `node --require <probe> dist/cli.js validate --format json <file>`.
 * The inputs are generated in a temporary folder and deleted afterwards. The figures are printed.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKrakenService, type KindId } from '../../core/src/service';
import { REPO_ROOT } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

interface WorkerResult {
  /** Wall and CPU time of the validate call alone. */
  ms: number;
  cpuMs: number;
  codes: Record<string, number>;
  first: Record<string, { line: number; character: number }>;
  kind: string | null;
  chars: number;
}

/** The child side: validate one file and print what it found. */
function worker(file: string, kind: KindId | undefined): void {
  const text = readFileSync(file, 'utf8');
  const service = createKrakenService();
  service.validate('{}'); // compile the schemas first: the figure is the document's cost
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = service.validate(text, { filePath: file, kind });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const codes: Record<string, number> = {};
  const first: WorkerResult['first'] = {};
  for (const d of result.diagnostics) {
    codes[d.code] = (codes[d.code] ?? 0) + 1;
    first[d.code] ??= d.range.start;
  }
  const out: WorkerResult = { ms, cpuMs, codes, first, kind: result.detection.kind ?? null, chars: text.length };
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (process.env.KRAKEN_EXTREMES_WORKER) {
  worker(process.env.KRAKEN_EXTREMES_WORKER, (process.env.KRAKEN_EXTREMES_KIND || undefined) as KindId | undefined);
} else {
  suite();
  numbers();
}

/** Identifiers and amounts written as JSON numbers that do not survive as written: a finding quoting the exact text. */
function numbers(): void {
  const service = createKrakenService();
  const seed = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'seeds', 'seed-account.json'), 'utf8');

  /** The seed account with `from` replaced by `to`; the findings on the replaced literal. */
  function findingsOn(from: string, to: string, literal: string) {
    assert.equal(seed.split(from).length, 2, `${from} occurs once in the seed`);
    const text = seed.replace(from, to);
    const at = text.indexOf(to) + to.indexOf(literal);
    const before = text.slice(0, at);
    const line = before.split('\n').length - 1;
    const character = at - (before.lastIndexOf('\n') + 1);
    const range = { start: { line, character }, end: { line, character: character + literal.length } };
    const diagnostics = service.validate(text).diagnostics;
    return { on: diagnostics.filter((d) => JSON.stringify(d.range) === JSON.stringify(range)), all: diagnostics };
  }

  describe('numbers that lose precision (rules/numberPrecision.ts, parse.ts)', () => {
    it('an integer identifier beyond 2^53: number-precision, quoting the exact digits and what tools read', () => {
      const { on } = findingsOn('"transaction_id": "1"', '"transaction_id": 12345678901234567890', '12345678901234567890');
      const d = on.find((x) => x.code === 'number-precision');
      assert.ok(d, `number-precision on the literal; found ${on.map((x) => x.code).join(', ') || 'nothing'}`);
      assert.equal(d.severity, 'warning');
      assert.match(d.message, /^12345678901234567890 is beyond 2\^53/);
      assert.match(d.message, /read it as 12345678901234567000/);
      assert.match(d.message, /write it as the string "12345678901234567890"/);
      const next = findingsOn('"identifier": "50203829715"', '"identifier": 9007199254740993', '9007199254740993').on.find(
        (x) => x.code === 'number-precision',
      );
      assert.match(next?.message ?? '', /^9007199254740993 .*read it as 9007199254740992, a different identifier/);
    });

    it('a decimal a double cannot hold: number-precision, quoting the exact text', () => {
      const { on } = findingsOn('"amount": "10.00"', '"amount": 1.0000000000000000001', '1.0000000000000000001');
      const d = on.find((x) => x.code === 'number-precision');
      assert.ok(d, `number-precision on the literal; found ${on.map((x) => x.code).join(', ') || 'nothing'}`);
      assert.match(d.message, /^1\.0000000000000000001 cannot be held exactly .* read it as 1,/);
    });

    it('0.1 + 0.2 written as an amount: a finding quoting 0.30000000000000004', () => {
      const { on } = findingsOn('"amount": "10.00"', '"amount": 0.30000000000000004', '0.30000000000000004');
      assert.ok(
        on.some((d) => d.message.includes('0.30000000000000004')),
        on.map((d) => `${d.code}: ${d.message}`).join('\n'),
      );
      assert.ok(
        on.some((d) => d.severity === 'error'),
        'more decimals than an amount takes is an error',
      );
    });

    it('a leading-zero identifier written as a number: leading-zero, an error on the whole literal', () => {
      const { on, all } = findingsOn('"identifier": "50203829715"', '"identifier": 0050203829715', '0050203829715');
      const d = on.find((x) => x.code === 'leading-zero');
      assert.ok(d, `leading-zero on the literal; found ${all.map((x) => x.code).join(', ')}`);
      assert.equal(d.severity, 'error');
      assert.match(
        d.message,
        /^0050203829715 is not a JSON number: .* write the string "0050203829715" \(as a number its leading zeros would be lost\)/,
      );
      assert.deepEqual(
        all.filter((x) => x.code === 'syntax-error'),
        [],
        "jsonc-parser's errors inside the literal are replaced by that one finding",
      );
      const negative = findingsOn('"amount": "10.00"', '"amount": -007.50', '-007.50').on;
      assert.ok(negative.some((x) => x.code === 'leading-zero'));
      // not in strings, not inside other numbers
      const fine = service.validate(
        '{"import_supplier": "X", "customers": [], "metadata": [{"key": "007", "value": [100, 1.007, 1e007, 0, 0.5, -0]}]}',
      );
      assert.deepEqual(
        fine.diagnostics.filter((x) => x.code === 'leading-zero' || x.code === 'syntax-error'),
        [],
      );
    });

    it('at the extreme end: a 5 000-digit integer, 1e400, and 100 000 long integers, in bounded time', () => {
      const huge = '9'.repeat(5000);
      const one = service.validate(
        `{"import_supplier": "X", "customers": [], "metadata": [{"key": "k", "value": ${huge}}], "transfer_balance": 1e400}`,
      );
      const precision = one.diagnostics.filter((d) => d.code === 'number-precision');
      assert.ok(
        precision.some((d) => d.message.startsWith(huge)),
        'the 5 000 digits are quoted as written',
      );
      assert.ok(precision.some((d) => /^1e400 .*read it as Infinity/.test(d.message)));
      const many = Array.from({ length: 100_000 }, (_, i) => String(9007199254740993n + BigInt(i) * 2n)).join(',');
      const started = performance.now();
      const result = service.validate(`{"import_supplier": "X", "customers": [], "metadata": [{"key": "ids", "value": [${many}]}]}`);
      const ms = performance.now() - started;
      assert.equal(result.diagnostics.filter((d) => d.code === 'number-precision').length, 200);
      assert.equal(result.diagnostics[result.diagnostics.length - 1].code, 'too-many-findings');
      assert.ok(ms < 20_000, `${ms.toFixed(0)} ms`);
      console.log(`extremes: 100 000 integers beyond 2^53: ${ms.toFixed(0)} ms`);
    });
  });
}

interface Measured<T> {
  result: T;
  ms: number;
  /** CPU time of the whole child (user + system), ms: the time figure that does not depend on the machine's load. */
  cpuMs: number;
  /** Peak resident set size of the child, MB. */
  peakMb: number;
  status: number | null;
  stderr: string;
}

function suite(): void {
  let dir = '';
  let probe = '';
  /** A copy of this bundle to run as the service worker (a concurrent build may wipe out/test meanwhile). */
  let workerScript = '';
  const figures: string[] = [];

  /** Runs node with the RSS probe preloaded; returns the child's output, wall time and peak RSS. */
  function measure(args: string[], env: Record<string, string>, timeoutMs: number): Measured<string> {
    const rssFile = path.join(dir, `rss-${Math.random().toString(36).slice(2)}.txt`);
    const started = performance.now();
    const run = spawnSync(process.execPath, ['--require', probe, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules'), ...env, KRAKEN_RSS_FILE: rssFile },
    });
    const ms = performance.now() - started;
    assert.equal(run.error, undefined, `${args.join(' ')}: ${String(run.error)} (timeout ${timeoutMs} ms)`);
    assert.equal(run.signal, null, `${args.join(' ')} was killed by ${run.signal}; stderr: ${run.stderr.slice(0, 2000)}`);
    let usage = { maxRSS: NaN, cpu: NaN };
    try {
      usage = JSON.parse(readFileSync(rssFile, 'utf8')) as typeof usage;
    } catch {
      // the probe did not run: the child crashed before exit handlers ran
    }
    return { result: run.stdout, ms, cpuMs: usage.cpu / 1000, peakMb: usage.maxRSS / 1024, status: run.status, stderr: run.stderr };
  }

  function throughService(file: string, kind?: KindId, timeoutMs = 120_000): Measured<WorkerResult> {
    const m = measure([workerScript], { KRAKEN_EXTREMES_WORKER: file, KRAKEN_EXTREMES_KIND: kind ?? '' }, timeoutMs);
    assert.equal(m.status, 0, `the service worker failed on ${path.basename(file)}: ${m.stderr.slice(0, 3000)}`);
    return { ...m, result: JSON.parse(m.result) as WorkerResult };
  }

  interface CliReport {
    file: string;
    kind: string | null;
    diagnostics: Array<{ code: string; severity: string; range: { start: { line: number; character: number } } }>;
  }
  function throughCli(file: string, extra: string[] = [], timeoutMs = 120_000): Measured<CliReport[]> & { codes: Record<string, number> } {
    const m = measure([CLI, 'validate', '--format', 'json', ...extra, file], {}, timeoutMs);
    assert.ok(
      m.status === 0 || m.status === 1,
      `the CLI exits 0 or 1 on ${path.basename(file)}, not ${m.status}: ${m.stderr.slice(0, 3000)}`,
    );
    let reports: CliReport[];
    try {
      reports = JSON.parse(m.result) as CliReport[];
    } catch (error) {
      assert.fail(`the CLI's JSON output for ${path.basename(file)} does not parse: ${(error as Error).message}`);
    }
    const codes: Record<string, number> = {};
    for (const r of reports) for (const d of r.diagnostics) codes[d.code] = (codes[d.code] ?? 0) + 1;
    const errors = reports.some((r) => r.diagnostics.some((d) => d.severity === 'error'));
    assert.equal(m.status, errors ? 1 : 0, 'exit 1 exactly when there is an error');
    return { ...m, result: reports, codes };
  }

  function mb(bytes: number): string {
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function record(name: string, file: string, service: Measured<WorkerResult> | undefined, cli: Measured<unknown>): void {
    const size = statSync(file).size;
    const line =
      `${name} (${mb(size)}): ` +
      (service
        ? `service validate ${service.result.cpuMs.toFixed(0)} ms CPU (${service.result.ms.toFixed(0)} ms wall), process peak RSS ${service.peakMb.toFixed(0)} MB; `
        : '') +
      `CLI ${cli.cpuMs.toFixed(0)} ms CPU (${cli.ms.toFixed(0)} ms wall), peak RSS ${cli.peakMb.toFixed(0)} MB`;
    figures.push(line);
    console.log(`extremes: ${line}`);
    // Hang detectors in CPU time (wall time depends on what else the machine runs): generous, not benchmarks.
    if (service) assert.ok(service.result.cpuMs < 20_000, `${name}: validate took ${service.result.cpuMs.toFixed(0)} ms of CPU`);
    assert.ok(cli.cpuMs < 30_000, `${name}: the CLI took ${cli.cpuMs.toFixed(0)} ms of CPU`);
  }

  /** Peak RSS bound: a fixed allowance for node and the schemas, plus a multiple of the input. */
  function assertMemory(m: Measured<unknown>, inputBytes: number, what: string, factor = 20): void {
    const limitMb = 300 + (factor * inputBytes) / 1024 / 1024;
    assert.ok(Number.isFinite(m.peakMb), `${what}: peak RSS measured`);
    assert.ok(m.peakMb < limitMb, `${what}: peak RSS ${m.peakMb.toFixed(0)} MB, limit ${limitMb.toFixed(0)} MB`);
  }

  describe('extreme input: bounded time and memory, a clear finding, no crash', () => {
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'kraken-extremes-'));
      probe = path.join(dir, 'rss-probe.cjs');
      workerScript = path.join(dir, 'service-worker.js');
      copyFileSync(__filename, workerScript);
      writeFileSync(
        probe,
        "process.on('exit', () => { const u = process.resourceUsage(); if (process.env.KRAKEN_RSS_FILE) require('fs').writeFileSync(process.env.KRAKEN_RSS_FILE, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime })); });\n",
      );
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
      if (figures.length) console.log(`extremes summary:\n  ${figures.join('\n  ')}`);
    });

    const seedAccount = () =>
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'seeds', 'seed-account.json'), 'utf8')) as Record<string, unknown>;

    it('a 45 MB account payload: validated, the one wrong value found at its line', (t) => {
      // The seed account with its supply address repeated (a street per copy) until the text is 45 MB, pretty
      // printed like a generated migration file, and one wrong enum at the very end.
      const account = seedAccount();
      const address = (account.supply_addresses as unknown[])[0];
      const template = JSON.stringify(address);
      const perAddress = JSON.stringify({ x: [address, address] }, null, 2).length - JSON.stringify({ x: [address] }, null, 2).length;
      account.supply_addresses = Array.from({ length: Math.ceil((45 * 1024 * 1024) / perAddress) }, (_, i) =>
        JSON.parse(template.replace(/"supply_address1":"[^"]*"/, `"supply_address1":"Street ${i}"`)),
      );
      delete account.sales_channel;
      let text = JSON.stringify(account, null, 2);
      text = text.slice(0, text.lastIndexOf('}')).trimEnd() + ',\n  "sales_channel": "direct"\n}\n';
      const file = path.join(dir, 'account-45mb.json');
      writeFileSync(file, text);
      const bytes = statSync(file).size;
      assert.ok(bytes >= 45 * 1000 * 1000, `the input is ${mb(bytes)}`);
      const expectedLine = text.split('\n').length - 3;

      const service = throughService(file, undefined, 180_000);
      assert.equal(service.result.kind, 'account');
      assert.ok(service.result.codes['invalid-enum'] >= 1, JSON.stringify(service.result.codes));
      assert.equal(service.result.first['invalid-enum'].line, expectedLine);
      const cli = throughCli(file, [], 180_000);
      assert.equal(cli.result[0].kind, 'account');
      assert.ok(cli.result[0].diagnostics.some((d) => d.code === 'invalid-enum' && d.range.start.line === expectedLine));
      record('45 MB account', file, service, cli);
      t.diagnostic(figures[figures.length - 1]);
      assertMemory(service, bytes, 'service');
      assertMemory(cli, bytes, 'CLI');
      assert.ok(service.result.cpuMs < 20_000, `validate took ${service.result.cpuMs.toFixed(0)} ms of CPU`);
    });

    it('nesting 100 000 levels deep: too-deep, in the service and the CLI', (t) => {
      const text =
        '{"import_supplier": "X", "customers": [], "metadata": [{"key": "k", "value": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}]}';
      const file = path.join(dir, 'deep.json');
      writeFileSync(file, text);
      const service = throughService(file);
      assert.ok(service.result.codes['too-deep'] === 1, JSON.stringify(service.result.codes));
      assert.deepEqual(service.result.first['too-deep'], { line: 0, character: text.lastIndexOf('[') }, 'at the deepest opening bracket');
      const cli = throughCli(file);
      assert.equal(cli.status, 1);
      assert.equal(cli.codes['too-deep'], 1);
      // unfinished, too: JSON.parse's reason, no tolerant tree
      const broken = path.join(dir, 'deep-broken.json');
      writeFileSync(broken, text.slice(0, -2));
      const brokenCli = throughCli(broken);
      assert.equal(brokenCli.status, 1);
      assert.ok(brokenCli.codes['syntax-error'] >= 1 && brokenCli.codes['too-deep'] === 1, JSON.stringify(brokenCli.codes));
      record('100 000 deep', file, service, cli);
      t.diagnostic(figures[figures.length - 1]);
      assertMemory(service, text.length, 'service', 100);
      assertMemory(cli, text.length, 'CLI', 100);
    });

    it('an array of 1 000 000 elements: the findings are capped, the first ones shown', (t) => {
      // a million customers, every one with a date of birth Kraken rejects: a million findings, maxFindings shown
      const text =
        '{"import_supplier": "X", "customers": [' +
        Array(1_000_000).fill('{"title": "Herr", "date_of_birth": "26.07.1997"}').join(',') +
        ']}';
      const file = path.join(dir, 'array-1m.json');
      writeFileSync(file, text);
      const service = throughService(file);
      assert.equal(service.result.kind, 'account');
      assert.equal(service.result.codes['too-many-findings'], 1, JSON.stringify(service.result.codes));
      const cli = throughCli(file);
      assert.equal(cli.status, 1);
      assert.equal(cli.codes['too-many-findings'], 1);
      assert.ok(cli.result[0].diagnostics.length <= 201);
      record('1 000 000-element array', file, service, cli);
      t.diagnostic(figures[figures.length - 1]);
      assertMemory(service, text.length, 'service', 40);
      assertMemory(cli, text.length, 'CLI', 40);
    });

    it('a 10 MB line: the finding at its column', (t) => {
      // the account minified onto one line, its transactions repeated to 10 MB, a wrong enum at the very end
      const account = seedAccount();
      const ledger = (account.ledgers as Array<Record<string, unknown>>)[0];
      const transactions = ledger.current_statement_transactions as unknown[];
      const many: unknown[] = [];
      for (let i = 0, size = 0; size < 10 * 1024 * 1024; i++) {
        const transaction = { ...(transactions[i % transactions.length] as object), transaction_id: String(i + 1) }; // unique, as Kraken wants
        many.push(transaction);
        size += JSON.stringify(transaction).length + 1;
      }
      ledger.current_statement_transactions = many;
      delete account.sales_channel;
      const body = JSON.stringify(account);
      const text = body.slice(0, -1) + ',"sales_channel":"direct"}';
      assert.ok(text.length >= 10 * 1024 * 1024 && !text.includes('\n'), `one line of ${mb(text.length)}`);
      const file = path.join(dir, 'line-10mb.json');
      writeFileSync(file, text);
      const column = text.lastIndexOf('"direct"');
      const service = throughService(file);
      assert.deepEqual(service.result.first['invalid-enum'], { line: 0, character: column }, JSON.stringify(service.result.codes));
      const cli = throughCli(file);
      assert.ok(
        cli.result[0].diagnostics.some((d) => d.code === 'invalid-enum' && d.range.start.line === 0 && d.range.start.character === column),
      );
      record('10 MB line', file, service, cli);
      t.diagnostic(figures[figures.length - 1]);
      assertMemory(service, text.length, 'service');
      assertMemory(cli, text.length, 'CLI');
    });

    it('invalid UTF-8: the CLI points at the bad bytes; the service reads the decoded text without failing', (t) => {
      const text = JSON.stringify(seedAccount(), null, 2);
      const at = Buffer.byteLength(text.slice(0, text.indexOf('Goethe')), 'utf8');
      const bytes = Buffer.concat([
        Buffer.from(text.slice(0, text.indexOf('Goethe')), 'utf8'),
        Buffer.from([0xff, 0xc3, 0x28]),
        Buffer.from(text.slice(text.indexOf('Goethe')), 'utf8'),
      ]);
      assert.equal(bytes[at], 0xff);
      const file = path.join(dir, 'invalid-utf8.json');
      writeFileSync(file, bytes);
      const line = text.slice(0, text.indexOf('Goethe')).split('\n').length - 1;
      const character = text.indexOf('Goethe') - (text.lastIndexOf('\n', text.indexOf('Goethe')) + 1);
      const cli = throughCli(file);
      assert.equal(cli.status, 1);
      const finding = cli.result[0].diagnostics.find((d) => d.code === 'invalid-utf8');
      assert.ok(finding, JSON.stringify(cli.codes));
      assert.deepEqual(finding.range.start, { line, character });
      const service = throughService(file);
      assert.equal(service.result.kind, 'account');
      record('invalid UTF-8', file, service, cli);
      t.diagnostic(figures[figures.length - 1]);
    });

    it('a BOM: an error at the start, and the rest is still checked', () => {
      const file = path.join(dir, 'bom.json');
      writeFileSync(
        file,
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from('{"import_supplier": "X", "customers": [], "sales_channel": "direct"}'),
        ]),
      );
      const service = throughService(file);
      assert.equal(service.result.codes.bom, 1);
      assert.equal(service.result.codes['invalid-enum'], 1);
      const cli = throughCli(file);
      assert.equal(cli.status, 1);
      assert.deepEqual(Object.keys(cli.codes).sort(), ['bom', 'invalid-enum']);
      assert.deepEqual(cli.result[0].diagnostics.find((d) => d.code === 'bom')?.range.start, { line: 0, character: 0 });
    });

    it('NUL bytes: binary, not a payload, and an error', () => {
      const file = path.join(dir, 'nul.json');
      const text = JSON.stringify(seedAccount(), null, 2);
      writeFileSync(file, text.slice(0, 100) + '\u0000\u0000\u0000' + text.slice(100));
      const service = throughService(file, 'account');
      assert.deepEqual(service.result.codes, { binary: 1 });
      const cli = throughCli(file);
      assert.equal(cli.status, 1);
      assert.deepEqual(cli.codes, { binary: 1 });
      const png = path.join(dir, 'image.json');
      writeFileSync(
        png,
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xd8]),
      );
      const image = throughCli(png);
      assert.equal(image.status, 1);
      assert.ok(image.codes.binary === 1 && image.codes['invalid-utf8'] === 1, JSON.stringify(image.codes));
    });
  });
}
