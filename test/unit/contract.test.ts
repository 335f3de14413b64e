/**
 * OpenAPI contract -> per-kind JSON Schemas, against the two real served contracts (EDF GB, Origin AU).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { KINDS_BY_ID, PAYLOAD_KINDS } from '../../core/src/service/kinds';
import { isObject } from '../../core/src/json';
import {
  CONTRACT_ENDPOINTS,
  contractInfo,
  convertComponent,
  convertContract,
  parseContractText,
  type Contract,
  type KindId,
} from '../../core/src/service/contract';

const OPENAPI_DIR = process.env.KRAKEN_OPENAPI_DIR ?? join(__dirname, '..', '..', '..', '..', 'shared', 'kraken-openapi');

type Json = Record<string, any>;

function load(file: string): { doc: Json; contract: Contract; text: string } {
  const text = readFileSync(join(OPENAPI_DIR, file), 'utf8');
  const doc = parseContractText(text) as Json;
  return { doc, contract: convertContract(doc, file), text };
}

const GB = load('edf-gb.openapi.yml');
const AU = load('origin-au.openapi.yml');
const CONTRACTS = { 'edf-gb': GB, 'origin-au': AU } as const;

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, discriminator: true });
  addFormats(ajv);
  return ajv;
}

const compiled = new Map<object, ValidateFunction>();
function validator(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = newAjv().compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

function kindSchema(c: Contract, kind: KindId): Json {
  const k = c.kinds[kind];
  assert.ok(k, `kind ${kind} converted`);
  return k.schema as Json;
}

/** A schema for one definition of a kind (same definitions, root = that definition). */
function definitionSchema(c: Contract, kind: KindId, name: string): Json {
  const definitions = kindSchema(c, kind).definitions as Json;
  assert.ok(definitions[name], `${kind} has definition ${name}`);
  return { $ref: `#/definitions/${name}`, definitions };
}

function valueAt(value: unknown, pointer: string): unknown {
  let v: any = value;
  for (const raw of pointer.split('/').slice(1)) v = v?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  return v;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'number' ? 'JSON number' : typeof v;
}

/** One line per ajv error: `path: what`, composite errors folded into what they are about. */
function describeErrors(errors: ErrorObject[] | null | undefined, value: unknown): string[] {
  const list = errors ?? [];
  const out: string[] = [];
  const folded = new Set<number>();
  list.forEach((e, i) => {
    if (e.keyword !== 'anyOf') return;
    // The optional-discriminator fallback: its branch errors are the run of errors just before it, under its path.
    let j = i - 1;
    while (j >= 0 && (list[j].instancePath === e.instancePath || list[j].instancePath.startsWith(`${e.instancePath}/`))) {
      folded.add(j);
      j--;
    }
  });
  list.forEach((e, i) => {
    if (folded.has(i) || e.keyword === 'if') return; // `if`: "must match else", always beside the real error
    const path = e.instancePath || '(root)';
    const data = valueAt(value, e.instancePath);
    const p = e.params as Json;
    let what: string;
    switch (e.keyword) {
      case 'required':
        what = `missing ${p.missingProperty}`;
        break;
      case 'enum':
        what = `${JSON.stringify(data)} not in enum [${p.allowedValues.length > 3 ? `${p.allowedValues.length} values` : p.allowedValues.map((x: unknown) => JSON.stringify(x)).join(', ')}]`;
        break;
      case 'type':
        what = `${jsonType(data)} ${JSON.stringify(data)} where ${[p.type].flat().join('|')} is declared`;
        break;
      case 'format':
        what = `${JSON.stringify(data)} is not ${p.format}`;
        break;
      case 'maxLength':
        what = `${JSON.stringify(data)} is longer than ${p.limit}`;
        break;
      case 'anyOf': {
        const tag = 'supply_type';
        what = isObject(data) && !(tag in data) ? `no ${tag}, and no meter-point branch accepts it` : `no anyOf branch accepts it`;
        break;
      }
      default:
        what = `${e.keyword}: ${e.message}`;
    }
    out.push(`${path}: ${what}`);
  });
  return out;
}

function check(schema: object, value: unknown): string[] {
  const v = validator(schema);
  v(value);
  return describeErrors(v.errors, value);
}

describe('parseContractText', () => {
  test('reads plain scalars as PyYAML (the producer) does, not as YAML 1.2 would', () => {
    const ex =
      GB.doc.paths['/v2/data-import/accounts/validate/'].post.requestBody.content['application/json'].examples.ExamplePayload.value;
    // `mobile: 07123456789` and `ssc: 0393`: strings to PyYAML (not octal, not decimal), numbers to YAML 1.2.
    assert.equal(ex.customers[0].mobile, '07123456789');
    assert.equal(ex.supply_addresses[0].meter_points[0].ssc, '0393');
    // `- N` in an enum: a string to PyYAML, false to YAML 1.1.
    assert.ok(GB.doc.components.schemas.ElectricityMeterPoint.properties.regular_reading_cycle.enum.includes('N'));
    // Discriminator mapping keys `null:`/`false:`/`true:` (a Python None/False/True setting).
    assert.deepEqual(Object.keys(AU.doc.components.schemas.Portfolio.discriminator.mapping), ['', 'false', 'true']);
    const y = parseContractText(
      'a: 0777\nb: 0o17\nc: 1_000\nd: 1e3\ne: 1.5e+3\nf: yes\ng: Y\nh: ~\ni: 2024-01-02\nj: 0x1F\nk: 1:30\n',
    ) as Json;
    assert.deepEqual(y, { a: 511, b: '0o17', c: 1000, d: '1e3', e: 1500, f: true, g: 'Y', h: null, i: '2024-01-02', j: 31, k: 90 });
    assert.deepEqual(parseContractText('%YAML 1.2\n---\na: 0393\n'), { a: 393 });
    assert.deepEqual(parseContractText('{"openapi": "3.0.3"}'), { openapi: '3.0.3' });
  });

  test('hash is the sha256 of the canonical JSON: key order does not matter', () => {
    const a = convertContract({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} }, 'a');
    const b = convertContract({ paths: {}, info: { version: '1', title: 't' }, openapi: '3.0.3' }, 'b');
    assert.equal(a.hash, b.hash);
    assert.match(a.hash, /^[0-9a-f]{64}$/);
    assert.notEqual(GB.contract.hash, AU.contract.hash);
  });
});

