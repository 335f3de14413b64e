/**
 * Kraken's "Validate life support contact user email" (AU): a life support registration whose preferred contact
 * method is EMAIL_ADDRESS needs a contact customer with an email, PHONE one with a mobile or landline.
 *
 * The contact is the account user named by contact_user_email (in the payload or already in Kraken), otherwise the
 * payload's first customer (the field's description). Whether "requires customer with email" means the contact or
 * any customer is not said, and a contact_user_email may name a user only Kraken knows; so only the certain case is
 * flagged: no contact_user_email, and no customer of the payload has what the method needs.
 */
import { activation, findingData } from './declared';
import { provided } from './provided';
import { isRecord, selectObjects } from './select';
import type { Rule } from './types';

const VALIDATOR = 'Validate life support contact user email';
const CODE = 'missing_contact_user_email_or_phone';

const NEEDS: Record<string, { fields: readonly string[]; what: string }> = {
  EMAIL_ADDRESS: { fields: ['email'], what: 'an email' },
  PHONE: { fields: ['mobile', 'landline'], what: 'a mobile or landline number' },
};

export const lifeSupportContact: Rule = {
  code: 'life-support-contact',
  severity: 'error',
  doc: "A life support registration (supply_addresses[].life_support) whose preferred_contact_method is EMAIL_ADDRESS or PHONE has a customer to contact that way: without contact_user_email the payload's first customer is the contact, and when no customer has an email (EMAIL_ADDRESS) or a mobile or landline (PHONE) it is an error with Kraken's code where the contract declares the validator on the account. Doubt: whether the contact or any customer must have it is not said, and contact_user_email may name a user already in Kraken, so a given contact_user_email is not judged. Not checked under the bundled schemas.",
  kinds: ['account'],
  appliesTo: ['supply_addresses[].life_support.preferred_contact_method'],
  implements: [{ name: VALIDATOR, codes: [CODE] }],
  check(ctx) {
    if (!ctx.underContract) return;
    const customers = selectObjects(ctx.root, 'customers[]').map((c) => c.value);
    if (customers.length === 0) return;
    for (const sa of selectObjects(ctx.root, 'supply_addresses[]')) {
      const ls = sa.value.life_support;
      if (!isRecord(ls) || provided(ls.contact_user_email) || typeof ls.preferred_contact_method !== 'string') continue;
      const need = NEEDS[ls.preferred_contact_method];
      if (!need || customers.some((c) => need.fields.some((f) => provided(c[f])))) continue;
      const a = activation(ctx, [[]], [VALIDATOR], CODE, undefined);
      if (!a) return;
      ctx.report(
        [...sa.path, 'life_support', 'preferred_contact_method'],
        `The life support preferred_contact_method is ${ls.preferred_contact_method}, but no customer has ${need.what} (${need.fields.join(' or ')}) and no contact_user_email is given: Kraken cannot contact the life support customer that way (${CODE}). Add ${need.what} to the customer to contact (the first customer unless contact_user_email names another), or choose another contact method.`,
        { severity: a.severity, data: findingData(a) },
      );
    }
  },
};
