import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleSeverity } from '../../server/src/service';
import { nearest, UsageError } from './args';

/** The CLI's settings file: the same settings the extension reads from krakenImport.* */
export interface CliConfig {
  rules?: Record<string, RuleSeverity>;
  payloadAssociations?: Record<string, string>;
  maxFindings?: number;
  contract?: string;
  /** Kraken environments for `send`: the same entries as the extension's krakenImport.environments. */
  environments?: unknown;
}

export const DEFAULT_CONFIG_FILE = 'kraken-import.config.json';

/** The settings the config file may hold (the CliConfig fields, and "$schema" for editors). */
export const CONFIG_KEYS: readonly string[] = ['rules', 'payloadAssociations', 'maxFindings', 'contract', 'environments', '$schema'];

export function loadConfig(file?: string, cwd?: string): CliConfig {
  const fallback = cwd ? join(cwd, DEFAULT_CONFIG_FILE) : DEFAULT_CONFIG_FILE;
  const path = file ?? (existsSync(fallback) ? fallback : undefined);
  if (!path) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read config ${path}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`config ${path} must be a JSON object`);
  const c = parsed as Record<string, unknown>;
  // A setting we do not understand is an error that names it (a misspelt "rules" would silently turn nothing off).
  for (const key of Object.keys(c)) {
    if (!CONFIG_KEYS.includes(key)) {
      const bare = key.replace(/^krakenImport\./, '');
      const guess = CONFIG_KEYS.includes(bare) ? bare : nearest(key, CONFIG_KEYS.filter((k) => k !== '$schema'));
      throw new UsageError(`config ${path}: unknown setting "${key}"${guess ? `: did you mean "${guess}"?` : ''} (${CONFIG_KEYS.filter((k) => k !== '$schema').join(', ')})`);
    }
  }
  const severities = new Set(['error', 'warning', 'information', 'hint', 'off']);
  if (c.rules !== undefined) {
    if (!c.rules || typeof c.rules !== 'object') throw new UsageError(`config ${path}: "rules" must be an object of code -> severity`);
    for (const [code, sev] of Object.entries(c.rules)) {
      if (!severities.has(String(sev))) throw new UsageError(`config ${path}: rule "${code}" has severity "${String(sev)}"; use error, warning, information, hint or off`);
    }
  }
  return c as CliConfig;
}
