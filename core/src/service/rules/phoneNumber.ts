/**
 * Customers' phone numbers, checked with libphonenumber-js (`max` metadata: per-type number ranges, the same data
 * Google's libphonenumber has; +75 KB over `min`, which only knows lengths and would pass numbers Kraken's
 * validator most likely rejects).
 *
 * Kraken documents one case: "abcde is not a valid phone number" (`invalid_phone_number`). Under the bundled schemas,
 * where which library and which default region Kraken uses is not known:
 * - a value with no phone number in it at all (no digits, or a single digit) is an error: no validator accepts it;
 * - a number in international form (+49…) that is not valid for its country, or a national number (0174…) that is
 *   not valid for the payload's country, is a warning;
 * - a national number whose country the payload does not show is not checked.
 * An empty string is allowed (the seed account sends `"landline": ""`).
 *
 * Under an instance contract the rule implements the declared validators (Kraken's code invalid_phone_number), only on
 * fields where the contract declares one of them:
 * - "Validate Australian landline/mobile/phone number": the number must be a valid Australian number (read in AU);
 *   a landline must not be a mobile number, a mobile not a fixed-line, toll-free or shared-cost number (other types
 *   are left alone: the description does not say);
 * - "Validate phone number" (the norms of the migration's region): where the region is certain — the contract
 *   declares Australian phone validators on the payload's customers (AU), or the payload has GB meter points (GB) —
 *   a number libphonenumber finds invalid read in that region is an error; a valid number of another country in
 *   international form is not flagged (whether Kraken accepts foreign numbers is not said). Where the region is not
 *   certain, the bundled behaviour applies, and only "no phone number in it" carries Kraken's code.
 */
