/** Reasons and readings several endpoint definitions share (one wording each). */
import type { RepeatSafety } from './types';

export const READ_ONLY: RepeatSafety = { safe: true, reason: 'a read: asking again changes nothing' };
export const CHECK_ONLY: RepeatSafety = { safe: true, reason: 'validation only checks the body; nothing is stored' };
export const NEVER_UNKNOWN = 'never: a lost answer is asked for again';
export const UNKNOWN_AFTER_SEND =
  'a gateway 502/504, or a connection lost after the request was sent: check in Kraken before sending it again';
