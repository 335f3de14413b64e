/**
 * Validating the records of a .jsonl/.ndjson wave on every core: worker threads running the CLI's own bundle
 * (dist/cli.js started with `workerData`), each with its own language service configured like the main thread's.
 *
 * The main thread splits the file into records, hands out chunks of consecutive records to whichever worker is free
 * and puts each chunk's results back at the chunk's place: the output is in file order whatever the timing, and is
 * the same as with `--jobs 1` (the serial path runs the very same `validateText`). The main thread validates chunks
 * too (`--jobs 2` is the main thread and one worker): every thread is a V8 isolate that compiles the validators and
 * collects its garbage on helper threads of its own, so one isolate fewer is less work on the same cores.
 */
import { availableParallelism, cpus } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { KindId, RuleSeverity } from '../../server/src/service';
import type { FileReport } from './format';

/** What a worker needs to build the same service as the main thread (bundled schemas only). */
export interface WorkerServiceConfig {
  rules?: Record<string, RuleSeverity>;
  associations?: Record<string, string>;
  maxFindings?: number;
}

export type RecordResult = Omit<FileReport, 'file'>;

/** The per-record work, shared by the serial path and the workers. */
export type RecordValidator = (config: WorkerServiceConfig) => (file: string, text: string, kind: KindId | undefined) => RecordResult;

interface WorkerInit {
  krakenImportValidateWorker: true;
  config: WorkerServiceConfig;
}

interface ChunkRequest {
  id: number;
  file: string;
  kind: KindId | undefined;
  texts: string[];
}

interface ChunkResponse {
  id: number;
  results?: RecordResult[];
  error?: string;
}

/** Records per chunk: enough to amortise a message, few enough to balance the cores near the end of a file. */
const CHUNK_RECORDS = 64;
const CHUNK_CHARS = 1 << 20;
/** Below this much work a worker's start-up (loading the bundle, ~100 ms) costs more than it saves. */
export const PARALLEL_MIN_RECORDS = 200;
export const PARALLEL_MIN_CHARS = 2 << 20;

export function defaultJobs(): number {
  const n = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  return Math.max(1, Math.min(8, n));
}

/** True in a thread started by `ValidatePool`; then `runValidateWorker` must run instead of the CLI. */
export function isValidateWorker(): boolean {
  return !isMainThread && !!(workerData as Partial<WorkerInit> | undefined)?.krakenImportValidateWorker;
}

/** The worker side: answers chunk requests until the pool closes the port. */
export function runValidateWorker(makeValidator: RecordValidator): void {
  const init = workerData as WorkerInit;
  const validate = makeValidator(init.config);
  parentPort!.on('message', (req: ChunkRequest) => {
    let response: ChunkResponse;
    try {
      response = { id: req.id, results: req.texts.map((t) => validate(req.file, t, req.kind)) };
    } catch (error) {
      response = { id: req.id, error: (error as Error)?.stack ?? String(error) };
    }
    parentPort!.postMessage(response);
  });
}

/** A pool of validating workers running `script` (the CLI bundle), with the main thread as one more (`local`). */
export class ValidatePool {
  private readonly workers: Worker[] = [];
  private nextId = 0;

  constructor(
    private readonly script: string,
    private readonly config: WorkerServiceConfig,
    readonly size: number,
    /** The main thread's own check of a record (the same as the workers'); chunks are shared with it when given. */
    private readonly local?: (file: string, text: string, kind: KindId | undefined) => RecordResult,
  ) {}

  private start(): void {
    if (this.workers.length) return;
    const init: WorkerInit = { krakenImportValidateWorker: true, config: this.config };
    for (let i = 0; i < this.size; i++) {
      const w = new Worker(this.script, { workerData: init, stdout: false, stderr: false });
      w.unref();
      this.workers.push(w);
    }
  }

  /** Validates `texts` (the records of `file`, in order); the results come back in the same order. */
  validate(file: string, texts: string[], kind: KindId | undefined): Promise<RecordResult[]> {
    this.start();
    const chunks: Array<{ from: number; to: number }> = [];
    for (let from = 0; from < texts.length; ) {
      let to = from;
      let chars = 0;
      while (to < texts.length && to - from < CHUNK_RECORDS && chars < CHUNK_CHARS) chars += texts[to++].length;
      chunks.push({ from, to });
      from = to;
    }
    const results: RecordResult[] = new Array(texts.length);
    return new Promise<RecordResult[]>((resolve, reject) => {
      let next = 0;
      let done = 0;
      let failed = false;
      const pending = new Map<number, { from: number; to: number }>();
      const cleanups: Array<() => void> = [];
      const finish = (error?: Error) => {
        if (failed) return;
        for (const c of cleanups) c();
        if (error) {
          failed = true;
          reject(error);
        } else resolve(results);
      };
      const feed = (w: Worker) => {
        if (next >= chunks.length) return;
        const chunk = chunks[next++];
        const id = this.nextId++;
        pending.set(id, chunk);
        w.postMessage({ id, file, kind, texts: texts.slice(chunk.from, chunk.to) } satisfies ChunkRequest);
      };
      for (const w of this.workers) {
        const onMessage = (res: ChunkResponse) => {
          const chunk = pending.get(res.id);
          if (!chunk) return;
          pending.delete(res.id);
          if (res.error || !res.results) return finish(new Error(`validation worker failed: ${res.error}`));
          for (let i = 0; i < res.results.length; i++) results[chunk.from + i] = res.results[i];
          if (++done === chunks.length) return finish();
          feed(w);
        };
        const onError = (error: Error) => finish(error);
        const onExit = (code: number) => {
          if (done < chunks.length) finish(new Error(`validation worker exited (code ${code})`));
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        cleanups.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        });
        // Chunks in flight per worker: no idle gap while the main thread is busy with a chunk of its own.
        for (let i = 0; i < 3; i++) feed(w);
      }
      // The main thread takes a chunk whenever nothing else is waiting for it, yielding in between so that workers'
      // results are collected and they are fed again without a gap.
      const local = this.local;
      if (local) {
        const work = () => {
          if (failed || next >= chunks.length) return;
          const chunk = chunks[next++];
          try {
            for (let i = chunk.from; i < chunk.to; i++) results[i] = local(file, texts[i], kind);
          } catch (error) {
            return finish(error as Error);
          }
          if (++done === chunks.length) return finish();
          setImmediate(work);
        };
        setImmediate(work);
      }
      if (chunks.length === 0) finish();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
