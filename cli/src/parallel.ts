/**
 * A .jsonl/.ndjson wave, streamed and on every core.
 *
 * The file is cut into byte ranges (RANGE_BYTES). A range owns the records whose first byte lies in it; whoever
 * validates a range reads it from the file itself (the last record may run past the range's end, the first bytes may
 * be the end of the previous range's record), splits it at "\n", decodes, parses, validates and serialises each record
 * (output.ts), and hands back the serialised text with its line numbers left open and its count of line breaks. The
 * main thread only hands out ranges and merges the results in file order, filling in the line numbers: its work per
 * record is a string concatenation, so it does not become the bottleneck as the workers grow in number.
 *
 * Memory is bounded by the ranges in flight (a few per worker) and the largest record, not by the file. The output is
 * the same, byte for byte, for every `--jobs`: the main thread with `--jobs 1` runs the very same `validateRange`.
 * Worker threads run the CLI bundle itself (dist/cli.js started with `workerData`).
 *
 * The record rules (a line without the "\r" of its CRLF break, lone "\r"s as editor line breaks, blank lines skipped)
 * are core/src/files/jsonLines.ts's, the same as the language server's and `send`'s. Only the splitting is this
 * file's own: it finds the "\n"s in bytes read range by range, never holding the file (or its text) whole, so it
 * cannot use `jsonLinesLines`, which splits a text already in memory.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { availableParallelism, cpus } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { type KindId, type RuleSeverity } from '../../core/src/service';
import type { FileReport } from './format';
import {
  decodeUtf8,
  isLinesFile,
  isRecordText,
  LINE_FEED,
  lineRecordBytes,
  loneCarriageReturns,
  mayBeRecordBytes,
} from '../../core/src/files';
import { RangeSerialiser, type FragmentFormat, type OutputSink, type RangeOutput, type RelativeReport } from './output';
import { writeStderr } from './stdio';

/** What a worker needs to build the same service as the main thread (bundled schemas only). */
export interface WorkerServiceConfig {
  rules?: Record<string, RuleSeverity>;
  associations?: Record<string, string>;
  /** The folder the associations' globs are relative to (the working folder). */
  associationBase?: string;
  maxFindings?: number;
}

export type RecordResult = Omit<FileReport, 'file'>;
/** `invalidAt`: the first replacement character of bytes that were not UTF-8 (see checkPayloadText). */
export type RecordCheck = (file: string, text: string, kind: KindId | undefined, invalidAt?: number) => RecordResult;

/** The per-record work, shared by the main thread and the workers. */
export type RecordValidator = (config: WorkerServiceConfig) => RecordCheck;

/** How a range's records are written: the format the main thread prints, and whether it keeps the reports. */
export interface RangeFormat {
  fragment: FragmentFormat | undefined;
  keepReports: boolean;
  hints: boolean;
  redact: boolean;
}

interface WorkerInit {
  krakenImportValidateWorker: true;
  config: WorkerServiceConfig;
  format: RangeFormat;
}

interface RangeRequest {
  id: number;
  file: string;
  kind: KindId | undefined;
  start: number;
  end: number;
}

interface RangeResponse {
  id: number;
  output?: RangeOutput;
  error?: string;
}

/**
 * Bytes per range: enough records to amortise a message (a few hundred typical accounts), small enough that the
 * ranges in flight stay a few megabytes and the cores are balanced near the end of a file.
 */
export const RANGE_BYTES = 1 << 20;
/** Ranges handed to each worker ahead: no idle gap while the main thread merges. */
const AHEAD = 2;
/** Below this size a worker's start-up (loading the bundle, ~100 ms) costs more than it saves. */
export const PARALLEL_MIN_BYTES = 2 << 20;
/** Bytes read from the file at a time within a range, and past its end (the rest of its last record). */
const READ_BYTES = 1 << 20;
const TAIL_READ_BYTES = 64 << 10;

/** The cores this process may use. */
function cores(): number {
  return Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length);
}

