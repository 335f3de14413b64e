/**
 * UK MPAN (electricity Meter Point Administration Number) core: 13 digits, the last one a mod-11 check digit.
 *
 * Algorithm: multiply the first 12 digits by the primes 3,5,7,13,17,19,23,29,31,37,41,43 (11 skipped), sum,
 * then `sum % 11 % 10` is the check digit. Sources: https://bitbucket.org/tlocke/mpan ("validates the previous 12
 * … using a modulus 11 test"), https://www.amcrou.ch/validating-mpan-numbers; structure from the Wikipedia
 * article "Meter Point Administration Number". Kraken expects the 13-digit core ("The 13-digit MPAN core").
 *
 * Limitation of the algorithm: because remainder 10 is folded to 0, a core whose remainder is 0 or 10 has a
 * check digit of 0, and a single-digit substitution that moves the remainder between 0 and 10 is not detected.
 */
import { type IdentifierCheck, ok, digitsOnlyProblem, invalid } from './result';

export const MPAN_WEIGHTS: readonly number[] = Object.freeze([3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43]);

/** The check digit for the first 12 digits of an MPAN core. Throws RangeError unless given exactly 12 digits. */
export function mpanCheckDigit(first12: string): number {
  if (!/^[0-9]{12}$/.test(first12)) throw new RangeError(`mpanCheckDigit: expected 12 digits, got ${JSON.stringify(first12)}`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * MPAN_WEIGHTS[i]!;
  return (sum % 11) % 10;
}

/** Check a 13-digit MPAN core. */
export function checkMpan(value: string): IdentifierCheck {
  const problem = digitsOnlyProblem(value, 'MPAN', 'MPANs');
  if (problem) return problem;
  if (value.length !== 13) {
    const hint = value.length === 21 ? ' (this looks like a full 21-digit MPAN; Kraken expects the 13-digit core, its last 13 digits)' : '';
    return invalid(`MPAN cores have 13 digits; this has ${value.length}${hint}`);
  }
  const expected = mpanCheckDigit(value.slice(0, 12));
  const actual = Number(value[12]);
  if (actual !== expected) return invalid(`check digit is ${actual} but should be ${expected}`, String(expected));
  return ok();
}