describe('CONTRACT_ENDPOINTS and the kind table agree', () => {
  test('every contract endpoint is an endpoint the kind table names for that kind, and every kind has one', () => {
    for (const { path, kind } of CONTRACT_ENDPOINTS) {
      assert.ok(
        KINDS_BY_ID.get(kind)?.endpoints.some((e) => e.path === path),
        `${kind} does not list ${path} in kinds.ts`,
      );
    }
    assert.deepEqual([...new Set(CONTRACT_ENDPOINTS.map((e) => e.kind))].sort(), PAYLOAD_KINDS.map((k) => k.id).sort());
  });
});

describe('convertContract: kinds, endpoints, compilation', () => {
  const expectedKinds: Record<string, Record<string, [string, string]>> = {
    'edf-gb': {
      account: ['/v1/data-import/validate-account/', 'EnergyAccount'],
      'account-v2-validate': ['/v2/data-import/accounts/validate/', 'ValidateAccount'],
      'account-v2-create': ['/v2/data-import/accounts/', 'ScheduleAccountCreation'],
      'account-v1-create': ['/v1/data-import/account-import-process/process/', 'ProcessAccountImportProcess'],
      notes: ['/v1/data-import/notes/create/', 'AccountNote'],
      transactions: ['/v1/data-import/transactions/create/', 'Transactions'],
      statements: ['/v1/data-import/historical-statements/create/', 'HistoricalStatements'],
      'payment-instruction': ['/v1/data-import/payment-instruction/create/', 'LegacyPaymentInstruction'],
    },
    'origin-au': {
      account: ['/v1/data-import/validate-account/', 'OriginAccount'],
      'account-v2-validate': ['/v2/data-import/accounts/validate/', 'ValidateAccount'],
      'account-v2-create': ['/v2/data-import/accounts/', 'ScheduleAccountCreation'],
      'account-v1-create': ['/v1/data-import/account-import-process/process/', 'ProcessAccountImportProcess'],
      notes: ['/v1/data-import/notes/create/', 'AccountNote'],
      transactions: ['/v1/data-import/transactions/create/', 'Transactions'],
      statements: ['/v1/data-import/historical-statements/create/', 'HistoricalStatements'],
      'payment-instruction': ['/v1/data-import/payment-instruction/create/', 'LegacyPaymentInstruction'],
      'business-payment-instruction': ['/v1/data-import/business-payment-instruction/create/', 'BusinessPaymentInstruction'],
    },
  };

  for (const [name, { contract }] of Object.entries(CONTRACTS)) {
    test(`${name}: kind -> endpoint mapping`, () => {
      const actual = Object.fromEntries(
        Object.entries(contract.kinds).map(([kind, k]) => {
          assert.equal(k!.endpoint.method, 'POST');
          return [kind, [k!.endpoint.path, k!.schemaName]];
        }),
      );
      assert.deepEqual(actual, expectedKinds[name]);
      assert.equal(contract.title, 'Kraken');
      assert.equal(contract.version, 'v1');
      assert.equal(contract.stats.paths, 16);
      assert.equal(contract.stats.schemas, name === 'edf-gb' ? 139 : 209);
    });

    test(`${name}: every request body converts and compiles (ajv allErrors, strict: false, discriminator)`, (t) => {
      const { doc } = CONTRACTS[name as keyof typeof CONTRACTS];
      let total = 0;
      for (const [kind, k] of Object.entries(contract.kinds)) {
        const started = performance.now();
        const v = newAjv().compile(k!.schema);
        const ms = performance.now() - started;
        total += ms;
        compiled.set(k!.schema, v);
        const defs = Object.keys((k!.schema as Json).definitions).length;
        t.diagnostic(
          `${name} ${kind.padEnd(28)} ${k!.schemaName.padEnd(27)} ${String(defs).padStart(3)} definitions  compile ${ms.toFixed(0).padStart(4)} ms`,
        );
        // self-contained: every $ref points into its own definitions
        const refs = JSON.stringify(k!.schema).match(/"\$ref":"[^"]*"/g) ?? [];
        for (const r of refs) assert.match(r, /^"\$ref":"#\/definitions\/[^"/]+"$/);
      }
      t.diagnostic(`${name} all kinds compile ${total.toFixed(0)} ms`);
      // Request bodies no kind covers still convert and compile.
      const bodies: string[] = [];
      for (const [path, item] of Object.entries(doc.paths as Json)) {
        for (const [method, op] of Object.entries(item as Json)) {
          const ref: string | undefined = op?.requestBody?.content?.['application/json']?.schema?.$ref;
          if (!ref) continue;
          bodies.push(`${method.toUpperCase()} ${path}`);
          const covered = Object.values(contract.kinds).some((k) => k!.endpoint.path === path || k!.schemaName === ref.split('/').pop());
          if (covered) continue;
          const { schema } = convertComponent(doc, ref.split('/').pop()!);
          const started = performance.now();
          newAjv().compile(schema);
          t.diagnostic(
            `${name} (no kind) ${method.toUpperCase()} ${path} ${ref.split('/').pop()} compile ${(performance.now() - started).toFixed(0)} ms`,
          );
        }
      }
      assert.equal(bodies.length, name === 'edf-gb' ? 9 : 11);
    });
  }

  test('ignored operations are listed in stats', () => {
    assert.deepEqual(AU.contract.stats.ignored, [
      'GET /v1/data-import/account-transfer-status/{import_supplier_code}/{external_account_number}/',
      'GET /v1/data-import/all-account-import-processes/{import_supplier_code}/',
      'POST /v1/data-import/business/',
      'GET /v1/data-import/imported-account-import-processes/{import_supplier_code}/',
      'GET /v1/data-import/pending-account-import-processes/{import_supplier_code}/',
      'GET /v2/data-import/accounts/{import_supplier_code}/{external_identifier}/',
    ]);
    assert.ok(
      GB.contract.stats.ignored.includes('POST /v1/data-import/send-registration-flows/{import_supplier_code}/{external_account_number}/'),
    );
    assert.equal(GB.contract.stats.ignored.length, 7);
  });

  test('without v1 account endpoints, `account` is derived from the v2 validate `payload`', () => {
    const doc = structuredClone(GB.doc);
    delete doc.paths['/v1/data-import/validate-account/'];
    delete doc.paths['/v1/data-import/account-import-process/create-or-update/'];
    const c = convertContract(doc, 'gb-v2-only');
    assert.deepEqual(c.kinds.account?.endpoint, { method: 'POST', path: '/v2/data-import/accounts/validate/' });
    assert.equal(c.kinds.account?.schemaName, 'EnergyAccount');
    assert.deepEqual(c.kinds.account?.schema, GB.contract.kinds.account?.schema);
  });

  test('the conversion warnings of both contracts', () => {
    assert.deepEqual(GB.contract.warnings, [
      'Business: the branch is chosen by the import-supplier setting "enforce_business_contracts_exist", not by the payload; validated as BaseBusiness (setting unset/false), BusinessWithExistingContracts (setting true) is not applied',
    ]);
    assert.deepEqual(AU.contract.warnings, [
      'AccountBillingOptions: the branch is chosen by the import-supplier setting "enforce_strict_billing_options", not by the payload; validated as AusAccountBillingOptions (setting unset/false), OriginStrictAccountBillingOptions (setting true) is not applied',
      'Business: the branch is chosen by the import-supplier setting "enforce_business_contracts_exist", not by the payload; validated as BaseBusiness (setting unset/false), BusinessWithExistingContracts (setting true) is not applied',
      'Portfolio: the branch is chosen by the import-supplier setting "enforce_nested_portfolios_exist", not by the payload; validated as AccountPortfolio (setting unset/false), AccountPortfolioRequiredPortfolioReference (setting true) is not applied',
      'MeterPoint: discriminator "supply_type" is optional in every branch and the contract does not say which branch applies without it; without "supply_type" a value passes when it satisfies any branch',
    ]);
  });

  test('OpenAPI 3.0 details: $ref siblings, boolean exclusiveMinimum, example', () => {
    const doc = {
      openapi: '3.0.3',
      paths: {
        '/v1/data-import/notes/create/': {
          post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/N' } } } } },
        },
      },
      components: {
        schemas: {
          N: {
            type: 'object',
            properties: {
              a: { $ref: '#/components/schemas/M', nullable: true, description: 'an M or null' },
              b: { type: 'number', minimum: 0, exclusiveMinimum: true, example: 1.5 },
            },
          },
          M: { type: 'object', properties: { x: { type: 'string' } } },
        },
      },
    };
    const c = convertContract(doc, 'details');
    const schema = c.kinds.notes!.schema as Json;
    assert.deepEqual(schema.properties.a, {
      description: 'an M or null',
      if: { type: 'null' },
      else: { allOf: [{ $ref: '#/definitions/M' }] },
    });
    assert.deepEqual(schema.properties.b, { type: 'number', minimum: 0, exclusiveMinimum: 0, examples: [1.5] });
    assert.deepEqual(check(schema, { a: null, b: 1 }), []);
    assert.deepEqual(check(schema, { a: 'x', b: 0 }), ['/a: string "x" where object is declared', '/b: exclusiveMinimum: must be > 0']);
    assert.deepEqual(c.warnings, []);
  });

  test('nothing in a contract makes it throw', () => {
    for (const junk of [
      null,
      42,
      'x',
      [],
      {},
      {
        openapi: '3.1.0',
        paths: {
          '/v1/data-import/notes/create/': {
            post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } } } },
          },
        },
      },
    ]) {
      const c = convertContract(junk, 'junk');
      assert.equal(typeof c.hash, 'string');
      assert.ok(Array.isArray(c.warnings));
    }
    const odd = convertContract(
      {
        openapi: '3.0.3',
        info: { title: 'odd', version: '0' },
        paths: {
          '/v1/data-import/notes/create/': {
            post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/N' } } } } },
          },
        },
        components: {
          schemas: {
            N: {
              type: 'object',
              properties: {
                a: { type: 'strnig' },
                b: { type: 'string', format: 'iban' },
                c: { $ref: 'other.yml#/X' },
                d: {
                  oneOf: [{ $ref: '#/components/schemas/M' }],
                  discriminator: { propertyName: 't', mapping: { x: '#/components/schemas/Q' } },
                },
                e: { type: 'string', patternProperties: {} },
                f: { enum: ['a', 'b'], 'x-enum-descriptions': { a: 'A' } },
              },
            },
            M: { type: 'object', properties: { t: { type: 'string' } } },
          },
        },
      },
      'odd',
    );
    assert.deepEqual(odd.warnings, [
      'N.a: type "strnig" is not an OpenAPI type; dropped',
      'N.b: format "iban" is unknown to ajv-formats; kept as x-kraken-format, not checked',
      'N.c: $ref "other.yml#/X" is not a #/components/schemas/ reference; left unconstrained',
      'N.d: discriminator mapping "x" -> "#/components/schemas/Q" is not one of the oneOf branches; ignored',
      'N.d: discriminator "t" is optional in every branch and the contract does not say which branch applies without it; without "t" a value passes when it satisfies any branch',
      'N.e: keyword "patternProperties" is not OpenAPI 3.0; dropped',
      'N.f: x-enum-descriptions has no entry for "b"',
    ]);
    newAjv().compile(odd.kinds.notes!.schema);
  });
});

