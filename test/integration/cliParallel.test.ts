import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, seedAccount } from '../helpers';

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

  it('--jobs must be a whole number of at least 1', () => {
    const r = cli(['validate', 'test/fixtures/seeds', '--jobs', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jobs takes a whole number/);
  });
});
