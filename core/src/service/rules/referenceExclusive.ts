import { isRecord } from './select';
import type { Rule } from './types';

export const referenceExclusive: Rule = {
  code: 'reference-exclusive',
  severity: 'error',
  doc: 'A payment instruction gives exactly one of reference and instruction_reference (Kraken: mutually_exclusive_field_required).',
  kinds: ['payment-instruction'],
  appliesTo: ['reference', 'instruction_reference'],
  check(ctx) {
    const root = ctx.root;
    if (!isRecord(root)) return;
    const has = (k: string) => root[k] !== undefined && root[k] !== null;
    const reference = has('reference');
    const instruction = has('instruction_reference');
    if (reference && instruction) {
      ctx.report(
        ['instruction_reference'],
        'Give only one of reference and instruction_reference: Kraken rejects a payment instruction with both (mutually_exclusive_field_required). Both name the mandate or card reference at the vendor: keep one and remove the other.',
        { target: 'key' },
      );
    } else if (!reference && !instruction) {
      ctx.report(
        [],
        'Missing the reference at the vendor: give "reference" (or the older "instruction_reference", not both). Kraken rejects a payment instruction without one (mutually_exclusive_field_required).',
        { target: 'owner' },
      );
    }
  },
};
