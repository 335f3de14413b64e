/**
 * Redaction of personal data for logs and output channels.
 *
 * `redact(value)` returns a deep copy with the values of known personal keys replaced and email-, phone- and
 * IBAN-looking strings replaced anywhere; `redactText(text)` does the second part on free text (log lines, error
 * details). `{ show: true }` returns the input unchanged (the user asked to see personal data).
 */

export const REDACTED = '«redacted»';

export interface RedactOptions {
  /** Show personal data (no redaction). */
  show?: boolean;
}

/** Keys whose values are personal data wherever they appear. */
const PERSONAL_KEYS = new Set([
  'given_name',
  'family_name',
  'first_name',
  'last_name',
  'middle_name',
  'full_name',
  'preferred_name',
  'pronouns',
  'billing_name',
  'billing_sub_name',
  'billing_attention_of',
  'account_holder',
  'account_holder_name',
  'name_on_account',
  'email',
  'billing_email',
  'email_address',
  'mobile',
  'landline',
  'phone',
  'phone_number',
  'telephone',
  'alternative_phone_numbers',
  'date_of_birth',
  'dob',
  'birth_date',
  'iban',
  'bic',
  'sort_code',
  'bank_account_number',
  'bsb',
  'card_number',
  'national_insurance_number',
  'tax_id',
  'passport_number',
  'driving_licence_number',
  'billing_postcode',
  'supply_postcode',
  'postcode',
  'postal_code',
  'street_address',
  'structured_street_address',
  'address',
  'address_line_1',
  'address_line_2',
  'address_line_3',
  'delivery_point_identifier',
  'billing_delivery_point_identifier',
  'password',
  'security_answer',
  'user_details',
]);

/** Key patterns: billing_address, billing_address1..5, supply_address1..5, address1.. */
const PERSONAL_KEY_PATTERNS = [/^billing_address\d?$/, /^supply_address\d$/, /^address\d$/, /^(legal|postal|correspondence)_address\d?$/];

/** Objects whose every leaf is personal (a bank account, a structured address). */
const PERSONAL_OBJECTS = new Set([
  'bank_account',
  'billing_address',
  'legal_address',
  'postal_address',
  'address',
  'structured_street_address',
]);

/** The local part is bounded (64, as in RFC 5321): unbounded, a long run of letters costs quadratic time. */
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}/g;
/**
 * IBAN: two letters, two digits, then groups of four alphanumerics and a last shorter group, written compact or
 * grouped (spaces or dashes), in either case (`gb82 west 1234 5698 7654 32`). Groups, not single characters, so a
 * grouped IBAN does not swallow the words after it.
 */
const IBAN = /\b[A-Z]{2}\d{2}(?:(?: {1,2}|-)?[A-Z0-9]{4}){2,7}(?:(?: {1,2}|-)?[A-Z0-9]{1,4})?\b/gi;
/** Phone: +CC… or a national number starting with 0, 9–15 digits, with spaces, dashes, dots or brackets. */
const PHONE = /(?:\+\d{1,3}[\s.-]?|\b0)(?:\(?\d{1,5}\)?[\s.-]?){2,6}\d{2,}\b/g;

function isPersonalKey(key: string): boolean {
  return PERSONAL_KEYS.has(key) || PERSONAL_KEY_PATTERNS.some((p) => p.test(key));
}

function digitCount(s: string): number {
  return (s.match(/\d/g) ?? []).length;
}

/**
 * A dotted payload path (`customers.0.email`, `payment_instructions.0.bank_account.iban`, `billing_address1`) whose
 * value is personal data: one of its keys is personal, or it lies inside a bank account or an address object.
 */
export function isPersonalPath(path: string): boolean {
  const keys = path.split('.').filter((k) => k && !/^\d+$/.test(k));
  return keys.some((k, i) => isPersonalKey(k) || PERSONAL_OBJECTS.has(k) || (k === 'account_number' && keys[i - 1] === 'bank_account'));
}

const QUOTED = /"(?:[^"\\\n]|\\.)*"/g;

