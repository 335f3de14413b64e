/**
 * The two mod-10 check-digit procedures used by German market identifiers.
 *
 * - BDEW §8.1 (Lok- und Waggon-Kennzeichnungsverfahren), used by MaLo-IDs and BDEW/DVGW codes: sum the digits in
 *   odd positions (1-based, from the left) plus twice the sum of the digits in even positions; the check digit is
 *   the distance to the next multiple of 10 (10 becomes 0). There is NO Luhn-style "subtract 9" step.
 *   Source: BDEW "Anwendungshilfe MaLo-ID" 1.0 (2017-04-28) as quoted by bo4e/BO4E-python `validators.py`;
 *   BDEW "Identifikatoren in der Marktkommunikation" 1.2 §2.3 (via hupe1980/rubo4e `marktpartner_id.rs`).
 *   Note: doubling without digit-summing cannot see a change of ±5 in an even position (2·5 ≡ 0 mod 10).
 * - GS1 (GLN / GTIN-13): weights 3,1,3,1,… from the rightmost digit of the base (the one next to the check
 *   digit); check digit = distance to the next multiple of 10. Source: https://www.gs1.org/barcodes/support/check_digit_calculator
 *   Every single-digit substitution is detected (3 and 1 are both coprime to 10).
 */

function assertDigits(base: string, what: string): void {
  if (!/^[0-9]+$/.test(base)) throw new RangeError(`${what}: expected a non-empty digit string, got ${JSON.stringify(base)}`);
}

/** BDEW §8.1 check digit for the digits in `base` (everything before the check digit). */
export function bdewCheckDigit(base: string): number {
  assertDigits(base, 'bdewCheckDigit');
  let sum = 0;
  for (let i = 0; i < base.length; i++) sum += Number(base[i]) * (i % 2 === 0 ? 1 : 2);
  return (10 - (sum % 10)) % 10;
}

/** GS1 mod-10 check digit for the digits in `base` (everything before the check digit). */
export function gs1CheckDigit(base: string): number {
  assertDigits(base, 'gs1CheckDigit');
  let sum = 0;
  for (let i = 0; i < base.length; i++) sum += Number(base[i]) * ((base.length - 1 - i) % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}
