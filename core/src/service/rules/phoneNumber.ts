/**
 * Customers' phone numbers, checked with libphonenumber-js (`max` metadata: per-type number ranges, the same data
 * Google's libphonenumber has; +75 KB over `min`, which only knows lengths and would pass numbers Kraken's
 * validator most likely rejects).
 *
 * Kraken documents one case: "abcde is not a valid phone number" (`invalid_phone_number`). Which library and
 * which default region it uses is not documented, so:
 * - a value with no phone number in it at all (no digits, or a single digit) is an error: no validator accepts it;
 * - a number in international form (+49…) that is not valid for its country, or a national number (0174…) that is
 *   not valid for the payload's country, is a warning;
 * - a national number whose country the payload does not show is not checked.
 * An empty string is allowed (the seed account sends `"landline": ""`).
 */
import { parsePhoneNumberWithError, ParseError, isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { quote } from './messages';
import { marketOf } from './market';
import { isRecord, selectObjects } from './select';
import type { Rule } from './types';

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

export const phoneNumber: Rule = {
  code: 'phone-number',
  severity: 'error',
  doc: 'Customers\' mobile, landline and alternative_phone_numbers[].phone_number are phone numbers (Kraken: invalid_phone_number). Error for a value with no phone number in it ("abcde"); warning for a number not valid for its country (Kraken\'s library and default region are not documented). National numbers are read in billing_address.country or the market the supply points show; "" is allowed.',
  kinds: ['account'],
  appliesTo: ['customers[].mobile', 'customers[].landline', 'customers[].alternative_phone_numbers[].phone_number'],
  check(ctx) {
    let country: ReturnType<typeof payloadCountry> | null = null; // computed on the first national number
    const fields: Array<{ value: unknown; path: (string | number)[]; name: string }> = [];
    for (const c of selectObjects(ctx.root, 'customers[]')) {
      // only numbers that are there: a path per absent field costs gigabytes on a million customers
      for (const name of ['mobile', 'landline'])
        if (typeof c.value[name] === 'string') fields.push({ value: c.value[name], path: [...c.path, name], name });
      for (const alt of selectObjects(c.value, 'alternative_phone_numbers[]', c.path)) {
        if (typeof alt.value.phone_number === 'string')
          fields.push({ value: alt.value.phone_number, path: [...alt.path, 'phone_number'], name: 'phone_number' });
      }
    }
    for (const { value, path, name } of fields) {
      if (typeof value !== 'string' || value.trim() === '') continue;
      const international = /^\s*(?:tel:)?\s*\+/.test(value);
      if (!international && country === null) country = payloadCountry(ctx.root);
      const region = international ? undefined : country?.country;
      try {
        const parsed = parsePhoneNumberWithError(value, region ? { defaultCountry: region } : undefined);
        if (parsed.isValid()) continue;
        const where = parsed.country ?? `+${parsed.countryCallingCode}`;
        ctx.report(
          path,
          international
            ? `${quote(value)} is not a valid phone number for ${where}: no number of that length or range is in use there. Check the ${name}; Kraken rejects numbers its validator finds invalid (invalid_phone_number).`
            : `${quote(value)} is not a valid ${region} phone number (read as ${region} because ${country?.reason}). Check the ${name}, or write it in international form (+ and country code) if it is from another country.`,
          { severity: 'warning', data: { country: where } },
        );
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        const certain = ERROR_REASONS[error.message];
        if (certain) {
          ctx.report(
            path,
            `${quote(value)} is not a phone number (${certain}): Kraken rejects it with "${value.trim()} is not a valid phone number". Enter the customer's number, best in international form (+, country code, number), or "" if there is none.`,
            { data: { reason: error.message } },
          );
        } else if (international) {
          const why =
            error.message === 'INVALID_COUNTRY'
              ? 'the digits after + are not a country calling code'
              : error.message === 'TOO_LONG'
                ? 'it has too many digits'
                : 'it cannot be read as a phone number';
          ctx.report(
            path,
            `${quote(value)} is not a valid phone number: ${why}. Check the ${name}; Kraken rejects numbers its validator finds invalid (invalid_phone_number).`,
            {
              severity: 'warning',
              data: { reason: error.message },
            },
          );
        } else if (region) {
          ctx.report(
            path,
            `${quote(value)} is not a valid ${region} phone number (read as ${region} because ${country?.reason}): ${error.message === 'TOO_LONG' ? 'it has too many digits' : 'it cannot be read as a phone number'}. Check the ${name}.`,
            { severity: 'warning', data: { reason: error.message } },
          );
        }
        // A national number without a known country: not checked.
      }
    }
  },
};
