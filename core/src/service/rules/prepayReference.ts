/**
 * Kraken's "Validate prepay customer reference number": on an electricity prepay meter, the
 * prepay_customer_reference_number must read as an integer once all whitespace is removed.
 */
import { activation, findingData } from './declared';
import { quote } from './messages';
import { selectObjects } from './select';
import type { Rule } from './types';

const VALIDATOR = 'Validate prepay customer reference number';
const CODE = 'invalid_prepay_customer_reference_number';

/** Python's int() of a string without whitespace: optional sign, decimal digits with single underscores between. */
const PYTHON_INT = /^[+-]?\p{Nd}+(?:_\p{Nd}+)*$/u;

export const prepayReference: Rule = {
  code: 'prepay-reference-number',
  severity: 'error',
  doc: 'On an electricity meter with is_prepay true, prepay_customer_reference_number is a whole number once whitespace is removed ("1234 5678" is fine, "CRN-1234" is not). Error with Kraken\'s code where the contract declares the validator on the field. Gas meters, meters not marked is_prepay: true and empty values are not judged (the description limits it to electricity prepay meters). Not checked under the bundled schemas.',
  kinds: ['account'],
  appliesTo: ['supply_addresses[].meter_points[].meters[].prepay_customer_reference_number'],
  implements: [{ name: VALIDATOR, codes: [CODE] }],
  check(ctx) {
    if (!ctx.underContract) return;
    for (const mp of selectObjects(ctx.root, 'supply_addresses[].meter_points[]')) {
      if (mp.value.supply_type !== 'ELECTRICITY') continue;
      for (const m of selectObjects(mp.value, 'meters[]', mp)) {
        const crn = m.value.prepay_customer_reference_number;
        if (m.value.is_prepay !== true || typeof crn !== 'string') continue;
        const compact = crn.replace(/\s+/g, '');
        if (compact === '' || PYTHON_INT.test(compact)) continue;
        const path = [...m.path, 'prepay_customer_reference_number'];
        const a = activation(ctx, [path], [VALIDATOR], CODE, undefined);
        if (!a) continue;
        ctx.report(
          path,
          `prepay_customer_reference_number ${quote(crn)} is not a whole number: on an electricity prepay meter Kraken reads it as an integer after removing spaces (${CODE}). Give the meter provider's numeric customer reference, digits only.`,
          { severity: a.severity, data: findingData(a) },
        );
      }
    }
  },
};
