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
  /** The clock checks against "today" read (injected: `ValidationConfig.now`; tests never depend on the date). */
  readonly now: Date;
  /**
   * Under an instance contract: the validators (`x-validators`) the contract declares on the schema that describes
   * the value at `path` (relative to `root`), by name and error codes. Undefined under the bundled schemas (they
   * declare none), or where no schema describes the path.
   */
  declared(path: JsonPath): DeclaredAt | undefined;
  /** True when an instance contract is in force (then a path where `declared` is undefined declares nothing). */
  readonly underContract: boolean;
  report(path: JsonPath, message: string, options?: { target?: Target; data?: Record<string, unknown>; severity?: Severity }): void;
}

/** What a contract declares on one schema: validator names as plain text (see contract/validators.ts) and their error codes. */
export interface DeclaredAt {
  /** Keys (`validatorKey`) of the declared validators' names. */
  readonly names: ReadonlySet<string>;
  /** The union of their `possible_errors`. */
  readonly errors: ReadonlySet<string>;
}

/** A Kraken validator a rule implements: matched by name (`validatorKey`), reported with one of its codes. */
export interface ImplementedValidator {
  /** The validator's name as the contracts write it (plain text, backticks around fields). */
  readonly name: string;
  /** The error codes the rule reports for it (a subset of its `possible_errors`). */
  readonly codes: readonly string[];
  /** What of the validator the rule does not check, and why (docs/validators.md: "checked in part"). */
  readonly notChecked?: string;
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
  /**
   * The Kraken validators (`x-validators`) this rule implements. Under an instance contract the rule reports an
   * error carrying Kraken's code (`data.krakenCode`) where the contract declares the validator on that schema, and
   * stays silent where it does not; under the bundled schemas its own severity applies. docs/validators.md lists them.
   */
  readonly implements?: readonly ImplementedValidator[];
  check(ctx: RuleContext): void;
}
