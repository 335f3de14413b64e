/**
 * Every code a finding of ours can carry: the migration rules' (rules/, one each) and those of the reader, the schema
 * check and the validation itself (below). It is the one list that settings (`rules` in kraken-import.config.json,
 * the editor's krakenImport.rules), `kraken-import rules`, SARIF's rule table and the extension's settings schema read:
 * a code not in it is a setting we do not understand, and an error that names it.
 */
import { RULES } from './rules';
import type { KindId } from './kinds';
import type { Severity } from './types';

export interface FindingCode {
  code: string;
  /** The severity it is reported with, unless a setting changes it. */
  severity: Severity;
  doc: string;
  /** Which part of the check reports it. */
  from: 'rule' | 'reader' | 'schema' | 'validation';
  /** A rule's payload kinds (the others apply to every kind). */
  kinds?: readonly KindId[];
}

/** The codes that are not a migration rule's, in the order `kraken-import rules` lists them. */
const OTHER_CODES: readonly FindingCode[] = [
  // The reader: what Kraken's JSON parser would refuse, or read differently.
  { from: 'reader', code: 'syntax-error', severity: 'error', doc: 'The file is not valid JSON.' },
  { from: 'reader', code: 'trailing-comma', severity: 'error', doc: 'A trailing comma (not valid JSON).' },
  { from: 'reader', code: 'comment', severity: 'error', doc: 'A comment (not valid JSON).' },
  { from: 'reader', code: 'leading-zero', severity: 'error', doc: 'A number written with a leading zero (not valid JSON).' },
  {
    from: 'reader',
    code: 'duplicate-key',
    severity: 'warning',
    doc: 'A key appears twice in one object (JSON parsers keep only the last).',
  },
  { from: 'reader', code: 'bom', severity: 'error', doc: 'A byte order mark at the start of the file.' },
  { from: 'reader', code: 'binary', severity: 'error', doc: 'The file looks binary, not JSON.' },
  { from: 'reader', code: 'invalid-utf8', severity: 'error', doc: 'The file is not valid UTF-8.' },
  { from: 'reader', code: 'too-deep', severity: 'error', doc: 'The document is nested too deeply to check.' },
  { from: 'reader', code: 'empty-document', severity: 'error', doc: 'The file is empty: a Kraken payload is one JSON object.' },
  { from: 'reader', code: 'not-an-object', severity: 'error', doc: 'The payload is not a JSON object.' },
  // The schema check (the bundled schemas or the instance's contract).
  { from: 'schema', code: 'missing-property', severity: 'error', doc: 'A property the payload kind requires is missing.' },
  {
    from: 'schema',
    code: 'unknown-property',
    severity: 'warning',
    doc: 'A property the schema does not know (Kraken ignores unknown fields; often a typo).',
  },
  { from: 'schema', code: 'invalid-type', severity: 'error', doc: 'The value has the wrong JSON type.' },
  { from: 'schema', code: 'invalid-enum', severity: 'error', doc: 'The value is not one of the allowed values.' },
  {
    from: 'schema',
    code: 'invalid-format',
    severity: 'error',
    doc: 'The value does not have the format Kraken parses (date, date-time, email…).',
  },
  { from: 'schema', code: 'invalid-pattern', severity: 'error', doc: 'The value does not match the pattern the contract declares.' },
  { from: 'schema', code: 'null-not-allowed', severity: 'error', doc: 'null is not allowed here.' },
  { from: 'schema', code: 'too-long', severity: 'error', doc: 'The string is longer than allowed.' },
  { from: 'schema', code: 'too-short', severity: 'error', doc: 'The string is shorter than allowed.' },
  { from: 'schema', code: 'too-many-items', severity: 'error', doc: 'The list has more items than allowed.' },
  { from: 'schema', code: 'too-few-items', severity: 'error', doc: 'The list has fewer items than required.' },
  { from: 'schema', code: 'out-of-range', severity: 'error', doc: 'The number is outside the allowed range.' },
  { from: 'schema', code: 'duplicate-item', severity: 'error', doc: 'The same item appears twice in a list.' },
  { from: 'schema', code: 'no-matching-shape', severity: 'error', doc: 'The value matches none of the allowed shapes.' },
  {
    from: 'schema',
    code: 'number-as-string',
    severity: 'hint',
    doc: 'A number given where Kraken expects a decimal string (accepted by Kraken; a hint).',
  },
  { from: 'schema', code: 'string-as-number', severity: 'hint', doc: 'A number given as a string.' },
  { from: 'schema', code: 'string-as-boolean', severity: 'hint', doc: 'A boolean given as a string.' },
  { from: 'schema', code: 'deprecated', severity: 'warning', doc: 'The field is deprecated in the contract.' },
  { from: 'schema', code: 'schema', severity: 'error', doc: 'A schema constraint is not met.' },
  // The validation itself.
  {
    from: 'validation',
    code: 'no-contract-endpoint',
    severity: 'warning',
    doc: 'The instance contract has no endpoint for this payload kind.',
  },
  {
    from: 'validation',
    code: 'too-many-findings',
    severity: 'information',
    doc: 'More findings than maxFindings; the rest are not shown.',
  },
  {
    from: 'validation',
    code: 'internal-error',
    severity: 'information',
    doc: 'The checker failed on this document (a bug: please report it).',
  },
];

let catalogue: readonly FindingCode[] | undefined;
let codes: ReadonlySet<string> | undefined;

/** Every finding code: the rules' first (in their table's order), then the reader's, the schema's and the validation's. */
export function findingCatalogue(): readonly FindingCode[] {
  catalogue ??= [
    ...RULES.map((r): FindingCode => ({ from: 'rule', code: r.code, severity: r.severity, doc: r.doc, kinds: r.kinds })),
    ...OTHER_CODES,
  ];
  return catalogue;
}

/** The migration rules' part of the catalogue (each with its payload kinds). */
export function ruleCatalogue(): Array<FindingCode & { kinds: readonly KindId[] }> {
  return findingCatalogue().filter((f): f is FindingCode & { kinds: readonly KindId[] } => f.from === 'rule');
}

/** True for a code a finding of ours can carry. */
export function isFindingCode(code: string): boolean {
  codes ??= new Set(findingCatalogue().map((c) => c.code));
  return codes.has(code);
}