import { parsePhoneNumberWithError, ParseError, isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import type { Severity } from '../types';
import { activation, findingData } from './declared';
import { quote } from './messages';
import { marketOf } from './market';
import { isRecord, SelectedField, selectObjects, type Selected } from './select';
import type { Rule, RuleContext } from './types';

const GENERIC = 'Validate phone number';
const AU_LANDLINE = 'Validate Australian landline number';
const AU_MOBILE = 'Validate Australian mobile number';
const AU_ANY = 'Validate Australian phone number';
const AU_NAMES = [AU_LANDLINE, AU_MOBILE, AU_ANY] as const;
const CODE = 'invalid_phone_number';

/** The country national numbers are read in, and why; undefined when the payload does not show it. */
function payloadCountry(root: unknown): { country: CountryCode; reason: string } | undefined {
  if (isRecord(root) && isRecord(root.billing_address) && typeof root.billing_address.country === 'string') {
    const c = root.billing_address.country.trim().toUpperCase();
    if (isSupportedCountry(c)) return { country: c, reason: `billing_address.country is ${c}` };
  }
  const m = marketOf(root);
  return m ? { country: m.market, reason: m.reason } : undefined;
}

const ERROR_REASONS: Record<string, string> = {
  NOT_A_NUMBER: 'there is no phone number in it',
  TOO_SHORT: 'one digit is not a phone number',
};

/** A phone field of the payload (its value a string). */
type Field = SelectedField<string>;

interface Judgement {
  severity: Severity;
  message: string;
  data: Record<string, unknown>;
  /** True when no validator accepts it (it carries Kraken's code under a contract). */
  certain?: boolean;
}

/** The phone fields of the payload; property administrators' only under a contract (the bundled schemas have none). */
function phoneFields(root: unknown, underContract: boolean): Field[] {
  const fields: Field[] = [];
  const add = (at: Selected<Record<string, unknown>>, names: readonly string[]) => {
    for (const name of names) if (typeof at.value[name] === 'string') fields.push(new SelectedField<string>(at, name));
  };
  // only numbers that are there: a path per absent field costs gigabytes on a million customers
  for (const c of selectObjects(root, 'customers[]')) {
    add(c, ['mobile', 'landline']);
    for (const alt of selectObjects(c.value, 'alternative_phone_numbers[]', c)) add(alt, ['phone_number']);
  }
  if (underContract) for (const p of selectObjects(root, 'supply_addresses[].property_administrators[]')) add(p, ['mobile', 'landline']);
  return fields;
}

/** The bundled behaviour: see the file's comment. Undefined: nothing to say. */
function judgeLoosely(value: string, name: string, country: { country: CountryCode; reason: string } | undefined): Judgement | undefined {
  const international = /^\s*(?:tel:)?\s*\+/.test(value);
  const region = international ? undefined : country?.country;
  try {
    const parsed = parsePhoneNumberWithError(value, region ? { defaultCountry: region } : undefined);
    if (parsed.isValid()) return undefined;
    const where = parsed.country ?? `+${parsed.countryCallingCode}`;
    const message = international
      ? `${quote(value)} is not a valid phone number for ${where}: no number of that length or range is in use there. Check the ${name}; Kraken rejects numbers its validator finds invalid (invalid_phone_number).`
      : `${quote(value)} is not a valid ${region} phone number (read as ${region} because ${country?.reason}). Check the ${name}, or write it in international form (+ and country code) if it is from another country.`;
    return { severity: 'warning', message, data: { country: where } };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const certain = ERROR_REASONS[error.message];
    if (certain) {
      const message = `${quote(value)} is not a phone number (${certain}): Kraken rejects it with "${value.trim()} is not a valid phone number". Enter the customer's number, best in international form (+, country code, number), or "" if there is none.`;
      return { severity: 'error', message, data: { reason: error.message }, certain: true };
    }
    const why =
      error.message === 'INVALID_COUNTRY'
        ? 'the digits after + are not a country calling code'
        : error.message === 'TOO_LONG'
          ? 'it has too many digits'
          : 'it cannot be read as a phone number';
    if (international) {
      const message = `${quote(value)} is not a valid phone number: ${why}. Check the ${name}; Kraken rejects numbers its validator finds invalid (invalid_phone_number).`;
      return { severity: 'warning', message, data: { reason: error.message } };
    }
    if (region) {
      const message = `${quote(value)} is not a valid ${region} phone number (read as ${region} because ${country?.reason}): ${error.message === 'TOO_LONG' ? 'it has too many digits' : 'it cannot be read as a phone number'}. Check the ${name}.`;
      return { severity: 'warning', message, data: { reason: error.message } };
    }
    return undefined; // A national number without a known country: not checked.
  }
}

const NOT_MOBILE = new Set(['FIXED_LINE', 'TOLL_FREE', 'SHARED_COST', 'PREMIUM_RATE']);

/** Why a number is certainly not accepted in `region` (and, for the Australian validators, as that kind of number). */
function problemIn(value: string, region: CountryCode, au: string | undefined): string | undefined {
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(value, { defaultCountry: region });
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return error.message === 'TOO_LONG'
      ? 'it has too many digits'
      : error.message === 'INVALID_COUNTRY'
        ? 'the digits after + are not a country calling code'
        : 'it cannot be read as a phone number';
  }
  if (!parsed.isValid()) return `no ${parsed.country ?? `+${parsed.countryCallingCode}`} number of that length or range is in use`;
  if (!au) return undefined;
  if (parsed.country !== 'AU') return `it is a ${parsed.country ?? `+${parsed.countryCallingCode}`} number, not an Australian one`;
  const type = parsed.getType();
  if (au === AU_LANDLINE && type === 'MOBILE') return 'it is an Australian mobile number, not a landline';
  if (au === AU_MOBILE && type && NOT_MOBILE.has(type))
    return `it is an Australian ${type.toLowerCase().replace(/_/g, '-')} number, not a mobile`;
  return undefined;
}

/** The migration's region under a contract, when certain (see the file's comment). */
function contractRegion(ctx: RuleContext, fields: readonly Field[]): { region: CountryCode; reason: string } | undefined {
  for (const f of fields)
    if (activation(ctx, [f.path], AU_NAMES, CODE, undefined))
      return { region: 'AU', reason: 'the contract declares Australian phone validators' };
  return marketOf(ctx.root)?.market === 'GB' ? { region: 'GB', reason: 'the payload has GB meter points' } : undefined;
}

