/**
 * Cross-references inside one payload: which values name something defined elsewhere in the document (a ledger,
 * a meter, a supply point, ...). One table serves completion (a reference offers the definitions it may name),
 * go to definition and find references.
 */
import type * as jsonc from 'jsonc-parser';
import type { AuthoringDocument } from './authoringDoc';
import type { JsonPath } from './types';

export interface RefKind {
  id: 'ledger' | 'ledger-identifier' | 'instruction' | 'meter' | 'supply-point' | 'transaction' | 'statement';
  /** What one is called in labels. */
  noun: string;
  /** Patterns (relative to the account, or the root for post-import kinds): `a[].b` iterates `a`. */
  definitions: string[];
  references: string[];
  /** A reference inside an object of this pattern names definitions inside the same object first (a supply point's meters). */
  scope?: string;
}

const TRANSACTION_LISTS = [
  'ledgers[].current_statement_transactions[]',
  'ledgers[].historical_statement_transactions[]',
  'current_statement_transactions[]',
  'historical_statement_transactions[]',
  'transactions[]',
];

export const REF_KINDS: readonly RefKind[] = [
  {
    id: 'ledger',
    noun: 'ledger',
    definitions: ['ledgers[].ledger_code'],
    references: ['payment_instructions[].ledger_code', 'payment_schedules[].ledger_code'],
  },
  {
    id: 'ledger-identifier',
    noun: 'ledger identifier',
    definitions: ['ledgers[].ledger_identifier'],
    references: ['payment_preferences[].ledger_identifier'],
  },
  {
    id: 'instruction',
    noun: 'payment instruction',
    definitions: ['payment_instructions[].instruction_identifier'],
    references: ['payment_preferences[].instruction_reference_params.instruction_identifier'],
  },
  {
    id: 'meter',
    noun: 'meter',
    definitions: [
      'supply_addresses[].supply_points[].melos[].meters[].meter_number',
      'supply_addresses[].meter_points[].meters[].meter_serial_number',
    ],
    references: [
      'supply_addresses[].supply_points[].transfer_readings[].meter_number',
      ...TRANSACTION_LISTS.map((l) => `${l}.to_prepay_meter_serial_number`),
    ],
    scope: 'supply_addresses[].supply_points[]',
  },
  {
    id: 'supply-point',
    noun: 'supply point',
    definitions: ['supply_addresses[].supply_points[].identifier', 'supply_addresses[].meter_points[].identifier'],
    references: ['ledgers[].identifiers[]', 'customers[].mpxns_for_outage_contact[]'],
  },
  {
    id: 'transaction',
    noun: 'transaction',
    definitions: TRANSACTION_LISTS.map((l) => `${l}.transaction_id`),
    references: [],
  },
  {
    id: 'statement',
    noun: 'statement',
    definitions: ['statements[].statement_id'],
    references: [],
  },
];

type Seg = { name: string } | { any: true };

export function compilePattern(pattern: string): Seg[] {
  const out: Seg[] = [];
  for (const step of pattern.split('.')) {
    const iterate = step.endsWith('[]');
    const name = iterate ? step.slice(0, -2) : step;
    if (name) out.push({ name });
    if (iterate) out.push({ any: true });
  }
  return out;
}

function segMatches(seg: Seg, p: string | number): boolean {
  return 'any' in seg ? typeof p === 'number' : p === seg.name;
}

/** Whether `path` (relative) matches the pattern exactly. */
export function matchesPattern(path: JsonPath, pattern: Seg[]): boolean {
  return path.length === pattern.length && pattern.every((s, i) => segMatches(s, path[i]));
}

export interface Occurrence {
  kind: RefKind;
  role: 'definition' | 'reference';
  value: string;
  /** Absolute path in the document. */
  path: JsonPath;
  node: jsonc.Node;
  /** Absolute path of the scope object it is in (for `RefKind.scope`). */
  scope?: JsonPath;
}

interface Compiled {
  kind: RefKind;
  role: 'definition' | 'reference';
  segs: Seg[];
}

const COMPILED: Compiled[] = REF_KINDS.flatMap((kind) => [
  ...kind.definitions.map((p) => ({ kind, role: 'definition' as const, segs: compilePattern(p) })),
  ...kind.references.map((p) => ({ kind, role: 'reference' as const, segs: compilePattern(p) })),
]);
const SCOPES = new Map(REF_KINDS.filter((k) => k.scope).map((k) => [k.id, compilePattern(k.scope!)]));

/** The base path the patterns are relative to. */
export function refBase(doc: AuthoringDocument): JsonPath {
  return doc.accountBase ?? [];
}

function scopeOf(kind: RefKind, rel: JsonPath, base: JsonPath): JsonPath | undefined {
  const scope = SCOPES.get(kind.id);
  if (!scope || rel.length < scope.length) return undefined;
  const prefix = rel.slice(0, scope.length);
  return matchesPattern(prefix, scope) ? [...base, ...prefix] : undefined;
}

/** Every definition and reference in the document (string values only). */
export function occurrences(doc: AuthoringDocument): Occurrence[] {
  const base = refBase(doc);
  let start = doc.tree;
  for (const seg of base) {
    if (!start) return [];
    start = start.type === 'object' ? start.children?.find((p) => p.children?.[0]?.value === seg)?.children?.[1] : undefined;
  }
  const out: Occurrence[] = [];
  const walk = (node: jsonc.Node, rel: JsonPath, live: Compiled[]) => {
    if (node.type === 'string') {
      for (const c of live) {
        if (c.segs.length === rel.length) {
          out.push({
            kind: c.kind,
            role: c.role,
            value: String(node.value),
            path: [...base, ...rel],
            node,
            scope: scopeOf(c.kind, rel, base),
          });
        }
      }
      return;
    }
    const depth = rel.length;
    if (node.type === 'object') {
      for (const prop of node.children ?? []) {
        const key = prop.children?.[0]?.value;
        const child = prop.children?.[1];
        if (typeof key !== 'string' || !child) continue;
        const next = live.filter((c) => c.segs.length > depth && segMatches(c.segs[depth], key));
        if (next.length) walk(child, [...rel, key], next);
      }
    } else if (node.type === 'array') {
      const next = live.filter((c) => c.segs.length > depth && 'any' in c.segs[depth]);
      if (next.length) (node.children ?? []).forEach((child, i) => walk(child, [...rel, i], next));
    }
  };
  if (start) walk(start, [], COMPILED);
  return out;
}

/** The reference kind whose reference patterns match an absolute path (for completion at a path that may not exist yet). */
export function referenceKindAt(doc: AuthoringDocument, path: JsonPath): { kind: RefKind; scope?: JsonPath } | undefined {
  const base = refBase(doc);
  if (path.length < base.length || base.some((s, i) => path[i] !== s)) return undefined;
  const rel = path.slice(base.length);
  for (const c of COMPILED)
    if (c.role === 'reference' && matchesPattern(rel, c.segs)) return { kind: c.kind, scope: scopeOf(c.kind, rel, base) };
  return undefined;
}

function within(path: JsonPath, scope: JsonPath): boolean {
  return scope.every((s, i) => path[i] === s);
}

/** The definitions a reference of `kind` in `scope` may name: those in the same scope when there are any, else all. */
export function definitionsFor(all: Occurrence[], kind: RefKind, scope: JsonPath | undefined, value?: string): Occurrence[] {
  const defs = all.filter((o) => o.kind.id === kind.id && o.role === 'definition' && (value === undefined || o.value === value));
  if (!scope) return defs;
  const inScope = defs.filter((d) => within(d.path, scope));
  return inScope.length ? inScope : defs;
}
