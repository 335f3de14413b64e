/**
 * The Kraken payload language service: what the LSP server, the CLI, the sandbox and the tests call.
 * It knows no connection and no editor; I/O (files, HTTP, settings) comes in as parameters.
 */
import {
  associationTable,
  detectKind,
  KINDS_BY_ID,
  PAYLOAD_KINDS,
  type AssociationInput,
  type Associations,
  type Detection,
  type KindId,
} from './kinds';
import { parseDocument } from './parse';
import { bundledSchemaSet, type SchemaSet } from './schemas';
import type { CodeAction, CompletionList, DocumentSymbol, FoldingRange, Hover, LimitedResult, Position, Range, Severity } from './types';
import type { DocumentOptions } from './authoringDoc';
import { codeActions, type ActionDiagnostic, type CodeActionOptions } from './codeActions';
import { complete, type CompletionOptions } from './completion';
import { hover } from './hover';
import { definition, references } from './navigation';
import { documentSymbols, foldingRanges } from './symbols';
import { forgetLargeText } from './largeDocument';
import { settledSeverity, validateDocument, type ValidateOptions, type ValidationConfig, type ValidationResult } from './validate';

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

  /** The associations compiled with their folder (cached per settings object). */
  private get table(): AssociationInput | undefined {
    return this.config.associations && associationTable(this.config.associations, this.config.associationBase);
  }

  validate(text: string, options: ValidateOptions = {}): ValidationResult {
    const result = validateDocument(text, this.schemaSet, this.config, options);
    return { ...result, detection: this.withShape(result.detection) };
  }

  /** The severity a finding of `code` is shown with under this service's `rules` setting; undefined: turned off. */
  severityOf(code: string, severity: Severity): Severity | undefined {
    return settledSeverity(this.config.rules, code, severity);
  }

  /** A document with this text was closed: the last large text read is dropped if it is this one. */
  forgetText(text: string): void {
    forgetLargeText(text);
  }

  detect(text: string, filePath?: string): Detection {
    return this.withShape(detectKind(parseDocument(text).value, filePath, this.table));
  }

  /** Adds which body shape and schema the schema set validates the kind as (instance contracts say so). */
  private withShape(detection: Detection): Detection {
    const shape = detection.kind ? this.schemaSet.describe?.(detection.kind) : undefined;
    return shape ? { ...detection, shape } : detection;
  }

  // Authoring: see completion.ts, hover.ts, codeActions.ts, navigation.ts, symbols.ts.

  complete(text: string, position: Position, options: CompletionOptions = {}): CompletionList {
    return complete(text, position, this.schemaSet, options, this.table);
  }

  hover(text: string, position: Position, options: DocumentOptions = {}): Hover | null {
    return hover(text, position, this.schemaSet, options, this.table);
  }

  /** Quick fixes for `diagnostics` (those the client sends for a range), and the fix-all source action when asked for. */
  codeActions<D extends ActionDiagnostic>(text: string, range: Range, diagnostics: D[], options: CodeActionOptions = {}): CodeAction<D>[] {
    void range; // the client sends the diagnostics that touch the range; fixes work from those
    return codeActions(
      text,
      diagnostics,
      options.allDiagnostics ?? (() => this.validate(text, options).diagnostics),
      this.schemaSet,
      options,
      this.table,
    );
  }

  definition(text: string, position: Position, options: DocumentOptions = {}): Range[] {
    return definition(text, position, this.schemaSet, options, this.table);
  }

  references(text: string, position: Position, includeDeclaration = true, options: DocumentOptions = {}): Range[] {
    return references(text, position, includeDeclaration, this.schemaSet, options, this.table);
  }

  symbols(text: string): LimitedResult<DocumentSymbol> {
    return documentSymbols(text);
  }

  foldingRanges(text: string): LimitedResult<FoldingRange> {
    return foldingRanges(text);
  }
}

export function createKrakenService(config: ServiceConfig = {}): KrakenService {
  return new KrakenService(config);
}

export { PAYLOAD_KINDS, KINDS_BY_ID };
export { findingCatalogue, isFindingCode, ruleCatalogue, type FindingCode } from './findingCodes';
export {
  ContractSchemaSet,
  createContractSchemaSet,
  type ContractCache,
  type ContractSetOptions,
  type CreatedContractSet,
} from './contract/schemaSet';
export type { KindId, Detection, Associations, SchemaSet, ValidationResult, ValidateOptions };
export type { ActionDiagnostic, CodeActionOptions, CompletionOptions, DocumentOptions };
export { FIX_ALL_KIND } from './codeActions';
export * from './types';
export { detectKind, isKindId } from './kinds';
export { LineIndex } from './text';
export { SEVERITIES, SEVERITY_RANK } from './severity';
export { SOURCE } from './validate';
export { MARKETS, payloadTemplates, snippetBody, type Market, type PayloadTemplate } from './payloadTemplates';
