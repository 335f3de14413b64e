/** Reviewed verdicts for the validators about field formats: by validator name (`validatorKey`). */
import type { Verdict } from './types';

export const FORMAT_VERDICTS: Record<string, Verdict> = {};