describe('discriminators select one branch', () => {
  test('GB transactions: CHARGE without reason -> exactly the CHARGE branch required error', () => {
    const schema = kindSchema(GB.contract, 'transactions');
    const charge = { transaction_id: '1', transaction_date: '2019-10-01', amount: '10.00', type: 'CHARGE', reason: 'IMPORTED_CHARGE' };
    const body = (tx: Json) => ({ import_supplier: 'EDF_PAYG', external_account_number: 'A-1', transactions: [tx] });
    assert.deepEqual(check(schema, body(charge)), []);
    const { reason: _r, ...noReason } = charge;
    const v = validator(schema);
    assert.equal(v(body(noReason)), false);
    assert.equal(v.errors!.length, 1);
    assert.equal(v.errors![0].keyword, 'required');
    assert.equal(v.errors![0].instancePath, '/transactions/0');
    assert.deepEqual(v.errors![0].params, { missingProperty: 'reason' });
    // the same transaction as a PAYMENT is valid: EnergyPayment does not require reason, and only it applies
    assert.deepEqual(check(schema, body({ ...noReason, type: 'PAYMENT' })), []);
  });

  test('unknown tag value -> ajv discriminator error only', () => {
    const schema = kindSchema(GB.contract, 'transactions');
    const v = validator(schema);
    const tx = { transaction_id: '1', transaction_date: '2019-10-01', amount: '10.00', type: 'REFUND' };
    assert.equal(v({ import_supplier: 'EDF_PAYG', transactions: [tx] }), false);
    assert.deepEqual(
      v.errors!.map((e) => [e.instancePath, e.keyword, e.message, e.params]),
      [['/transactions/0', 'discriminator', 'value of tag "type" must be in oneOf', { error: 'mapping', tag: 'type', tagValue: 'REFUND' }]],
    );
    v({ import_supplier: 'EDF_PAYG', transactions: [{ ...tx, type: 7 }] });
    assert.deepEqual(
      v.errors!.map((e) => [e.keyword, (e.params as Json).error]),
      [['discriminator', 'tag']],
    );
  });

  test('the discriminated schema is ajv-shaped: const per branch, tag required, type object', () => {
    const td = kindSchema(GB.contract, 'transactions').definitions.EnergyTransaction;
    assert.equal(td.type, 'object');
    assert.deepEqual(td.discriminator, { propertyName: 'type' });
    assert.deepEqual(td.required, ['type']);
    assert.deepEqual(
      td.oneOf.map((b: Json) => [b['x-kraken-branch'], b.properties.type, b.required, b.allOf]),
      [
        ['EnergyCredit', { const: 'CREDIT' }, ['type'], [{ $ref: '#/definitions/EnergyCredit' }]],
        ['EnergyCharge', { const: 'CHARGE' }, ['type'], [{ $ref: '#/definitions/EnergyCharge' }]],
        ['EnergyPayment', { const: 'PAYMENT' }, ['type'], [{ $ref: '#/definitions/EnergyPayment' }]],
        ['EnergyRepayment', { const: 'REPAYMENT' }, ['type'], [{ $ref: '#/definitions/EnergyRepayment' }]],
        ['EnergySupplyCharge', { const: 'SUPPLY_CHARGE' }, ['type'], [{ $ref: '#/definitions/EnergySupplyCharge' }]],
      ],
    );
    // A string is not a transaction: ajv skips discriminator/oneOf for non-objects, `type: object` catches it.
    assert.deepEqual(check(kindSchema(GB.contract, 'transactions'), { import_supplier: 'EDF_PAYG', transactions: ['CHARGE'] }), [
      '/transactions/0: string "CHARGE" where object is declared',
    ]);
  });

  test('AU transactions: AusCharge does not require reason; a CHARGE without amount names only amount', () => {
    const schema = kindSchema(AU.contract, 'transactions');
    const body = (tx: Json) => ({ import_supplier: 'ORIGIN', external_account_number: 'A-1', transactions: [tx] });
    const charge = { transaction_id: '1', transaction_date: '2019-10-01', amount: '10.00', type: 'CHARGE' };
    assert.deepEqual(check(schema, body(charge)), []);
    const { amount: _a, ...noAmount } = charge;
    assert.deepEqual(check(schema, body(noAmount)), ['/transactions/0: missing amount']);
  });

  test('AU meter points (supply_type): the tag selects the branch; errors come from that branch only', () => {
    const schema = definitionSchema(AU.contract, 'account', 'MeterPoint');
    const gas = { supply_type: 'GAS', mpxn: '5240459904', supply_start_date: '2019-01-01' };
    assert.deepEqual(check(schema, gas), ['(root): missing address', '(root): missing master_data', '(root): missing role_assignments']);
    const embedded = { ...gas, supply_type: 'EMBEDDED_ELECTRICITY' };
    assert.deepEqual(check(schema, embedded), [
      '(root): missing customer_classification',
      '(root): missing customer_threshold',
      '(root): missing distributors',
      '(root): missing meter_data_providers',
      '(root): missing meters',
      '(root): missing nmi_classification',
      '(root): missing nmi_status_periods',
      '(root): missing parent_nmi',
    ]);
    assert.deepEqual(check(schema, { ...gas, supply_type: 'ELECTRICITY' }), []);
    // WATER is in the branches' supply_type enum but no branch is mapped to it
    const v = validator(schema);
    v({ ...gas, supply_type: 'WATER' });
    assert.deepEqual(
      v.errors!.map((e) => [e.keyword, e.message]),
      [
        ['discriminator', 'value of tag "supply_type" must be in oneOf'],
        ['if', 'must match "then" schema'], // the optional-tag wrapper: "with supply_type, select by it"
      ],
    );
    // supply_type is optional in every AU branch: without it, any branch that accepts the value will do
    assert.deepEqual(check(schema, { mpxn: '4103445577', supply_start_date: '2019-01-01' }), []);
    assert.deepEqual(check(schema, { mpxn: '4103445577' }), ['(root): no supply_type, and no meter-point branch accepts it']);
    const mp = kindSchema(AU.contract, 'account').definitions.MeterPoint;
    assert.equal(mp['x-kraken-optional-discriminator'], 'supply_type');
    assert.deepEqual(Object.keys(mp.allOf[0]), ['if', 'then', 'else']);
    assert.equal(mp.allOf[0].then.oneOf.length, 8);
  });

  test('GB meter points: supply_type is required by every branch', () => {
    const schema = definitionSchema(GB.contract, 'account', 'MeterPoint');
    const v = validator(schema);
    v({ mpid: 1, identifier: '1234567890123', supply_start_date: '2019-01-01' });
    assert.deepEqual(
      v.errors!.map((e) => [e.keyword, e.message]),
      [
        ['required', "must have required property 'supply_type'"],
        ['discriminator', 'tag "supply_type" must be string'],
      ],
    );
  });

  test('import-supplier setting discriminators apply the default branch and name the others', () => {
    const billing = kindSchema(AU.contract, 'account').definitions.AccountBillingOptions;
    assert.deepEqual(billing['x-kraken-config-discriminator'], {
      setting: 'enforce_strict_billing_options',
      applied: 'AusAccountBillingOptions',
      variants: {
        null: '#/definitions/AusAccountBillingOptions',
        false: '#/definitions/AusAccountBillingOptions',
        true: '#/definitions/OriginStrictAccountBillingOptions',
      },
    });
    assert.deepEqual(billing.allOf, [{ $ref: '#/definitions/AusAccountBillingOptions' }]);
    assert.equal(billing.oneOf, undefined);
    assert.ok(kindSchema(AU.contract, 'account').definitions.OriginStrictAccountBillingOptions, 'the other variant is kept');
  });
});

