/** A call's request built from its endpoint definition: method, path, query, and whether it may be repeated. */
import { fillPath, repeatIsSafe, type EndpointDef } from '../endpoints';
import type { CallSpec } from './exchange';

export interface CallArgs {
  params?: Readonly<Record<string, string>>;
  query?: Record<string, string | boolean | undefined>;
  body?: unknown;
  /** Overrides the definition's `what` (a dry run, a list's supplier). */
  what?: string;
}

export function specFor(def: EndpointDef, args: CallArgs = {}): CallSpec {
  return {
    method: def.method,
    path: fillPath(def, args.params),
    ...(args.query ? { query: args.query } : {}),
    ...(args.body !== undefined ? { body: args.body } : {}),
    what: args.what ?? def.what,
    repeatable: repeatIsSafe(def.repeatWithinCall, { query: args.query }),
    auth: def.auth,
  };
}