/**
 * Wave bytes each worker must have when `--jobs` was not given and the machine has at most 2 cores. Every worker is a
 * fresh V8 isolate that loads the bundle and warms up on its own (V8's optimising compiler runs again for it, on a
 * background thread). One validating thread and its compiler already keep about 1.4 of two cores busy (`perf stat`
 * on a 39 MB wave), so there a second worker's warm-up takes time from the first. Measured on 2 vCPUs
 * (docs/performance.md, "How many threads by default"): two workers took 14 % longer than the main thread alone on a
 * 39 MB wave and 6 % longer on 59 MB, and 6 % less time on 98 MB and 37 % less on 561 MB.
 */
export const FEW_CORES_BYTES_PER_WORKER = 40_000_000;

/** How many threads `--jobs` asks for, whether the user gave it, and the cores the machine has. */
export interface Jobs {
  count: number;
  explicit: boolean;
  cores: number;
}

/** `--jobs` as the user gave it (undefined: not given, then the cores, at most 16), on this machine. */
export function jobsOf(given: number | undefined): Jobs {
  const n = cores();
  return { count: given ?? Math.min(16, n), explicit: given !== undefined, cores: n };
}

/** The most `--jobs` takes: each worker is an isolate of its own (tens of MB), and a typo must not start thousands. */
export const MAX_JOBS = 256;

/** `--jobs`'s help, its sizes taken from the constants that decide. */
export const JOBS_HELP =
  `worker threads for .jsonl/.ndjson waves of ${PARALLEL_MIN_BYTES >> 20} MiB or more, 1 to ${MAX_JOBS}, never more than the largest\n` +
  `such wave has ${RANGE_BYTES >> 20} MiB ranges (default: one per core; on 2 cores or fewer only when such waves add up\n` +
  `to ${(2 * FEW_CORES_BYTES_PER_WORKER) / 1e6} MB, where workers pay for their warm-up; 1: none, the main thread validates)`;

/**
 * The workers for `bytes` of waves, the largest file of which has `largest` bytes: 0 (the main thread validates; a
 * single worker would only add its start-up) or at least 2. Never more than the largest file has ranges: files are
 * validated one after the other, so a worker beyond that would load the bundle and never be handed a range (200 of
 * them on a 10 MB wave took 12 s and 2.7 GB). `--jobs n` given: n, within that. Not given: one per core within it,
 * and on 2 cores or fewer only one per FEW_CORES_BYTES_PER_WORKER.
 */
export function workersFor(bytes: number, jobs: Jobs, largest = bytes): number {
  if (jobs.count < 2 || bytes < PARALLEL_MIN_BYTES) return 0;
  // At least 2: a file of PARALLEL_MIN_BYTES has two ranges.
  const useful = Math.min(jobs.count, Math.ceil(largest / RANGE_BYTES));
  if (jobs.explicit) return useful;
  const n = jobs.cores > 2 ? useful : Math.min(useful, Math.floor(bytes / FEW_CORES_BYTES_PER_WORKER));
  return n >= 2 ? n : 0;
}

/**
 * The workers for one `validate` run over `files`. They start with the first file that needs them and stay for the
 * next ones, so their warm-up is paid once per run: the plan counts every .jsonl/.ndjson file that is large enough
 * for them (PARALLEL_MIN_BYTES; smaller files are validated on the main thread). A file that cannot be read counts 0.
 */
export function planWorkers(files: readonly string[], jobs: Jobs): number {
  let bytes = 0;
  let largest = 0;
  for (const file of files) {
    if (!isLinesFile(file)) continue;
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      // reported when it is read
    }
    if (size < PARALLEL_MIN_BYTES) continue;
    bytes += size;
    largest = Math.max(largest, size);
  }
  return workersFor(bytes, jobs, largest);
}

/** The worker's argv[2]: tells a worker from the CLI without loading node:worker_threads (tens of ms at start-up). */
const WORKER_ARG = '--kraken-import-validate-worker';

/** node:worker_threads, loaded when a pool starts or in a worker. */
function threads(): typeof import('node:worker_threads') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a pool starts (start-up time)
  return require('node:worker_threads') as typeof import('node:worker_threads');
}

