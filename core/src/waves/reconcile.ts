/**
 * Reconciliation: what Kraken has for an import supplier (its list endpoints — all, pending and imported account
 * import processes) against a wave's accounts and what its journals say. No `vscode` import: `kraken-import
 * reconcile` and the editor command both run `fetchKrakenLists` + `reconcile`.
 *
 * The sets (each account once, by `IMPORT_SUPPLIER/EXTERNAL_ACCOUNT_NUMBER`):
 * - `imported`: accounts of the wave Kraken has imported (a Kraken account number);
 * - `staged`: accounts of the wave Kraken has pending (staged, no account yet);
 * - `unseen`: accounts of the wave Kraken does not list at all;
 * - `extra`: accounts Kraken lists for the wave's import suppliers that the wave does not have;
 * - `disagreements`: a journal outcome Kraken contradicts — a create journalled `ok` that Kraken has not imported
 *   (or imported under another account number), a create journalled failed/unknown (or in doubt) that Kraken has
 *   imported, a stage journalled `ok` that Kraken does not list.
 * "Needs attention" is `staged` + `unseen` + the accounts of `disagreements`.
 */
import type { KrakenClient, KrakenFailure } from '../kraken';
import type { ImportProcessListing, ImportProcessList } from '../kraken/types';
import type { WaveRun, WaveUnit } from './run';

export interface WaveAccount {
  importSupplier: string;
  externalAccountNumber: string;
  /** `wave.jsonl:12`. */
  where: string;
}

export interface KrakenLists {
  importSupplier: string;
  all: ImportProcessListing[];
  pending: ImportProcessListing[];
  imported: ImportProcessListing[];
}

export interface ReconciledAccount {
  account: string;
  importSupplier: string;
  externalAccountNumber: string;
  where?: string;
  krakenAccountNumber?: string | null;
  accountCreatedAt?: string | null;
}

export interface Disagreement extends ReconciledAccount {
  action: string;
  /** What the journal says: ok, failed, unknown, in doubt. */
  journal: string;
  /** What Kraken says: imported (A-…), staged, not listed. */
  kraken: string;
  journalFile: string;
}

export interface Reconciliation {
  environment: string;
  importSuppliers: string[];
  /** When Kraken was asked (ISO). */
  at: string;
  waveAccounts: number;
  krakenAccounts: number;
  imported: ReconciledAccount[];
  staged: ReconciledAccount[];
  unseen: ReconciledAccount[];
  extra: ReconciledAccount[];
  disagreements: Disagreement[];
  /** Accounts that still need attention (staged, unseen, disagreeing), each once. */
  attention: string[];
  /** Inconsistencies between Kraken's own lists (an account in "all" but in neither "pending" nor "imported"). */
  notes: string[];
}

/** `GET` the three lists for each import supplier. The first failure stops it (nothing is half-reconciled). */
export async function fetchKrakenLists(
  client: Pick<KrakenClient, 'listImportProcesses'>,
  importSuppliers: string[],
  opts: { signal?: AbortSignal } = {},
): Promise<{ ok: true; lists: KrakenLists[] } | { ok: false; failure: KrakenFailure; importSupplier: string; which: ImportProcessList }> {
  const lists: KrakenLists[] = [];
  for (const code of importSuppliers) {
    const got: Partial<Record<ImportProcessList, ImportProcessListing[]>> = {};
    for (const which of ['all', 'pending', 'imported'] as const) {
      const r = await client.listImportProcesses(code, which, opts);
      if (!r.ok) return { ok: false, failure: r, importSupplier: code, which };
      got[which] = r.data;
    }
    lists.push({ importSupplier: code, all: got.all!, pending: got.pending!, imported: got.imported! });
  }
  return { ok: true, lists };
}

const keyOf = (supplier: string, ext: string) => `${supplier}/${ext}`;

