import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { fixture, REPO_ROOT } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'kraken-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[], cwd = REPO_ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, content: string | Buffer): string {
  const p = path.join(work, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

describe('kraken-import validate', () => {
  it('--format json over the seed examples reports no errors and exits 0', () => {
    const r = cli(['validate', '--format', 'json', 'test/fixtures/seeds']);
    assert.equal(r.code, 0, r.stderr);
    const reports = JSON.parse(r.stdout) as Array<{
      file: string;
      kind: string;
      diagnostics: Array<{ severity: string; code: string; path: string; range: unknown }>;
    }>;
    assert.equal(reports.length, 7);
    for (const report of reports) {
      assert.ok(report.kind, report.file);
      assert.deepEqual(
        report.diagnostics.filter((d) => d.severity === 'error'),
        [],
        report.file,
      );
      for (const d of report.diagnostics) assert.deepEqual(Object.keys(d), ['severity', 'code', 'message', 'path', 'range']);
    }
  });

  it('text format: file:line:col severity code message, and a summary; exit 1 on an error', () => {
    const file = write('bad.json', '{"import_supplier": "X",\n "customers": [], "sales_channel": "direct"}');
    const r = cli(['validate', file]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.match(
      lines[0],
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:36 error invalid-enum "direct" is not a valid sales channel; did you mean "DIRECT"\\?`,
      ),
    );
    assert.match(lines[0], /\[sales_channel\]$/);
    assert.equal(lines[lines.length - 1], '1 payload in 1 file: 1 error, 0 warnings, 0 hints');
  });

  it('--fail-on warning makes warnings count', () => {
    const file = write('warn.json', JSON.stringify({ import_supplier: 'X', customers: [{ given_name: 'A', famly_name: 'B' }] }));
    assert.equal(cli(['validate', file]).code, 0);
    assert.equal(cli(['validate', '--fail-on', 'warning', file]).code, 1);
  });

  it('exit 2 for bad usage and for a missing file', () => {
    assert.equal(cli(['validate']).code, 2);
    assert.equal(cli(['validate', '--format', 'xml', 'examples']).code, 2);
    assert.equal(cli(['validate', '--kind', 'invoice', 'examples']).code, 2);
    assert.equal(cli(['frobnicate']).code, 2);
    const missing = cli(['validate', path.join(work, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.json: no such file or folder/);
  });

  it('.jsonl files are reported per line with file line numbers', () => {
    const account = JSON.parse(fixture('seeds/seed-account.json'));
    const bad = { ...account, sales_channel: 'direct' };
    const file = write('wave.jsonl', [JSON.stringify(account), '', JSON.stringify(bad), 'not json'].join('\n') + '\n');
    const r = cli(['validate', '--format', 'json', file]);
    assert.equal(r.code, 1);
    const reports = JSON.parse(r.stdout) as Array<{
      line: number;
      kind: string | null;
      diagnostics: Array<{ code: string; range: { start: { line: number } } }>;
    }>;
    assert.deepEqual(
      reports.map((x) => x.line),
      [1, 3, 4],
    );
    assert.deepEqual(
      reports[0].diagnostics.filter(
        (d) =>
          d.code !== 'number-as-string' &&
          !d.code.endsWith('check-digit') &&
          d.code !== 'iban-check' &&
          d.code !== 'market-partner-check-digit',
      ),
      [],
    );
    const enumError = reports[1].diagnostics.find((d) => d.code === 'invalid-enum');
    assert.equal(enumError?.range.start.line, 2);
    assert.equal(reports[2].kind, null);
    assert.equal(reports[2].diagnostics[0].code, 'syntax-error');
    assert.equal(reports[2].diagnostics[0].range.start.line, 3);
  });

  it('folders are walked for .json/.jsonl/.ndjson; other JSON is skipped and said so', () => {
    const dir = path.join(work, 'folder');
    write('folder/a.json', fixture('seeds/seed-notes.json'));
    write('folder/sub/b.ndjson', fixture('seeds/seed-statements.json').replace(/\n\s*/g, ' ') + '\n');
    write('folder/package.json', '{"name": "x"}');
    write('folder/readme.txt', 'hello');
    const r = cli(['validate', dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout.trim().split('\n').pop()!,
      /^2 payloads in 3 files: 0 errors, 0 warnings, 0 hints \(1 skipped: not Kraken payloads\)$/,
    );
  });

  it('invalid UTF-8, a BOM and an empty file are clear findings, not crashes', () => {
    const latin1 = write(
      'latin1.json',
      Buffer.concat([
        Buffer.from('{"import_supplier": "X", "customers": [{"given_name": "J'),
        Buffer.from([0xfc]),
        Buffer.from('rgen"}]}'),
      ]),
    );
    const bom = write('bom.json', '\ufeff' + fixture('seeds/seed-notes.json'));
    const empty = write('empty.json', '');
    const r = cli(['validate', '--format', 'json', latin1, bom, empty]);
    assert.equal(r.code, 1);
    const reports = JSON.parse(r.stdout) as Array<{
      file: string;
      diagnostics: Array<{ code: string; range: { start: { line: number; character: number } } }>;
    }>;
    assert.deepEqual(
      reports[0].diagnostics.map((d) => d.code),
      ['invalid-utf8'],
    );
    assert.deepEqual(reports[0].diagnostics[0].range.start, { line: 0, character: 56 });
    assert.deepEqual(
      reports[1].diagnostics.map((d) => d.code),
      ['bom'],
    );
    assert.deepEqual(
      reports[2].diagnostics.map((d) => d.code),
      ['empty-document'],
    );
  });

  it('--config applies rule severities and associations', () => {
    const config = write(
      'cfg/kraken-import.config.json',
      JSON.stringify({ rules: { 'invalid-enum': 'warning' }, payloadAssociations: { '**/notes/*.json': 'notes' } }),
    );
    const file = write('cfg/x.json', '{"import_supplier": "X", "customers": [], "sales_channel": "direct"}');
    const notes = write('cfg/notes/n.json', '{}');
    const r = cli(['validate', '--format', 'json', '--config', config, file, notes]);
    const reports = JSON.parse(r.stdout) as Array<{ kind: string; diagnostics: Array<{ code: string; severity: string }> }>;
    assert.equal(reports[0].diagnostics[0].severity, 'warning');
    assert.equal(reports[1].kind, 'notes');
    assert.ok(reports[1].diagnostics.some((d) => d.code === 'missing-property'));
    assert.equal(r.code, 1);
    const badConfig = write('cfg/bad.json', '{"rules": {"iban-check": "loud"}}');
    const bad = cli(['validate', '--config', badConfig, file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /rule "iban-check" has severity "loud"/);
  });

  it('the "rules" setting reaches every finding: the reader\'s on a file that is no payload, invalid UTF-8 in workers, the cap', () => {
    const latin1 = Buffer.concat([
      Buffer.from('{"import_supplier": "X", "customers": [{"given_name": "J'),
      Buffer.from([0xfc]),
      Buffer.from('rgen"}]}'),
    ]);
    const json = write('settled/latin1.json', latin1);
    const lines = write('settled/wave.jsonl', Buffer.concat([latin1, Buffer.from('\n'), latin1, Buffer.from('\n')]));
    const broken = write('settled/broken.json', '{"a": ');
    const empty = write('settled/empty.json', '');
    const many = write(
      'settled/many.json',
      '{"import_supplier": "X", "customers": [], "sales_channel": "direct", "account_type": "domestic"}',
    );
    const run = (rules: Record<string, string>, files: string[], ...extra: string[]) => {
      const config = write('settled/kraken-import.config.json', JSON.stringify({ rules, maxFindings: 1 }));
      const r = cli(['validate', '--format', 'json', '--config', config, ...extra, ...files]);
      const reports = JSON.parse(r.stdout) as Array<{ skipped?: string; diagnostics: Array<{ code: string; severity: string }> }>;
      return reports.map((x) => (x.skipped ? 'skipped' : x.diagnostics.map((d) => `${d.code}:${d.severity}`).join(' ')));
    };
    assert.deepEqual(run({}, [json, broken, empty, many]), [
      'invalid-utf8:error',
      'syntax-error:error',
      'empty-document:error',
      'invalid-enum:error too-many-findings:information',
    ]);
    assert.deepEqual(
      run({ 'invalid-utf8': 'warning', 'syntax-error': 'hint', 'empty-document': 'information', 'too-many-findings': 'off' }, [
        json,
        broken,
        empty,
        many,
      ]),
      ['invalid-utf8:warning', 'syntax-error:hint', 'empty-document:information', 'invalid-enum:error'],
    );
    // Turned off, a text that is no payload is skipped rather than reported clean.
    assert.deepEqual(run({ 'invalid-utf8': 'off', 'syntax-error': 'off', 'empty-document': 'off' }, [json, broken, empty]), [
      '',
      'skipped',
      'skipped',
    ]);
    // The records of a wave, on the main thread and in worker threads alike.
    for (const jobs of ['1', '2'])
      assert.deepEqual(run({ 'invalid-utf8': 'hint' }, [lines], '--jobs', jobs), ['invalid-utf8:hint', 'invalid-utf8:hint']);
  });

  it('kraken-import rules lists codes with severities and docs', () => {
    const r = cli(['rules']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^date-order\s+error\s+A period must not end before it starts/m);
  });
});
