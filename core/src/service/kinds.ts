/**
 * The payload kinds: one row each. Detection, schema, endpoints and labels all come from here, so adding a kind
 * is adding a row. Which endpoints take a kind's body is said by the endpoint definitions (core/src/endpoints).
 */
import { ENDPOINTS, type ActionId } from '../endpoints';
import { globMatcher, globPath } from '../files/glob';
import { isObject } from '../json';

export type KindId =
  | 'account'
  | 'account-v2-validate'
  | 'account-v2-create'
  | 'account-v1-create'
  | 'notes'
  | 'transactions'
  | 'statements'
  | 'payment-instruction'
  | 'business-payment-instruction';

export interface Endpoint {
  /** What the action is called in commands and the CLI (a create's dry run goes to the same endpoint). */
  action: Exclude<ActionId, 'create-dry-run'>;
  method: 'GET' | 'POST';
  path: string;
  flow?: 'v1' | 'v2';
}

/** The endpoints whose body a document of this kind is, from the endpoint definitions (in their order). */
function endpointsOf(kind: KindId): Endpoint[] {
  return ENDPOINTS.filter((e) => e.kinds.includes(kind)).map((e) => ({
    action: e.actions.find((a) => a !== 'create-dry-run') as Endpoint['action'],
    method: e.method,
    path: e.path,
    ...(e.flow ? { flow: e.flow } : {}),
  }));
}

export interface PayloadKind {
  id: KindId;
  label: string;
  schemaFile: string;
  endpoints: Endpoint[];
  /** Returns why the root object is this kind, or undefined. Rows are tried in table order. */
  detect(root: Record<string, unknown>, keys: string[]): string | undefined;
}

const POST_IMPORT_IDENTITY = new Set(['import_supplier', 'external_account_number', 'account_number']);

/**
 * A post-import body whose identity is missing or misnamed (`import_supplier_code` for `import_supplier`,
 * `account_number` typos): its list of items of that kind beside keys that name an import supplier or account.
 * Such a payload is Kraken's and must be reported (Kraken answers 400), not skipped as "not a Kraken payload".
 */
function misnamedIdentity(root: Record<string, unknown>, keys: string[], list: string, itemKeys: readonly string[]): string | undefined {
  const items = root[list];
  if (!Array.isArray(items) || keys.some((k) => ACCOUNT_ONLY_KEYS.has(k))) return undefined;
  const others = keys.filter((k) => k !== list);
  const identityLike = others.filter((k) => /import_?supplier|account_?(?:number|id)|external_account/i.test(k));
  const itemLike = items.some((i) => isObject(i) && itemKeys.some((k) => k in i));
  if (!identityLike.length && !(itemLike && others.length <= 3)) return undefined;
  const unknown = others.filter((k) => !POST_IMPORT_IDENTITY.has(k));
  return `a "${list}" list beside ${unknown.length ? unknown.map((k) => `"${k}"`).join(', ') : 'no identity'} (the ${list} body, with its identity missing or misnamed)`;
}

function onlyKeys(keys: string[], allowed: Set<string>, extra: string[]): boolean {
  return keys.every((k) => allowed.has(k) || extra.includes(k));
}

/** The fields of the v1 create ("process") request. */
const CREATE_REQUEST_KEYS = new Set(['external_account_number', 'import_supplier_code', 'operations_team_name', 'dry_run']);

/** Top-level keys that only an account has (a post-import payload never carries them). */
const ACCOUNT_ONLY_KEYS = new Set([
  'customers',
  'supply_addresses',
  'billing_address',
  'billing_address1',
  'billing_address2',
  'billing_address3',
  'billing_address4',
  'billing_address5',
  'billing_postcode',
  'billing_name',
  'billing_email',
  'account_type',
  'sales_channel',
  'sales_subchannel',
  'unknown_occupier',
  'ledgers',
  'payment_instructions',
  'payment_schedules',
  'account_campaigns',
  'references',
  'metadata',
  'transfer_balance',
  'current_statement_transactions',
  'historical_statement_transactions',
  'last_statement_balance',
  'last_statement_closing_date',
  'last_billed_to_date',
  'communication_preference',
  'business_type',
  'business',
  'consents',
  'debts',
  'debt',
  'payment_preferences',
]);

