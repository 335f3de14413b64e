/** Reviewed verdicts for the validators about sums, amounts, uniqueness and counts: by validator name (`validatorKey`). */
import type { Verdict } from './types';

export const SUM_VERDICTS: Record<string, Verdict> = {};