/** True in a thread started by `ValidatePool`; then `runValidateWorker` must run instead of the CLI. */
export function isValidateWorker(): boolean {
  if (process.argv[2] !== WORKER_ARG) return false;
  const { isMainThread, workerData } = threads();
  return !isMainThread && !!(workerData as Partial<WorkerInit> | undefined)?.krakenImportValidateWorker;
}

/** Reads up to `length` bytes at `position` into `buffer` at `offset`; returns how many (0 at the end). */
export type ReadAt = (buffer: Buffer, offset: number, length: number, position: number) => number;

/** A file descriptor as a ReadAt. */
export const readFd =
  (fd: number): ReadAt =>
  (buffer, offset, length, position) =>
    readSync(fd, buffer, offset, length, position);

/** Bytes in memory (stdin) as a ReadAt. */
export const readBytes =
  (bytes: Buffer): ReadAt =>
  (buffer, offset, length, position) =>
    bytes.copy(buffer, offset, position, Math.min(bytes.length, position + length));

/** The window buffer kept between ranges on this thread (a grown one only up to MAX_SPARE_BYTES). */
let spareWindow: Buffer | undefined;
const MAX_SPARE_BYTES = 16 << 20;

/** A window of the file's bytes, read forward in blocks; grows when one line does not fit. */
class ByteWindow {
  private buf: Buffer;
  /** File offset of buf[0]. */
  private base = 0;
  private len = 0;

  constructor(
    private readonly read: ReadAt,
    private readonly size: number,
    from: number,
    /** The range's end: reads beyond it are small (only the last record's rest is wanted). */
    private readonly end: number,
  ) {
    // One buffer per thread, reused range after range: a fresh megabyte per range is fresh pages for the kernel to
    // fault in (and hand back) every time, which cost a tenth of the wave's time until the allocator settled.
    const want = Math.min(READ_BYTES, Math.max(TAIL_READ_BYTES, end - from + TAIL_READ_BYTES));
    this.buf = spareWindow && spareWindow.length >= want ? spareWindow : Buffer.allocUnsafe(want);
    spareWindow = undefined;
    this.base = from;
  }

  /** Gives the buffer back for the next range on this thread (the window must not be read after). */
  release(): void {
    if (this.buf.length <= MAX_SPARE_BYTES && (!spareWindow || spareWindow.length < this.buf.length)) spareWindow = this.buf;
  }

