/**
 * German MeLo-ID (Messlokations-ID, the former Zählpunktbezeichnung): 33 characters, no check digit.
 *
 * Hard rule: `^[A-Z]{2}[A-Za-z0-9]{31}$` — two upper-case country letters, then 31 alphanumerics. Source:
 * hupe1980/rubo4e `src/identifiers/melo_id.rs`, citing BDEW "Identifikatoren in der Marktkommunikation" 1.2 ("No
 * checksum defined").
 * Stricter German structure (reported separately in `german`, meant for a warning): `^DE\d{11}[A-Za-z0-9]{20}$` —
 * DE, 6-digit grid-operator number, 5-digit postcode, 20-character meter-point number. Derived from the
 * Zählpunktbezeichnung structure on German Wikipedia (Benutzer:Marbot/Zählpunktbezeichnung; de-academic copy); the
 * pattern itself is our own derivation, not a published rule.
 */
import { type IdentifierCheck, ok, invalid, showChar } from './result';

export const MELO_PATTERN = /^[A-Z]{2}[A-Za-z0-9]{31}$/;
export const MELO_GERMAN_PATTERN = /^DE[0-9]{11}[A-Za-z0-9]{20}$/;

export interface MeloCheck extends IdentifierCheck {
  /** The stricter German structure; fails whenever the hard rule fails (with the same reason). */
  german: IdentifierCheck;
}

function looseProblem(value: string): IdentifierCheck | undefined {
  if (value.length === 0) return invalid('MeLo-ID is empty');
  if (value.trim() !== value) return invalid('MeLo-ID has leading or trailing whitespace');
  if (value.length !== 33) return invalid(`MeLo-IDs have 33 characters; this has ${value.length}`);
  if (!/^[A-Z]{2}/.test(value)) {
    return invalid(`MeLo-IDs start with a two-letter upper-case country code; this starts with '${value.slice(0, 2)}'`);
  }
  const bad = /[^A-Za-z0-9]/.exec(value);
  if (bad) return invalid(`MeLo-IDs contain only letters and digits; found ${showChar(bad[0])} at position ${bad.index + 1}`);
  return undefined;
}

function germanProblem(value: string): IdentifierCheck | undefined {
  if (!value.startsWith('DE')) return invalid(`German MeLo-IDs start with DE; this starts with '${value.slice(0, 2)}'`);
  const bad = /[^0-9]/.exec(value.slice(2, 13));
  if (bad) {
    return invalid(
      `in German MeLo-IDs, characters 3–13 (6-digit grid-operator number and 5-digit postcode) are digits; found ${showChar(bad[0])} at position ${bad.index + 3}`,
    );
  }
  return undefined;
}

/** Check a MeLo-ID against the hard rule and, separately, the stricter German structure. */
export function checkMelo(value: string): MeloCheck {
  const loose = looseProblem(value);
  if (loose) return { ...loose, german: loose };
  return { valid: true, german: germanProblem(value) ?? ok() };
}
