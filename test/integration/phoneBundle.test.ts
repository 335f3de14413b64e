/**
 * The shipped bundles carry libphonenumber-js with three functions rewritten for speed (scripts/build.mjs,
 * LIBPHONENUMBER_PATCHES: kept RegExps, Object.assign for options). This holds the built CLI's phone-number findings
 * to those of the core run here against libphonenumber-js as published (this test's bundle loads it from
 * node_modules), on numbers of many countries, forms and faults, each met twice in one process (the second time
 * through the kept RegExps).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { createKrakenService } from '../../core/src/service';
import { REPO_ROOT, seedAccount } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'kraken-phone-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** [billing country, number]: international and national forms, valid and not, national prefixes with captures. */
const NUMBERS: Array<[string, string]> = [
  ['DE', '+49 174 1721223'],
  ['DE', '0174 1721223'],
  ['DE', '030 901820'],
  ['DE', '0123'],
  ['GB', '07700 900123'],
  ['GB', '+44 20 7946 0958'],
  ['GB', '020 7946 095'],
  ['GB', 'tel:+44-20-7946-0958'],
  ['AU', '0412 345 678'],
  ['AU', '(02) 9374 4000'],
  ['AU', '+61 4 1234 567'],
  ['AR', '011 15 2345-6789'],
  ['AR', '+54 9 11 2345 6789'],
  ['BR', '0 21 2345-6789'],
  ['BR', '(11) 91234-5678'],
  ['MX', '044 55 1234 5678'],
  ['MX', '+52 1 55 1234 5678'],
  ['US', '(201) 555-0123'],
  ['US', '+1 800 FLOWERS'],
  ['FR', '01 23 45 67 89'],
  ['FR', '+33 6 12 34 56 78 90'],
  ['IT', '+39 06 6982'],
  ['NZ', '021 123 4567'],
  ['DE', '+999 123456'],
  ['DE', '+49 1'],
  ['DE', 'n/a'],
  ['DE', 'abcde'],
  ['DE', '1'],
  ['GB', '+44 7700 900123 ext. 12'],
  ['JP', '090-1234-5678'],
];

function account(country: string, phone: string): string {
  const a = seedAccount();
  a.billing_address = { ...a.billing_address, country };
  a.customers[0].mobile = phone;
  a.customers[0].landline = '';
  return JSON.stringify(a);
}

describe('libphonenumber-js as bundled', () => {
  it('gives the built CLI the same phone-number findings as the published library, numbers met twice', () => {
    const lines = [...NUMBERS, ...NUMBERS].map(([c, p]) => account(c, p));
    const file = path.join(work, 'phones.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const r = spawnSync(process.execPath, [CLI, 'validate', file, '--format', 'json', '--show-personal-data'], {
      encoding: 'utf8',
      cwd: REPO_ROOT,
    });
    assert.equal(r.stderr, '');
    const records = JSON.parse(r.stdout) as Array<{
      line: number;
      diagnostics: Array<{ code: string; severity: string; message: string; path: string }>;
    }>;
    assert.equal(records.length, lines.length);
    const phone = (ds: Array<{ code: string; severity: string; message: string; path: string }>) =>
      ds.filter((d) => d.code === 'phone-number').map((d) => `${d.severity} ${d.path} ${d.message}`);
    const service = createKrakenService();
    const outcomes = new Set<string>();
    for (const [i, line] of lines.entries()) {
      const expected = phone(service.validate(line).diagnostics);
      assert.deepEqual(phone(records[i]!.diagnostics), expected, `line ${i + 1}: ${NUMBERS[i % NUMBERS.length]!.join(' ')}`);
      outcomes.add(expected.length ? expected[0]!.split(' ')[0]! : 'none');
    }
    // The numbers reach every outcome: none, a warning (not valid for its country), an error (no number in it).
    assert.deepEqual([...outcomes].sort(), ['error', 'none', 'warning']);
    // The bundle is minified; its source map names the rewrite's function.
    const map = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist', 'cli-main.js.map'), 'utf8')) as { names: string[] };
    assert.ok(map.names.includes('keptRegExp'), 'the bundle carries the rewrite');
  });
});
