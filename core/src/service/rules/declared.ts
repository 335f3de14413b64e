/**
 * Rules that implement a Kraken validator (`x-validators` of a served contract): where they apply, with which
 * severity and which of Kraken's error codes.
 */
import { validatorKey } from '../contract/validators';
import type { JsonPath, Severity } from '../types';
import type { RuleContext } from './types';

export interface Activation {
  severity: Severity;
  /** Kraken's error code, under a contract that declares the validator. */
  krakenCode?: string;
  /** The key (`validatorKey`) of the declared validator that made the rule active. */
  validator?: string;
}

/**
 * How a check implementing one of `names` (Kraken validator names, plain text) applies at `paths` (the object the
 * validator is declared on, or its field): under a contract, an error with `code` where one of the paths declares
 * one of the validators, inactive where none does; under the bundled schemas, `bundled` (undefined: inactive).
 */
export function activation(
  ctx: RuleContext,
  paths: readonly JsonPath[],
  names: readonly string[],
  code: string,
  bundled: Severity | undefined,
): Activation | undefined {
  if (!ctx.underContract) return bundled ? { severity: bundled } : undefined;
  const keys = names.map(validatorKey);
  for (const p of paths) {
    const d = ctx.declared(p);
    if (!d) continue;
    const hit = keys.find((k) => d.names.has(k));
    if (hit) return { severity: 'error', krakenCode: code, validator: hit };
  }
  return undefined;
}

/** `data` for a finding of an active check: Kraken's code when there is one, plus the rule's own details. */
export function findingData(a: Activation, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return a.krakenCode ? { krakenCode: a.krakenCode, ...extra } : extra;
}
