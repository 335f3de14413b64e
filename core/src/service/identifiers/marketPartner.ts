/**
 * Marktpartner-ID: 13-digit BDEW code (usually 99…, electricity), DVGW code (usually 98…, gas) or GS1 GLN.
 *
 * BDEW and DVGW codes use the BDEW §8.1 check digit (Lok- und Waggon-Kennzeichnungsverfahren); a GS1-issued GLN
 * uses the GS1 / EAN-13 check digit (see `checksums.ts`). Per BDEW "Identifikatoren in der Marktkommunikation" 1.2
 * §2.3 (as summarised in hupe1980/rubo4e `src/identifiers/marktpartner_id.rs`) the two disagree and the prefix does
 * not reliably tell them apart, so a value is valid if EITHER check digit matches; `matched` says which.
 * GS1: https://www.gs1.org/barcodes/support/check_digit_calculator
 *
 * Accepting either procedure weakens error detection: a mistyped BDEW code is still accepted whenever it happens
 * to satisfy the GS1 procedure (and §8.1 alone misses ±5 changes in even positions).
 */
import { bdewCheckDigit, gs1CheckDigit } from './checksums';
import { type IdentifierCheck, digitsOnlyProblem, invalid } from './result';

/** `bdew`: BDEW §8.1 procedure (BDEW and DVGW codes); `gs1`: GS1 mod-10 procedure (GLN). */
export type MarketPartnerScheme = 'bdew' | 'gs1';

export interface MarketPartnerCheck extends IdentifierCheck {
  /** The procedures whose check digit matches; empty when invalid, both when they coincide. */
  matched: MarketPartnerScheme[];
  /** When the check digit matches neither: the digit each procedure computes. `expected` is set only if they agree. */
  expectedBdew?: string;
  expectedGs1?: string;
}

/** Check a 13-digit market-partner ID (BDEW / DVGW code or GLN). */
export function checkMarketPartnerId(value: string): MarketPartnerCheck {
  const problem = digitsOnlyProblem(value, 'Market-partner ID', 'Market-partner IDs');
  if (problem) return { ...problem, matched: [] };
  if (value.length !== 13) return { ...invalid(`Market-partner IDs have 13 digits; this has ${value.length}`), matched: [] };
  const base = value.slice(0, 12);
  const actual = Number(value[12]);
  const bdew = bdewCheckDigit(base);
  const gs1 = gs1CheckDigit(base);
  const matched: MarketPartnerScheme[] = [];
  if (actual === bdew) matched.push('bdew');
  if (actual === gs1) matched.push('gs1');
  if (matched.length > 0) return { valid: true, matched };
  const expectedBdew = String(bdew);
  const expectedGs1 = String(gs1);
  if (bdew === gs1) {
    return {
      ...invalid(`check digit is ${actual} but should be ${bdew} (BDEW/DVGW §8.1 and GS1 procedures agree)`, expectedBdew),
      matched,
      expectedBdew,
      expectedGs1,
    };
  }
  return {
    ...invalid(`check digit is ${actual} but should be ${bdew} (BDEW/DVGW code, §8.1 procedure) or ${gs1} (GS1 GLN)`),
    matched,
    expectedBdew,
    expectedGs1,
  };
}