export function reconcile(input: {
  environment: string;
  accounts: WaveAccount[];
  lists: KrakenLists[];
  run?: WaveRun;
  at?: string;
}): Reconciliation {
  const wave = new Map<string, WaveAccount>();
  for (const a of input.accounts)
    if (!wave.has(keyOf(a.importSupplier, a.externalAccountNumber))) wave.set(keyOf(a.importSupplier, a.externalAccountNumber), a);
  const notes: string[] = [];
  const all = new Map<string, ReconciledAccount>();
  const pending = new Map<string, ImportProcessListing>();
  const imported = new Map<string, ImportProcessListing>();
  for (const l of input.lists) {
    const entry = (p: ImportProcessListing): ReconciledAccount => ({
      account: keyOf(l.importSupplier, p.externalAccountNumber),
      importSupplier: l.importSupplier,
      externalAccountNumber: p.externalAccountNumber,
      krakenAccountNumber: p.krakenAccountNumber,
      accountCreatedAt: p.accountCreatedAt,
    });
    for (const p of l.all) all.set(keyOf(l.importSupplier, p.externalAccountNumber), entry(p));
    for (const p of l.pending) pending.set(keyOf(l.importSupplier, p.externalAccountNumber), p);
    for (const p of l.imported) imported.set(keyOf(l.importSupplier, p.externalAccountNumber), p);
    // The lists are read one after the other: an account imported meanwhile can be in both, or only in "all".
    for (const p of [...l.pending, ...l.imported]) {
      const k = keyOf(l.importSupplier, p.externalAccountNumber);
      if (!all.has(k)) all.set(k, entry(p));
    }
  }
  for (const k of all.keys())
    if (!pending.has(k) && !imported.has(k))
      notes.push(
        `${k} is in Kraken's list of all import processes but in neither the pending nor the imported list (it changed while the lists were read, or its process failed).`,
      );

  const out: Pick<Reconciliation, 'imported' | 'staged' | 'unseen' | 'extra'> = { imported: [], staged: [], unseen: [], extra: [] };
  for (const [k, a] of wave) {
    const base = { account: k, importSupplier: a.importSupplier, externalAccountNumber: a.externalAccountNumber, where: a.where };
    const imp = imported.get(k);
    const listed = all.get(k);
    if (imp || listed?.krakenAccountNumber) {
      out.imported.push({
        ...base,
        krakenAccountNumber: imp?.krakenAccountNumber ?? listed?.krakenAccountNumber ?? null,
        accountCreatedAt: imp?.accountCreatedAt ?? listed?.accountCreatedAt ?? null,
      });
    } else if (pending.has(k) || listed) out.staged.push({ ...base, krakenAccountNumber: null });
    else out.unseen.push(base);
  }
  for (const [k, a] of all) if (!wave.has(k)) out.extra.push(a);

  // The journals' word on each account: its create and stage units.
  const disagreements: Disagreement[] = [];
  const units = input.run?.units ?? [];
  const journalSays = (u: WaveUnit) => (u.inDoubt ? 'in doubt (no outcome)' : u.status === 'done-before' ? 'ok (earlier run)' : u.status);
  for (const u of units) {
    if (!u.account || (u.action !== 'create' && u.action !== 'stage')) continue;
    const k = u.account;
    const imp =
      imported.get(k) ??
      (all.get(k)?.krakenAccountNumber
        ? {
            krakenAccountNumber: all.get(k)!.krakenAccountNumber,
            accountCreatedAt: all.get(k)!.accountCreatedAt ?? null,
            externalAccountNumber: '',
          }
        : undefined);
    const krakenSays = imp ? `imported (${imp.krakenAccountNumber})` : pending.has(k) || all.has(k) ? 'staged, not imported' : 'not listed';
    const ok = u.status === 'ok' || u.status === 'done-before';
    const [supplier, ...rest] = k.split('/');
    const base = {
      account: k,
      importSupplier: supplier,
      externalAccountNumber: rest.join('/'),
      where: `${u.file}${u.line !== undefined ? `:${u.line}` : ''}`,
      action: u.action,
      journal: journalSays(u),
      kraken: krakenSays,
      journalFile: u.journal,
    };
    if (!input.lists.some((l) => l.importSupplier === supplier)) continue; // Kraken was not asked about this supplier
    if (u.action === 'create') {
      const journalled = u.outcome?.kraken?.accountNumber;
      if (ok && !imp) disagreements.push({ ...base, krakenAccountNumber: journalled ?? null });
      else if (ok && imp && journalled && imp.krakenAccountNumber && journalled !== imp.krakenAccountNumber)
        disagreements.push({
          ...base,
          kraken: `imported as ${imp.krakenAccountNumber}, journalled as ${journalled}`,
          krakenAccountNumber: imp.krakenAccountNumber,
        });
      else if (!ok && imp) disagreements.push({ ...base, krakenAccountNumber: imp.krakenAccountNumber });
    } else if (ok && !all.has(k) && !imp) disagreements.push(base);
  }

  const attention = new Set<string>([
    ...out.staged.map((a) => a.account),
    ...out.unseen.map((a) => a.account),
    ...disagreements.map((d) => d.account),
  ]);
  return {
    environment: input.environment,
    importSuppliers: input.lists.map((l) => l.importSupplier),
    at: input.at ?? new Date().toISOString(),
    waveAccounts: wave.size,
    krakenAccounts: all.size,
    ...out,
    disagreements,
    attention: [...attention].sort(),
    notes,
  };
}