/** Under a contract: the declared validators on each field (see the file's comment). */
function checkUnderContract(ctx: RuleContext, fields: readonly Field[]): void {
  let region: ReturnType<typeof contractRegion> | null = null; // computed on the first field with the generic validator only
  let country: ReturnType<typeof payloadCountry> | null = null;
  for (const f of fields) {
    if (f.value.trim() === '') continue;
    let au: string | undefined;
    let a = undefined;
    for (const n of AU_NAMES) {
      a = activation(ctx, [f.path], [n], CODE, undefined);
      if (a) {
        au = n;
        break;
      }
    }
    a ??= activation(ctx, [f.path], [GENERIC], CODE, undefined);
    if (!a) continue;
    if (!au && region === null) region = contractRegion(ctx, fields);
    const known = au ? { region: 'AU' as CountryCode, reason: `the contract declares "${au}" on it` } : region;
    if (known) {
      const why = problemIn(f.value, known.region, au);
      if (why === undefined) continue;
      const valid = known.region === 'AU' ? 'Australian' : known.region;
      ctx.report(
        f.path,
        `${quote(f.value)} is not accepted as the ${f.name}: ${why} (read as ${known.region}: ${known.reason}). Kraken rejects it (${CODE}); give a valid ${valid} number${au ? '' : ', or one in international form (+ and country code) if it is from another country'}, or "" if there is none.`,
        { severity: a.severity, data: findingData(a, { region: known.region }) },
      );
      continue;
    }
    if (country === null) country = payloadCountry(ctx.root);
    const j = judgeLoosely(f.value, f.name, country);
    if (j) ctx.report(f.path, j.message, { severity: j.severity, data: j.certain ? findingData(a, j.data) : j.data });
  }
}

export const phoneNumber: Rule = {
  code: 'phone-number',
  severity: 'error',
  doc: 'Customers\' mobile, landline and alternative_phone_numbers[].phone_number are phone numbers (Kraken: invalid_phone_number). Bundled schemas: error for a value with no phone number in it ("abcde"); warning for a number not valid for its country (Kraken\'s library and default region are not documented); national numbers are read in billing_address.country or the market the supply points show; "" is allowed. Under a contract, only where it declares a phone validator on the field (property administrators\' numbers too): an error with Kraken\'s code for a number libphonenumber finds invalid in the region — Australian for the Australian validators (a mobile in a landline field and a fixed-line number in a mobile field too), the migration\'s region for "Validate phone number" when certain (Australian validators declared on the payload\'s customers: AU; GB meter points: GB); a valid foreign number in international form is not flagged (whether Kraken accepts it is not said).',
  kinds: ['account'],
  appliesTo: [
    'customers[].mobile',
    'customers[].landline',
    'customers[].alternative_phone_numbers[].phone_number',
    'supply_addresses[].property_administrators[].mobile',
    'supply_addresses[].property_administrators[].landline',
  ],
  implements: [
    { name: GENERIC, codes: [CODE] },
    { name: AU_LANDLINE, codes: [CODE] },
    { name: AU_MOBILE, codes: [CODE] },
    { name: AU_ANY, codes: [CODE] },
  ],
  check(ctx) {
    const fields = phoneFields(ctx.root, ctx.underContract);
    if (ctx.underContract) {
      checkUnderContract(ctx, fields);
      return;
    }
    let country: ReturnType<typeof payloadCountry> | null = null; // computed on the first national number
    for (const f of fields) {
      if (f.value.trim() === '') continue;
      if (country === null && !/^\s*(?:tel:)?\s*\+/.test(f.value)) country = payloadCountry(ctx.root);
      const j = judgeLoosely(f.value, f.name, country ?? undefined);
      if (j) ctx.report(f.path, j.message, { severity: j.severity, data: j.data });
    }
  },
};
