/**
 * Shared result shape and small helpers for the identifier checks in this folder.
 *
 * The checks are pure functions over strings: no I/O, no `vscode`, no dependencies on the rest of the service.
 * They never repair a value; when a check digit is wrong, `expected` only reports what the algorithm computes.
 */

export interface IdentifierCheck {
  /** Whether the value passes the check. */
  valid: boolean;
  /** Why it does not, as a sentence usable in a diagnostic. Present exactly when `valid` is false. */
  reason?: string;
  /**
   * The check digit(s) the algorithm computes for the rest of the value as written. Present only when the value
   * is well-formed and the check digit(s) disagree. Informational: the product never applies it.
   */
  expected?: string;
}

/** A fresh passing result. */
export function ok(): IdentifierCheck {
  return { valid: true };
}

export function invalid(reason: string, expected?: string): IdentifierCheck {
  return expected === undefined ? { valid: false, reason } : { valid: false, reason, expected };
}

/** Quote a character for a message; invisible or whitespace characters are shown as `U+XXXX`. */
export function showChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (/\s/.test(ch) || code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${ch}'`;
}

/**
 * The checks every digits-only identifier shares, in the order a person would fix them: empty, surrounding
 * whitespace, non-digit characters. Returns the failure, or undefined when `value` is a non-empty digit string.
 * `name` is the singular noun ("MPAN"), `plural` the noun used in rules ("MPANs").
 */
export function digitsOnlyProblem(value: string, name: string, plural: string): IdentifierCheck | undefined {
  if (value.length === 0) return invalid(`${name} is empty`);
  if (value.trim() !== value) return invalid(`${name} has leading or trailing whitespace`);
  const bad = /[^0-9]/.exec(value);
  if (bad) return invalid(`${plural} contain only digits; found ${showChar(bad[0])} at position ${bad.index + 1}`);
  return undefined;
}
