/**
 * docs/validators.md: every `x-validators` entry of the two served contracts (../shared/kraken-openapi), where it is
 * attached, its name, description and possible errors, and our verdict: checked locally (which rule, severity,
 * when active), needs Kraken's data or configuration (which), or not decidable from its text (why).
 *
 * The verdicts: a rule's `implements` list (core/src/service/rules) first, then VERDICTS below (by validator name),
 * then the CATEGORIES (by words in the name, description and error codes). test/unit/validatorTable.test.ts fails
 * when the checked-in table differs from what this generates.
 *
 * Regenerate: npm run validators:table (builds, then writes docs/validators.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseContractText } from '../core/src/service/contract/openapi';
import { declaredValidators, validatorKey, type DeclaredValidator } from '../core/src/service/contract/validators';
import { RULES } from '../core/src/service/rules';
import { KRAKEN_CONFIG, KRAKEN_DATA, NOT_DECIDABLE, type Kind, type Verdict } from './verdicts/types';
import { DATE_VERDICTS } from './verdicts/dates';
import { SUM_VERDICTS } from './verdicts/sums';
import { FORMAT_VERDICTS } from './verdicts/formats';
import { STRUCTURE_VERDICTS } from './verdicts/structure';

export const CONTRACT_FILES = [
  { id: 'edf-gb', file: 'edf-gb.openapi.yml', title: 'EDF GB' },
  { id: 'origin-au', file: 'origin-au.openapi.yml', title: 'Origin AU' },
] as const;

/** Verdicts by validator name (`validatorKey`), for those the categories would misplace or that deserve a reason. */
const BASE_VERDICTS: Record<string, Verdict> = {
  [validatorKey('Validate that either `instruction_reference` or `reference` are provided')]: {
    kind: 'local',
    text: 'checked locally: `reference-exclusive` (error, every payment instruction)',
  },
  [validatorKey('Validate unique transaction IDs')]: {
    kind: 'local',
    text: "checked locally: `unique-ids` (error, duplicate transaction_id in the payload); a missing id is the schema's `missing-property`",
  },
  [validatorKey('Validate that there are no duplicate MPXNs on a supply point')]: {
    kind: 'local',
    text: 'checked locally: `unique-ids` (error, GB meter point identifiers per account)',
  },
  [validatorKey('Validate note created at is equal to or before unpin at')]: {
    kind: 'local',
    text: 'checked locally: `date-order` (error, notes: unpin_at before created_at)',
  },
  [validatorKey('Validate that `schedule_window_start` is not in the past.')]: {
    kind: 'clock',
    text: 'needs the current date in Kraken at send time (a window valid now may be past when sent); not checked',
  },
  [validatorKey('Validate that `schedule_window_end` does not exceed 4 days in the future')]: {
    kind: 'clock',
    text: 'needs the current date in Kraken at send time; not checked',
  },
  [validatorKey('Validate date not in past')]: {
    kind: 'clock',
    text: 'needs the current date in Kraken at send time (a date valid now may be past when sent); not checked',
  },
  [validatorKey('Validate email address is not test address')]: KRAKEN_CONFIG('which addresses count as test addresses is not published'),
  [validatorKey('Validate email is not internal')]: KRAKEN_CONFIG("the instance's internal domains"),
  [validatorKey('Validate address')]: NOT_DECIDABLE('the address rules are not described'),
  [validatorKey('Validate supply address')]: NOT_DECIDABLE('the address rules are not described'),
  [validatorKey('Validate and normalize postcode')]: NOT_DECIDABLE('the postcode rules are not described (and it normalises)'),
  [validatorKey('Validate metadata')]: NOT_DECIDABLE('what it checks is not described'),
  [validatorKey('Validate specific field value')]: NOT_DECIDABLE('what it checks is not described'),
  [validatorKey('Validate debt and debts')]: NOT_DECIDABLE('what it checks is not described'),
  [validatorKey('Validate payment instructions')]: NOT_DECIDABLE('what it checks is not described'),
  [validatorKey('Validate user details')]: NOT_DECIDABLE('what it checks is not described'),
  [validatorKey('Validate hazard details')]: NOT_DECIDABLE('what it checks is not described'),
  [validatorKey('Validate life support details')]: NOT_DECIDABLE('what it checks is not described'),
  [validatorKey('Validate exit reason details')]: NOT_DECIDABLE('what it checks is not described'),
  [validatorKey('Validate off-market meter fields')]: NOT_DECIDABLE('which fields are required off market is not listed'),
  [validatorKey('Validate required meter fields are provided')]: NOT_DECIDABLE('which fields are required is not listed'),
  [validatorKey('Normalise Meter Serial Number')]: { kind: 'not-decidable', text: 'a normalisation, not a check' },
  [validatorKey('Derive occupier billing address from supply address')]: { kind: 'not-decidable', text: 'a derivation, not a check' },
  [validatorKey('Convert supply point external identifier to ID')]: KRAKEN_DATA('looks the supply point up'),
  [validatorKey('Convert supply point external identifiers to IDs')]: KRAKEN_DATA('looks the supply points up'),
};

