/**
 * UK MPRN (gas Meter Point Reference Number): 3 to 11 digits, the last two are check digits.
 *
 * Algorithm: with `body` = all digits but the last two and n = its length, weight the body digits n, n-1, …, 1
 * from the left, sum, and the check digits are `sum % 11` written as two digits ("00" … "10").
 *
 * Source (NON-OFFICIAL): https://en.everybodywiki.com/Meter_Point_Reference_Number ("a unique reference number of
 * a variable length between 3 and 11 digits … The two final digits … are the check digits, and validate the
 * previous numbers using a modulus 11 test"). No Xoserve-published specification was found; the rule agrees with
 * Kraken's and EDF's published example MPRNs, but treat a failure as "probably wrong", not as authoritative.
 *
 * With at most 9 body digits every weight is 1…9 (non-zero mod 11), so every single-digit substitution is detected.
 */
import { type IdentifierCheck, ok, digitsOnlyProblem, invalid } from './result';

export const MPRN_MIN_LENGTH = 3;
export const MPRN_MAX_LENGTH = 11;

/** The two check digits for an MPRN body (the MPRN without its last two digits). Throws RangeError on non-digits. */
export function mprnCheckDigits(body: string): string {
  if (!/^[0-9]+$/.test(body)) throw new RangeError(`mprnCheckDigits: expected a non-empty digit string, got ${JSON.stringify(body)}`);
  const n = body.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Number(body[i]) * (n - i);
  return String(sum % 11).padStart(2, '0');
}

/** Check an MPRN. */
export function checkMprn(value: string): IdentifierCheck {
  const problem = digitsOnlyProblem(value, 'MPRN', 'MPRNs');
  if (problem) return problem;
  if (value.length < MPRN_MIN_LENGTH || value.length > MPRN_MAX_LENGTH) {
    return invalid(`MPRNs have ${MPRN_MIN_LENGTH} to ${MPRN_MAX_LENGTH} digits; this has ${value.length}`);
  }
  const expected = mprnCheckDigits(value.slice(0, -2));
  const actual = value.slice(-2);
  if (actual !== expected) return invalid(`check digits are ${actual} but should be ${expected}`, expected);
  return ok();
}
