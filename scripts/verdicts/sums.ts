/** Reviewed verdicts for the validators about sums, amounts, uniqueness and counts: by validator name (`validatorKey`). */
import { validatorKey } from '../../core/src/service/contract/validators';
import { KRAKEN_CONFIG, NOT_DECIDABLE, type Verdict } from './types';

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
};
