/** Reviewed verdicts for the validators about dates, periods, overlaps, gaps and the clock: by validator name (`validatorKey`). */
import { validatorKey } from '../../core/src/service/contract/validators';
import { NOT_DECIDABLE, type Verdict } from './types';

export const DATE_VERDICTS: Record<string, Verdict> = {
  [validatorKey('Validate all contracts in the payload cover last billed due date')]: NOT_DECIDABLE(
    '"last billed due date" is not a payload field; read as last_billed_to_date, the contract\'s own example (its only agreement ends 2019-06-01, last_billed_to_date 2019-08-01) would fail it, so the intended reading is not the literal one',
  ),
  [validatorKey('Validate no unbilled period on former supply addresses')]: NOT_DECIDABLE(
    'what "fully billed" compares (which last_billed_to_date against customer_at_supply_address_to_date, and how) and when supply address history counts as imported are not said',
  ),
  [validatorKey('Validate manually defined eligibility periods')]: NOT_DECIDABLE(
    'which manually defined rebate periods need a concession card is not listed, and what counts as a primary address is not said',
  ),
};
