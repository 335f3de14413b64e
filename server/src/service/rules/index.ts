/** The migration rules, one file each. Order does not matter; codes must be unique. */
import type { Rule } from './types';
import { dateOrder } from './dateOrder';
import { ledgerCodeReference } from './ledgerCodeReference';

export const RULES: readonly Rule[] = [dateOrder, ledgerCodeReference];

export type { Rule, RuleContext } from './types';
