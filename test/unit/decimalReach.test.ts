/**
 * decimal-amount's table of where decimal fields can be met (core/src/service/rules/decimalReach.ts), which
 * scripts/compile-schemas.mjs builds from the bundled schemas at build time.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import DECIMAL_REACH from '../../core/src/service/generated/decimalReach';
import { digitlessDecimals } from '../../core/src/service/rules/decimalAmount';
import { buildDecimalReach, type DecimalReach, type DecimalReachNode } from '../../core/src/service/rules/decimalReach';
import { BUNDLED_SCHEMA_FILES } from '../../core/src/service/schemas';

const DECIMAL = { type: 'string', pattern: '^-?\\d{0,10}(?:\\.\\d{0,10})?$' };

/** The node reached from a root by property names and `[]` for array items; undefined where no decimal can be. */
function nodeAt(reach: DecimalReach, file: string, steps: string[]): number | undefined {
  let at: number | undefined = reach.roots[file];
  for (const step of steps) {
    if (at === undefined) return undefined;
    const node: DecimalReachNode = reach.nodes[at]!;
    at = step === '[]' ? (node.items < 0 ? undefined : node.items) : node.keys.find(([k]) => k === step)?.[1];
  }
  return at;
}

/** What the walk finds, sorted (its order is the stack's, not a promise: the rule's findings are sorted later). */
const found = (doc: unknown, reach: DecimalReach, file: string): string[] =>
  digitlessDecimals(doc, reach, reach.roots[file]!)
    .map(({ value, path }) => `${path.toPath().join('.')}=${JSON.stringify(value)}`)
    .sort();

describe('decimal reach: where decimal-amount looks', () => {
  it('the table built into the bundle is the one the bundled schemas give now', () => {
    const files = Object.keys(BUNDLED_SCHEMA_FILES).sort();
    assert.deepEqual(DECIMAL_REACH, buildDecimalReach(BUNDLED_SCHEMA_FILES, files));
    assert.deepEqual(Object.keys(DECIMAL_REACH.roots).sort(), files);
  });

  it('in the account schema: ledgers lead to their amounts; a part without decimals is not walked', () => {
    const file = 'account.schema.json';
    const amount = nodeAt(DECIMAL_REACH, file, ['ledgers', '[]', 'current_statement_transactions', '[]', 'amount']);
    assert.ok(amount !== undefined);
    assert.equal(DECIMAL_REACH.nodes[amount].decimal, true);
    const balance = nodeAt(DECIMAL_REACH, file, ['ledgers', '[]', 'ledger_balance']);
    assert.equal(balance !== undefined && DECIMAL_REACH.nodes[balance].decimal, true);
    // billing_address holds address lines and a country: no decimal, so the walk never enters it
    assert.equal(nodeAt(DECIMAL_REACH, file, ['billing_address']), undefined);
    const root = DECIMAL_REACH.nodes[DECIMAL_REACH.roots[file]!]!;
    assert.equal(root.decimal, false);
    assert.ok(root.keys.every(([k]) => k !== 'billing_address'));
    // customers hold one: concession credits
    const credits = nodeAt(DECIMAL_REACH, file, ['customers', '[]', 'concession_credits_paid_current_year']);
    assert.equal(credits !== undefined && DECIMAL_REACH.nodes[credits].decimal, true);
  });

  it('follows $ref, allOf/anyOf/oneOf and recursive schemas; only digitless decimals are found', () => {
    const doc = {
      $defs: {
        node: {
          type: 'object',
          properties: {
            amount: DECIMAL,
            note: { type: 'string' },
            child: { $ref: '#/$defs/node' },
            list: { type: 'array', items: { $ref: '#/$defs/node' } },
          },
        },
        other: { type: 'object', properties: { text: { type: 'string' }, more: { type: 'array', items: { type: 'string' } } } },
      },
      type: 'object',
      properties: {
        tree: { $ref: '#/$defs/node' },
        either: { anyOf: [{ $ref: '#/$defs/other' }, { properties: { fee: DECIMAL } }] },
        plain: { $ref: '#/$defs/other' },
        amounts: { type: 'array', items: DECIMAL },
      },
    };
    const reach = buildDecimalReach({ 'x.json': doc }, ['x.json']);
    assert.equal(nodeAt(reach, 'x.json', ['plain']), undefined);
    assert.equal(nodeAt(reach, 'x.json', ['tree', 'note']), undefined);
    assert.deepEqual(
      found(
        {
          tree: { amount: '1.5', note: '', child: { amount: '-', child: { amount: '' } }, list: [{ amount: '.' }, { amount: '2' }] },
          either: { fee: ' ', text: '' },
          plain: { text: '' },
          amounts: ['', '3', '-.'],
        },
        reach,
        'x.json',
      ),
      ['amounts.0=""', 'amounts.2="-."', 'either.fee=" "', 'tree.child.amount="-"', 'tree.child.child.amount=""', 'tree.list.0.amount="."'],
    );
  });

  it('a schema without decimals gives a root with nothing to walk; a string root is checked by its own schema', () => {
    const none = buildDecimalReach({ 'n.json': { type: 'object', properties: { a: { type: 'string' } } } }, ['n.json']);
    assert.deepEqual(none, { roots: { 'n.json': 0 }, nodes: [{ decimal: false, keys: [], items: -1 }] });
    assert.deepEqual(found({ a: '' }, none, 'n.json'), []);
    const bare = buildDecimalReach({ 'd.json': DECIMAL }, ['d.json']);
    assert.deepEqual(found('', bare, 'd.json'), ['=""']);
    assert.deepEqual(found('1', bare, 'd.json'), []);
  });
});
