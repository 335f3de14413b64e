/**
 * The send journal: one JSON object per line, append-only, fsync'd after every record, so that a run killed at any
 * moment leaves a journal that says what happened up to that moment.
 *
 * Every request is preceded by an `attempt` record and followed by an `outcome` record. An attempt without an
 * outcome after it (the process was killed in between) is "in doubt": for a create, the resume checks Kraken
 * (import status, transfer status) instead of sending it again.
 *
 * Records are matched by environment name and unit key (`<action>|<account>` for creates; with a content hash for
 * actions whose body matters, see send.ts). A torn last line (killed mid-write) is ignored.
 */
import { randomHex } from '../hash';
import {
  closeSync,
  existsSync,
  fsync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  unlinkSync,
  write,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';

export type JournalStatus = 'ok' | 'failed' | 'unknown';

export interface JournalError {
  /** Dotted path in the payload, null when Kraken's error has no place in it. */
  path: string | null;
  code?: string;
  message: string;
}

export interface JournalRecord {
  /** Format version. */
  v: 1;
  /** ISO time the record was written. */
  at: string;
  /** Id of the run that wrote it. */
  run: string;
  env: string;
  key: string;
  file: string;
  /** 1-based line in a .jsonl/.ndjson file. */
  line?: number;
  /** `IMPORT_SUPPLIER/EXTERNAL_NUMBER` (or what identifies the payload). */
  account?: string;
  action: string;
  phase: 'attempt' | 'outcome';
  /** Outcome records only. */
  status?: JournalStatus;
  /** The client's failure reason (`invalid`, `rate-limited`, `outcome-unknown`…), or how the outcome was found (`reconciled`). */
  reason?: string;
  /** HTTP status of the last answer. */
  http?: number;
  /** Kraken identifiers: account number, import status, reference. */
  kraken?: { accountNumber?: string; importStatus?: string; krakenIdentifier?: string; reference?: string };
  message?: string;
  errors?: JournalError[];
  /** HTTP attempts of the call (429 and 5xx retries included). */
  attempts?: number;
  /** 429 answers during the call (each waited for and retried). */
  rateLimited?: number;
  /** Time spent waiting after those 429s, ms. */
  waitedMs?: number;
  /** Retries after a 5xx or a network error. */
  retries?: number;
}

/** What the journal says about one unit. */
export interface UnitState {
  /** The latest outcome record, if any. */
  outcome?: JournalRecord;
  /** The latest attempt record, if any. */
  attempt?: JournalRecord;
  /** An attempt was written after the latest outcome (or with no outcome at all): the process died in between. */
  inDoubt: boolean;
}

export function unitId(env: string, key: string): string {
  return `${env}\u0000${key}`;
}

/** The records of one journal text; unreadable lines (a torn write) are counted, not thrown. */
export function parseJournalText(text: string): { records: JournalRecord[]; torn: number } {
  const records: JournalRecord[] = [];
  let torn = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as JournalRecord;
      if (
        r &&
        typeof r === 'object' &&
        typeof r.key === 'string' &&
        typeof r.env === 'string' &&
        typeof r.action === 'string' &&
        (r.phase === 'attempt' || r.phase === 'outcome')
      )
        records.push(r);
      else torn++;
    } catch {
      torn++;
    }
  }
  return { records, torn };
}

/** Reads a journal file (see parseJournalText); a missing file is an empty journal. */
export function readJournal(file: string): { records: JournalRecord[]; torn: number; endsWithNewline: boolean } {
  if (!existsSync(file)) return { records: [], torn: 0, endsWithNewline: true };
  const text = readFileSync(file, 'utf8');
  return { ...parseJournalText(text), endsWithNewline: text === '' || text.endsWith('\n') };
}

/** Folds records into the state of each unit (env + key). */
export function foldJournal(records: JournalRecord[]): Map<string, UnitState> {
  const units = new Map<string, UnitState>();
  for (const r of records) {
    const id = unitId(r.env, r.key);
    const u = units.get(id) ?? { inDoubt: false };
    if (r.phase === 'attempt') {
      u.attempt = r;
      u.inDoubt = true;
    } else {
      u.outcome = r;
      u.inDoubt = false;
    }
    units.set(id, u);
  }
  return units;
}

function writeAll(fd: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => write(fd, text, null, 'utf8', (e) => (e ? reject(e) : resolve())));
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
}

