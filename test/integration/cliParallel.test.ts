import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, seedAccount } from '../helpers';
import {
  FEW_CORES_BYTES_PER_WORKER,
  PARALLEL_MIN_BYTES,
  planWorkers,
  RANGE_BYTES,
  validateLinesFile,
  ValidatePool,
  workersFor,
  type Jobs,
} from '../../cli/src/parallel';
import { OutputSink } from '../../cli/src/output';
import { checkPayloadText } from '../../core/src/files';
import { createKrakenService } from '../../core/src/service';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'kraken-cli-jobs-'));
after(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A wave big enough for the worker threads (cli/src/parallel.ts: 200 records, 2 MB), with findings here and there. */
function wave(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = seedAccount();
    a.external_account_number = `EXTERNAL-${i}`;
    if (i % 7 === 0) a.customers[0].date_of_birth = '26.07.1997';
    if (i % 11 === 0) a.sales_channel = 'direct';
    if (i % 13 === 0) lines.push('');
    lines.push(i % 17 === 0 ? JSON.stringify(a).slice(0, 500) : JSON.stringify(a));
  }
  return lines.join('\n') + '\n';
}

describe('kraken-import validate --jobs', () => {
  it('worker threads give the same output, in file order, as one thread', () => {
    const file = path.join(work, 'wave.jsonl');
    const text = wave(400);
    assert.ok(text.length > 2 << 20, 'the wave must be large enough to use the workers');
    writeFileSync(file, text);
    const serial = cli(['validate', file, '--format', 'json', '--jobs', '1']);
    const parallel = cli(['validate', file, '--format', 'json', '--jobs', '2']);
    assert.equal(parallel.stderr, serial.stderr);
    assert.equal(parallel.code, serial.code);
    assert.equal(parallel.stdout, serial.stdout);
    const reports = JSON.parse(parallel.stdout) as Array<{
      line: number;
      diagnostics: Array<{ code: string; range: { start: { line: number } } }>;
    }>;
    assert.deepEqual(
      reports.map((r) => r.line),
      [...reports.map((r) => r.line)].sort((a, b) => a - b),
    );
    assert.ok(reports.some((r) => r.diagnostics.some((d) => d.code === 'syntax-error')));
    for (const r of reports) for (const d of r.diagnostics) assert.equal(d.range.start.line, r.line - 1);
  });

  it('every --jobs and every format print the same bytes: CRLF, lone CR, blank lines, bad UTF-8, a BOM, a record longer than a range, no final newline', () => {
    const file = path.join(work, 'edges.jsonl');
    const parts: Buffer[] = [Buffer.from('\ufeff')];
    const expected: Array<{ line: number; utf8: boolean }> = [];
    let line = 1;
    for (let i = 0; i < 420; i++) {
      const a = seedAccount();
      a.external_account_number = `EDGE-${i}`;
      if (i === 200) a.customers[0].given_name = 'x'.repeat(1_500_000); // spans two byte ranges of 1 MB
      if (i % 7 === 0) a.customers[0].date_of_birth = '26.07.1997';
      let text = JSON.stringify(a);
      if (i % 10 === 1) text = text.replace('"import_supplier"', '\r"import_supplier"'); // a lone CR: an editor line break
      parts.push(Buffer.from(text));
      const bad = i % 29 === 3;
      if (bad) parts.push(Buffer.from([0xff, 0xfe]));
      expected.push({ line, utf8: !bad });
      if (i === 419) break; // no newline after the last record
      parts.push(Buffer.from(i % 5 === 0 ? '\r\n' : '\n'));
      line++;
      if (i % 31 === 0) {
        parts.push(Buffer.from('   \n\n'));
        line += 2;
      }
    }
    writeFileSync(file, Buffer.concat(parts));
    for (const format of ['json', 'text', 'github', 'sarif']) {
      const outputs = [1, 3].map((jobs) => cli(['validate', file, '--format', format, '--jobs', String(jobs)]));
      for (const r of outputs.slice(1)) {
        assert.equal(r.code, outputs[0].code, format);
        assert.equal(r.stdout, outputs[0].stdout, `${format}: same bytes with worker threads`);
      }
      if (format === 'json') {
        const reports = JSON.parse(outputs[0].stdout) as Array<{
          line: number;
          diagnostics: Array<{ code: string; range: { start: { line: number } } }>;
        }>;
        assert.deepEqual(
          reports.map((r) => r.line),
          expected.map((e) => e.line),
        );
        assert.deepEqual(
          reports.map((r) => r.diagnostics.some((d) => d.code === 'invalid-utf8')),
          expected.map((e) => !e.utf8),
        );
        assert.deepEqual(reports[0].diagnostics.filter((d) => d.code === 'bom').length, 1);
      }
    }
    const summaries = [1, 2].map((jobs) => cli(['validate', file, '--summary', '--jobs', String(jobs)]));
    assert.equal(summaries[1].stdout, summaries[0].stdout);
    assert.match(summaries[0].stdout, /\*\*420\*\* payloads in \*\*1\*\* file/);
  });

  it('--jobs must be a whole number from 1 to 256', () => {
    for (const value of ['0', '257', '1e1', '0x10', '2.0', '-2', ''])
      assert.match(
        cli(['validate', 'test/fixtures/seeds', `--jobs=${value}`]).stderr,
        new RegExp(`--jobs takes a whole number from 1 to 256, not "${value}"`),
      );
    assert.equal(cli(['validate', 'test/fixtures/seeds', '--jobs', '256']).code, 0);
  });

  it('how many workers a run gets: --jobs as given, by default one per core, never more than the largest wave has ranges; on 2 cores by default only for enough wave bytes', () => {
    const MB = 1_000_000;
    const given = (count: number, cores: number): Jobs => ({ count, explicit: true, cores });
    const byDefault = (cores: number): Jobs => ({ count: Math.min(16, cores), explicit: false, cores });
    // Below PARALLEL_MIN_BYTES, or with one job, the main thread validates.
    assert.equal(workersFor(PARALLEL_MIN_BYTES - 1, given(4, 2)), 0);
    assert.equal(workersFor(100 * MB, given(1, 16)), 0);
    assert.equal(workersFor(100 * MB, byDefault(1)), 0);
    // --jobs given: that many, whatever the cores, within the ranges of the largest wave.
    assert.equal(workersFor(PARALLEL_MIN_BYTES, given(2, 2)), 2);
    assert.equal(workersFor(5 * RANGE_BYTES, given(5, 2)), 5);
    assert.equal(workersFor(PARALLEL_MIN_BYTES, given(5, 2)), 2);
    assert.equal(workersFor(10 * MB, given(200, 2)), 10);
    assert.equal(workersFor(30 * RANGE_BYTES, given(200, 2), 3 * RANGE_BYTES), 3);
    // By default on more than 2 cores: one per core, at most 16, and no more than the largest file has ranges.
    assert.equal(workersFor(3 * RANGE_BYTES, byDefault(3)), 3);
    assert.equal(workersFor(100 * MB, byDefault(64)), 16);
    assert.equal(workersFor(PARALLEL_MIN_BYTES, byDefault(64)), 2);
    assert.equal(workersFor(5 * RANGE_BYTES, byDefault(16)), 5);
    assert.equal(workersFor(5 * RANGE_BYTES + 1, byDefault(16)), 6);
    // Ten files of 3 ranges are validated one after the other: three workers have all there is to do.
    assert.equal(workersFor(30 * RANGE_BYTES, byDefault(16), 3 * RANGE_BYTES), 3);
    // --jobs given is capped by the ranges alone, not by the cores.
    assert.equal(workersFor(16 * RANGE_BYTES, given(16, 2)), 16);
    assert.equal(workersFor(PARALLEL_MIN_BYTES, given(16, 64)), 2);
    // By default on 2 cores: one per FEW_CORES_BYTES_PER_WORKER, and none unless two have their share.
    assert.equal(FEW_CORES_BYTES_PER_WORKER, 40 * MB);
    assert.equal(workersFor(80 * MB - 1, byDefault(2)), 0);
    assert.equal(workersFor(80 * MB, byDefault(2)), 2);
    assert.equal(workersFor(4000 * MB, byDefault(2)), 2);
  });

  it('the plan counts the wave files large enough for workers, across the run (workers stay for the next file)', () => {
    const dir = mkdtempSync(path.join(work, 'plan-'));
    // Sparse files: their size is what counts, not their bytes.
    const sized = (name: string, size: number) => {
      const file = path.join(dir, name);
      writeFileSync(file, '');
      truncateSync(file, size);
      return file;
    };
    const twoCores: Jobs = { count: 2, explicit: false, cores: 2 };
    const half = sized('half.jsonl', 40_000_000);
    const other = sized('other.ndjson', 40_000_000);
    const small = sized('small.jsonl', PARALLEL_MIN_BYTES - 1);
    const notWave = sized('big.json', 200_000_000);
    assert.equal(planWorkers([half], twoCores), 0);
    assert.equal(planWorkers([half, other], twoCores), 2);
    // A .json file is one document (this thread), a wave under PARALLEL_MIN_BYTES stays on this thread too.
    assert.equal(planWorkers([half, notWave, small, path.join(dir, 'missing.jsonl')], twoCores), 0);
    assert.equal(planWorkers([small], { count: 4, explicit: true, cores: 2 }), 0);
    assert.equal(planWorkers([half, small], { count: 4, explicit: true, cores: 2 }), 4);
    assert.equal(planWorkers([half, small], { count: 200, explicit: true, cores: 2 }), Math.ceil(40_000_000 / RANGE_BYTES));
    // On many cores the largest wave's ranges cap the default: the small ones and the .json do not count.
    const three = sized('three.jsonl', 3 * RANGE_BYTES);
    const sixteen: Jobs = { count: 16, explicit: false, cores: 16 };
    assert.equal(planWorkers([three, sized('three-too.jsonl', 3 * RANGE_BYTES), small, notWave], sixteen), 3);
    assert.equal(planWorkers([three, half], sixteen), 16);
  });

  it("a pool starts its workers with the first file that needs them, and its output is the main thread's", async () => {
    const file = path.join(work, 'pool.jsonl');
    writeFileSync(file, wave(400));
    const service = createKrakenService();
    const run = async (pool: ValidatePool | undefined) => {
      const written: string[] = [];
      const sink = new OutputSink({
        format: 'json',
        hints: false,
        redact: true,
        summary: false,
        version: 'test',
        write: (s) => written.push(s),
        writeSummary: () => assert.fail('no summary was asked for'),
      });
      const count = await validateLinesFile(
        file,
        undefined,
        (f, text, k, invalidAt) => checkPayloadText(service, f, text, k, invalidAt),
        sink,
        pool,
      );
      return { count, text: written.join('') };
    };
    const alone = await run(undefined);
    assert.equal(alone.count, 400);
    const pool = new ValidatePool(CLI, {}, { fragment: 'json', keepReports: false, hints: false, redact: true }, 3);
    try {
      assert.equal(pool.started, 0);
      assert.deepEqual(await run(pool), alone);
      assert.equal(pool.started, 3);
      // Handed out one to each worker, then a second round: every worker had a share of the file's ranges.
      const ranges = Math.ceil(statSync(file).size / RANGE_BYTES);
      assert.ok(ranges >= 4 && ranges <= 6, `${ranges} ranges: the first two rounds hand out all of them`);
      assert.deepEqual(
        pool.handed,
        [0, 1, 2].map((w) => (w < ranges - 3 ? 2 : 1)),
      );
    } finally {
      await pool.close();
    }
  });
});
