/**
 * Deterministic generator of realistic Kraken account payloads for the benchmark, built from the seed account
 * (test/fixtures/seeds/seed-account.json): German supply points (gas and electricity MaLos with valid check digits),
 * MeLos, meters, registers, monthly readings, transfer readings, market partners with valid check digits, one ledger
 * per supply point with its transactions, statements, payment instructions with valid IBANs.
 *
 * The payloads are valid (no findings), except where `findings` asks for a few deliberate ones, spread over the
 * document, so that the cost of locating findings is part of what is measured.
 */
import seed from '../test/fixtures/seeds/seed-account.json';
import { bdewCheckDigit } from '../core/src/service/identifiers/checksums';
import { ibanCheckDigits } from '../core/src/service/identifiers/iban';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** mulberry32: small, fast, deterministic. */
export function rng(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

const SEED = seed as unknown as Obj;
const SEED_POINTS = ((SEED.supply_addresses as Obj[])[0].supply_points as Obj[]).map((p) => clone(p));
const GAS_TEMPLATE = SEED_POINTS.find((p) => p.supply_type === 'GAS')!;
const ELECTRICITY_TEMPLATE = SEED_POINTS.find((p) => p.supply_type === 'ELECTRICITY')!;

const STREETS = ['Am Markt', 'Hauptstraße', 'Lindenallee', 'Bahnhofstraße', 'Schulweg', 'Gartenstraße', 'Elbchaussee', 'Mühlenweg'];
const TOWNS: Array<[string, string]> = [
  ['Hamburg', '20099'],
  ['Jork', '21635'],
  ['Lüneburg', '21335'],
  ['Bremen', '28195'],
  ['Kiel', '24103'],
  ['Hannover', '30159'],
];
const GIVEN = ['Johann', 'Clara', 'Friedrich', 'Anna', 'Heinrich', 'Marie', 'Karl', 'Sophie'];
const FAMILY = ['Goethe', 'Schumann', 'Schiller', 'Seghers', 'Heine', 'Curie', 'Marx', 'Scholl'];

export interface AccountShape {
  /** Supply points (alternating gas and electricity), one ledger each. */
  supplyPoints: number;
  /** Supply points per supply address. */
  pointsPerAddress: number;
  /** Readings per register (monthly, from 2021-01). */
  readingsPerRegister: number;
  /** Transactions per ledger. */
  transactionsPerLedger: number;
  /** Deliberate findings spread over the document (0 for a clean payload). */
  findings: number;
}

export const TYPICAL_SHAPE: AccountShape = {
  supplyPoints: 1,
  pointsPerAddress: 1,
  readingsPerRegister: 4,
  transactionsPerLedger: 6,
  findings: 0,
};

class Ids {
  private malo = 0;
  private partner = 0;
  private transaction = 0;
  private meter = 0;
  constructor(private readonly base: number) {}
  nextMalo(gas: boolean): string {
    // DVGW issues gas MaLos (first digit 1-3), BDEW electricity ones (4-9).
    const first10 = `${gas ? 5 : 6}${pad((this.base * 7919 + this.malo++) % 1e9, 9)}`;
    return first10 + bdewCheckDigit(first10);
  }
  nextPartner(prefix: '98' | '99'): string {
    const first12 = prefix + pad((this.base * 104729 + this.partner++) % 1e10, 10);
    return first12 + bdewCheckDigit(first12);
  }
  nextTransaction(): string {
    return String(++this.transaction);
  }
  nextMeter(gas: boolean): string {
    return `${gas ? 'G' : 'E'}${pad((this.base * 31 + this.meter++) % 1e7, 7)}`;
  }
}

function monthDate(index: number, day = 1): string {
  const year = 2021 + Math.floor(index / 12);
  return `${year}-${pad((index % 12) + 1, 2)}-${pad(day, 2)}`;
}

function melo(r: () => number, postcode: string): string {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let tail = '';
  for (let i = 0; i < 20; i++) tail += alnum[Math.floor(r() * alnum.length)];
  return `DE${pad(Math.floor(r() * 1e6), 6)}${postcode}${tail}`;
}

function iban(r: () => number): string {
  const bban = pad(Math.floor(r() * 1e8), 8) + pad(Math.floor(r() * 1e10), 10);
  return `DE${ibanCheckDigits('DE', bban)}${bban}`;
}

function readings(r: () => number, count: number, start: number): Obj[] {
  const out: Obj[] = [];
  let value = start;
  for (let i = 0; i < count; i++) {
    value += 80 + Math.floor(r() * 400) + Math.floor(r() * 100) / 100;
    out.push({
      status: 'SAVED',
      value: value.toFixed(2),
      type_of_read: i === 0 ? 'INTERIM' : 'INTERIM',
      origin: 'NETWORK_OPERATOR',
      qualifier: 'READ',
      read_at: `${monthDate(i, 13)}T02:00:00+02:00`,
      is_transfer_reading: false,
    });
  }
  return out;
}

function supplyPoint(r: () => number, ids: Ids, gas: boolean, postcode: string, shape: AccountShape): Obj {
  const p = clone(gas ? GAS_TEMPLATE : ELECTRICITY_TEMPLATE);
  p.identifier = ids.nextMalo(gas);
  const meloList = p.melos as Obj[];
  const m = meloList[0];
  m.melo_number = melo(r, postcode);
  const meter = (m.meters as Obj[])[0];
  meter.meter_number = ids.nextMeter(gas);
  const register = (meter.registers as Obj[])[0];
  register.readings = readings(r, shape.readingsPerRegister, 1000 + Math.floor(r() * 9000));
  if (!gas) {
    // A second register (night tariff) like a two-rate electricity meter.
    const night = clone(register);
    night.obis_code = '1-1:1.8.2';
    night.readings = readings(r, shape.readingsPerRegister, 500 + Math.floor(r() * 4000));
    (meter.registers as Obj[]).push(night);
  }
  const lastReading = (register.readings as Obj[])[(register.readings as Obj[]).length - 1];
  const transfer = (p.transfer_readings as Obj[])[0];
  transfer.meter_number = meter.meter_number;
  if (lastReading) transfer.value = lastReading.value;
  (p.meter_operators as Obj[])[0].code = ids.nextPartner(gas ? '98' : '99');
  (p.network_operators as Obj[])[0].code = ids.nextPartner(gas ? '98' : '99');
  if (p.transmission_system_operators) (p.transmission_system_operators as Obj[])[0].code = ids.nextPartner('99');
  p.previous_supplier_id = ids.nextPartner(gas ? '98' : '99');
  const params = (p.agreements as Obj[])[0].params as Obj;
  params.annual_consumption = String(1500 + Math.floor(r() * 20000));
  return p;
}

function ledger(r: () => number, ids: Ids, identifier: string, code: string, count: number): Obj {
  const types: Array<[string, string, string | undefined]> = [
    ['PAYMENT', 'ACCOUNT_CHARGE_PAYMENT', 'DD_REGULAR_COLLECTION'],
    ['CHARGE', 'ENERGY_CHARGE', undefined],
    ['CREDIT', 'CUSTOMER_SERVICE_GESTURE', undefined],
    ['REPAYMENT', 'PARTIAL_CREDIT_REFUND', 'DIRECT_CREDIT'],
  ];
  const transactions: Obj[] = [];
  // The ledger balances (Kraken's convention: payments and credits add, charges and repayments subtract), as the
  // seed's does: a balance that does not add up is a finding (balance-sum), and only `findings` asks for those.
  let balanceCents = -1000;
  for (let i = 0; i < count; i++) {
    const [type, reason, paymentType] = types[i % 2 === 0 ? 0 : Math.floor(r() * types.length)];
    const t: Obj = {
      transaction_id: ids.nextTransaction(),
      transaction_date: monthDate(12 + Math.floor(i / 4), 1 + (i % 28)),
      amount: (5 + Math.floor(r() * 20000) / 100).toFixed(2),
      type,
      reason,
    };
    if (paymentType) t.payment_type = paymentType;
    balanceCents += (type === 'PAYMENT' || type === 'CREDIT' ? 1 : -1) * Math.round(Number(t.amount) * 100);
    transactions.push(t);
  }
  return {
    identifiers: [identifier],
    ledger_code: code,
    last_statement_closing_date: '2022-01-01',
    last_statement_balance: (-1000 / 100).toFixed(2),
    ledger_balance: (balanceCents / 100).toFixed(2),
    current_statement_transactions: transactions,
  };
}

/** One account payload (a plain value; serialise it as you like). */
export function generateAccount(seedValue: number, shape: AccountShape = TYPICAL_SHAPE): Obj {
  const r = rng(seedValue);
  const ids = new Ids(seedValue);
  const account = clone(SEED);
  account.external_account_number = `EXTERNAL-${pad(seedValue, 7)}`;
  const customer = (account.customers as Obj[])[0];
  customer.given_name = GIVEN[seedValue % GIVEN.length];
  customer.family_name = FAMILY[Math.floor(seedValue / GIVEN.length) % FAMILY.length];
  const addressTemplate = (account.supply_addresses as Obj[])[0];
  const addresses: Obj[] = [];
  const ledgers: Obj[] = [];
  const statements: Obj[] = [];
  const instructions: Obj[] = [];
  const schedules: Obj[] = [];
  for (let i = 0; i < shape.supplyPoints; i++) {
    if (i % shape.pointsPerAddress === 0) {
      const [town, postcode] = TOWNS[Math.floor(r() * TOWNS.length)];
      const a = clone(addressTemplate);
      a.supply_address1 = STREETS[Math.floor(r() * STREETS.length)];
      a.supply_address2 = String(1 + Math.floor(r() * 120));
      a.supply_address4 = town;
      a.supply_postcode = postcode;
      a.supply_points = [];
      addresses.push(a);
    }
    const address = addresses[addresses.length - 1];
    const gas = i % 2 === 0;
    const p = supplyPoint(r, ids, gas, String(address.supply_postcode), shape);
    (address.supply_points as Obj[]).push(p);
    const code = `${gas ? 'GAS' : 'ELECTRICITY'}_LEDGER${i < 2 ? '' : `_${i}`}`;
    ledgers.push(ledger(r, ids, String(p.identifier), code, shape.transactionsPerLedger));
    statements.push({
      bill_period_from_date: '2021-01-01',
      bill_period_to_date: '2022-01-01',
      statement_path: `${account.external_account_number}/2021-01-01-to-2022-01-01-${i}.pdf`,
      statement_id: String(i + 1),
      supply_type: gas ? 'GAS' : 'ELECTRICITY',
    });
    if (i < 50) {
      instructions.push({
        vendor: 'GOCARDLESS',
        reference: `MD${pad(seedValue % 1e6, 6)}${pad(i, 5)}`,
        type: 'DIRECT_DEBIT',
        ledger_code: code,
        valid_from: '2022-01-01',
        bank_account: {
          account_holder: `${customer.given_name} ${customer.family_name}`,
          account_number: pad(Math.floor(r() * 1e9), 9),
          iban: iban(r),
        },
      });
      schedules.push({ amount: '20.00', ledger_code: code, day_of_month: 5, frequency: 'MONTHLY', means: 'DD', start_date: '2022-01-01' });
    }
  }
  account.supply_addresses = addresses;
  account.ledgers = ledgers;
  account.statements = statements;
  account.payment_instructions = instructions;
  account.payment_schedules = schedules;
  if (shape.findings > 0) injectFindings(account, shape.findings, r);
  return account;
}

/**
 * A few realistic mistakes, spread over the document: a wrong date, an unknown property, a bad check digit, a
 * reading with a number instead of a string, a transaction with an unknown type.
 */
function injectFindings(account: Obj, count: number, r: () => number): void {
  const points: Obj[] = [];
  for (const a of account.supply_addresses as Obj[]) points.push(...(a.supply_points as Obj[]));
  const ledgers = account.ledgers as Obj[];
  const mistakes: Array<() => void> = [
    () => {
      const p = points[Math.floor(r() * points.length)];
      p.supply_start_date = '2021-02-30';
    },
    () => {
      const customer = (account.customers as Obj[])[0];
      customer.date_of_birth = '26.07.1997';
    },
    () => {
      const p = points[Math.floor(r() * points.length)];
      const id = String(p.identifier);
      p.identifier = id.slice(0, 10) + ((Number(id[10]) + 1) % 10);
      for (const l of ledgers) if ((l.identifiers as string[])[0] === id) l.identifiers = [p.identifier];
    },
    () => {
      const l = ledgers[Math.floor(r() * ledgers.length)];
      const ts = l.current_statement_transactions as Obj[];
      if (ts.length) ts[Math.floor(r() * ts.length)].type = 'REFUND';
    },
    () => {
      const l = ledgers[Math.floor(r() * ledgers.length)];
      l.ledger_balance = 20.5;
    },
  ];
  for (let i = 0; i < count; i++) mistakes[i % mistakes.length]();
}

export interface SizedAccount {
  text: string;
  shape: AccountShape;
  bytes: number;
}

/**
 * A pretty-printed (2 spaces, as editors save it) account of about `targetBytes`, scaled by its number of supply
 * points (each with monthly readings over three years and a ledger of transactions).
 */
export function accountOfSize(targetBytes: number, findings = 5, seedValue = 1): SizedAccount {
  if (targetBytes <= 20_000) {
    const shape = { ...TYPICAL_SHAPE, findings: 0 };
    const text = JSON.stringify(generateAccount(seedValue, shape), null, 2);
    return { text, shape, bytes: Buffer.byteLength(text) };
  }
  const base: AccountShape = { supplyPoints: 4, pointsPerAddress: 4, readingsPerRegister: 36, transactionsPerLedger: 60, findings };
  const probe = Buffer.byteLength(JSON.stringify(generateAccount(seedValue, base), null, 2));
  const perPoint = probe / base.supplyPoints;
  const shape = { ...base, supplyPoints: Math.max(1, Math.round(targetBytes / perPoint)) };
  const text = JSON.stringify(generateAccount(seedValue, shape), null, 2);
  return { text, shape, bytes: Buffer.byteLength(text) };
}

/** A migration wave: `count` accounts, one compact JSON object per line, sizes varying like real accounts. */
export function wave(count: number, seedValue = 7): string {
  const r = rng(seedValue);
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const supplyPoints = 1 + Math.floor(r() * 2);
    const shape: AccountShape = {
      supplyPoints,
      pointsPerAddress: 2,
      readingsPerRegister: 2 + Math.floor(r() * 8),
      transactionsPerLedger: 3 + Math.floor(r() * 8),
      findings: i % 97 === 0 ? 1 : 0,
    };
    lines[i] = JSON.stringify(generateAccount(seedValue * 100_000 + i, shape));
  }
  return lines.join('\n') + '\n';
}

