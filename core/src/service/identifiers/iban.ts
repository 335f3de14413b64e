/**
 * IBAN (ISO 13616): two-letter country code, two check digits, country-specific BBAN; ISO 7064 mod 97-10 check.
 *
 * Algorithm: move the first four characters to the end, replace letters by 10 … 35 (A … Z), and the resulting
 * integer must be ≡ 1 (mod 97). Source: arthurdejong/python-stdnum `stdnum/iban.py` and `stdnum/iso7064/mod_97_10.py`.
 * Country lengths: the SWIFT IBAN registry, as transcribed in python-stdnum `stdnum/iban.dat` (89 countries;
 * dependent territories that use their parent's prefix, e.g. Jersey → GB, Réunion → FR, Åland → FI, are not listed
 * separately). Only the length is checked per country, not the BBAN's letter/digit layout.
 *
 * Input may contain spaces (the print format) and lower-case letters. Mod 97-10 detects every single-character
 * substitution.
 */
import { type IdentifierCheck, invalid, showChar } from './result';

/** Total IBAN length (without spaces) per country code, from the SWIFT IBAN registry. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
});

export interface IbanCheck extends IdentifierCheck {
  /** The IBAN without spaces, upper-cased (present once the value is non-empty and alphanumeric). */
  normalized?: string;
  /** The country code, when it is one the registry knows. */
  country?: string;
}

/** Remainder mod 97 of an upper-case alphanumeric string read as a number with A=10 … Z=35. */
function mod97(s: string): number {
  let rem = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55; // '0'-'9' -> 0-9, 'A'-'Z' -> 10-35 (no string per character)
    rem = (rem * (v >= 10 ? 100 : 10) + v) % 97;
  }
  return rem;
}

/**
 * The two check digits that make `country + checkDigits + bban` valid. Throws RangeError unless `country` is two
 * upper-case letters and `bban` is upper-case alphanumeric.
 */
export function ibanCheckDigits(country: string, bban: string): string {
  if (!/^[A-Z]{2}$/.test(country) || !/^[A-Z0-9]+$/.test(bban)) {
    throw new RangeError(`ibanCheckDigits: bad input ${JSON.stringify(country)}, ${JSON.stringify(bban)}`);
  }
  return String(98 - mod97(bban + country + '00')).padStart(2, '0');
}

/** Check an IBAN: characters, country, per-country length, mod 97-10. Spaces are ignored, case is not significant. */
export function checkIban(value: string): IbanCheck {
  // Check characters before upper-casing: 'ß'.toUpperCase() is 'SS', 'ı'.toUpperCase() is 'I'.
  const bad = /[^A-Za-z0-9 ]/.exec(value);
  if (bad) return invalid(`IBANs contain only letters, digits and spaces; found ${showChar(bad[0])} at position ${bad.index + 1}`);
  const normalized = value.replace(/ /g, '').toUpperCase();
  if (normalized.length === 0) return invalid('IBAN is empty');
  const prefix = normalized.slice(0, 2);
  if (!/^[A-Z]{2}$/.test(prefix))
    return { ...invalid(`IBANs start with a two-letter country code; this starts with '${prefix}'`), normalized };
  const length = IBAN_LENGTHS[prefix];
  if (length === undefined) return { ...invalid(`${prefix} is not a country code in the IBAN registry`), normalized };
  const country = prefix;
  if (normalized.length !== length) {
    return { ...invalid(`IBAN for ${country} must be ${length} characters; this has ${normalized.length}`), normalized, country };
  }
  const actual = normalized.slice(2, 4);
  if (!/^[0-9]{2}$/.test(actual)) {
    return { ...invalid(`IBAN characters 3–4 are check digits; '${actual}' is not two digits`), normalized, country };
  }
  if (mod97(normalized.slice(4) + normalized.slice(0, 4)) !== 1) {
    const expected = ibanCheckDigits(country, normalized.slice(4));
    return {
      ...invalid(
        `IBAN checksum (mod 97-10) fails: check digits are ${actual} but should be ${expected} for the rest of this IBAN as written; a mistyped character anywhere causes this`,
        expected,
      ),
      normalized,
      country,
    };
  }
  return { valid: true, normalized, country };
}