describe('field conversions', () => {
  const gbDefs = () => kindSchema(GB.contract, 'account').definitions;
  const auDefs = () => kindSchema(AU.contract, 'account').definitions;

  test('nullable: type and enum gain null; a nullable allOf-ref becomes if null / else ref', () => {
    assert.deepEqual(gbDefs().AccountCampaign.properties.expiry_date, {
      type: ['string', 'null'],
      format: 'date',
      description: '<p>The end date after which the account will no longer be associated with this campaign.</p>',
    });
    const period = auDefs().AusAccountBillingOptions.properties.period_length;
    assert.deepEqual(period.type, ['string', 'null']);
    assert.deepEqual(period.enum, ['MONTHLY', 'QUARTERLY', null]);
    assert.deepEqual(period.enumDescriptions, ['Monthly', 'Quarterly', 'None']);
    const settings = auDefs().AccountPortfolio.properties.portfolio_settings;
    assert.deepEqual(settings.if, { type: 'null' });
    assert.deepEqual(settings.else, { allOf: [{ $ref: '#/definitions/PortfolioSettings' }] });
    const schema = definitionSchema(AU.contract, 'account', 'AccountPortfolio');
    assert.deepEqual(check(schema, { portfolio_settings: null }), []);
    assert.deepEqual(check(schema, { portfolio_settings: 'x' }), ['/portfolio_settings: string "x" where object is declared']);
  });

  test('readOnly properties are dropped and leave required (neither contract has one: a patched copy)', () => {
    assert.doesNotMatch(GB.text + AU.text, /readOnly|writeOnly/);
    const doc = structuredClone(GB.doc);
    const note = doc.components.schemas.AccountNote;
    note.properties.import_supplier.readOnly = true;
    note.properties.external_account_number.writeOnly = true;
    const schema = convertContract(doc, 'patched').kinds.notes!.schema as Json;
    assert.equal(schema.properties.import_supplier, undefined);
    assert.deepEqual(schema.required, ['notes']);
    assert.equal(schema.properties.external_account_number.writeOnly, true);
    assert.deepEqual(note.required, ['import_supplier', 'notes'], 'the input document is not modified');
  });

  test('enumDescriptions align with enum (x-enum-descriptions is an object keyed by value)', () => {
    const t = kindSchema(GB.contract, 'transactions').definitions.EnergyCharge.properties.type;
    assert.deepEqual(t.enum, ['CHARGE', 'PAYMENT', 'REPAYMENT', 'CREDIT', 'SUPPLY_CHARGE']);
    assert.deepEqual(t.enumDescriptions, ['Charge', 'Payment', 'Repayment', 'Credit', 'Supply Charge']);
    assert.equal(t['x-spec-enum-id'], '06d6aba5cee32f9a');
    assert.equal(t['x-enum-descriptions'], undefined);
    const cycle = gbDefs().ElectricityMeterPoint.properties.regular_reading_cycle;
    assert.equal(cycle.enumDescriptions[cycle.enum.indexOf('N')], 'No read required');
    const flag = auDefs().EmbeddedElecMeterPoint.properties.shared_isolation_flag;
    assert.deepEqual(
      [flag.enum, flag.enumDescriptions],
      [
        ['Y', 'N', 'I', 'U', null],
        ['Yes', 'No', 'Isolated', 'Unknown', 'None'],
      ],
    );
  });

  test('x-validators -> x-kraken-validators (names) and x-kraken-errors (possible_errors)', () => {
    const signedAt = gbDefs().AccountConsent.properties.signed_at;
    assert.deepEqual(signedAt['x-kraken-errors'], ['date_in_future']);
    // names are kept verbatim: HTML and the U+2068/U+2069 isolates Kraken puts around field names
    assert.deepEqual(signedAt['x-kraken-validators'], ['Validate <code>\u2068signed_at\u2069</code> not in the future']);
    assert.equal(signedAt['x-validators'], undefined);
    const process = kindSchema(GB.contract, 'account-v1-create');
    assert.deepEqual(process.properties.operations_team_name['x-kraken-errors'], ['operations_team_name_does_not_exist']);
    assert.deepEqual(process.properties.operations_team_name['x-kraken-validators'], ['Validate that an operations team exists']);
    assert.deepEqual(process['x-kraken-errors'], [
      'import_process_does_not_exist',
      'operations_team_provided_when_using_auto_allocation',
      'operations_team_should_be_provided',
    ]);
  });

  test('decimals are strings with the contract pattern, no format; i18n-key descriptions are flagged', () => {
    assert.deepEqual(gbDefs().AgedDebt.properties.debt_amount, {
      type: 'string',
      'x-kraken-format': 'decimal',
      pattern: '^-?\\d{0,8}(?:\\.\\d{0,2})?$',
      description: '<p>The amount of the aged debt.</p>',
    });
    const billing = kindSchema(GB.contract, 'account').properties.account_billing_options;
    assert.equal(billing.description, 'data-import--field-definition--main-ledger-billing-account--account-billing-options--html');
    assert.equal(billing['x-description-is-key'], true);
    assert.equal(kindSchema(GB.contract, 'account').properties.import_supplier['x-description-is-key'], undefined);
  });

  test('deprecated + x-use-instead kept; x-comment -> $comment', () => {
    const note = kindSchema(GB.contract, 'notes');
    assert.equal(note.properties.account_number.deprecated, true);
    assert.equal(note.properties.account_number['x-use-instead'], 'external_account_number');
    assert.equal(
      gbDefs().AccountConsent.properties.type.$comment,
      'Choices for this field are dynamic, once appropriate values have been configured they will be rendered here.',
    );
  });
});