export const PAYLOAD_KINDS: PayloadKind[] = [
  {
    id: 'account-v2-create',
    label: 'Account (v2 create: payload + task_params)',
    schemaFile: 'account-v2-create.schema.json',
    endpoints: endpointsOf('account-v2-create'),
    detect: (root) =>
      isObject(root.payload) && 'task_params' in root ? 'top-level "payload" and "task_params" (the v2 create body)' : undefined,
  },
  {
    id: 'account-v2-validate',
    label: 'Account (v2 validate: payload)',
    schemaFile: 'account-v2-validate.schema.json',
    endpoints: endpointsOf('account-v2-validate'),
    detect: (root, keys) =>
      isObject(root.payload) && keys.length === 1
        ? 'a single top-level "payload" object (the v2 validate body as the contract declares it)'
        : undefined,
  },
  {
    id: 'account-v1-create',
    label: 'Account create request (v1 process)',
    schemaFile: 'account-v1-create.schema.json',
    endpoints: endpointsOf('account-v1-create'),
    // "import_supplier_code" with nothing but create-request fields: no other body is only these (a business payment
    // instruction has its "external_business_identifier" too). A request that lacks its account number is still one,
    // and the schema says what it misses.
    detect: (root, keys) =>
      'import_supplier_code' in root && onlyKeys(keys, CREATE_REQUEST_KEYS, [])
        ? 'external_account_number' in root
          ? '"external_account_number" and "import_supplier_code" with only create-request fields (the v1 process body)'
          : '"import_supplier_code" with only create-request fields (the v1 process body)'
        : undefined,
  },
  {
    id: 'business-payment-instruction',
    label: 'Business payment instruction (post-business import)',
    schemaFile: 'business-payment-instruction.schema.json',
    endpoints: endpointsOf('business-payment-instruction'),
    detect: (root) =>
      'external_business_identifier' in root ? 'top-level "external_business_identifier" (a business payment instruction)' : undefined,
  },
  {
    id: 'payment-instruction',
    label: 'Account payment instruction (post-import)',
    schemaFile: 'payment-instruction.schema.json',
    endpoints: endpointsOf('payment-instruction'),
    detect: (root, keys) =>
      'vendor' in root && 'type' in root && !keys.some((k) => ACCOUNT_ONLY_KEYS.has(k))
        ? 'top-level "vendor" and "type" (an account payment instruction)'
        : undefined,
  },
  {
    id: 'notes',
    label: 'Notes (post-import)',
    schemaFile: 'notes.schema.json',
    endpoints: endpointsOf('notes'),
    detect: (root, keys) =>
      Array.isArray(root.notes) && onlyKeys(keys, POST_IMPORT_IDENTITY, ['notes'])
        ? 'a "notes" list with only the account identity beside it (the notes body)'
        : misnamedIdentity(root, keys, 'notes', ['body', 'created_at', 'document_paths', 'is_pinned']),
  },
  {
    id: 'transactions',
    label: 'Transactions (post-import)',
    schemaFile: 'transactions.schema.json',
    endpoints: endpointsOf('transactions'),
    detect: (root, keys) =>
      Array.isArray(root.transactions) && !keys.some((k) => ACCOUNT_ONLY_KEYS.has(k))
        ? 'a top-level "transactions" list (the transactions body)'
        : undefined,
  },
  {
    id: 'statements',
    label: 'Historical statements (post-import)',
    schemaFile: 'statements.schema.json',
    endpoints: endpointsOf('statements'),
    detect: (root, keys) =>
      Array.isArray(root.statements) && onlyKeys(keys, POST_IMPORT_IDENTITY, ['statements'])
        ? 'a "statements" list with only the account identity beside it (the historical statements body)'
        : misnamedIdentity(root, keys, 'statements', ['statement_path', 'bill_period_from_date', 'statement_id']),
  },
  {
    id: 'account',
    label: 'Account',
    schemaFile: 'account.schema.json',
    endpoints: endpointsOf('account'),
    detect: (root, keys) => {
      const accountKeys = keys.filter((k) => ACCOUNT_ONLY_KEYS.has(k));
      if (accountKeys.length)
        return `account fields at the top level (${accountKeys
          .slice(0, 3)
          .map((k) => `"${k}"`)
          .join(', ')})`;
      if ('import_supplier' in root && 'external_account_number' in root)
        return '"import_supplier" and "external_account_number" with no post-import list (an account)';
      return undefined;
    },
  },
];

export const KINDS_BY_ID = new Map(PAYLOAD_KINDS.map((k) => [k.id, k]));

export function isKindId(id: string): id is KindId {
  return KINDS_BY_ID.has(id as KindId);
}

export interface Detection {
  kind: KindId | undefined;
  source: 'association' | 'content' | 'none';
  reason: string;
  /** With an instance contract: which body shape and schema the kind is validated as (`SchemaSet.describe`). */
  shape?: string;
}

/** File globs -> kind, from `krakenImport.payloadAssociations` (or the CLI config), as the user wrote them. */
export type Associations = Record<string, string>;

/**
 * Associations compiled once, with the folder their globs are relative to (the workspace folder; the CLI's working
 * folder). The glob dialect is core/src/files/glob.ts, the same as every other setting's.
 */
export class AssociationTable {
  private readonly entries: Array<{ glob: string; kind: KindId; matches: (p: string) => boolean }>;

  constructor(
    readonly globs: Associations,
    readonly base?: string,
  ) {
    this.entries = Object.entries(globs)
      .filter((e): e is [string, KindId] => isKindId(e[1]))
      .map(([glob, kind]) => ({ glob, kind, matches: globMatcher(glob) }));
  }

  /** The first association whose glob matches the file (a path or URI). */
  match(filePath: string): { glob: string; kind: KindId } | undefined {
    if (!this.entries.length) return undefined;
    const p = globPath(filePath, this.base);
    return this.entries.find((e) => e.matches(p));
  }
}

const tables = new WeakMap<Associations, Map<string, AssociationTable>>();

/** The compiled table of a settings object (cached per object and base). */
export function associationTable(globs: Associations, base?: string): AssociationTable {
  let byBase = tables.get(globs);
  if (!byBase) tables.set(globs, (byBase = new Map()));
  let table = byBase.get(base ?? '');
  if (!table) byBase.set(base ?? '', (table = new AssociationTable(globs, base)));
  return table;
}

/** Associations as settings (globs relative to no folder) or compiled with their folder. */
export type AssociationInput = Associations | AssociationTable;

export function detectKind(root: unknown, filePath?: string, associations?: AssociationInput): Detection {
  if (filePath && associations) {
    const table = associations instanceof AssociationTable ? associations : associationTable(associations);
    const hit = table.match(filePath);
    if (hit) return { kind: hit.kind, source: 'association', reason: `the file matches "${hit.glob}" in krakenImport.payloadAssociations` };
  }
  if (!isObject(root)) return { kind: undefined, source: 'none', reason: 'the top level is not a JSON object' };
  const keys = Object.keys(root);
  for (const kind of PAYLOAD_KINDS) {
    const reason = kind.detect(root, keys);
    if (reason) return { kind: kind.id, source: 'content', reason };
  }
  return { kind: undefined, source: 'none', reason: 'no Kraken payload fields at the top level' };
}
