/**
 * The `payloadAssociations` setting's check, apart from the rest of config.ts so that the extension can read the
 * setting without carrying the rules (config.ts checks rule codes against the catalogue of every finding code).
 */
import { PAYLOAD_KINDS } from './service/kinds';
import { nearest } from './service/suggest';

/** A config file (or settings object) that cannot be used; the message names the file and the key. */
export class ConfigError extends Error {}

/** `value` as globs -> payload kinds; a ConfigError (`where` says whose setting) for anything else. */
export function checkPayloadAssociations(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`${where}: "payloadAssociations" must be an object of glob -> payload kind`);
  const kinds = PAYLOAD_KINDS.map((k) => k.id as string);
  for (const [glob, kind] of Object.entries(value)) {
    if (!kinds.includes(String(kind))) {
      const guess = nearest(String(kind), kinds);
      throw new ConfigError(
        `${where}: "payloadAssociations" maps "${glob}" to "${String(kind)}", which is no payload kind${guess ? `: did you mean "${guess}"?` : ''} (${kinds.join(', ')})`,
      );
    }
  }
  return value as Record<string, string>;
}
