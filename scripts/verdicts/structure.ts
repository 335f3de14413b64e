/** Reviewed verdicts for the validators about required-if, not-both and structure: by validator name (`validatorKey`). */
import type { Verdict } from './types';

export const STRUCTURE_VERDICTS: Record<string, Verdict> = {};
