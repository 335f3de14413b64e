/**
 * The shipped bundles carry libphonenumber-js with three functions rewritten for speed (scripts/build.mjs,
 * LIBPHONENUMBER_PATCHES: kept RegExps, Object.assign for options). This holds the built CLI's phone-number findings
 * to those of the core run here against libphonenumber-js as published (this test's bundle loads it from
 * node_modules), on numbers of many countries, forms and faults, each met twice in one process (the second time
 * through the kept RegExps); and under the Australian contract, whose validators read each number's type.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { createKrakenService } from '../../core/src/service';
import { au, auAccount, OPENAPI_DIR } from '../declared';
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

type Finding = { code: string; severity: string; message: string; path: string };
const phone = (ds: Finding[]) => ds.filter((d) => d.code === 'phone-number').map((d) => `${d.severity} ${d.path} ${d.message}`);

/** The built CLI's phone-number findings for each line of a wave written from `lines` (one list per line). */
function cliPhoneFindings(name: string, lines: string[], extra: string[] = []): string[][] {
  const file = path.join(work, name);
  writeFileSync(file, lines.join('\n') + '\n');
  const args = [CLI, 'validate', file, '--format', 'json', '--show-personal-data', '--quiet', ...extra];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(r.stderr, '');
  const records = JSON.parse(r.stdout) as Array<{ diagnostics: Finding[] }>;
  assert.equal(records.length, lines.length);
  return records.map((rec) => phone(rec.diagnostics));
}

/** Australian numbers of every type, and foreign ones, for the contract's Australian validators. */
const AU_NUMBERS = [
  '0412 345 678',
  '0488008221',
  '(02) 9374 4000',
  '0212345678',
  '1800 801 920',
  '13 13 15',
  '1300 655 506',
  '1900 123 456',
  '0412345',
  '+61 4 1234 5678',
  '+447712354321',
  '+1 201 555 0123',
  '021234567',
  'abcde',
];

describe('libphonenumber-js as bundled', () => {
  it('gives the built CLI the same phone-number findings as the published library, numbers met twice', () => {
    const lines = [...NUMBERS, ...NUMBERS].map(([c, p]) => account(c, p));
    const found = cliPhoneFindings('phones.jsonl', lines);
    const service = createKrakenService();
    const outcomes = new Set<string>();
    for (const [i, line] of lines.entries()) {
      const expected = phone(service.validate(line).diagnostics);
      assert.deepEqual(found[i], expected, `line ${i + 1}: ${NUMBERS[i % NUMBERS.length]!.join(' ')}`);
      outcomes.add(expected.length ? expected[0]!.split(' ')[0]! : 'none');
    }
    // The numbers reach every outcome: none, a warning (not valid for its country), an error (no number in it).
    assert.deepEqual([...outcomes].sort(), ['error', 'none', 'warning']);
    // The bundle is minified; its source map names the rewrite's function.
    const map = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist', 'cli-main.js.map'), 'utf8')) as { names: string[] };
    assert.ok(map.names.includes('keptRegExp'), 'the bundle carries the rewrite');
  });

  it("and under the Australian contract, whose validators ask each number's type, numbers met twice", () => {
    const lines: string[] = [];
    for (const n of [...AU_NUMBERS, ...AU_NUMBERS]) {
      const a = auAccount();
      a.customers[0].landline = n;
      a.customers[1].mobile = n;
      lines.push(JSON.stringify(a));
    }
    const found = cliPhoneFindings('au-phones.jsonl', lines, ['--contract', path.join(OPENAPI_DIR, 'origin-au.openapi.yml')]);
    const messages: string[] = [];
    for (const [i, line] of lines.entries()) {
      const expected = phone(au.validate(line).diagnostics);
      assert.deepEqual(found[i], expected, `line ${i + 1}: ${AU_NUMBERS[i % AU_NUMBERS.length]}`);
      messages.push(...expected);
    }
    // The numbers reach every type the validators tell apart, foreign numbers and numbers not in use.
    for (const told of [
      'an Australian mobile number, not a landline',
      'an Australian fixed-line number, not a mobile',
      'an Australian toll-free number, not a mobile',
      'an Australian shared-cost number, not a mobile',
      'an Australian premium-rate number, not a mobile',
      'a GB number, not an Australian one',
      'no AU number of that length or range is in use',
    ])
      assert.ok(
        messages.some((m) => m.includes(told)),
        told,
      );
  });
});
