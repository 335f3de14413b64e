/**
 * docs/validators.md accounts for every x-validator of both served contracts and is what
 * scripts/validators-table.ts generates from them now (stale: run `npm run validators:table`).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { validatorKey, validatorText } from '../../core/src/service/contract/validators';
import { RULES } from '../../core/src/service/rules';
import { collectRows, renderTable, TABLE_FILE } from '../../scripts/validators-table';
import { REPO_ROOT, SHARED } from '../helpers';

describe('docs/validators.md (every declared Kraken validator and its verdict)', () => {
  const rows = collectRows(SHARED);

  it('is up to date with the contracts, the rules and the verdict map', () => {
    const expected = renderTable(rows);
    const actual = readFileSync(path.join(REPO_ROOT, TABLE_FILE), 'utf8');
    assert.ok(actual === expected, `${TABLE_FILE} is stale: run npm run validators:table`);
  });

  it('has one row per x-validators entry: 352 in EDF GB, 445 in Origin AU, each with a verdict', () => {
    assert.equal(rows.filter((r) => r.contract === 'edf-gb').length, 352);
    assert.equal(rows.filter((r) => r.contract === 'origin-au').length, 445);
    for (const r of rows) assert.ok(r.verdict.text.length > 10, `${r.schema}.${r.field}: ${r.name}`);
  });

  it('matches names whatever their invisible characters and <code> tags', () => {
    const raw = 'Validate <code>\u2068valid_to\u2069</code> not before <code>\u2068valid_from\u2069</code>';
    assert.equal(validatorText(raw), 'Validate `valid_to` not before `valid_from`');
    assert.equal(validatorKey(raw), validatorKey('validate  `valid_to` not before `valid_from`.'));
    assert.equal(validatorKey(raw), 'validate valid_to not before valid_from');
  });

  it('every validator a rule says it implements is declared by a contract, with the codes it reports', () => {
    const declared = new Map<string, Set<string>>();
    for (const r of rows) {
      const k = validatorKey(r.name);
      declared.set(k, new Set([...(declared.get(k) ?? []), ...r.possibleErrors]));
    }
    for (const rule of RULES) {
      for (const v of rule.implements ?? []) {
        const codes = declared.get(validatorKey(v.name));
        assert.ok(codes, `${rule.code}: "${v.name}" is declared by a contract`);
        for (const c of v.codes) assert.ok(codes.has(c), `${rule.code}: ${c} is a possible error of "${v.name}"`);
      }
    }
  });
});
