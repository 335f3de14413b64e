/**
 * Validation reports for CI: SARIF 2.1.0 (checked against the structure the specification requires — no network,
 * so the official schema is not fetched), GitHub annotations (escaping), the Markdown summary; and the CLI flags.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { escapeGithubData, escapeGithubProperty, toGithubAnnotations, toMarkdownSummary, toSarif } from '../../cli/src/reports';
import type { FileReport } from '../../cli/src/format';
import { findingCatalogue } from '../../core/src/service';
import { REPO_ROOT } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'kraken-reports-'));
after(() => rmSync(work, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const p = path.join(work, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const range = (line: number, c0: number, c1: number) => ({ start: { line, character: c0 }, end: { line, character: c1 } });
const reports: FileReport[] = [
  {
    file: path.join(work, 'accounts', 'a, b%.json'),
    kind: 'account',
    diagnostics: [
      {
        code: 'invalid-enum',
        severity: 'error',
        message: '"direct" is not a valid sales channel;\ndid you mean "DIRECT"?',
        path: 'sales_channel',
        range: range(1, 17, 25),
        source: 'kraken-import',
      },
      {
        code: 'unknown-property',
        severity: 'warning',
        message: 'Unknown property "famly_name".',
        path: 'customers.0.famly_name',
        range: range(3, 4, 16),
        source: 'kraken-import',
      },
      { code: 'number-as-string', severity: 'hint', message: 'A number.', path: 'x', range: range(4, 0, 0), source: 'kraken-import' },
    ],
  },
  {
    file: path.join(work, 'wave.jsonl'),
    line: 2,
    kind: 'account',
    diagnostics: [
      { code: 'invalid-enum', severity: 'error', message: 'bad', path: 'sales_channel', range: range(1, 3, 9), source: 'kraken-import' },
    ],
  },
  { file: path.join(work, 'package.json'), kind: null, diagnostics: [], skipped: 'not a Kraken payload' },
];

/** The properties SARIF 2.1.0 requires (§3.13 sarifLog, §3.14 run, §3.18 tool, §3.19 toolComponent, §3.27 result, §3.28–3.30 locations, §3.49 reportingDescriptor). */
function assertSarifStructure(log: any): void {
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.ok(Array.isArray(log.runs) && log.runs.length === 1);
  const run = log.runs[0];
  assert.equal(typeof run.tool.driver.name, 'string');
  const rules = run.tool.driver.rules as any[];
  assert.ok(Array.isArray(rules));
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, 'rule ids are unique');
  for (const r of rules) {
    assert.equal(typeof r.id, 'string');
    assert.equal(typeof r.shortDescription.text, 'string');
    assert.ok(['none', 'note', 'warning', 'error'].includes(r.defaultConfiguration.level));
  }
  const base = run.originalUriBaseIds['%SRCROOT%'].uri as string;
  assert.match(base, /^file:\/\/\/.*\/$/, 'an absolute base URI ending in /');
  assert.ok(Array.isArray(run.results));
  for (const res of run.results) {
    assert.equal(typeof res.message.text, 'string');
    assert.ok(['none', 'note', 'warning', 'error'].includes(res.level));
    assert.equal(rules[res.ruleIndex].id, res.ruleId, 'ruleIndex points at the rule');
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.doesNotMatch(loc.artifactLocation.uri, /^[a-z]+:|^\//, 'relative to the base');
    assert.equal(run.artifacts[loc.artifactLocation.index].location.uri, loc.artifactLocation.uri);
    const r = loc.region;
    assert.ok(Number.isInteger(r.startLine) && r.startLine >= 1);
    assert.ok(Number.isInteger(r.startColumn) && r.startColumn >= 1);
    assert.ok(r.endLine > r.startLine || r.endColumn > r.startColumn, 'a non-empty region');
  }
}

