/** The severities in their one order, most severe first: lists, sorts and "at or above" all read it from here. */
import type { Severity } from './types';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** 0 for the most severe; a lower rank sorts first. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<
  Severity,
  number
>;
