/**
 * The CLI's standard output and error.
 *
 * `process.stdout` and `process.stderr` are made by Node on first use, and making one loads Node's stream modules:
 * about 5 ms of a 40 ms start when the output is a pipe. The validate, help, version and rules commands write with
 * `fs.writeSync` instead, which is what Node's own streams do on Linux for files, terminals and pipes; they fall back
 * to the stream once it exists (so that nothing written through it can be overtaken) and when the descriptor is
 * non-blocking (EAGAIN: the stream waits for it, writeSync cannot).
 *
 * A closed reader (`kraken-import rules | head -1`) ends the command quietly, as a SIGPIPE would: exit 141 (128 +
 * SIGPIPE), no stack trace. `guardStdio` gives the streams the same handling when something makes them later (send,
 * report, a library).
 */
import { writeSync } from 'node:fs';

type Name = 'stdout' | 'stderr';

const FD: Record<Name, number> = { stdout: 1, stderr: 2 };

/** The streams Node has made so far (through the getters `guardStdio` installs). */
const made = new Set<Name>();
/** A descriptor that gave EAGAIN: written through its stream from then on. */
const nonBlocking = new Set<Name>();
/** A descriptor that cannot be written (closed: EBADF, or another error): nothing more is written to it. */
const broken = new Set<Name>();

function onStreamError(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(141);
  failed = true;
  process.exitCode = 2;
}

let failed = false;

/**
 * A command's exit code once it has finished: at least 2 (an unreadable or unwritable file) when some of its output
 * could not be written, since a report that was lost must not pass as a clean run.
 */
export function exitCodeAfterOutput(code: number): number {
  return failed ? Math.max(code, 2) : code;
}

/**
 * Wraps Node's `process.stdout` / `process.stderr` getters so that a stream gets the closed-reader handling when it
 * is made, and `write` knows it exists. Where the property is not a configurable getter, the stream is made now.
 */
export function guardStdio(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(process, name);
    const get = descriptor?.get;
    if (!get || !descriptor.configurable) {
      made.add(name);
      process[name].on('error', onStreamError);
      continue;
    }
    let stream: NodeJS.WriteStream | undefined;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: descriptor.enumerable,
      get() {
        if (stream === undefined) {
          stream = get.call(process) as NodeJS.WriteStream;
          made.add(name);
          stream.on('error', onStreamError);
        }
        return stream;
      },
    });
  }
}

function write(name: Name, text: string): void {
  if (broken.has(name) || text === '') return;
  if (made.has(name) || nonBlocking.has(name)) {
    process[name].write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(FD[name], bytes, at, bytes.length - at);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') {
      nonBlocking.add(name);
      process[name].write(bytes.subarray(at));
    } else if (code === 'EPIPE') {
      process.exit(141);
    } else {
      broken.add(name);
      failed = true;
    }
  }
}

export function writeStdout(text: string): void {
  write('stdout', text);
}

export function writeStderr(text: string): void {
  write('stderr', text);
}
