/** Reviewed verdicts for the validators about required-if, not-both and structure: by validator name (`validatorKey`). */
import { validatorKey } from '../../core/src/service/contract/validators';
import { KRAKEN_CONFIG, KRAKEN_DATA, NOT_DECIDABLE, type Verdict } from './types';

export const STRUCTURE_VERDICTS: Record<string, Verdict> = {
  [validatorKey('Validate all billable meter points are covered by agreements in the payload')]: NOT_DECIDABLE(
    '"the period covered by Kraken from a billing perspective" is not defined (from the last billed date? the supply start?), and which meter points are billable depends on the date at send time',
  ),
  [validatorKey('Validate billing address fields')]: NOT_DECIDABLE('the "correct format" of a legacy billing address is not described'),
  [validatorKey('Validate life support registration state and life support status combination')]: NOT_DECIDABLE(
    'which registration_state / life_support_status combinations are valid is not listed',
  ),
  [validatorKey('Validate meter exchange readings provided')]: NOT_DECIDABLE(
    "which meters count as exchanged is not said: the AU contract's own example has meters removed in 2014 and 2016 with neither transfer_readings nor a reading on removed_on",
  ),
  [validatorKey('Validate that a last billed to date is provided for an exchanged meter')]: NOT_DECIDABLE(
    'which meters count as exchanged (and which replaces which) is not said: a meter with removed_on may predate the billing period Kraken takes over, as in the AU example (meters removed in 2014 and 2016), where no last billed date is asked for',
  ),
  [validatorKey('Validate that there are no current statement transactions for unbillable ledger')]: KRAKEN_CONFIG(
    'which ledger types never issue bills is configured per instance (ledger_code)',
  ),
  [validatorKey('Validate concession cards or credits paid without primary place of residence')]: NOT_DECIDABLE(
    'the exception for a "proprietor account" is not defined in the payload',
  ),
  [validatorKey('Validate exclusive role assignment')]: KRAKEN_DATA(
    'which roles are exclusively assignable is not published, and the roles a user already holds are in the instance',
  ),
  [validatorKey('Validate user role')]: NOT_DECIDABLE(
    "the contracts' own examples give customers without account_roles or portfolio_roles; whether a default role (or the singular role) satisfies it is not said",
  ),
  [validatorKey('Validate account type is valid')]: NOT_DECIDABLE(
    'which fields count as "an account type" (account_type, is_portfolio_lead, is_managed, unknown_occupier…) is not said',
  ),
  [validatorKey('Validate category and subcategory')]: KRAKEN_CONFIG(
    'the valid category and subcategory combinations per event type are not published',
  ),
  [validatorKey('Validate supply charge target')]: NOT_DECIDABLE('what a correctly supplied charge target in params is, is not described'),
  [validatorKey('Validate business user info against customer info')]: NOT_DECIDABLE('which "basic fields" must match is not listed'),
  [validatorKey('Validate that business information is provided if not linking account to business with contract')]: KRAKEN_CONFIG(
    "the import supplier's link_account_to_business_with_contract setting",
  ),
  [validatorKey('Validate that business information is not provided if linking an account to the business of the business contract.')]:
    KRAKEN_CONFIG("the import supplier's link_account_to_business_with_contract setting"),
  [validatorKey('Validate the business details value')]: KRAKEN_CONFIG('the validation configured for each registered business detail key'),
  [validatorKey('Validate that at least one contract identifier is provided for import')]: KRAKEN_CONFIG(
    'it is declared on BusinessWithExistingContracts, the branch Kraken applies when the import supplier configuration sets enforce_business_contracts_exist (the contract says so of the sibling "business is provided if enforcing business contracts"); the payload does not carry that setting',
  ),
  // Unnamed (name and description null in both contracts), known by its codes.
  'codes:missing_statement_path_or_pdf_context,received_statement_path_and_pdf_context': NOT_DECIDABLE(
    'the contracts give it no name or description; its codes name a pdf_context that the Statement schema does not publish, so whether statement_path alone is required is not said',
  ),
  [validatorKey('data-import--validation--commission-uplift-validation-for-contract--display-name')]: NOT_DECIDABLE(
    'its name and description are untranslated message keys; the codes (commission_type_requires_value, uplift_and_value_conflict) do not say which commission types need a value or which fields conflict',
  ),
  [validatorKey('Validate current AQ for billable meter point')]: {
    kind: 'clock',
    text: 'needs the current date in Kraken at send time ("a currently valid AQ") and which MPRNs are billable, which the contract does not define; not checked',
  },
};
