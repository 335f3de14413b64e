/**
 * Pure identifier checks (check digits and formats) for meter points, market locations, market partners, IBANs.
 * Each check takes the string as written and returns `{ valid, reason?, expected? }` (plus per-identifier extras).
 */
export type { IdentifierCheck } from './result';
export { bdewCheckDigit, gs1CheckDigit } from './checksums';
export { checkMpan, mpanCheckDigit, MPAN_WEIGHTS } from './mpan';
export { checkMprn, mprnCheckDigits, MPRN_MIN_LENGTH, MPRN_MAX_LENGTH } from './mprn';
export { checkMalo, maloCheckDigit } from './malo';
export { checkMelo, MELO_PATTERN, MELO_GERMAN_PATTERN } from './melo';
export type { MeloCheck } from './melo';
export { checkMarketPartnerId } from './marketPartner';
export type { MarketPartnerCheck, MarketPartnerScheme } from './marketPartner';
export { checkIban, ibanCheckDigits, IBAN_LENGTHS } from './iban';
export type { IbanCheck } from './iban';
export { checkPrm, checkPce, PRM_PATTERN, PCE_PATTERN } from './prm';