  /** Makes [from, ...) start the window (dropping what is before) and reads one more block after what it holds. */
  private more(from: number): boolean {
    const keep = this.base + this.len - from;
    if (keep > 0 && from > this.base) this.buf.copyWithin(0, from - this.base, this.len);
    if (from >= this.base) {
      this.len = Math.max(0, keep);
      this.base = from;
    }
    // Grown only when one line fills it (a record longer than the window).
    if (this.len === this.buf.length) {
      const grown = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    const at = this.base + this.len;
    const block = at >= this.end ? TAIL_READ_BYTES : READ_BYTES;
    const want = Math.min(this.buf.length - this.len, block, this.size - at);
    if (want <= 0) return false;
    let got = 0;
    while (got < want) {
      const n = this.read(this.buf, this.len + got, want - got, this.base + this.len + got);
      if (n === 0) break;
      got += n;
    }
    this.len += got;
    return got > 0;
  }

  /** The file offset of the first "\n" at or after `pos`, or the file's size when there is none. */
  newlineFrom(pos: number): number {
    let searched = pos;
    for (;;) {
      if (searched >= this.base && searched < this.base + this.len) {
        const i = this.buf.indexOf(LINE_FEED, searched - this.base);
        if (i !== -1 && i < this.len) return this.base + i;
        searched = this.base + this.len;
      }
      if (this.base + this.len >= this.size) return this.size;
      if (!this.more(Math.min(pos, searched))) return this.size;
    }
  }

  /** The byte at `pos` (which must be in the file). */
  byteAt(pos: number): number {
    if (pos < this.base || pos >= this.base + this.len) {
      this.len = 0;
      this.base = pos;
      this.more(pos);
    }
    return this.buf[pos - this.base];
  }

  /** Bytes [from, to), which the last `newlineFrom` has read. A view: valid until the next read. */
  bytes(from: number, to: number): Buffer {
    return this.buf.subarray(from - this.base, to - this.base);
  }
}

/**
 * Validates the records of `file` whose first byte lies in [start, end), reading the file through `fd`. Lines in the
 * result are relative to the range (see output.ts); `newlines` and `breaks` say how many the range holds.
 */
export function validateRange(
  read: ReadAt,
  size: number,
  file: string,
  start: number,
  end: number,
  kind: KindId | undefined,
  check: RecordCheck,
  serialiser: RangeSerialiser,
): RangeOutput {
  const window = new ByteWindow(read, size, Math.max(0, start - 1), end);
  try {
    let pos = start;
    // A range that starts inside a record (the previous range's last one) begins after that record's "\n".
    if (start > 0 && start < size && window.byteAt(start - 1) !== LINE_FEED) pos = window.newlineFrom(start) + 1;
    let newlines = 0;
    let breaks = 0;
    while (pos < end && pos < size) {
      const nl = window.newlineFrom(pos);
      const to = nl;
      const bytes = window.bytes(pos, to);
      // Lone "\r"s inside the line are line breaks for editors (and for the service's positions); "\r\n" is one.
      const lone = loneCarriageReturns(bytes);
      const record = lineRecordBytes(bytes);
      if (mayBeRecordBytes(record)) {
        // ASCII (most records) read as latin1 is the same text for a fraction of the UTF-8 decoder's time. The record's
        // bytes are read no more: decodeUtf8 may fold them in place.
        let text: string;
        let invalidAt: number | undefined;
        if (isAscii(record)) text = record.toString('latin1');
        else ({ text, invalidAt } = decodeUtf8(record, { consume: true }));
        if (isRecordText(text)) {
          const r = check(file, text, kind, invalidAt);
          const report: RelativeReport = { file, line: newlines + 1, editorLine: breaks, kind: r.kind, diagnostics: r.diagnostics };
          if (r.shape) report.shape = r.shape;
          if (r.skipped) report.skipped = r.skipped;
          serialiser.add(report);
        }
      }
      breaks += lone;
      if (nl < size) {
        newlines++;
        breaks++;
      }
      pos = to + 1;
    }
    return serialiser.done(newlines, breaks);
  } finally {
    window.release();
  }
}

/** The worker side: answers range requests until the pool closes the port. */
export function runValidateWorker(makeValidator: RecordValidator): void {
  const { parentPort, workerData } = threads();
  const init = workerData as WorkerInit;
  const check = makeValidator(init.config);
  let open: { file: string; fd: number } | undefined;
  parentPort!.on('message', (req: RangeRequest) => {
    let response: RangeResponse;
    try {
      if (open?.file !== req.file) {
        if (open) closeSync(open.fd);
        open = { file: req.file, fd: openSync(req.file, 'r') };
      }
      const size = fstatSync(open.fd).size;
      const serialiser = new RangeSerialiser(init.format.fragment, init.format.keepReports, init.format.hints, init.format.redact);
      response = { id: req.id, output: validateRange(readFd(open.fd), size, req.file, req.start, req.end, req.kind, check, serialiser) };
    } catch (error) {
      response = { id: req.id, error: (error as Error)?.stack ?? String(error) };
    }
    parentPort!.postMessage(response);
  });
}

/** The byte ranges of a file of `size` bytes. */
function ranges(size: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (let start = 0; start < size; start += RANGE_BYTES) out.push({ start, end: Math.min(size, start + RANGE_BYTES) });
  return out;
}

/**
 * Validates a .jsonl/.ndjson file range by range into `sink`, in file order: on `pool`'s workers when given and the
 * file is large enough, else on this thread. `bytes`: the document is in memory (stdin), checked on this thread.
 * Returns how many reports (non-blank records) it had. Throws when the file cannot be opened.
 */
export async function validateLinesFile(
  file: string,
  kind: KindId | undefined,
  check: RecordCheck,
  sink: OutputSink,
  pool?: ValidatePool,
  bytes?: Buffer,
): Promise<number> {
  const fd = bytes ? undefined : openSync(file, 'r');
  try {
    const size = bytes ? bytes.length : fstatSync(fd!).size;
    const read = bytes ? readBytes(bytes) : readFd(fd!);
    const parts = ranges(size);
    let recordBase = 0;
    let editorBase = 0;
    let count = 0;
    const merge = (output: RangeOutput) => {
      sink.add(file, output, recordBase, editorBase);
      recordBase += output.newlines;
      editorBase += output.breaks;
      count += output.count;
    };
    let next = 0;
    if (pool && !bytes && size >= PARALLEL_MIN_BYTES) {
      try {
        await pool.run(file, kind, parts, (output) => {
          merge(output);
          next++;
        });
      } catch (error) {
        writeStderr(`kraken-import: worker threads failed (${(error as Error).message}); validating the rest of ${file} on one thread\n`);
      }
    }
    for (; next < parts.length; next++)
      merge(validateRange(read, size, file, parts[next].start, parts[next].end, kind, check, sink.serialiser()));
    return count;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Worker threads running `script` (the CLI bundle); the main thread hands out ranges and merges. */
export class ValidatePool {
  private readonly workers: Worker[] = [];
  private readonly handedOut: number[] = [];
  private nextId = 0;

  constructor(
    private readonly script: string,
    private readonly config: WorkerServiceConfig,
    private readonly format: RangeFormat,
    readonly size: number,
  ) {}

  /** Worker threads started so far: all of them once a file needed them (they stay for the next files), else 0. */
  get started(): number {
    return this.workers.length;
  }

  /** The ranges handed to each worker so far, in the order the workers were started. */
  get handed(): readonly number[] {
    return this.handedOut;
  }

  private start(): void {
    if (this.workers.length) return;
    const init: WorkerInit = { krakenImportValidateWorker: true, config: this.config, format: this.format };
    for (let i = 0; i < this.size; i++) {
      const w = new (threads().Worker)(this.script, { argv: [WORKER_ARG], workerData: init, stdout: false, stderr: false });
      w.unref();
      this.workers.push(w);
      this.handedOut.push(0);
    }
  }

  /**
   * Validates `parts` of `file` on the workers; `merge` gets each range's output in order, as soon as the ranges
   * before it are merged. Rejects on a worker's failure: the ranges merged so far stay merged.
   */
  run(
    file: string,
    kind: KindId | undefined,
    parts: Array<{ start: number; end: number }>,
    merge: (output: RangeOutput) => void,
  ): Promise<void> {
    this.start();
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let merged = 0;
      let failed = false;
      const waiting = new Map<number, RangeOutput>();
      const pending = new Map<number, number>(); // request id -> range index
      const cleanups: Array<() => void> = [];
      const finish = (error?: Error) => {
        if (failed) return;
        failed = true;
        for (const c of cleanups) c();
        if (error) reject(error);
        else resolve();
      };
      const feed = (w: Worker, at: number) => {
        if (next >= parts.length) return;
        const index = next++;
        const id = this.nextId++;
        pending.set(id, index);
        this.handedOut[at]++;
        w.postMessage({ id, file, kind, start: parts[index].start, end: parts[index].end } satisfies RangeRequest);
      };
      for (const [at, w] of this.workers.entries()) {
        const onMessage = (res: RangeResponse) => {
          const index = pending.get(res.id);
          if (index === undefined || failed) return;
          pending.delete(res.id);
          if (res.error || !res.output) return finish(new Error(`validation worker failed: ${res.error}`));
          waiting.set(index, res.output);
          feed(w, at);
          for (let out = waiting.get(merged); out; out = waiting.get(merged)) {
            waiting.delete(merged);
            try {
              merge(out);
            } catch (error) {
              return finish(error as Error);
            }
            merged++;
          }
          if (merged === parts.length) finish();
        };
        const onError = (error: Error) => finish(error);
        const onExit = (code: number) => {
          if (merged < parts.length) finish(new Error(`validation worker exited (code ${code})`));
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        cleanups.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        });
      }
      // One range to each worker, then the next round: a file of a few ranges is spread over the workers, not taken
      // AHEAD at a time by the first.
      for (let i = 0; i < AHEAD; i++) this.workers.forEach(feed);
      if (parts.length === 0) finish();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
