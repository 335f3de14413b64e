/**
 * `kraken-import.config.json`: the settings file the CLI reads in its working folder (or `--config`) and the
 * language server reads at the root of each workspace folder. One reader for both, so the CLI and an editor on
 * the same folder check with the same rules. Its keys are those of the extension's `krakenImport.*` settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { checkPayloadAssociations, ConfigError } from './payloadAssociations';
import { findingCatalogue, isFindingCode } from './service/findingCodes';
import { nearest } from './service/suggest';
import type { RuleSeverity } from './service/types';
import { SEVERITIES } from './service/severity';

export const CONFIG_FILE = 'kraken-import.config.json';

/** The settings that decide what a payload's findings are (the file, the editor settings, initializationOptions). */
export interface CheckSettings {
  rules?: Record<string, RuleSeverity>;
  payloadAssociations?: Record<string, string>;
  maxFindings?: number;
  /** `bundled`, a contract file (relative to the config file) or a URL: see docs/contract.md. */
  contract?: string;
}

export interface KrakenConfig extends CheckSettings {
  /** Kraken environments for `kraken-import send`: the entries of the extension's krakenImport.environments. */
  environments?: unknown;
}

export { ConfigError };

const RULE_SEVERITIES = new Set<string>([...SEVERITIES, 'off']);
export const CHECK_SETTING_KEYS = ['rules', 'payloadAssociations', 'maxFindings', 'contract'] as const;
const FILE_KEYS = new Set<string>([...CHECK_SETTING_KEYS, 'environments', '$schema']);

/**
 * Checks the check settings of `value` (what `where` says in messages, e.g. `config kraken-import.config.json`).
 * With `knownKeys`, any other key is an error that names it.
 */
export function checkSettings(value: unknown, where: string, knownKeys?: ReadonlySet<string>): CheckSettings {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${where} must be a JSON object`);
  const c = value as Record<string, unknown>;
  if (knownKeys) {
    const unknown = Object.keys(c).filter((k) => !knownKeys.has(k));
    if (unknown.length) {
      // A setting we do not understand is an error that names it (a misspelt "rules" would silently turn nothing off).
      const known = [...knownKeys].filter((k) => k !== '$schema');
      const key = unknown[0];
      const bare = key.replace(/^krakenImport\./, '');
      const guess = knownKeys.has(bare) ? bare : nearest(key, known);
      const more =
        unknown.length > 1
          ? ` (and ${unknown
              .slice(1)
              .map((k) => `"${k}"`)
              .join(', ')})`
          : '';
      throw new ConfigError(
        `${where}: unknown setting "${key}"${guess ? `: did you mean "${guess}"?` : ''}${more} (known: ${known.join(', ')})`,
      );
    }
  }
  const out: CheckSettings = {};
  if (c.rules !== undefined && c.rules !== null) {
    if (typeof c.rules !== 'object' || Array.isArray(c.rules))
      throw new ConfigError(`${where}: "rules" must be an object of code -> severity`);
    for (const [code, sev] of Object.entries(c.rules)) {
      // A misspelt code would silently change nothing.
      if (!isFindingCode(code)) {
        const guess = nearest(
          code,
          findingCatalogue().map((f) => f.code),
        );
        throw new ConfigError(
          `${where}: "rules" names "${code}", which is no finding code${guess ? `: did you mean "${guess}"?` : ''} ("kraken-import rules" lists them)`,
        );
      }
      if (!RULE_SEVERITIES.has(String(sev)))
        throw new ConfigError(`${where}: rule "${code}" has severity "${String(sev)}"; use error, warning, information, hint or off`);
    }
    out.rules = c.rules as Record<string, RuleSeverity>;
  }
  if (c.payloadAssociations !== undefined && c.payloadAssociations !== null)
    out.payloadAssociations = checkPayloadAssociations(c.payloadAssociations, where);
  if (c.maxFindings !== undefined && c.maxFindings !== null) {
    if (typeof c.maxFindings !== 'number' || !Number.isInteger(c.maxFindings) || c.maxFindings < 1)
      throw new ConfigError(`${where}: "maxFindings" must be a whole number of at least 1, not ${JSON.stringify(c.maxFindings)}`);
    out.maxFindings = c.maxFindings;
  }
  if (c.contract !== undefined && c.contract !== null) {
    if (typeof c.contract !== 'string' || !c.contract.trim())
      throw new ConfigError(`${where}: "contract" must be "bundled", a file path or a URL`);
    out.contract = c.contract;
  }
  return out;
}

/** Parses a config file's text (strict JSON, no unknown keys). */
export function parseConfig(text: string, file: string): KrakenConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw new ConfigError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  const where = `config ${file}`;
  const settings = checkSettings(parsed, where, FILE_KEYS);
  const environments = (parsed as Record<string, unknown>).environments;
  return environments === undefined ? settings : { ...settings, environments };
}

/** Reads and parses a config file; undefined when there is none. */
export function readConfigFile(file: string): KrakenConfig | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  return parseConfig(text, file);
}
