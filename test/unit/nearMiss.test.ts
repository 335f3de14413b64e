/**
 * Misspelt properties in objects the schema leaves open (core/src/service/nearMiss.ts): a warning at the key with
 * the declared name it is close to, at the payload's root under the bundled schemas, and down to the meter points'
 * level under a served contract; a field that is close to nothing, or of another market under the bundled schemas,
 * is not a finding.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SchemaNavigator, type SchemaView } from '../../core/src/service/schemaNav';
import { AU, au, auAccount, bundled, gb, type Json, seed, type Service, uk } from '../declared';

/** `path suggestion line:character` of each unknown-property finding. */
function unknown(service: Service, doc: Json): string[] {
  return service
    .validate(JSON.stringify(doc, null, 2))
    .diagnostics.filter((d) => d.code === 'unknown-property')
    .map((d) => `${d.path} ${(d.data as { suggestion?: string }).suggestion} ${d.range.start.line}:${d.range.start.character}`);
}

/** The key renamed in place (same position among the object's keys). */
function rename(obj: Json, from: string, to: string): void {
  const entries = Object.entries(obj);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) obj[k === from ? to : k] = v;
}

/** The line (0-based) of `"key":` in the pretty-printed document, as the service sees it. */
function lineOf(doc: Json, key: string, nth = 0): number {
  const lines = JSON.stringify(doc, null, 2).split('\n');
  const hits = lines.map((l, i) => (l.trimStart().startsWith(`"${key}":`) ? i : -1)).filter((i) => i >= 0);
  return hits[nth];
}

describe('bundled schemas: the root only', () => {
  it('"custmers" at the root: a warning on the key, suggesting "customers"', () => {
    const doc = seed();
    rename(doc, 'customers', 'custmers');
    assert.deepEqual(unknown(bundled, doc), [`custmers customers ${lineOf(doc, 'custmers')}:2`]);
    const found = bundled.validate(JSON.stringify(doc, null, 2)).diagnostics.find((d) => d.code === 'unknown-property')!;
    assert.equal(found.severity, 'warning');
    assert.equal(
      found.message,
      'Unknown property "custmers": Kraken ignores fields it does not know, so this value will not be imported. Did you mean "customers"?',
    );
    assert.deepEqual(found.tags, ['unnecessary']);
    // The quick fix renames the key, and the renamed document has no such finding.
    const text = JSON.stringify(doc, null, 2);
    const [rename1, remove] = bundled.codeActions(text, found.range, [found]);
    assert.equal(rename1.title, 'Rename to "customers"');
    assert.equal(remove.title, 'Remove unknown property "custmers"');
    assert.deepEqual(rename1.edits, [{ range: found.range, newText: '"customers"' }]);
    const renamed = text.replace('"custmers":', '"customers":');
    assert.deepEqual(
      bundled.validate(renamed).diagnostics.filter((d) => d.code === 'unknown-property'),
      [],
    );
  });

  it('a root field close to no declared one is not a finding (other markets have fields the schemas do not list)', () => {
    const doc = seed();
    doc.legacy_crm_id = 'X-1';
    assert.deepEqual(unknown(bundled, doc), []);
  });

  it('another market\'s fields below the root are not findings: an Australian account\'s mpxn is not "mpid"', () => {
    assert.deepEqual(unknown(bundled, auAccount()), []);
  });
});

describe('a served contract: every object down to the meter points', () => {
  it('the fixtures have none', () => {
    assert.deepEqual(unknown(gb, uk()), []);
  });

  it('the root, a customer and a meter point: each misspelt key reported where it is', () => {
    const doc = uk();
    rename(doc, 'supply_addresses', 'supply_adresses');
    rename(doc.customers[0], 'email', 'emial');
    assert.deepEqual(unknown(gb, doc), [
      `customers.0.emial email ${lineOf(doc, 'emial')}:6`,
      `supply_adresses supply_addresses ${lineOf(doc, 'supply_adresses')}:2`,
    ]);
    const inPoint = uk();
    rename(inPoint.supply_addresses[0].meter_points[0], 'profile_class', 'profile_clas');
    assert.deepEqual(unknown(gb, inPoint), [
      `supply_addresses.0.meter_points.0.profile_clas profile_class ${lineOf(inPoint, 'profile_clas')}:10`,
    ]);
  });

  it('below the meter points (meters, registers, readings) nothing is read', () => {
    const doc = uk();
    rename(doc.supply_addresses[0].meter_points[0].meters[0], 'installed_on', 'instaled_on');
    assert.deepEqual(unknown(gb, doc), []);
  });
});

describe('items of one kind share a view (SchemaNavigator.itemView)', () => {
  const TYPES = ['CREDIT', 'CHARGE', 'PAYMENT', 'REPAYMENT', 'SUPPLY_CHARGE', 'REFUND', undefined];

  it('each item gets the view its own expansion gives, whatever came before it in the array', () => {
    const doc = auAccount();
    const path = ['ledgers', 0, 'historical_statement_transactions'];
    // Every transaction type of the contract, an unknown one and none, in an order that repeats each kind.
    const items: Json[] = [];
    for (let round = 0; round < 3; round++)
      for (const type of TYPES)
        items.push(type === undefined ? { transaction_id: `${round}` } : { transaction_id: `${round}${type}`, type });
    items.push(null, 'text', { type: 'CHARGE', amount: '1' });
    doc.ledgers[0].historical_statement_transactions = items;
    const nav = new SchemaNavigator(AU, 'account');
    const arrayView = nav.at(path, doc);
    const views = nav.itemViews(arrayView)!;
    assert.ok(views, 'the transactions array is not a tuple');
    const refsOf = (v: SchemaView | undefined) => v && [v.all.map((r) => r.schema), v.alternatives.map((r) => r.schema)];
    items.forEach((item, i) =>
      assert.deepEqual(refsOf(nav.itemView(arrayView, i, item, views)), refsOf(nav.item(arrayView, i, item)), `item ${i}`),
    );
    // One view per way the branch is decided: each of the five types, an unknown type, and no type at all (an object
    // without one, null and a string all read as no type here: the schema has no null wrapper or condition).
    assert.equal(views.entries.length, 7);
    // The CHARGE view is not the PAYMENT view.
    assert.notDeepEqual(refsOf(nav.itemView(arrayView, 1, items[1], views)), refsOf(nav.itemView(arrayView, 2, items[2], views)));
  });

  it('a misspelt key in a later transaction of a type seen before is still reported there', () => {
    const doc = auAccount();
    const list = doc.ledgers[0].current_statement_transactions;
    list.push({ ...list[1], transaction_id: '6' }, { ...list[0], transaction_id: '7' });
    rename(list[3], 'payment_type', 'paymnet_type');
    rename(list[4], 'reason', 'reasn');
    assert.deepEqual(unknown(au, doc), [
      `ledgers.0.current_statement_transactions.3.paymnet_type payment_type ${lineOf(doc, 'paymnet_type')}:10`,
      `ledgers.0.current_statement_transactions.4.reasn reason ${lineOf(doc, 'reasn')}:10`,
    ]);
  });
});