/**
 * An account for a served contract of about `targetBytes`, pretty-printed: a contract fixture (test/fixtures/contract:
 * uk-account.json for Kraken GB's edf-gb.openapi.yml, au-account.json for origin-au.openapi.yml, each valid under its
 * contract) with its ledger's transactions, of every type it has, repeated under new ids as historical transactions,
 * a day apart back from 2019-08-01, as a long-lived account's ledger grows.
 */
export function contractAccountOfSize(fixtureText: string, targetBytes: number): string {
  const account = JSON.parse(fixtureText) as Obj;
  const ledger = (account.ledgers as Obj[])[0];
  const pattern = [...(ledger.current_statement_transactions as Obj[]), ...(ledger.historical_statement_transactions as Obj[])];
  const perTransaction = Buffer.byteLength(JSON.stringify(pattern[0], null, 6)) + 8;
  const count = Math.max(1, Math.round((targetBytes - Buffer.byteLength(fixtureText)) / perTransaction));
  const last = Date.UTC(2019, 7, 1);
  const transactions: Obj[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(last - (i % 3000) * 86_400_000).toISOString().slice(0, 10);
    transactions.push({ ...pattern[i % pattern.length], transaction_id: `H${i + 1}`, transaction_date: day });
  }
  ledger.historical_statement_transactions = transactions;
  return JSON.stringify(account, null, 2);
}
