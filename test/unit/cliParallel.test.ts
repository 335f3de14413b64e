import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, seedAccount } from './helpers';

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
    const reports = JSON.parse(parallel.stdout) as Array<{ line: number; diagnostics: Array<{ code: string; range: { start: { line: number } } }> }>;
    assert.deepEqual(
      reports.map((r) => r.line),
      [...reports.map((r) => r.line)].sort((a, b) => a - b),
    );
    assert.ok(reports.some((r) => r.diagnostics.some((d) => d.code === 'syntax-error')));
    for (const r of reports) for (const d of r.diagnostics) assert.equal(d.range.start.line, r.line - 1);
  });

  it('--jobs must be a whole number of at least 1', () => {
    const r = cli(['validate', 'test/fixtures/seeds', '--jobs', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jobs takes a whole number/);
  });
});