describe('SARIF', () => {
  test('one run, driver kraken-import with every rule and schema code, results with 1-based locations', () => {
    const log = toSarif(reports, { root: work, version: '0.1.0' }) as any;
    assertSarifStructure(log);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'kraken-import');
    assert.equal(run.tool.driver.version, '0.1.0');
    const ids = new Set(run.tool.driver.rules.map((r: any) => r.id));
    assert.deepEqual(
      [...ids],
      findingCatalogue().map((f) => f.code),
    );
    for (const code of [
      'missing-property',
      'unknown-property',
      'invalid-enum',
      'syntax-error',
      'invalid-utf8',
      'leading-zero',
      'date-order',
    ])
      assert.ok(ids.has(code), code);
    // Each with the level of its default severity: a hint or information is a note.
    const level = (id: string) => run.tool.driver.rules.find((r: any) => r.id === id).defaultConfiguration.level;
    assert.deepEqual(['unknown-property', 'number-as-string', 'too-many-findings', 'iban-check', 'date-order'].map(level), [
      'warning',
      'note',
      'note',
      'warning',
      'error',
    ]);
    assert.equal(run.results.length, 3, 'hints left out by default');
    const [first] = run.results;
    assert.equal(first.ruleId, 'invalid-enum');
    assert.equal(first.level, 'error');
    assert.equal(first.locations[0].physicalLocation.artifactLocation.uri, 'accounts/a%2C%20b%25.json');
    assert.deepEqual(first.locations[0].physicalLocation.region, { startLine: 2, startColumn: 18, endLine: 2, endColumn: 26 });
    assert.match(first.message.text, /\[sales_channel\]$/);
    assert.equal(run.results[1].level, 'warning');
    assert.equal(run.results[2].properties.record, 2);
    const withHints = toSarif(reports, { root: work, hints: true }) as any;
    assertSarifStructure(withHints);
    const hint = withHints.runs[0].results.find((r: any) => r.ruleId === 'number-as-string');
    assert.equal(hint.level, 'note');
    assert.deepEqual(
      hint.locations[0].physicalLocation.region,
      { startLine: 5, startColumn: 1, endLine: 5, endColumn: 2 },
      'an empty range widened to one column',
    );
  });

  test('the CLI writes valid SARIF for a folder and keeps its exit code', () => {
    write('ci/bad.json', '{"import_supplier": "X",\n "customers": [], "sales_channel": "direct"}');
    write('ci/wave.jsonl', `${JSON.stringify({ import_supplier: 'X', customers: [{ given_name: 'A', famly_name: 'B' }] })}\n`);
    const r = cli(['validate', '--format', 'sarif', 'ci']);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout);
    assertSarifStructure(log);
    const uris = log.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(uris.includes('ci/bad.json') && uris.includes('ci/wave.jsonl'), uris.join());
    const enumResult = log.runs[0].results.find((x: any) => x.ruleId === 'invalid-enum');
    assert.deepEqual(enumResult.locations[0].physicalLocation.region, { startLine: 2, startColumn: 36, endLine: 2, endColumn: 44 });
  });
});

describe('GitHub annotations', () => {
  test('::error/::warning lines with file, line, col and the code as title; % \\r \\n , : escaped', () => {
    const out = toGithubAnnotations(reports, { root: work }).trimEnd().split('\n');
    assert.equal(out.length, 3);
    assert.equal(
      out[0],
      '::error file=accounts/a%2C b%25.json,line=2,col=18,endLine=2,endColumn=26,title=invalid-enum::"direct" is not a valid sales channel;%0Adid you mean "DIRECT"? [sales_channel]',
    );
    assert.match(
      out[1],
      /^::warning file=accounts\/a%2C b%25\.json,line=4,col=5,.*title=unknown-property::Unknown property "famly_name"\. \[customers\.0\.famly_name\]$/,
    );
    assert.match(toGithubAnnotations(reports, { root: work, hints: true }), /^::notice .*title=number-as-string::/m);
    assert.equal(escapeGithubData('50% done\r\nnext'), '50%25 done%0D%0Anext');
    assert.equal(escapeGithubProperty('C:\\a,b'), 'C%3A\\a%2Cb');
  });

  test('the CLI prints annotations', () => {
    write('gh/bad.json', '{"import_supplier": "X",\n "customers": [], "sales_channel": "direct"}');
    const r = cli(['validate', '--format', 'github', 'gh']);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /^::error file=gh\/bad\.json,line=2,col=36,endLine=2,endColumn=44,title=invalid-enum::"direct" is not a valid sales channel/m,
    );
  });
});

describe('Markdown summary', () => {
  test('totals, then one row per code with counts, files and examples', () => {
    const md = toMarkdownSummary(reports, { root: work });
    assert.match(md, /^## Kraken payload validation/);
    assert.match(
      md,
      /❌ \*\*2\*\* payloads in \*\*3\*\* files: \*\*2\*\* errors, \*\*1\*\* warning, 1 hint \(1 skipped: not Kraken payloads\)/,
    );
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    assert.equal(rows.length, 2);
    assert.match(
      rows[0],
      /^\| `invalid-enum` \| error \| 2 \| 2 \| `accounts\/a, b%\.json:2:18` "direct" is not a valid sales channel; did you mean "DIRECT"\?<br>`wave\.jsonl:2:4` bad \|$/,
    );
    assert.match(rows[1], /^\| `unknown-property` \| warning \| 1 \| 1 \|/);
  });

  test('validate --summary prints Markdown; with --format sarif it goes to $GITHUB_STEP_SUMMARY', () => {
    write('md/bad.json', '{"import_supplier": "X",\n "customers": [], "sales_channel": "direct"}');
    const r = cli(['validate', '--summary', 'md']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^## Kraken payload validation/);
    assert.match(r.stdout, /\| `invalid-enum` \| error \| 1 \| 1 \|/);
    const stepSummary = path.join(work, 'step-summary.md');
    const s = cli(['validate', '--format', 'sarif', '--summary', 'md'], { GITHUB_STEP_SUMMARY: stepSummary });
    assert.equal(JSON.parse(s.stdout).version, '2.1.0');
    assert.match(readFileSync(stepSummary, 'utf8'), /^## Kraken payload validation/);
  });
});
