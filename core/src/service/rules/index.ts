/** The migration rules, one file each. Order does not matter; codes must be unique. */
import type { Rule } from './types';
import { agreementStart } from './agreementStart';
import { balances } from './balances';
import { customerFamilyName } from './customerFamilyName';
import { dateInFuture } from './dateInFuture';
import { dateOrder } from './dateOrder';
import { domesticBusiness } from './domesticBusiness';
import { exclusiveFields } from './exclusiveFields';
import { paymentSchedules } from './paymentSchedules';
import { requiredWhen } from './requiredWhen';
import { requiredIf } from './requiredIf';
import { accountStructure } from './accountStructure';
import { statementDates } from './statementDates';
import { uniqueChildren } from './uniqueChildren';
import { decimalAmount } from './decimalAmount';
import { documentPath } from './documentPath';
import { ibanCheck } from './ibanCheck';
import { ledgerCodeReference } from './ledgerCodeReference';
import { ledgerIdentifierReference } from './ledgerIdentifierReference';
import { maloCheckDigit } from './maloCheckDigit';
import { marketPartnerCheckDigit } from './marketPartnerCheckDigit';
import { meloFormat } from './meloFormat';
import { mpanCheckDigit } from './mpanCheckDigit';
import { mprnCheckDigit } from './mprnCheckDigit';
import { noteContent } from './noteContent';
import { numberPrecision } from './numberPrecision';
import { phoneNumber } from './phoneNumber';
import { prmFormat } from './prmFormat';
import { referenceExclusive } from './referenceExclusive';
import { transferReadingMeter } from './transferReadingMeter';
import { uniqueIds } from './uniqueIds';
import { fieldFormats } from './fieldFormats';
import { occupierName } from './occupierName';
import { billingDocumentIdentifier } from './billingDocumentIdentifier';
import { prepayReference } from './prepayReference';
import { lifeSupportContact } from './lifeSupportContact';
import { amountSums } from './amountSums';
import { duplicateValues } from './duplicateValues';
import { countLimits } from './countLimits';
import { uniformValues } from './uniformValues';
import { periodLists } from './periodLists';
import { contributionPeriods } from './contributionPeriods';
import { eepaPeriods } from './eepaPeriods';
import { orderedDates } from './orderedDates';
import { futureDates } from './futureDates';
import { dayOfMonth } from './dayOfMonth';
import { billedToDate } from './billedToDate';
import { statementOrder } from './statementOrder';

export const RULES: readonly Rule[] = [
  dateOrder,
  ledgerCodeReference,
  ledgerIdentifierReference,
  transferReadingMeter,
  uniqueIds,
  noteContent,
  referenceExclusive,
  documentPath,
  decimalAmount,
  numberPrecision,
  phoneNumber,
  ibanCheck,
  maloCheckDigit,
  meloFormat,
  marketPartnerCheckDigit,
  mpanCheckDigit,
  mprnCheckDigit,
  prmFormat,
  dateInFuture,
  customerFamilyName,
  agreementStart,
  balances,
  paymentSchedules,
  exclusiveFields,
  statementDates,
  uniqueChildren,
  domesticBusiness,
  requiredWhen,
  fieldFormats,
  occupierName,
  billingDocumentIdentifier,
  prepayReference,
  lifeSupportContact,
  amountSums,
  duplicateValues,
  countLimits,
  uniformValues,
  periodLists,
  contributionPeriods,
  eepaPeriods,
  orderedDates,
  futureDates,
  dayOfMonth,
  billedToDate,
  statementOrder,
  requiredIf,
  accountStructure,
];

export type { Rule, RuleContext } from './types';
