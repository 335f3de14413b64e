/**
 * The language server: wiring between LSP and the Kraken payload language service. No analysis happens here.
 */
import {
  CancellationToken,
  DiagnosticSeverity,
  DiagnosticTag,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type DiagnosticServerCancellationData,
  type DocumentDiagnosticReport,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
  CodeActionKind,
  type CodeAction,
  type CompletionList,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type Location,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createHash } from 'node:crypto';
import { ContractSchemaSet, createContractSchemaSet, createKrakenService, FIX_ALL_KIND, KINDS_BY_ID, type Diagnostic, type KrakenService, type ValidationResult } from './service';
import { bundleBuildId, fileContractCache } from './node/contractCache';
import { SOURCE } from './service/validate';
import { validateFileText } from './validateFile';
import type { RuleSeverity } from './service/types';
import {
  DocumentInfoChangedNotification,
  DocumentInfoRequest,
  SetContractRequest,
  type SetContractParams,
  type SetContractResult,
  LocatePathsRequest,
  ValidateFileRequest,
  type ValidateFileParams,
  type ValidateFileResult,
  type DocumentInfo,
  type DocumentInfoParams,
  type LocatePathsParams,
  type LocatePathsResult,
} from './common/protocol';

export interface ServerSettings {
  rules?: Record<string, RuleSeverity>;
  payloadAssociations?: Record<string, string>;
  maxFindings?: number;
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const tags = d.tags?.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: d.source,
    message: d.message,
    ...(tags?.length ? { tags } : {}),
    data: { path: d.path, ...(d.data ?? {}) },
  };
}

