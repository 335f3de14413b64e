/**
 * How long a request to Kraken may take, in seconds: the CLI's `--timeout` (send, reconcile), the extension's
 * krakenImport.requestTimeoutSeconds (sends and contract fetches) and KRAKEN_IMPORT_TIMEOUT (the CLI's contract
 * fetch). One reader, so every face accepts the same values and says the same thing about the others.
 */
import { UsageError } from '../args';

export const REQUEST_TIMEOUT_SECONDS = { default: 60, min: 1, max: 3600 } as const;

/** A timeout value that is not one (the message names where it came from); the CLI exits 2 with it. */
export class TimeoutValueError extends UsageError {}

/**
 * The timeout in ms that `value` gives: seconds as a number (a setting) or as text (a command line, the environment);
 * undefined or "" is the default. Anything else (no number, "Infinity", a fraction of a second, more than an hour,
 * which Node's timers would cut to 1 ms past about 24.8 days) throws, naming `what`.
 */
export function requestTimeoutMs(value: unknown, what: string): number {
  if (value === undefined || value === '') return REQUEST_TIMEOUT_SECONDS.default * 1000;
  const seconds =
    typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  const { min, max } = REQUEST_TIMEOUT_SECONDS;
  if (!(seconds >= min && seconds <= max))
    throw new TimeoutValueError(`${what} takes a number of seconds from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return Math.round(seconds * 1000);
}
