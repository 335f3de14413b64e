/**
 * What the tests of Kraken's declared validators (test/unit/declared*.test.ts) share: the two real contracts served
 * at /data-import/schema/ as services on one injected clock, the bundled schemas on the same clock, the contract
 * fixtures, and the one-line form of a rule's finding that the tests compare.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createKrakenService, type ValidateOptions } from '../core/src/service';
import { createContractSchemaSet } from '../core/src/service/contract/schemaSet';
import { fixture, SHARED } from './helpers';

export const OPENAPI_DIR = process.env.KRAKEN_OPENAPI_DIR ?? path.join(SHARED, 'kraken-openapi');

/** "Today" for every declared-validator test: at this instant it is 2025-06-02 in UTC+14 and 2025-05-31 in UTC-12. */
export const NOW = new Date('2025-06-01T12:00:00Z');

/** The schema set of a contract in ../shared/kraken-openapi. */
export const contractSchemaSet = (file: string) =>
  createContractSchemaSet(readFileSync(path.join(OPENAPI_DIR, file), 'utf8'), file, { buildId: 'test' }).schemaSet;

export const GB = contractSchemaSet('edf-gb.openapi.yml');
export const AU = contractSchemaSet('origin-au.openapi.yml');
export const gb = createKrakenService({ schemaSet: GB, now: NOW });
export const au = createKrakenService({ schemaSet: AU, now: NOW });
export const bundled = createKrakenService({ now: NOW });
export type Service = typeof gb;

export type Json = any;
export const uk = (): Json => JSON.parse(fixture('contract/uk-account.json'));
export const auAccount = (): Json => JSON.parse(fixture('contract/au-account.json'));
export const seed = (): Json => JSON.parse(fixture('seeds/seed-account.json'));

/** `found(service, doc, kind?)`: `severity code path krakenCode` of the findings of the rules named in `codes`. */
export function findingsOf(codes: ReadonlySet<string>) {
  return (service: Service, doc: Json, kind?: ValidateOptions['kind']): string[] =>
    service
      .validate(JSON.stringify(doc, null, 2), kind ? { kind } : {})
      .diagnostics.filter((d) => codes.has(d.code))
      .map((d) => `${d.severity} ${d.code} ${d.path} ${(d.data as Record<string, unknown> | undefined)?.krakenCode ?? '-'}`);
}
