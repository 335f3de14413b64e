/**
 * French delivery-point identifiers, format only — no check-digit algorithm has been published for either.
 *
 * - PRM / PDL (electricity, Enedis "Point de Référence Mesure" / "Point De Livraison"): `^\d{14}$` ("un identifiant
 *   unique de 14 chiffres", sowee.fr; opera-energie.com).
 * - PCE (gas, GRDF "Point de Comptage et d'Estimation"): `^(\d{14}|GI\d{6})$` (14 digits, ekwateur.fr; or "GI"
 *   followed by 6 digits for some local distributors, juristheque.net). The GI form is from a single source.
 *
 * Kraken FR learns whether an identifier exists only from Enedis/GRDF at `supply-point/populate` (e.g. `EPRM000`).
 */
import { type IdentifierCheck, ok, digitsOnlyProblem, invalid, showChar } from './result';

export const PRM_PATTERN = /^[0-9]{14}$/;
export const PCE_PATTERN = /^([0-9]{14}|GI[0-9]{6})$/;

/** Check a PRM / PDL number (14 digits). */
export function checkPrm(value: string): IdentifierCheck {
  const problem = digitsOnlyProblem(value, 'PRM/PDL', 'PRM/PDL numbers');
  if (problem) return problem;
  if (value.length !== 14) return invalid(`PRM/PDL numbers have 14 digits; this has ${value.length}`);
  return ok();
}

/** Check a PCE number (14 digits, or GI followed by 6 digits). */
export function checkPce(value: string): IdentifierCheck {
  if (value.length === 0) return invalid('PCE is empty');
  if (value.trim() !== value) return invalid('PCE has leading or trailing whitespace');
  if (PCE_PATTERN.test(value)) return ok();
  if (/^gi/i.test(value)) {
    const rest = value.slice(2);
    if (!value.startsWith('GI'))
      return invalid(`PCE numbers of the GI form start with upper-case GI; this starts with '${value.slice(0, 2)}'`);
    const bad = /[^0-9]/.exec(rest);
    if (bad) return invalid(`PCE numbers of the GI form have 6 digits after GI; found ${showChar(bad[0])} at position ${bad.index + 3}`);
    return invalid(`PCE numbers of the GI form have 6 digits after GI; this has ${rest.length}`);
  }
  const bad = /[^0-9]/.exec(value);
  if (bad)
    return invalid(`PCE numbers have 14 digits (or GI followed by 6 digits); found ${showChar(bad[0])} at position ${bad.index + 1}`);
  return invalid(`PCE numbers have 14 digits (or GI followed by 6 digits); this has ${value.length}`);
}