/** Runs a handler; a throw becomes an error response (never silence), cancellation becomes RequestCancelled. */
export function runSafe<T, E = void>(connection: Connection, name: string, token: CancellationToken | undefined, fn: () => T): T | ResponseError<E> {
  if (token?.isCancellationRequested) return new ResponseError<E>(LSPErrorCodes.RequestCancelled, 'Request cancelled');
  try {
    return fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    connection.console.error(`${name} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
    return new ResponseError<E>(ErrorCodes.InternalError, `${name} failed: ${message}`);
  }
}

/**
 * Quiet time after a change before validating. With a 10 MB document validating in about 100 ms, 150 ms keeps
 * diagnostics within 300 ms of the last keystroke while a burst of typing still validates once.
 */
const VALIDATION_DELAY_MS = 150;

/** Switches the service to the contract the client sent (or back to the bundled schemas). */
export function setContract(service: KrakenService, params: SetContractParams, log: (line: string) => void): SetContractResult {
  const current = service.schemaSet;
  if (!params.text || params.source === 'bundled') {
    service.configure({ schemaSet: undefined });
    const bundled = service.schemaSet;
    return { ok: true, contract: bundled.label, kinds: bundled.kinds, warnings: [], from: current === bundled ? 'unchanged' : 'converted' };
  }
  const textSha256 = createHash('sha256').update(params.text).digest('hex');
  if (current instanceof ContractSchemaSet && current.timings.textSha256 === textSha256 && current.id === params.source && current.note === params.note) {
    return { ok: true, contract: current.label, kinds: current.kinds, warnings: current.contract.warnings, hash: current.contract.hash, from: 'unchanged' };
  }
  const cache = params.cacheDir ? fileContractCache(params.cacheDir, { onError: log }) : undefined;
  try {
    const created = createContractSchemaSet(params.text, params.source, {
      cache,
      buildId: bundleBuildId(),
      note: params.note,
      onCompile: (c) => log(`contract validator for ${c.kind}: ${c.from === 'cache' ? 'loaded from the cache' : 'compiled'} in ${c.ms} ms${c.error ? ` (failed: ${c.error})` : ''}`),
    });
    const set = created.schemaSet;
    if (!set.kinds.length) {
      return { ok: false, contract: current.label, message: `${params.source} has no request body of a known data-import endpoint`, kinds: current.kinds, warnings: created.contract.warnings };
    }
    service.configure({ schemaSet: set });
    log(`contract ${set.label}: ${set.kinds.length} kinds, ${created.timings.from === 'cache' ? `conversion read from the cache in ${created.timings.cacheMs} ms` : `parsed in ${created.timings.parseMs} ms, converted in ${created.timings.convertMs} ms`}`);
    return { ok: true, contract: set.label, kinds: set.kinds, warnings: created.contract.warnings, hash: created.contract.hash, loadMs: created.compileMs, from: created.timings.from };
  } catch (error) {
    return { ok: false, contract: current.label, message: `${params.source} is not a YAML or JSON contract: ${(error as Error)?.message ?? String(error)}`, kinds: current.kinds, warnings: [] };
  }
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const service = createKrakenService();
  const cache = new Map<string, { version: number; result: ValidationResult }>();
  const pending = new Map<string, NodeJS.Timeout>();
  let pullDiagnostics = false;
  let configurationRequests = false;

  function validate(doc: TextDocument): ValidationResult {
    const cached = cache.get(doc.uri);
    if (cached && cached.version === doc.version) return cached.result;
    const validated = service.validate(doc.getText(), { filePath: doc.uri });
    // Kept per document: diagnostics, the locator and the line index, not the parsed value (as large as a few
    // times the text; nothing reads it after validation).
    const result = { ...validated, parsed: { ...validated.parsed, value: undefined } };
    cache.set(doc.uri, { version: doc.version, result });
    return result;
  }

  function documentInfo(doc: TextDocument, result: ValidationResult): DocumentInfo {
    const kind = result.detection.kind ?? null;
    return {
      kind,
      kindLabel: kind ? KINDS_BY_ID.get(kind)?.label ?? kind : null,
      reason: result.detection.shape ? `${result.detection.reason}; ${result.detection.shape}` : result.detection.reason,
      source: result.detection.source,
      contract: service.schemaSet.label,
      errors: result.diagnostics.filter((d) => d.severity === 'error').length,
      warnings: result.diagnostics.filter((d) => d.severity === 'warning').length,
    };
  }

  function diagnosticsFor(doc: TextDocument): LspDiagnostic[] {
    const result = validate(doc);
    void connection.sendNotification(DocumentInfoChangedNotification, { uri: doc.uri, ...documentInfo(doc, result) });
    return result.diagnostics.map(toLspDiagnostic);
  }

  function schedulePush(doc: TextDocument, delay = VALIDATION_DELAY_MS): void {
    if (pullDiagnostics) return;
    clearTimeout(pending.get(doc.uri));
    pending.set(
      doc.uri,
      setTimeout(() => {
        pending.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (!current || current.version !== doc.version) return; // stale: a newer change is scheduled
        try {
          const diagnostics = diagnosticsFor(current);
          if (documents.get(doc.uri)?.version === current.version) void connection.sendDiagnostics({ uri: doc.uri, version: current.version, diagnostics });
        } catch (error) {
          connection.console.error(`validation of ${doc.uri} failed: ${(error as Error)?.stack ?? String(error)}`);
        }
      }, delay),
    );
  }

  async function loadSettings(): Promise<void> {
    if (!configurationRequests) return;
    try {
      const settings = ((await connection.workspace.getConfiguration('krakenImport')) ?? {}) as ServerSettings;
      service.configure({ rules: settings.rules ?? {}, associations: settings.payloadAssociations ?? {}, maxFindings: settings.maxFindings });
    } catch (error) {
      connection.console.warn(`could not read krakenImport settings: ${String(error)}`);
    }
  }

  function revalidateAll(): void {
    cache.clear();
    if (pullDiagnostics) connection.languages.diagnostics.refresh();
    else for (const doc of documents.all()) schedulePush(doc, 0);
  }

  connection.onInitialize((params): InitializeResult => {
    pullDiagnostics = !!params.capabilities.textDocument?.diagnostic;
    configurationRequests = !!params.capabilities.workspace?.configuration;
    const options = params.initializationOptions as ServerSettings | undefined;
    if (options) service.configure({ rules: options.rules, associations: options.payloadAssociations, maxFindings: options.maxFindings });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', ':', ','], resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        ...(pullDiagnostics ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false, identifier: 'kraken-import' } } : {}),
      },
      serverInfo: { name: 'kraken-import', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    void loadSettings().then(revalidateAll);
  });

  connection.onDidChangeConfiguration((change) => {
    const settings = (change.settings as { krakenImport?: ServerSettings } | undefined)?.krakenImport;
    if (settings && !configurationRequests) {
      service.configure({ rules: settings.rules ?? {}, associations: settings.payloadAssociations ?? {}, maxFindings: settings.maxFindings });
      revalidateAll();
    } else void loadSettings().then(revalidateAll);
  });

  documents.onDidOpen((e) => schedulePush(e.document, 0));
  documents.onDidChangeContent((e) => schedulePush(e.document));
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    cache.delete(e.document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on((params, token) =>
    runSafe<DocumentDiagnosticReport, DiagnosticServerCancellationData>(connection, 'diagnostics', token, () => {
      const doc = documents.get(params.textDocument.uri);
      return { kind: DocumentDiagnosticReportKind.Full, items: doc ? diagnosticsFor(doc) : [] };
    }),
  );

  connection.onRequest(SetContractRequest, (params: SetContractParams, token) =>
    runSafe(connection, 'setContract', token, (): SetContractResult => {
      const result = setContract(service, params, (line) => connection.console.info(line));
      if (result.from !== 'unchanged' && result.ok) revalidateAll();
      return result;
    }),
  );

  connection.onRequest(DocumentInfoRequest, (params: DocumentInfoParams, token) =>
    runSafe(connection, 'documentInfo', token, () => {
      const doc = documents.get(params.uri);
      return doc ? documentInfo(doc, validate(doc)) : null;
    }),
  );

  connection.onRequest(LocatePathsRequest, (params: LocatePathsParams, token) =>
    runSafe(connection, 'locatePaths', token, (): LocatePathsResult => {
      const doc = documents.get(params.uri);
      if (!doc) return params.paths.map(() => null);
      const parsed = validate(doc).parsed;
      return params.paths.map((p) => {
        const path = p === '' ? [] : p.split('.').map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
        const span = parsed.locator.locate(path, 'value');
        return { range: parsed.lines.range(span.start, span.end), exact: span.exact };
      });
    }),
  );

  // Workspace validation: a file on disk, sent by the client (not an open document; nothing is cached).
  connection.onRequest(ValidateFileRequest, (params: ValidateFileParams, token) =>
    runSafe(connection, 'validateFile', token, (): ValidateFileResult => {
      const r = validateFileText(service, params.uri, params.text);
      return { kind: r.kind, diagnostics: r.diagnostics.map(toLspDiagnostic) };
    }),
  );

  // Authoring: completion, hover, quick fixes, navigation, outline and folding (all in the language service).
  const authoringOptions = (doc: TextDocument) => ({ filePath: doc.uri });
  const limitNoticeShown = new Set<string>();
  const noticeLimit = (uri: string, what: string, result: { limitReached: boolean; limit: number }) => {
    if (!result.limitReached || limitNoticeShown.has(`${what}:${uri}`)) return;
    limitNoticeShown.add(`${what}:${uri}`);
    void connection.window.showInformationMessage(`Kraken Import: this document is large; only the first ${result.limit} ${what} are shown.`);
  };

  connection.onCompletion((params, token) =>
    runSafe(connection, 'completion', token, (): CompletionList | null => {
      const doc = documents.get(params.textDocument.uri);
      return doc ? service.complete(doc.getText(), params.position, authoringOptions(doc)) : null;
    }),
  );

  connection.onHover((params, token) =>
    runSafe(connection, 'hover', token, (): Hover | null => {
      const doc = documents.get(params.textDocument.uri);
      return doc ? service.hover(doc.getText(), params.position, authoringOptions(doc)) : null;
    }),
  );

  connection.onCodeAction((params, token) =>
    runSafe(connection, 'codeAction', token, (): CodeAction[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const ours = params.context.diagnostics.filter((d) => d.source === SOURCE);
      return service
        .codeActions(doc.getText(), params.range, ours, { ...authoringOptions(doc), only: params.context.only, allDiagnostics: () => validate(doc).diagnostics })
        .map((a): CodeAction => ({
          title: a.title,
          kind: a.kind,
          ...(a.diagnostics?.length ? { diagnostics: a.diagnostics } : {}),
          ...(a.isPreferred ? { isPreferred: true } : {}),
          edit: { changes: { [doc.uri]: a.edits } },
        }));
    }),
  );

  connection.onDefinition((params, token) =>
    runSafe(connection, 'definition', token, (): Location[] => {
      const doc = documents.get(params.textDocument.uri);
      return doc ? service.definition(doc.getText(), params.position, authoringOptions(doc)).map((range) => ({ uri: doc.uri, range })) : [];
    }),
  );

  connection.onReferences((params, token) =>
    runSafe(connection, 'references', token, (): Location[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      return service.references(doc.getText(), params.position, params.context.includeDeclaration, authoringOptions(doc)).map((range) => ({ uri: doc.uri, range }));
    }),
  );

  connection.onDocumentSymbol((params, token) =>
    runSafe(connection, 'documentSymbol', token, (): DocumentSymbol[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const result = service.symbols(doc.getText());
      noticeLimit(doc.uri, 'outline symbols', result);
      return result.items;
    }),
  );

  connection.languages.foldingRange.on((params, token) =>
    runSafe(connection, 'foldingRange', token, (): FoldingRange[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const result = service.foldingRanges(doc.getText());
      noticeLimit(doc.uri, 'folding ranges', result);
      return result.items;
    }),
  );

  documents.listen(connection);
  connection.listen();
}
