/**
 * The precompiled validators (scripts/compile-schemas.mjs → core/src/service/generated/validators.js) against ajv
 * compiling the same schemas at run time: the same errors, and the schema objects the errors point at are the bundled
 * documents' own (the generator replaces ajv's copies of the schemas with references into them).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ErrorObject } from 'ajv';
import PRECOMPILED from '../../core/src/service/generated/validators';
import { BUNDLED_SCHEMA_FILES, createAjv, prepareSchema } from '../../core/src/service/schemas';
import { fixture, REPO_ROOT, seedAccount } from '../helpers';

/** Every object inside the bundled documents, by identity. */
function documentObjects(): Set<object> {
  const all = new Set<object>();
  const stack: unknown[] = Object.values(BUNDLED_SCHEMA_FILES);
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || all.has(node)) continue;
    all.add(node);
    stack.push(...Object.values(node));
  }
  return all;
}

/** A seed account with a deprecated property, wrong types, a missing required field and a bad format. */
function brokenAccount(): Record<string, unknown> {
  const account = seedAccount();
  account.debt = '12.00';
  account.billing_postcode = 42;
  delete account.import_supplier;
  const customer = account.customers[0];
  customer.email = 'not an email';
  customer.date_of_birth = '1980-13-45';
  customer.given_name = ['Ada'];
  return account;
}

// The fields' order too: the generator rewrites ajv's error sites as calls that build the object (compactErrorSites).
const comparable = (errors: ErrorObject[]) =>
  errors.map((e) => ({
    ...e,
    keys: Object.keys(e).join(),
    schema: JSON.stringify(e.schema),
    parentSchema: JSON.stringify(e.parentSchema),
  }));

/** Copies of `value` with one place broken: each value in turn replaced by values of other types, an unknown key in each object. */
function* brokenCopies(value: unknown): Generator<unknown> {
  const wrong: unknown[] = [{ unknown_key: 1 }, [], 'zz', 'x'.repeat(5000), -1, 1.5, 1e15, null, true];
  function* at(node: unknown, replace: (v: unknown) => unknown): Generator<unknown> {
    for (const w of wrong) yield replace(w);
    if (node === null || typeof node !== 'object') return;
    // An unknown key in an object; an array twelve times as long (past any maxItems).
    yield replace(Array.isArray(node) ? Array.from({ length: 12 }, () => node).flat() : { ...node, unknown_key: 1 });
    for (const [k, child] of Object.entries(node))
      yield* at(child, (v) => replace(Array.isArray(node) ? node.map((c, i) => (String(i) === k ? v : c)) : { ...node, [k]: v }));
  }
  yield* at(value, (v) => v);
}

describe('precompiled validators', () => {
  const validate = PRECOMPILED['account.schema.json']!;

  it('report what ajv reports when it compiles the same schemas at run time', () => {
    const ajv = createAjv();
    for (const [name, doc] of Object.entries(BUNDLED_SCHEMA_FILES)) ajv.addSchema(prepareSchema(structuredClone(doc)), name);
    const runtime = ajv.getSchema('account.schema.json')!;
    const account = brokenAccount();
    assert.equal(validate(account), false);
    assert.equal(runtime(account), false);
    const keywords = new Set(validate.errors!.map((e) => e.keyword));
    for (const k of ['type', 'krakenDeprecated', 'required', 'format']) assert.ok(keywords.has(k), `no ${k} error`);
    assert.deepEqual(comparable(validate.errors!), comparable(runtime.errors!));
    // The example account: numbers where the schema has decimal strings (which the service accepts), nothing else.
    const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', 'account-de.json'), 'utf8')) as unknown;
    assert.equal(validate(example), false);
    assert.equal(runtime(example), false);
    assert.deepEqual(
      validate.errors!.map((e) => `${e.instancePath} ${e.keyword}`),
      ['/payment_schedules/0/amount type', '/payment_schedules/1/amount type'],
    );
    assert.deepEqual(comparable(validate.errors!), comparable(runtime.errors!));
  });

  it('build every error as ajv does: each part of an account and of each post-import payload broken in turn', () => {
    const ajv = createAjv();
    for (const [name, doc] of Object.entries(BUNDLED_SCHEMA_FILES)) ajv.addSchema(prepareSchema(structuredClone(doc)), name);
    const seed = (name: string) => JSON.parse(fixture(`seeds/seed-${name}.json`)) as unknown;
    const samples: Record<string, unknown[]> = {
      'account.schema.json': [seedAccount(), brokenAccount()],
      'account-v2-validate.schema.json': [seedAccount()],
      'account-v2-create.schema.json': [seed('create-request')],
      'account-v1-create.schema.json': [seedAccount()],
      'notes.schema.json': [seed('notes')],
      'transactions.schema.json': [seed('transactions')],
      'statements.schema.json': [seed('statements')],
      'payment-instruction.schema.json': [seed('payment-instruction')],
      'business-payment-instruction.schema.json': [seed('business-payment-instruction')],
    };
    assert.deepEqual(Object.keys(samples).sort(), Object.keys(BUNDLED_SCHEMA_FILES).sort());
    const sites = new Set<string>();
    const keywords = new Set<string>();
    for (const name of Object.keys(BUNDLED_SCHEMA_FILES)) {
      const precompiled = PRECOMPILED[name]!;
      const runtime = ajv.getSchema(name)!;
      for (const payload of samples[name]!.flatMap((sample) => [...brokenCopies(sample)])) {
        assert.equal(precompiled(payload), runtime(payload), name);
        assert.deepEqual(comparable(precompiled.errors ?? []), comparable(runtime.errors ?? []), name);
        for (const e of precompiled.errors ?? []) {
          sites.add(`${name} ${e.schemaPath}`);
          keywords.add(e.keyword);
        }
      }
    }
    // Many sites (496 when this was written), of every keyword the schemas' errors come from; `const` only tags the branches of the ledger
    // transactions' discriminator, which picks the branch by that value, so its check cannot fail.
    assert.ok(sites.size >= 450, `only ${sites.size} error sites reached`);
    assert.deepEqual([...keywords].sort(), [
      'additionalProperties',
      'discriminator',
      'enum',
      'format',
      'krakenDeprecated',
      'maxItems',
      'maxLength',
      'maximum',
      'minItems',
      'minimum',
      'pattern',
      'required',
      'type',
    ]);
  });

  it("point errors at the bundled documents' own schema objects, not at copies", () => {
    const objects = documentObjects();
    assert.equal(validate(brokenAccount()), false);
    for (const e of validate.errors!) assert.ok(objects.has(e.parentSchema as object), `${e.instancePath} ${e.keyword}: a copy`);
    const deprecated = validate.errors!.find((e) => e.keyword === 'krakenDeprecated' && e.instancePath === '/debt');
    assert.deepEqual(deprecated?.params, { useInstead: 'debts' });
    const debt = (BUNDLED_SCHEMA_FILES['account.schema.json']!.properties as Record<string, object>).debt;
    assert.equal(deprecated?.parentSchema, debt);
  });
});
