/**
 * German MaLo-ID (Marktlokations-Identifikationsnummer): 11 digits, first digit 1–9 (the issuing body: 1–3 DVGW,
 * 4–9 BDEW), last digit a BDEW §8.1 check digit over the first 10.
 *
 * Algorithm (BDEW §8.1, see `checksums.ts`): odd-position digits + 2 × even-position digits, check digit = distance
 * to the next multiple of 10; no Luhn "subtract 9" step. Source: BDEW "Anwendungshilfe MaLo-ID" 1.0
 * (https://bdew-codes.de/Content/Files/MaLo/2017-04-28-BDEW-Anwendungshilfe-MaLo-ID_Version1.0_FINAL.PDF) as quoted
 * by bo4e/BO4E-python `src/bo4e/validators.py`; worked example 41373559241 on https://malo-generator.de/wiki/was-ist-eine-malo.
 * (hupe1980/rubo4e's Luhn-style variant rejects that official example and is deliberately not followed.)
 *
 * The procedure cannot detect a substitution by ±5 in an even position (2, 4, 6, 8, 10); all other single-digit
 * substitutions are detected.
 */
import { bdewCheckDigit } from './checksums';
import { type IdentifierCheck, ok, digitsOnlyProblem, invalid } from './result';

/** The check digit for the first 10 digits of a MaLo-ID. Throws RangeError unless given exactly 10 digits. */
export function maloCheckDigit(first10: string): number {
  if (!/^[0-9]{10}$/.test(first10)) throw new RangeError(`maloCheckDigit: expected 10 digits, got ${JSON.stringify(first10)}`);
  return bdewCheckDigit(first10);
}

/** Check a MaLo-ID. */
export function checkMalo(value: string): IdentifierCheck {
  const problem = digitsOnlyProblem(value, 'MaLo-ID', 'MaLo-IDs');
  if (problem) return problem;
  if (value.length !== 11) return invalid(`MaLo-IDs have 11 digits; this has ${value.length}`);
  if (value[0] === '0') return invalid('MaLo-IDs never start with 0 (the first digit names the issuing body: 1–3 DVGW, 4–9 BDEW)');
  const expected = maloCheckDigit(value.slice(0, 10));
  const actual = Number(value[10]);
  if (actual !== expected) return invalid(`check digit is ${actual} but should be ${expected}`, String(expected));
  return ok();
}
