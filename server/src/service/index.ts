/**
 * The Kraken payload language service: what the LSP server, the CLI, the sandbox and the tests call.
 * It knows no connection and no editor; I/O (files, HTTP, settings) comes in as parameters.
 */
import { detectKind, KINDS_BY_ID, PAYLOAD_KINDS, type Associations, type Detection, type KindId } from './kinds';
import { parseDocument } from './parse';
import { RULES } from './rules';
import { bundledSchemaSet, type SchemaSet } from './schemas';
import type { RuleSeverity } from './types';
import { validateDocument, type ValidateOptions, type ValidationConfig, type ValidationResult } from './validate';

export interface ServiceConfig extends ValidationConfig {
  /** The schemas in force: bundled, or an instance contract. */
  schemaSet?: SchemaSet;
}

export class KrakenService {
  private config: ServiceConfig;

  constructor(config: ServiceConfig = {}) {
    this.config = { ...config };
  }

  configure(config: Partial<ServiceConfig>): void {
    this.config = { ...this.config, ...config };
  }

  get schemaSet(): SchemaSet {
    return this.config.schemaSet ?? bundledSchemaSet();
  }

  get associations(): Associations | undefined {
    return this.config.associations;
  }

  validate(text: string, options: ValidateOptions = {}): ValidationResult {
    return validateDocument(text, this.schemaSet, this.config, options);
  }

  detect(text: string, filePath?: string): Detection {
    return detectKind(parseDocument(text).value, filePath, this.config.associations);
  }
}

export function createKrakenService(config: ServiceConfig = {}): KrakenService {
  return new KrakenService(config);
}

/** Rule and finding codes with their default severity and doc, for settings, docs and the CLI. */
export function ruleCatalogue(): Array<{ code: string; severity: RuleSeverity; doc: string; kinds: readonly KindId[] }> {
  return RULES.map((r) => ({ code: r.code, severity: r.severity, doc: r.doc, kinds: r.kinds }));
}

export { PAYLOAD_KINDS, KINDS_BY_ID };
export type { KindId, Detection, Associations, SchemaSet, ValidationResult, ValidateOptions };
export * from './types';