/**
 * A message about the field at `path` (a Kraken error's `detail`, a finding's message): when the field is personal,
 * the quoted values in it (`"johann@@example" is not a valid email`) are replaced too, since they need not look like
 * an email, a phone number or an IBAN to be one (a malformed one, a date of birth).
 */
export function redactFieldMessage(path: string | null | undefined, message: string, options: RedactOptions = {}): string {
  if (options.show) return message;
  const quoted = path && isPersonalPath(path) ? message.replace(QUOTED, `"${REDACTED}"`) : message;
  return redactText(quoted, options);
}

/** `customers.0.email: "…"` in free text (an outcome's first error): the quoted value of a personal path. */
/** Bounded (64 characters a key, 16 keys): unbounded, a long dotted text costs quadratic time. */
const PATH_THEN_VALUE = /\b([A-Za-z_]\w{0,63}(?:\.\w{1,64}){0,16}): ("(?:[^"\\\n]|\\.)*")/g;

/** A personal value this long is redacted wherever else it stands in the same text; shorter ones only where quoted. */
const MIN_ECHOED = 4;

/**
 * Replaces email-, IBAN- and phone-looking substrings, and the quoted value after a personal field's path
 * (`customers.0.date_of_birth: "1997-13-45"`) together with any other place in the text that value stands (a message
 * that quotes it twice: `"abcde" is not a phone number … with "abcde is not a valid phone number"`). Dates, amounts
 * and identifiers without a leading 0 or + stay.
 */
export function redactText(text: string, options: RedactOptions = {}): string {
  if (options.show) return text;
  const echoed: string[] = [];
  let out = text.replace(PATH_THEN_VALUE, (m, path: string, quoted: string) => {
    if (!isPersonalPath(path)) return m;
    const value = quoted.slice(1, -1);
    if (value.length >= MIN_ECHOED) echoed.push(value);
    return `${path}: "${REDACTED}"`;
  });
  for (const value of echoed) out = out.split(value).join(REDACTED);
  return out
    .replace(EMAIL, REDACTED)
    .replace(IBAN, (m) => (digitCount(m) >= 6 ? REDACTED : m))
    .replace(PHONE, (m) => {
      const digits = digitCount(m);
      // ISO dates and times are not phone numbers.
      if (/^\d{4}-\d{2}-\d{2}/.test(m.trim())) return m;
      return digits >= 9 && digits <= 15 ? REDACTED : m;
    });
}

function redactLeaf(v: unknown): unknown {
  if (v === null || v === undefined || v === '') return v;
  return REDACTED;
}

function redactAll(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactAll);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = redactAll(x);
    return out;
  }
  return redactLeaf(v);
}

function walk(value: unknown, parentKey: string | undefined): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, parentKey));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // A Kraken error ({attr, detail}) or a journal error ({path, message}) about a personal field.
    const record = value as Record<string, unknown>;
    const fieldPath = typeof record.attr === 'string' ? record.attr : typeof record.path === 'string' ? record.path : undefined;
    const personalField = fieldPath !== undefined && isPersonalPath(fieldPath);
    for (const [k, v] of Object.entries(value)) {
      if (personalField && (k === 'detail' || k === 'message') && typeof v === 'string') out[k] = redactFieldMessage(fieldPath, v);
      else if (PERSONAL_OBJECTS.has(k) && v !== null && typeof v === 'object') out[k] = redactAll(v);
      else if (isPersonalKey(k)) out[k] = v !== null && typeof v === 'object' ? redactAll(v) : redactLeaf(v);
      // `account_number` is a bank account number inside bank details, a Kraken account number (A-1234ABCD) elsewhere.
      else if (k === 'account_number' && typeof v === 'string' && (parentKey === 'bank_account' || !/^[A-Z]-[0-9A-F]{6,}$/i.test(v)))
        out[k] = REDACTED;
      else out[k] = walk(v, k);
    }
    return out;
  }
  return value;
}

/** A redacted deep copy of a JSON value (the input is not modified). */
export function redact<T>(value: T, options: RedactOptions = {}): T {
  if (options.show) return value;
  return walk(value, undefined) as T;
}
