/** Reviewed verdicts for the validators about dates, periods, overlaps, gaps and the clock: by validator name (`validatorKey`). */
import type { Verdict } from './types';

export const DATE_VERDICTS: Record<string, Verdict> = {};