/** Fallback verdicts by words in the name, description and error codes: first match wins. */
/** The reviewed verdicts, one file per family (scripts/verdicts/), on top of the base list above. */
const VERDICTS: Record<string, Verdict> = {
  ...BASE_VERDICTS,
  ...DATE_VERDICTS,
  ...SUM_VERDICTS,
  ...FORMAT_VERDICTS,
  ...STRUCTURE_VERDICTS,
};

const CATEGORIES: ReadonlyArray<{ test: RegExp; verdict: Verdict }> = [
  { test: /file store|path exists/, verdict: KRAKEN_DATA("the instance's file store (the document must have been uploaded)") },
  {
    test: /already (?:exist|in use|imported)|does not (?:already )?exist|_exists\b|already been provided|not already/,
    verdict: KRAKEN_DATA('whether the record already exists in the instance'),
  },
  {
    test: /account_not_found|import process|accountimportprocess|staged/,
    verdict: KRAKEN_DATA('the account import process in the instance'),
  },
  { test: /migration is ongoing|migration_not_ongoing/, verdict: KRAKEN_CONFIG('whether the import supplier is open for migration') },
  {
    test: /\benabled\b|not_enabled|configur|import config|setting|enforc|supported|auto allocation|skip_|skip |default (?:card )?vendor|allowed/,
    verdict: KRAKEN_CONFIG('an import-supplier or instance setting the contract does not publish'),
  },
  {
    test: /product|tariff|\brate|characteristic|addon|promotion|band|price per unit|shared-rate/,
    verdict: KRAKEN_DATA("the instance's product catalogue (products, tariffs, rates)"),
  },
  {
    test: /exist|not_found|not found|\bknown\b|valid option|is valid for|registered|in kraken|market participant|strategy|operations team|campaign|affiliate|namespace|partner|agent contract|contribution scheme|tpr\b|industry code|psr|dunning|debt collection/,
    verdict: KRAKEN_DATA('a lookup of records or reference data in the instance'),
  },
  {
    test: /already charged|in progress at|loss in progress|disputed|erroneous transfers|existing/,
    verdict: KRAKEN_DATA('the state of existing records in the instance'),
  },
];

export interface Row extends DeclaredValidator {
  contract: string;
  verdict: Verdict;
}

/** Rule verdicts: each rule's `implements` entries by validator key. */
function ruleVerdicts(): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const rule of RULES) {
    for (const v of rule.implements ?? []) {
      const how = `\`${rule.code}\` (error with Kraken's code where the contract declares it on the schema; silent where it does not; bundled schemas: ${bundledNote(rule.code)})`;
      out.set(
        validatorKey(v.name),
        v.notChecked
          ? { kind: 'partial', text: `checked in part: ${how}; ${v.notChecked}` }
          : { kind: 'local', text: `checked locally: ${how}` },
      );
    }
  }
  return out;
}

/** What each rule does under the bundled (German) schemas. */
function bundledNote(code: string): string {
  switch (code) {
    case 'date-order':
      return "today's date-order severities";
    case 'date-in-future':
      return 'warning for transaction dates, otherwise not checked';
    case 'balance-sum':
      return 'warning for the ledger formula, otherwise not checked';
    case 'phone-number':
      return "customers' numbers: error for no number at all, warning for one invalid in its country";
    case 'agreement-before-supply-start':
    case 'payment-schedule-overlap':
      return 'warning';
    default:
      return 'not checked';
  }
}

