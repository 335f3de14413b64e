/**
 * The v1 query endpoints that list an import supplier's account import processes (kraken-api-notes §1.3; the
 * served contract's `V1 Get All Account Import Processes`, `V1 Get Pending Account Import Processes`,
 * `V1 Get Imported Accounts`):
 *
 *   GET /v1/data-import/all-account-import-processes/{import_supplier_code}/       staged and imported
 *   GET /v1/data-import/pending-account-import-processes/{import_supplier_code}/   staged only
 *   GET /v1/data-import/imported-account-import-processes/{import_supplier_code}/  imported only
 *
 * 200 with a list of `{external_account_number, kraken_account_number, account_created_at}` (the last two null while
 * pending), as the contract's schema says (a flat list; the contract's example nests it in another list). An import
 * supplier with nothing gets `[]`: the contract documents no 404 for these paths.
 *
 * The sandbox's reading (not settled by the documents): "pending" is a staged v1 account, and a v2 import process
 * that is scheduled or running (not a dry run); a v2 process that errored or was cancelled is in no list.
 */
import type { SandboxState } from './state';

interface Listing {
  external_account_number: string;
  kraken_account_number: string | null;
  account_created_at: string | null;
}

/** The answer for a list path; `which` is the list the path names (the router matched it from the endpoint table). */
export function listImportProcesses(
  state: SandboxState,
  which: 'all' | 'pending' | 'imported',
  supplier: string,
): { status: number; body: unknown } {
  const pending: Listing[] = [];
  const imported: Listing[] = [];
  const seen = new Set<string>();
  for (const a of state.imported.values()) {
    if (a.importSupplier !== supplier) continue;
    seen.add(a.externalAccountNumber);
    imported.push({
      external_account_number: a.externalAccountNumber,
      kraken_account_number: a.krakenAccountNumber,
      account_created_at: a.importedAt,
    });
  }
  for (const s of state.staged.values()) {
    if (s.importSupplier !== supplier || seen.has(s.externalAccountNumber)) continue;
    seen.add(s.externalAccountNumber);
    pending.push({ external_account_number: s.externalAccountNumber, kraken_account_number: null, account_created_at: null });
  }
  for (const p of state.processes.values()) {
    // The router settles every process whose time has come before it routes: an unsettled one is scheduled or running.
    if (p.importSupplier !== supplier || p.dryRun || p.settled || seen.has(p.externalIdentifier)) continue;
    seen.add(p.externalIdentifier);
    pending.push({ external_account_number: p.externalIdentifier, kraken_account_number: null, account_created_at: null });
  }
  const body = which === 'all' ? [...pending, ...imported] : which === 'pending' ? pending : imported;
  return { status: 200, body };
}