describe('contractInfo', () => {
  test('lists kinds with endpoint, schema, field and enum counts', () => {
    const text = contractInfo(GB.contract);
    assert.match(text, /^Kraken v1 — edf-gb\.openapi\.yml\nsha256 [0-9a-f]{64}\n16 paths, 139 schemas, 758 fields, 113 enums\n/);
    assert.match(text, /\ntransactions {2,}POST \/v1\/data-import\/transactions\/create\/ {2,}Transactions {2,}\d+ {2,}\d+ {2,}1\n/);
    assert.match(text, /\nignored \(7\):\n/);
    assert.match(text, /\nwarnings \(1\):\n {2}- Business: /);
  });
});

describe('embedded request examples against their own contract', () => {
  // Why each example fails. None of these is the converter's doing: the fix-up test below corrects exactly these
  // things in the examples and then the converted schemas accept them.
  const SUPPLIER = "placeholder import supplier: the enum lists this instance's import suppliers only";
  const NUMBER = 'decimal sent as a JSON number; the contract declares a decimal string (DRF coerces it: a hint)';
  const BARE = 'bare account sent; the contract declares the {payload} wrapper';
  const BARE_CREATE = 'bare account sent; the contract declares {payload, task_params}, both required';
  const VENDOR = 'payment vendor STRIPE; this instance offers WESTPAC only';
  const PARAMS = "AU line items require params (AusLineItem); the example, the same as GB's, has none";
  const INT_STRING = 'house number sent as the string "11"; the contract declares an integer (DRF coerces it)';
  const DATE_ONLY = 'date-only value in a date-time field: RFC 3339 (ajv-formats) rejects it; Django >= 4 reads it as midnight';
  const SLUG = 'campaign slug not configured on this instance (slugs are instance data)';
  const NO_BRANCH = 'meter point without supply_type that no AU branch accepts; given the type it is named for, see below';
  /** The supply_type each AU example's meter point is named for (none of them sends one). */
  const INTENDED: Record<string, string> = {
    ExampleGasPayload: 'GAS',
    ExampleUnmeteredElectricityPayload: 'UNMETERED_ELECTRICITY',
    ExampleUnmeteredGasPayload: 'UNMETERED_GAS',
  };

  type Row = [kind: KindId, example: string, finding: string, reason: string];
  const rows = (kind: KindId, examples: string[], findings: Array<[string, string]>): Row[] =>
    examples.flatMap((ex) => findings.map(([f, r]): Row => [kind, ex, f, r]));
  const numbers = (prefix: string, paths: Array<[string, number]>): Array<[string, string]> =>
    paths.map(([p, n]) => [`${prefix}${p}: JSON number ${n} where string is declared`, NUMBER]);
  const transactionNumbers = (supplyCharge: number): Array<[string, string]> => [
    ...numbers(
      '/transactions/',
      [...Array(supplyCharge).keys()].map((i): [string, number] => [`${i}/amount`, 10]),
    ),
    ...numbers(`/transactions/${supplyCharge}/`, [
      ['amount', 53.24],
      ['line_items/0/net_amount', 44],
      ['line_items/0/number_of_units', 4],
      ['line_items/0/price_per_unit', 11],
      ['line_items/0/units/0', 4],
      ['line_items/0/units/1', 8],
      ['tax_items/0/amount', 9.24],
      ['tax_items/0/rate', 0.21],
      ['tax_items/0/value_taxed', 44],
    ]),
  ];
  const GB_SUPPLIER: [string, string] = ['/import_supplier: "TENTACLE_ENERGY" not in enum [15 values]', SUPPLIER];
  const AU_SUPPLIER: [string, string] = ['/import_supplier: "TENTACLE_ENERGY" not in enum [8 values]', SUPPLIER];
  const AU_EXAMPLES = [
    'ExampleElectricityPayload',
    'ExampleGasPayload',
    'ExampleUnmeteredElectricityPayload',
    'ExampleUnmeteredGasPayload',
    'ExampleEmbeddedElectricityPayload',
    'ExampleEmbeddedGasPayload',
    'ExampleEmbeddedWaterPayload',
  ];

  const EXPECTED: Record<keyof typeof CONTRACTS, Row[]> = {
    'edf-gb': [
      ...rows('statements', ['ExamplePayload'], [GB_SUPPLIER]),
      ...rows('notes', ['ExamplePayload'], [GB_SUPPLIER]),
      ...rows('payment-instruction', ['ExamplePayload'], [GB_SUPPLIER]),
      ...rows('transactions', ['ExamplePayload'], [GB_SUPPLIER, ...transactionNumbers(5)]),
      ...rows(
        'account-v2-create',
        ['ExamplePayload'],
        [
          ['(root): missing payload', BARE_CREATE],
          ['(root): missing task_params', BARE_CREATE],
        ],
      ),
      ...rows('account-v2-validate', ['ExamplePayload'], [['(root): missing payload', BARE]]),
    ],
    'origin-au': [
      ...rows(
        'business-payment-instruction',
        ['ExamplePayload'],
        [
          ['/import_supplier_code: "TENTACLE_UTILITIES" not in enum [8 values]', SUPPLIER],
          ['/vendor: "STRIPE" not in enum ["WESTPAC"]', VENDOR],
        ],
      ),
      ...rows('statements', ['ExamplePayload'], [AU_SUPPLIER]),
      ...rows('notes', ['ExamplePayload'], [AU_SUPPLIER]),
      ...rows('payment-instruction', ['ExamplePayload'], [AU_SUPPLIER, ['/vendor: "STRIPE" not in enum ["WESTPAC"]', VENDOR]]),
      ...rows(
        'transactions',
        ['ExamplePayload'],
        [
          AU_SUPPLIER,
          ...transactionNumbers(4).slice(0, 5),
          ['/transactions/4/line_items/0: missing params', PARAMS],
          ...transactionNumbers(4).slice(5),
        ],
      ),
      ...rows('account-v2-create', AU_EXAMPLES, [
        ['(root): missing payload', BARE_CREATE],
        ['(root): missing task_params', BARE_CREATE],
      ]),
      ...rows('account-v2-validate', AU_EXAMPLES, [['(root): missing payload', BARE]]),
    ],
  };

  // The v2 examples are bare accounts: what they would get as the `account` kind (the bare v2 body).
  const HOUSE = (p: string): [string, string] => [
    `${p}/structured_street_address/house_number_1: string "11" where integer is declared`,
    INT_STRING,
  ];
  const METER: [string, string] = ['/supply_addresses/0/meter_points/0: no supply_type, and no meter-point branch accepts it', NO_BRANCH];
  const AS_ACCOUNT: Record<keyof typeof CONTRACTS, Row[]> = {
    'edf-gb': rows(
      'account',
      ['ExamplePayload'],
      [
        ['/account_campaigns/0/slug: "super_account" not in enum [429 values]', SLUG],
        ['/customers/0/psr/0/effective_from: "2012-01-01" is not date-time', DATE_ONLY],
        ['/customers/0/psr/1/effective_from: "2012-01-01" is not date-time', DATE_ONLY],
        GB_SUPPLIER,
      ],
    ),
    'origin-au': [
      ...rows(
        'account',
        ['ExampleElectricityPayload'],
        [
          HOUSE('/customers/0/address'),
          AU_SUPPLIER,
          ...numbers('/ledgers/0/', [
            ['current_statement_transactions/0/amount', 10],
            ['current_statement_transactions/1/amount', 20],
            ['current_statement_transactions/2/amount', 20],
            ['historical_statement_transactions/0/amount', 10],
            ['historical_statement_transactions/1/amount', 10],
            ['last_statement_balance', 20],
            ['ledger_balance', 50],
          ]),
          ...numbers('/payment_schedules/', [
            ['0/amount', 6],
            ['1/amount', 60],
          ]),
          ...numbers('/statements/0/', [
            ['average_daily_usage', 18.44],
            ['total_consumption', 1045.3626354],
            ['total_consumption_cost', 250.88],
            ['total_feed_in_cost', 33.3685418],
            ['total_feed_in_energy', 303.35038],
            ['total_supply_cost', 40.24],
          ]),
          ...numbers('/statements/1/', [
            ['average_daily_usage', 20.2],
            ['total_consumption', 123.456789],
            ['total_consumption_cost', 333.33],
            ['total_feed_in_cost', 77.7777777],
            ['total_feed_in_energy', 222.22222],
            ['total_supply_cost', 20.2],
          ]),
          HOUSE('/supply_addresses/0/supply_address'),
          ...numbers('', [['/transfer_balance', 50]]),
        ],
      ),
      ...rows(
        'account',
        ['ExampleGasPayload', 'ExampleUnmeteredElectricityPayload', 'ExampleUnmeteredGasPayload'],
        [AU_SUPPLIER, METER, HOUSE('/supply_addresses/0/supply_address')],
      ),
      ...rows(
        'account',
        ['ExampleEmbeddedElectricityPayload', 'ExampleEmbeddedGasPayload', 'ExampleEmbeddedWaterPayload'],
        [AU_SUPPLIER, HOUSE('/supply_addresses/0/supply_address')],
      ),
    ],
  };

  const table = (r: Row[]) => r.map(([k, e, f, why]) => `${k.padEnd(28)} ${e.padEnd(34)} ${f}  <- ${why}`);

  for (const [name, { contract }] of Object.entries(CONTRACTS) as Array<
    [keyof typeof CONTRACTS, (typeof CONTRACTS)[keyof typeof CONTRACTS]]
  >) {
    test(`${name}: every embedded request example, validated against its endpoint's kind`, (t) => {
      assert.equal(contract.examples.length, name === 'edf-gb' ? 6 : 19);
      const actual = contract.examples.flatMap((ex) => check(kindSchema(contract, ex.kind), ex.value).map((f) => [ex.kind, ex.name, f]));
      for (const line of table(EXPECTED[name])) t.diagnostic(line);
      assert.deepEqual(
        actual,
        EXPECTED[name].map(([k, e, f]) => [k, e, f]),
      );
    });

    test(`${name}: the v2 examples' bare accounts, validated as the account kind`, (t) => {
      const validate = contract.examples.filter((e) => e.kind === 'account-v2-validate');
      const create = contract.examples.filter((e) => e.kind === 'account-v2-create');
      // both v2 endpoints embed the same bodies
      assert.deepEqual(
        create.map((e) => [e.name, e.value]),
        validate.map((e) => [e.name, e.value]),
      );
      const actual = validate.flatMap((ex) => check(kindSchema(contract, 'account'), ex.value).map((f) => ['account', ex.name, f]));
      for (const line of table(AS_ACCOUNT[name])) t.diagnostic(line);
      assert.deepEqual(
        actual,
        AS_ACCOUNT[name].map(([k, e, f]) => [k, e, f]),
      );
    });
  }

  test('origin-au: the meter points without supply_type, given the supply_type their example is named for', (t) => {
    const schema = definitionSchema(AU.contract, 'account', 'MeterPoint');
    const meterPoint = (name: string) => {
      const ex = AU.contract.examples.find((e) => e.kind === 'account-v2-validate' && e.name === name)!;
      return (ex.value as Json).supply_addresses[0].meter_points[0] as Json;
    };
    // Given it, each fails its own branch for a single, ordinary reason: a house number sent as a string, a
    // decimal multiplier sent as a number. Without it, the errors of all eight branches pile up.
    const intended: Array<[string, string, string[]]> = [
      ['ExampleGasPayload', 'GAS', ['/address/house/0/house_number: string "11" where integer is declared']],
      ['ExampleUnmeteredElectricityPayload', 'UNMETERED_ELECTRICITY', ['/multiplier: JSON number 2 where string|null is declared']],
      ['ExampleUnmeteredGasPayload', 'UNMETERED_GAS', ['/multiplier: JSON number 2 where string|null is declared']],
    ];
    assert.deepEqual(
      intended.map(([n, st]) => [n, st]),
      Object.entries(INTENDED),
    );
    for (const [name, supplyType, expected] of intended) {
      const mp = meterPoint(name);
      assert.equal(mp.supply_type, undefined);
      const found = check(schema, { ...mp, supply_type: supplyType });
      t.diagnostic(`${name} with supply_type ${supplyType}: ${found.join('; ')}`);
      assert.deepEqual(found, expected);
    }
  });

  /** Corrects what a finding says is wrong with an example; returns false when it cannot. */
  function fixOne(root: { value: unknown }, e: ErrorObject, kind: KindId, example: string): boolean {
    const p = e.params as Json;
    const segments = e.instancePath.split('/').slice(1);
    const parentOf = () => segments.slice(0, -1).reduce((v: any, s) => v[s], root.value as any);
    const key = segments[segments.length - 1];
    const data = valueAt(root.value, e.instancePath);
    if (e.keyword === 'required' && e.instancePath === '' && p.missingProperty === 'payload') {
      root.value = kind === 'account-v2-create' ? { payload: root.value, task_params: {} } : { payload: root.value };
      return true;
    }
    if (e.keyword === 'required' && p.missingProperty === 'task_params') return true; // added with payload
    if (e.keyword === 'required' && p.missingProperty === 'params') {
      (data as Json).params = {};
      return true;
    }
    if (e.keyword === 'enum') {
      parentOf()[key] = p.allowedValues.find((v: unknown) => v !== null);
      return true;
    }
    if (e.keyword === 'type' && typeof data === 'number' && [p.type].flat().includes('string')) {
      parentOf()[key] = String(data);
      return true;
    }
    if (e.keyword === 'type' && typeof data === 'string' && p.type === 'integer') {
      parentOf()[key] = Number(data);
      return true;
    }
    if (e.keyword === 'format' && p.format === 'date-time' && /^\d{4}-\d{2}-\d{2}$/.test(String(data))) {
      parentOf()[key] = `${data}T00:00:00Z`;
      return true;
    }
    if (e.keyword === 'maxLength') {
      parentOf()[key] = String(data).slice(0, p.limit); // the AU example's NMI carries its checksum digit
      return true;
    }
    if (e.keyword === 'anyOf' && isObject(data) && !('supply_type' in data) && INTENDED[example]) {
      data.supply_type = INTENDED[example];
      return true;
    }
    return false;
  }

  for (const [name, { contract }] of Object.entries(CONTRACTS)) {
    test(`${name}: with the listed problems corrected, every example validates (no error is the converter's)`, (t) => {
      const left: string[] = [];
      for (const ex of contract.examples) {
        const root = { value: structuredClone(ex.value) };
        const v = validator(kindSchema(contract, ex.kind));
        let fixes = 0;
        for (let round = 0; round < 5 && !v(root.value); round++) {
          const errors = [...v.errors!];
          // a meter point no branch accepts: fix its supply_type first; its branch errors are then the real ones
          const unbranched = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
          const fixable = errors.filter(
            (e) =>
              e.keyword !== 'if' &&
              !unbranched.some((p) => e.keyword !== 'anyOf' && (e.instancePath === p || e.instancePath.startsWith(`${p}/`))),
          );
          const fixed = fixable.filter((e) => fixOne(root, e, ex.kind, ex.name)).length;
          fixes += fixed;
          if (!fixed) break;
        }
        v(root.value);
        for (const f of describeErrors(v.errors, root.value)) left.push(`${ex.kind} ${ex.name} ${f}`);
        t.diagnostic(`${ex.kind} ${ex.name}: ${fixes} fixes, then ${v.errors?.length ?? 0} errors`);
      }
      assert.deepEqual(left, []);
    });
  }
});
