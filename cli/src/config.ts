import { join } from 'node:path';
import { CONFIG_FILE, ConfigError, readConfigFile, type KrakenConfig } from '../../core/src/config';
import { UsageError } from '../../core/src/args';

/** The CLI's settings file: the same file (and the same reader) the language server uses per workspace folder. */
export type CliConfig = KrakenConfig;

export const DEFAULT_CONFIG_FILE = CONFIG_FILE;

/** `--config F`, else ./kraken-import.config.json (in `cwd`) when present; a bad file is a usage error. */
export function loadConfig(file?: string, cwd?: string): CliConfig {
  const path = file ?? (cwd ? join(cwd, DEFAULT_CONFIG_FILE) : DEFAULT_CONFIG_FILE);
  try {
    const config = readConfigFile(path);
    if (!config && file) throw new UsageError(`cannot read config ${file}: no such file`);
    return config ?? {};
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
