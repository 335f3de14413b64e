/** v2 import processes: the status is a function of time; the final status is applied when first seen. */
import type { SandboxCore } from './core';
import { accountKey, type ImportProcess, newKrakenAccountNumber } from './state';

export function processStatus(p: ImportProcess, now = Date.now()): string {
  if (now >= p.doneAt) return p.outcome;
  if (now >= p.startAt + (p.doneAt - p.startAt) / 3) return 'IN_PROGRESS';
  return 'PENDING';
}

export function settle(sb: SandboxCore, p: ImportProcess): void {
  const { state } = sb;
  if (p.settled || Date.now() < p.doneAt) return;
  p.settled = true;
  if (p.outcome === 'PROCESSED') {
    const key = accountKey(p.importSupplier, p.externalIdentifier);
    const number = newKrakenAccountNumber();
    state.imported.set(key, {
      importSupplier: p.importSupplier,
      externalAccountNumber: p.externalIdentifier,
      krakenAccountNumber: number,
      body: p.payload,
      importedAt: new Date(p.doneAt).toISOString(),
      via: 'v2',
    });
    p.krakenIdentifier = number;
  }
}

export function settleAll(sb: SandboxCore): void {
  const { state } = sb;
  for (const p of state.processes.values()) settle(sb, p);
}