export class Journal {
  private fd: number;
  /** Records waiting for the next write + fsync (group commit: one fsync for all records queued meanwhile). */
  private pending: Array<{ line: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private readonly lockFile: string;
  readonly units: Map<string, UnitState>;
  readonly torn: number;

  private constructor(
    readonly file: string,
    fd: number,
    lockFile: string,
    units: Map<string, UnitState>,
    torn: number,
  ) {
    this.fd = fd;
    this.lockFile = lockFile;
    this.units = units;
    this.torn = torn;
  }

  /**
   * Opens (or creates) the journal for appending, after taking its lock (`<file>.lock` with our pid): two runs on
   * one journal at once could both send the same create. A lock left by a process that no longer runs is taken over.
   */
  static open(file: string): Journal {
    const lockFile = `${file}.lock`;
    takeLock(lockFile);
    try {
      const { records, torn, endsWithNewline } = readJournal(file);
      const fd = openSync(file, 'a');
      // A torn last line: start the next record on a line of its own.
      if (!endsWithNewline) {
        writeSync(fd, '\n');
        fsyncSync(fd);
      }
      return new Journal(file, fd, lockFile, foldJournal(records), torn);
    } catch (e) {
      releaseLock(lockFile);
      throw e;
    }
  }

  get(env: string, key: string): UnitState | undefined {
    return this.units.get(unitId(env, key));
  }

  /**
   * Appends one record; resolves once it is written and fsync'd (records appended meanwhile share the fsync).
   * What the journal says in memory changes at once.
   */
  append(record: JournalRecord): Promise<void> {
    if (this.fd < 0) return Promise.reject(new Error('the journal is closed'));
    const clean = JSON.parse(JSON.stringify(record)) as JournalRecord; // drops undefined fields
    const done = new Promise<void>((resolve, reject) => this.pending.push({ line: `${JSON.stringify(clean)}\n`, resolve, reject }));
    this.flushing ??= this.flush();
    const id = unitId(record.env, record.key);
    const u = this.units.get(id) ?? { inDoubt: false };
    if (record.phase === 'attempt') {
      u.attempt = clean;
      u.inDoubt = true;
    } else {
      u.outcome = clean;
      u.inDoubt = false;
    }
    this.units.set(id, u);
    return done;
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0);
      try {
        await writeAll(this.fd, batch.map((b) => b.line).join(''));
        await fsyncAsync(this.fd);
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
      releaseLock(this.lockFile);
    }
  }
}

export class JournalLockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Tests: a point inside takeLock where another process may act (to check the interleavings deterministically). */
export interface LockHooks {
  /** After the lock was read and judged stale, before it is taken over. */
  afterStaleRead?: () => void;
}

interface LockHolder {
  pid?: number;
  host?: string;
  at?: string;
}

/**
 * Creates `file` holding `content`, atomically: written to a private temporary file, then hard-linked into place
 * (link fails with EEXIST when `file` exists), so no one ever reads a half-written lock. False when it exists.
 */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  writeFileSync(tmp, content, { flag: 'wx' });
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
    // A file system without hard links: exclusive create (a reader may then see it empty for a moment).
    try {
      writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* gone */
    }
  }
}

function readHolder(lockFile: string): { holder: LockHolder; raw: string } | undefined {
  let raw: string;
  try {
    raw = readFileSync(lockFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return { holder: JSON.parse(raw) as LockHolder, raw };
  } catch {
    return { holder: {}, raw }; // not ours or torn (written by an older version): stale
  }
}

function isLive(holder: LockHolder): boolean {
  const sameHost = !holder.host || holder.host === hostname();
  return typeof holder.pid === 'number' && holder.pid !== process.pid && (!sameHost || alive(holder.pid));
}

function lockedError(lockFile: string, holder: LockHolder): JournalLockedError {
  const sameHost = !holder.host || holder.host === hostname();
  return new JournalLockedError(
    `the journal is in use by process ${holder.pid}${sameHost ? '' : ` on ${holder.host}`} (${lockFile}). Use one journal per run (per shard); delete the lock file only if that process is gone.`,
  );
}

/**
 * Takes the journal lock. A lock whose process is gone is taken over under a second, short-lived lock
 * (`<lock>.takeover`): of several runs that find the same stale lock at once, one takes it over and the others
 * stop with JournalLockedError — never two runs on one journal.
 */
export function takeLock(lockFile: string, hooks: LockHooks = {}): void {
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  if (createExclusive(lockFile, mine)) return;
  const seen = readHolder(lockFile);
  if (!seen) {
    // Released between our attempt and the read: one more try, and whoever wins that holds it.
    if (createExclusive(lockFile, mine)) return;
    const now = readHolder(lockFile);
    throw now ? lockedError(lockFile, now.holder) : new JournalLockedError(`could not take the journal lock ${lockFile}`);
  }
  if (isLive(seen.holder)) throw lockedError(lockFile, seen.holder);
  hooks.afterStaleRead?.();

  const takeover = `${lockFile}.takeover`;
  if (!createExclusive(takeover, mine)) {
    const other = readHolder(takeover);
    if (other && !isLive(other.holder)) {
      throw new JournalLockedError(
        `a run that was taking over the stale journal lock ${lockFile} is gone; delete ${takeover} and run again`,
      );
    }
    throw new JournalLockedError(
      `another run is taking over the stale journal lock ${lockFile} (${other?.holder.pid ?? 'unknown process'}); it will use this journal`,
    );
  }
  try {
    // Under the takeover lock: the stale lock is still the one we judged stale, or someone else holds it now.
    const again = readHolder(lockFile);
    if (again && again.raw !== seen.raw) {
      if (isLive(again.holder)) throw lockedError(lockFile, again.holder);
      throw new JournalLockedError(`the journal lock ${lockFile} changed while it was being taken over; run again`);
    }
    if (again) unlinkSync(lockFile);
    if (!createExclusive(lockFile, mine)) {
      const now = readHolder(lockFile);
      throw now ? lockedError(lockFile, now.holder) : new JournalLockedError(`could not take the journal lock ${lockFile}`);
    }
  } finally {
    releaseLock(takeover);
  }
}

function releaseLock(lockFile: string): void {
  try {
    unlinkSync(lockFile);
  } catch {
    /* already gone */
  }
}