export function verdictFor(v: DeclaredValidator, rules = ruleVerdicts()): Verdict {
  const key = validatorKey(v.name);
  const fromRule = rules.get(key);
  if (fromRule) return fromRule;
  // A validator without a name is known by its error codes (`codes:a,b`).
  const explicit = VERDICTS[key || `codes:${v.possibleErrors.join(',')}`];
  if (explicit && explicit.text) return explicit;
  const words = `${v.name} ${v.description} ${v.possibleErrors.join(' ')}`.toLowerCase();
  for (const c of CATEGORIES) if (c.test.test(words)) return c.verdict;
  return { kind: 'not-implemented', text: 'not checked locally yet (not reviewed individually)' };
}

export function collectRows(sharedDir: string): Row[] {
  const rules = ruleVerdicts();
  const rows: Row[] = [];
  for (const c of CONTRACT_FILES) {
    const doc = parseContractText(readFileSync(path.join(sharedDir, 'kraken-openapi', c.file), 'utf8'));
    for (const v of declaredValidators(doc)) rows.push({ ...v, contract: c.id, verdict: verdictFor(v, rules) });
  }
  return rows;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const KIND_LABEL: Record<Kind, string> = {
  local: 'checked locally',
  partial: 'checked in part',
  'kraken-data': "needs Kraken's data",
  'kraken-config': "needs the instance's configuration",
  clock: "needs Kraken's clock at send time",
  'not-decidable': 'not decidable from its text',
  'not-implemented': 'not implemented yet',
};

export function renderTable(rows: Row[]): string {
  const out: string[] = [];
  out.push("# Kraken's declared validators and what kraken-import checks locally");
  out.push('');
  out.push(
    '<!-- Generated by scripts/validators-table.ts (npm run validators:table) from ../shared/kraken-openapi; do not edit by hand. -->',
  );
  out.push('');
  out.push('Each served contract declares, in `x-validators`, the checks Kraken runs on a schema or field. This table lists every one');
  out.push('of the EDF GB and Origin AU contracts: where it is attached (component, and field inside it), its name and description');
  out.push('(HTML and invisible characters removed), the error codes it may raise, and whether kraken-import checks it locally.');
  out.push('');
  out.push('A rule implementing a declared validator runs under an instance contract only where that contract declares the');
  out.push("validator on the schema of the value (the path's schema, discriminators picked from the payload), reports an **error**");
  out.push("and names Kraken's error code in its message (`(Kraken: no_reading_on_supply_end_date)` where the message does");
  out.push("not say it already) and in the finding's `data.krakenCode`, so that a Kraken 400 and the local finding match.");
  out.push('Under the bundled (German) schemas, which declare no validators, the rule runs with the severity its doc names.');
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push('| contract | uses | distinct names | ' + (Object.keys(KIND_LABEL) as Kind[]).map((k) => KIND_LABEL[k]).join(' | ') + ' |');
  out.push('|---|---|---|' + (Object.keys(KIND_LABEL) as Kind[]).map(() => '---').join('|') + '|');
  for (const c of CONTRACT_FILES) {
    const mine = rows.filter((r) => r.contract === c.id);
    const counts = (Object.keys(KIND_LABEL) as Kind[]).map((k) => mine.filter((r) => r.verdict.kind === k).length);
    out.push(`| ${c.title} | ${mine.length} | ${new Set(mine.map((r) => validatorKey(r.name))).size} | ${counts.join(' | ')} |`);
  }
  for (const c of CONTRACT_FILES) {
    out.push('');
    out.push(`## ${c.title} (\`${c.file}\`)`);
    out.push('');
    out.push('| schema | field | validator | description | possible errors | verdict |');
    out.push('|---|---|---|---|---|---|');
    for (const r of rows.filter((x) => x.contract === c.id)) {
      out.push(
        `| ${cell(r.schema)} | ${cell(r.field || '—')} | ${cell(r.name || '(no name)')} | ${cell(r.description)} | ${cell(r.possibleErrors.map((e) => `\`${e}\``).join(', ') || '—')} | ${cell(r.verdict.text)} |`,
      );
    }
  }
  out.push('');
  return out.join('\n');
}

export const TABLE_FILE = 'docs/validators.md';

if (/validators-table\.js$/.test(process.argv[1] ?? '')) {
  const repo = path.resolve(__dirname, '..', '..');
  const shared = process.env.KRAKEN_SHARED_DIR ?? path.join(repo, '..', 'shared');
  const text = renderTable(collectRows(shared));
  writeFileSync(path.join(repo, TABLE_FILE), text);
  console.log(`wrote ${TABLE_FILE}`);
}