/** The text table of `kraken-import reconcile`. */
export function formatReconciliation(r: Reconciliation, options: { limit?: number } = {}): string {
  const limit = options.limit ?? 50;
  const lines: string[] = [];
  lines.push(
    `kraken-import reconcile: "${r.environment}", import supplier${r.importSuppliers.length === 1 ? '' : 's'} ${r.importSuppliers.join(', ') || '(none)'} — ${r.waveAccounts} accounts in the wave, ${r.krakenAccounts} in Kraken's lists`,
  );
  const rows: Array<[string, number, string]> = [
    ['imported', r.imported.length, 'in the wave, imported in Kraken'],
    ['staged', r.staged.length, 'in the wave, staged in Kraken, not imported'],
    ['not in Kraken', r.unseen.length, 'in the wave, not listed by Kraken'],
    ['not in the wave', r.extra.length, 'listed by Kraken for these import suppliers, not in the wave'],
    ['disagreements', r.disagreements.length, 'a journal outcome Kraken contradicts'],
    ['needs attention', r.attention.length, 'staged, not in Kraken, or disagreeing'],
  ];
  const w = Math.max(...rows.map((x) => x[0].length));
  const n = Math.max(...rows.map((x) => String(x[1]).length));
  for (const [label, count, what] of rows) lines.push(`${label.padEnd(w)}  ${String(count).padStart(n)}  ${what}`);
  const section = (title: string, items: string[]) => {
    if (!items.length) return;
    lines.push('', `${title} (${items.length}):`);
    for (const i of items.slice(0, limit)) lines.push(`  ${i}`);
    if (items.length > limit) lines.push(`  … ${items.length - limit} more (--format json lists them all)`);
  };
  section(
    'Staged, not imported',
    r.staged.map((a) => `${a.account}  ${a.where ?? ''}`.trimEnd()),
  );
  section(
    'Not in Kraken',
    r.unseen.map((a) => `${a.account}  ${a.where ?? ''}`.trimEnd()),
  );
  section(
    'Disagreements',
    r.disagreements.map((d) => `${d.account}  ${d.action}: journal ${d.journal}, Kraken ${d.kraken}  (${d.where}, ${d.journalFile})`),
  );
  section(
    'In Kraken, not in the wave',
    r.extra.map((a) => `${a.account}${a.krakenAccountNumber ? `  ${a.krakenAccountNumber}` : '  (staged)'}`),
  );
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join('\n') + '\n';
}
