import type { KindId } from '../kinds';
import type { JsonPath, Severity, Target } from '../types';

/** What a rule sees: one payload, already parsed. For wrapper kinds the engine hands over the inner account. */
export interface RuleContext {
  /** The payload (for `account` rules on v2 wrappers: the `payload` object; paths stay relative to it). */
  readonly root: unknown;
  /** The kind the rule runs as (`account` for the v2 wrappers). */
  readonly kind: KindId;
  /** The source text of the value at a path (relative to `root`), e.g. to quote a number exactly as written. */
  rawText(path: JsonPath): string | undefined;
  /**
   * True when the parser saw that every number literal in the text reads back exactly as written (at most 15
   * significant digits, no exponent): checks of literals against values can stop there. Undefined when unknown.
   */
  readonly numbersExact?: boolean;
  report(path: JsonPath, message: string, options?: { target?: Target; data?: Record<string, unknown>; severity?: Severity }): void;
}

/** A migration rule: one file each, exporting one of these. */
export interface Rule {
  /** Stable code, used in settings (`krakenImport.rules`), the CLI config and diagnostics. */
  readonly code: string;
  readonly severity: Severity;
  /** One line: what it checks and, for a warning, why it is not an error. */
  readonly doc: string;
  /** Payload kinds it applies to (`account` covers the account inside the v2 wrappers too). */
  readonly kinds: readonly KindId[];
  /**
   * Where its findings land, as path patterns relative to the payload (`customers[].landline`; `*.iban` is a
   * property at any depth). Hover lists the rule on those fields.
   */
  readonly appliesTo?: readonly string[];
  check(ctx: RuleContext): void;
}
