/** Redaction of validate's machine outputs (json, sarif, github, --summary): the redactor `send` uses for Kraken's answers. */
import { redactFieldMessage, redactText } from '../../core/src/kraken';
import type { FileReport } from './format';

/** Findings whose quotes are property names, not values: only value-looking text (emails, IBANs…) is redacted. */
const QUOTES_NAMES = new Set(['missing-property', 'unknown-property', 'duplicate-key']);

/** A report whose messages quote no personal value: the redactor and path rules `send` uses for Kraken's answers. */
export function redactReport<R extends FileReport>(r: R): R {
  return {
    ...r,
    ...(r.skipped ? { skipped: redactText(r.skipped) } : {}),
    diagnostics: r.diagnostics.map((d) => ({
      ...d,
      message: QUOTES_NAMES.has(d.code) ? redactText(d.message) : redactFieldMessage(d.path, d.message),
    })),
  };
}

export { redactText };
