/** Reviewed verdicts for the validators about field formats: by validator name (`validatorKey`). */
import { validatorKey } from '../../core/src/service/contract/validators';
import { KRAKEN_CONFIG, KRAKEN_DATA, NOT_DECIDABLE, type Verdict } from './types';

export const FORMAT_VERDICTS: Record<string, Verdict> = {
  [validatorKey('Validate company number')]: NOT_DECIDABLE(
    'the company number format is not described (and it standardises the value); Companies House numbers are not named',
  ),
  [validatorKey('Validate loyalty card number')]: KRAKEN_CONFIG("each loyalty card scheme's number rules are not published"),
  [validatorKey('Validate meter serial number')]: NOT_DECIDABLE('"the specified industry format" is not specified'),
  [validatorKey('Validate sort code')]: NOT_DECIDABLE(
    'the region\'s sort code (AU: BSB) norms are not described, e.g. whether "123-456" with a dash is accepted',
  ),
  [validatorKey('Validate that scheme labels have the correct format')]: NOT_DECIDABLE(
    "scheme_labels is a dictionary: whether 'scheme-type:identifier' applies to its keys, its values or key:value pairs is not said",
  ),
  [validatorKey('Validate that the smart device ID is valid')]: NOT_DECIDABLE(
    'what makes a device ID valid is not described (the field shows one example, "01-23-45-67-89-AB-CD-EF")',
  ),
  [validatorKey('Validate electricity prepay meter has customer reference number')]: KRAKEN_CONFIG(
    'the field is required only when the migration involves no on-market switch (its description), which the payload does not show',
  ),
  [validatorKey("Validate that blackhole email addresses are paired with 'online' communication prefernence")]: NOT_DECIDABLE(
    'the description (online required with a blackhole address) and the code (blackhole_email_with_online_comms) contradict each other, and which addresses are blackhole addresses and on which field is not said',
  ),
  [validatorKey('Validate line item number of units')]: KRAKEN_DATA(
    "which line items are standing charges (the product's rates in the instance); the period's day count (inclusive or not) is not said either",
  ),
  [validatorKey('Validate payment frequency multiplier')]: NOT_DECIDABLE(
    'the description ("52 when monthly and 12 when yearly") does not match the frequencies (WEEKLY, MONTHLY), so the limits are not certain',
  ),
  [validatorKey('Validate provided dictionary content types')]: NOT_DECIDABLE(
    'the key and value types it checks against are not published (the field is a plain object)',
  ),
};
