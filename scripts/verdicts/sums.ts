/** Reviewed verdicts for the validators about sums, amounts, uniqueness and counts: by validator name (`validatorKey`). */
import { validatorKey } from '../../core/src/service/contract/validators';
import { KRAKEN_CONFIG, LATER, NOT_DECIDABLE, type Verdict } from './types';

export const SUM_VERDICTS: Record<string, Verdict> = {
  [validatorKey('Validate non zero balance adjustment equal to monthly difference')]: NOT_DECIDABLE(
    'the "monthly difference" between target_balance and current_balance is not defined (over how many months, which sign, how it is rounded to whole minor units)',
  ),
  [validatorKey('Validate that the payment amount for fixed payment schedules is within the minor currency unit range of 0 - upper_bound')]:
    KRAKEN_CONFIG(
      'the bounds are instance settings the contract does not publish (its name says 0 to upper_bound in minor units, its description lower_limit to unlimited in major units)',
    ),
  [validatorKey('Validate that the transactions for a voucher do not exceed its value')]: NOT_DECIDABLE(
    "neither contract's account has a vouchers field: a voucher's value and which transactions belong to it are not published",
  ),
  [validatorKey('Valdiate that only twin element meters have duplicate meter points')]: NOT_DECIDABLE(
    'the payload has no meter type: which meters are of the twin element type is not described',
  ),
  // Written (core/src/service/rules/amountSums.ts, countLimits.ts, marked `unreachable`) but inactive: the contracts declare
  // them on a discriminated branch (a SUPPLY_CHARGE transaction, an AU EMBEDDED_ELECTRICITY meter point) that the schema
  // view (core/src/service/schemaNav.ts) does not pick, so ctx.declared reports nothing there.
  [validatorKey('Validate that the total transaction amount is correct')]: LATER(
    "amount = line items' net_amount + tax_items' amount; written in `amount-sum`, inactive until the schema view picks a transaction's SUPPLY_CHARGE branch (it takes the first branch: every branch's own `type` enum lists every type)",
  ),
  ...Object.fromEntries(
    ['distributer', 'meter data provider', 'NMI status'].map((what) => [
      validatorKey(`Validate number of current ${what}`),
      LATER(
        "exactly one current entry; written in `count-limit`, inactive until the schema view picks an AU meter point's EMBEDDED_ELECTRICITY branch (the contract makes supply_type optional and the view keeps every branch as an alternative)",
      ),
    ]),
  ),
  [validatorKey('No repeated meter register IDs')]: {
    kind: 'partial',
    text: "checked in part: `no-duplicates` (error with Kraken's code) on GB electricity meter points; inactive on AU meter points (ElectricityMeterPoint, EmbeddedElecMeterPoint) until the schema view picks their branch (the contract makes supply_type optional and the view keeps every branch as an alternative); bundled schemas: not checked",
  },
};
