/**
 * The language server: wiring between LSP and the Kraken payload language service. No analysis happens here.
 */
import {
  type CancellationToken,
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
  type Command,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type InitializeParams,
  type Location,
  type Position,
  type Range as LspRange,
  type WorkspaceEdit,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  ContractSchemaSet,
  createContractSchemaSet,
  createKrakenService,
  type Diagnostic,
  FIX_ALL_KIND,
  KINDS_BY_ID,
  type KrakenService,
  LineIndex,
  type RuleSeverity,
  SOURCE,
  type TextEdit,
  type ValidationResult,
} from '../../core/src/service';
import { bundleBuildId, fileContractCache } from '../../core/src/contract';
import { CONFIG_FILE } from '../../core/src/config';
import { parseInitializationOptions, WorkspaceSettings } from './node/workspaceSettings';
import { isJsonLinesPath, jsonLinesRecordAt, jsonLinesRecords, RecordPositions, validateFileText } from '../../core/src/files';
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
} from '../../core/src/protocol';

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
export function runSafe<T, E = void>(
  connection: Connection,
  name: string,
  token: CancellationToken | undefined,
  fn: () => T,
): T | ResponseError<E> {
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
  if (
    current instanceof ContractSchemaSet &&
    current.timings.textSha256 === textSha256 &&
    current.id === params.source &&
    current.note === params.note
  ) {
    return {
      ok: true,
      contract: current.label,
      kinds: current.kinds,
      warnings: current.contract.warnings,
      hash: current.contract.hash,
      from: 'unchanged',
    };
  }
  const cache = params.cacheDir ? fileContractCache(params.cacheDir, { onError: log }) : undefined;
  try {
    const created = createContractSchemaSet(params.text, params.source, {
      cache,
      buildId: bundleBuildId(),
      note: params.note,
      onCompile: (c) =>
        log(
          `contract validator for ${c.kind}: ${c.from === 'cache' ? 'loaded from the cache' : 'compiled'} in ${c.ms} ms${c.error ? ` (failed: ${c.error})` : ''}`,
        ),
    });
    const set = created.schemaSet;
    if (!set.kinds.length) {
      return {
        ok: false,
        contract: current.label,
        message: `${params.source} has no request body of a known data-import endpoint`,
        kinds: current.kinds,
        warnings: created.contract.warnings,
      };
    }
    service.configure({ schemaSet: set });
    log(
      `contract ${set.label}: ${set.kinds.length} kinds, ${created.timings.from === 'cache' ? `conversion read from the cache in ${created.timings.cacheMs} ms` : `parsed in ${created.timings.parseMs} ms, converted in ${created.timings.convertMs} ms`}`,
    );
    return {
      ok: true,
      contract: set.label,
      kinds: set.kinds,
      warnings: created.contract.warnings,
      hash: created.contract.hash,
      loadMs: created.compileMs,
      from: created.timings.from,
    };
  } catch (error) {
    return {
      ok: false,
      contract: current.label,
      message: `${params.source} is not a YAML or JSON contract: ${(error as Error)?.message ?? String(error)}`,
      kinds: current.kinds,
      warnings: [],
    };
  }
}

/** What the client said it can do (InitializeParams.capabilities), read once; the server uses nothing else. */
export interface ClientFeatures {
  /**
   * Pull diagnostics (`textDocument/diagnostic`), only when the client can also be asked to pull again
   * (`workspace.diagnostics.refreshSupport`): without that, a settings change would show only after the next edit,
   * so such a client gets pushed diagnostics.
   */
  pullDiagnostics: boolean;
  configurationRequests: boolean;
  snippets: boolean;
  codeActionLiterals: boolean;
  applyEdit: boolean;
  workDoneProgress: boolean;
  showDocument: boolean;
  watchedFilesRegistration: boolean;
  workspaceFolders: boolean;
}

export function clientFeatures(params: InitializeParams): ClientFeatures {
  const c = params.capabilities;
  return {
    pullDiagnostics: !!c.textDocument?.diagnostic && c.workspace?.diagnostics?.refreshSupport === true,
    configurationRequests: !!c.workspace?.configuration,
    snippets: c.textDocument?.completion?.completionItem?.snippetSupport === true,
    codeActionLiterals: !!c.textDocument?.codeAction?.codeActionLiteralSupport,
    applyEdit: c.workspace?.applyEdit === true,
    workDoneProgress: c.window?.workDoneProgress === true,
    showDocument: c.window?.showDocument?.support === true,
    watchedFilesRegistration: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolders: c.workspace?.workspaceFolders === true,
  };
}

/** The command a client without code action literals runs for a fix: the server applies the edit it carries. */
export const APPLY_EDIT_COMMAND = 'krakenImport.server.applyEdit';

interface DocState {
  version: number;
  diagnostics: Diagnostic[];
  info: DocumentInfo;
  /** .json documents: the validation (locator, line index) for fix-all and locatePaths. */
  result?: ValidationResult;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, DocState>();
  const pending = new Map<string, NodeJS.Timeout>();
  let client: ClientFeatures = clientFeatures({ capabilities: {}, processId: null, rootUri: null });
  let settled = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  // The contract the client sends (krakenImport/setContract) is converted on this service, then given to every folder.
  const contractService = createKrakenService();

  const settings = new WorkspaceSettings({
    log: (line) => connection.console.info(line),
    problem: (message, file) => reportProblem(message, file),
    editorSettings: async (scopeUri) =>
      client.configurationRequests
        ? connection.workspace.getConfiguration(scopeUri ? { scopeUri, section: 'krakenImport' } : { section: 'krakenImport' })
        : undefined,
    progress: async (title, run) => {
      if (!client.workDoneProgress) return run();
      const progress = await connection.window.createWorkDoneProgress();
      progress.begin(title);
      try {
        return await run();
      } finally {
        progress.done();
      }
    },
  });

  /** A settings problem: shown to the user, with a button that opens the file when the client can open documents. */
  function reportProblem(message: string, file?: string): void {
    connection.console.warn(message);
    const text = `Kraken Import: ${message}`;
    if (file && client.showDocument) {
      void connection.window.showWarningMessage(text, { title: 'Open File' }).then((choice) => {
        if (choice) void connection.window.showDocument({ uri: pathToFileURL(file).toString(), takeFocus: true });
      });
    } else void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: text });
  }

  const serviceFor = (doc: TextDocument): KrakenService => settings.folderFor(doc.uri).service;
  const isLines = (doc: TextDocument): boolean => doc.languageId === 'jsonl' || isJsonLinesPath(doc.uri);

  function state(doc: TextDocument): DocState {
    const cached = cache.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    const service = serviceFor(doc);
    let next: DocState;
    if (isLines(doc)) {
      // A JSON Lines wave: every record checked on its own, findings placed on the record's line.
      const r = validateFileText(service, doc.uri, doc.getText());
      const records = jsonLinesRecords(doc.getText()).length;
      next = {
        version: doc.version,
        diagnostics: r.diagnostics,
        info: infoOf(
          service,
          r.kind,
          `JSON Lines: ${records} record${records === 1 ? '' : 's'}${r.kind ? ', the first one decides the kind shown' : ', none a Kraken payload'}`,
          r.kind ? 'content' : 'none',
          r.diagnostics,
        ),
      };
    } else {
      const validated = service.validate(doc.getText(), { filePath: doc.uri });
      // Kept per document: diagnostics, the locator and the line index, not the parsed value (as large as a few
      // times the text; nothing reads it after validation).
      const result = { ...validated, parsed: { ...validated.parsed, value: undefined } };
      const d = result.detection;
      next = {
        version: doc.version,
        diagnostics: result.diagnostics,
        result,
        info: infoOf(service, d.kind ?? null, d.shape ? `${d.reason}; ${d.shape}` : d.reason, d.source, result.diagnostics),
      };
    }
    cache.set(doc.uri, next);
    return next;
  }

  function infoOf(
    service: KrakenService,
    kind: string | null,
    reason: string,
    source: DocumentInfo['source'],
    diagnostics: Diagnostic[],
  ): DocumentInfo {
    return {
      kind,
      kindLabel: kind ? (KINDS_BY_ID.get(kind as never)?.label ?? kind) : null,
      reason,
      source,
      contract: service.schemaSet.label,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    };
  }

  function diagnosticsFor(doc: TextDocument): LspDiagnostic[] {
    const s = state(doc);
    void connection.sendNotification(DocumentInfoChangedNotification, { uri: doc.uri, ...s.info });
    return s.diagnostics.map(toLspDiagnostic);
  }

  function schedulePush(doc: TextDocument, delay = VALIDATION_DELAY_MS): void {
    if (client.pullDiagnostics) return;
    clearTimeout(pending.get(doc.uri));
    pending.set(
      doc.uri,
      setTimeout(() => {
        pending.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (!current || current.version !== doc.version) return; // stale: a newer change is scheduled
        // Nothing is validated before the settings are in (initializationOptions, config files, editor settings).
        if (!settled) return void ready.then(() => schedulePush(current, 0));
        try {
          const diagnostics = diagnosticsFor(current);
          if (documents.get(doc.uri)?.version === current.version)
            void connection.sendDiagnostics({ uri: doc.uri, version: current.version, diagnostics });
        } catch (error) {
          connection.console.error(`validation of ${doc.uri} failed: ${(error as Error)?.stack ?? String(error)}`);
        }
      }, delay),
    );
  }

  function revalidateAll(): void {
    cache.clear();
    if (!settled) return;
    // Pull mode is chosen only with refreshSupport (clientFeatures), so the request is one the client handles.
    if (client.pullDiagnostics) void connection.languages.diagnostics.refresh();
    else for (const doc of documents.all()) schedulePush(doc, 0);
  }

  connection.onInitialize((params): InitializeResult => {
    client = clientFeatures(params);
    try {
      settings.init = parseInitializationOptions(params.initializationOptions);
    } catch (error) {
      // Named and shown, never silently ignored; the rest of the server works with the defaults.
      settings.init = {};
      const message = (error as Error).message;
      connection.console.error(message);
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `Kraken Import: ${message}` });
    }
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    settings.setFolders(folders);
    const general = (params.capabilities as { general?: { positionEncodings?: string[] } }).general;
    return {
      capabilities: {
        // Positions are UTF-16 code units (the encoding every client must support); said explicitly to clients that
        // offer a choice, so none of them converts as if it were UTF-8.
        ...(general?.positionEncodings ? { positionEncoding: 'utf-16' } : {}),
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', ':', ','], resolveProvider: false },
        hoverProvider: true,
        // Kinds may be announced only to a client that understands code action literals.
        codeActionProvider: client.codeActionLiterals ? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] } : true,
        ...(!client.codeActionLiterals && client.applyEdit ? { executeCommandProvider: { commands: [APPLY_EDIT_COMMAND] } } : {}),
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        ...(client.pullDiagnostics
          ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false, identifier: 'kraken-import' } }
          : {}),
        ...(client.workspaceFolders ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
      },
      serverInfo: { name: 'kraken-import', version: '0.1.0' },
    };
  });

  const onConfigFileChanged = () => revalidateAll();

  connection.onInitialized(() => {
    void (async () => {
      try {
        await settings.loadAll();
      } catch (error) {
        connection.console.error(`loading the settings failed: ${(error as Error)?.stack ?? String(error)}`);
      }
      settled = true;
      markReady();
      // Config files: watched by the client when it can watch for the server, else by the file system.
      if (client.watchedFilesRegistration) {
        void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${CONFIG_FILE}` }] });
      } else settings.watchWithFileSystem(onConfigFileChanged);
      if (client.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
          const now = settings
            .all()
            .map((f) => f.uri)
            .filter((u) => u && !e.removed.some((r) => r.uri.replace(/\/$/, '') === u));
          settings.setFolders([...now, ...e.added.map((a) => a.uri)]);
          void settings.loadAll().then(() => {
            if (!client.watchedFilesRegistration) settings.watchWithFileSystem(onConfigFileChanged);
            revalidateAll();
          });
        });
      }
      revalidateAll();
    })();
  });

  connection.onDidChangeWatchedFiles((params) => {
    void (async () => {
      let changed = false;
      for (const c of params.changes) {
        const folder = settings.folderOfConfig(c.uri);
        if (folder && (await settings.reloadFile(folder))) changed = true;
      }
      if (changed) revalidateAll();
    })();
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { krakenImport?: unknown } | undefined)?.krakenImport;
    void (async () => {
      await ready;
      // A client that answers workspace/configuration is asked (per folder); others push their settings here.
      await settings.loadEditorSettings(client.configurationRequests ? undefined : pushed);
      await settings.applyAll();
      revalidateAll();
    })();
  });

  connection.onShutdown(() => settings.dispose());

  documents.onDidOpen((e) => schedulePush(e.document, 0));
  documents.onDidChangeContent((e) => schedulePush(e.document));
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    cache.delete(e.document.uri);
    if (!client.pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on(async (params, token) => {
    await ready;
    return runSafe<DocumentDiagnosticReport, DiagnosticServerCancellationData>(connection, 'diagnostics', token, () => {
      const doc = documents.get(params.textDocument.uri);
      return { kind: DocumentDiagnosticReportKind.Full, items: doc ? diagnosticsFor(doc) : [] };
    });
  });

  connection.onRequest(SetContractRequest, async (params: SetContractParams, token) => {
    await ready;
    const result = runSafe(connection, 'setContract', token, (): SetContractResult =>
      setContract(contractService, params, (line) => connection.console.info(line)),
    );
    if (result instanceof ResponseError || !result.ok) return result;
    const next = !params.text || params.source === 'bundled' ? undefined : contractService.schemaSet;
    if (next !== settings.clientSchemaSet) {
      settings.clientSchemaSet = next;
      await settings.applyAll();
      revalidateAll();
    }
    return result;
  });

  connection.onRequest(DocumentInfoRequest, async (params: DocumentInfoParams, token) => {
    await ready;
    return runSafe(connection, 'documentInfo', token, () => {
      const doc = documents.get(params.uri);
      return doc ? state(doc).info : null;
    });
  });

  connection.onRequest(LocatePathsRequest, async (params: LocatePathsParams, token) => {
    await ready;
    return runSafe(connection, 'locatePaths', token, (): LocatePathsResult => {
      const doc = documents.get(params.uri);
      const parsed = doc ? state(doc).result?.parsed : undefined;
      // Kraken's paths are paths in one payload: a JSON Lines wave has no single document to place them in.
      if (!parsed) return params.paths.map(() => null);
      return params.paths.map((p) => {
        const path = p === '' ? [] : p.split('.').map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
        const span = parsed.locator.locate(path, 'value');
        return { range: parsed.lines.range(span.start, span.end), exact: span.exact };
      });
    });
  });

  // Workspace validation: a file on disk, sent by the client (not an open document; nothing is cached).
  connection.onRequest(ValidateFileRequest, async (params: ValidateFileParams, token) => {
    await ready;
    return runSafe(connection, 'validateFile', token, (): ValidateFileResult => {
      const r = validateFileText(settings.folderFor(params.uri).service, params.uri, params.text);
      return { kind: r.kind, diagnostics: r.diagnostics.map(toLspDiagnostic) };
    });
  });

  // Authoring: completion, hover, quick fixes, navigation, outline and folding (all in the language service). In a
  // JSON Lines wave each of them works inside the record (line) at the position, with positions mapped both ways.
  const authoringOptions = (doc: TextDocument) => ({ filePath: doc.uri });
  const limitNoticeShown = new Set<string>();
  const noticeLimit = (uri: string, what: string, result: { limitReached: boolean; limit: number }) => {
    if (!result.limitReached || limitNoticeShown.has(`${what}:${uri}`)) return;
    limitNoticeShown.add(`${what}:${uri}`);
    void connection.window.showInformationMessage(
      `Kraken Import: this document is large; only the first ${result.limit} ${what} are shown.`,
    );
  };

  /** The record of a JSON Lines document at a position, with its position mapping. */
  function recordAt(doc: TextDocument, position: Position): RecordPositions {
    const text = doc.getText();
    const lines = new LineIndex(text);
    return new RecordPositions(lines, jsonLinesRecordAt(text, lines.offsetAt(position)));
  }

  const mapEdit =
    (m: RecordPositions) =>
    (e: TextEdit): TextEdit => ({ range: m.toFileRange(e.range), newText: e.newText });

  connection.onCompletion(async (params, token) => {
    await ready;
    return runSafe(connection, 'completion', token, (): CompletionList | null => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const options = { ...authoringOptions(doc), snippets: client.snippets, retriggerCommand: settings.init.retriggerCompletionCommand };
      if (!isLines(doc)) return serviceFor(doc).complete(doc.getText(), params.position, options);
      const m = recordAt(doc, params.position);
      const list = serviceFor(doc).complete(m.entry.text, m.toRecord(params.position), options);
      return {
        ...list,
        items: list.items.map((item) => ({
          ...item,
          ...(item.textEdit ? { textEdit: mapEdit(m)(item.textEdit) } : {}),
          ...(item.additionalTextEdits ? { additionalTextEdits: item.additionalTextEdits.map(mapEdit(m)) } : {}),
        })),
      };
    });
  });

  connection.onHover(async (params, token) => {
    await ready;
    return runSafe(connection, 'hover', token, (): Hover | null => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      if (!isLines(doc)) return serviceFor(doc).hover(doc.getText(), params.position, authoringOptions(doc));
      const m = recordAt(doc, params.position);
      const h = serviceFor(doc).hover(m.entry.text, m.toRecord(params.position), authoringOptions(doc));
      return h && h.range ? { ...h, range: m.toFileRange(h.range) } : h;
    });
  });

  function codeActionsFor(
    doc: TextDocument,
    range: LspRange,
    diagnostics: LspDiagnostic[],
    only: string[] | undefined,
  ): Array<{ title: string; kind: string; diagnostics?: LspDiagnostic[]; isPreferred?: boolean; edits: TextEdit[] }> {
    const service = serviceFor(doc);
    const ours = diagnostics.filter((d) => d.source === SOURCE);
    if (!isLines(doc)) {
      return service.codeActions(doc.getText(), range, ours, {
        ...authoringOptions(doc),
        only,
        allDiagnostics: () => state(doc).diagnostics,
      });
    }
    const actions: Array<{ title: string; kind: string; diagnostics?: LspDiagnostic[]; isPreferred?: boolean; edits: TextEdit[] }> = [];
    const text = doc.getText();
    const lines = new LineIndex(text);
    if (only?.some((o) => FIX_ALL_KIND === o || FIX_ALL_KIND.startsWith(o + '.'))) {
      // Fix all in a wave: every record's safe fixes, in one edit.
      const edits: TextEdit[] = [];
      for (const entry of jsonLinesRecords(text)) {
        const m = new RecordPositions(lines, entry);
        for (const a of service.codeActions(entry.text, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], {
          ...authoringOptions(doc),
          only: [FIX_ALL_KIND],
        }))
          edits.push(...a.edits.map(mapEdit(m)));
      }
      if (edits.length) actions.push({ title: 'Fix all safe Kraken Import findings', kind: FIX_ALL_KIND, edits });
    }
    if (only && !only.some((o) => o === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(o + '.') || o === '')) return actions;
    // Quick fixes: the record at the range, with the client's diagnostics moved into it (and back).
    const m = new RecordPositions(lines, jsonLinesRecordAt(text, lines.offsetAt(range.start)));
    const inRecord = ours.filter((d) => m.contains(d.range));
    const moved = inRecord.map((d) => ({ ...d, range: m.toRecordRange(d.range) }));
    const original = new Map(moved.map((d, i) => [d, inRecord[i]]));
    const recordDiagnostics = () => service.validate(m.entry.text, { filePath: doc.uri }).diagnostics;
    for (const a of service.codeActions(m.entry.text, m.toRecordRange(range), moved, {
      ...authoringOptions(doc),
      allDiagnostics: recordDiagnostics,
    })) {
      actions.push({ ...a, diagnostics: a.diagnostics?.map((d) => original.get(d) ?? d), edits: a.edits.map(mapEdit(m)) });
    }
    return actions;
  }

  connection.onCodeAction(async (params, token) => {
    await ready;
    return runSafe(connection, 'codeAction', token, (): Array<CodeAction | Command> => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const actions = codeActionsFor(doc, params.range, params.context.diagnostics, params.context.only);
      if (client.codeActionLiterals) {
        return actions.map((a): CodeAction => ({
          title: a.title,
          kind: a.kind,
          ...(a.diagnostics?.length ? { diagnostics: a.diagnostics } : {}),
          ...(a.isPreferred ? { isPreferred: true } : {}),
          edit: { changes: { [doc.uri]: a.edits } },
        }));
      }
      // A client without code action literals gets commands; the server applies the edit when one is run.
      if (!client.applyEdit) return [];
      return actions.map((a): Command => ({
        title: a.title,
        command: APPLY_EDIT_COMMAND,
        arguments: [{ changes: { [doc.uri]: a.edits } }],
      }));
    });
  });

  connection.onExecuteCommand(async (params) => {
    if (params.command !== APPLY_EDIT_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
    const edit = params.arguments?.[0] as WorkspaceEdit | undefined;
    if (!edit) throw new ResponseError(ErrorCodes.InvalidParams, `${APPLY_EDIT_COMMAND} needs a workspace edit`);
    const applied = await connection.workspace.applyEdit(edit);
    if (!applied.applied)
      connection.console.warn(`the client did not apply the fix${applied.failureReason ? `: ${applied.failureReason}` : ''}`);
    return null;
  });

  connection.onDefinition(async (params, token) => {
    await ready;
    return runSafe(connection, 'definition', token, (): Location[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      if (!isLines(doc))
        return serviceFor(doc)
          .definition(doc.getText(), params.position, authoringOptions(doc))
          .map((range) => ({ uri: doc.uri, range }));
      const m = recordAt(doc, params.position);
      return serviceFor(doc)
        .definition(m.entry.text, m.toRecord(params.position), authoringOptions(doc))
        .map((range) => ({ uri: doc.uri, range: m.toFileRange(range) }));
    });
  });

  connection.onReferences(async (params, token) => {
    await ready;
    return runSafe(connection, 'references', token, (): Location[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      if (!isLines(doc))
        return serviceFor(doc)
          .references(doc.getText(), params.position, params.context.includeDeclaration, authoringOptions(doc))
          .map((range) => ({ uri: doc.uri, range }));
      const m = recordAt(doc, params.position);
      return serviceFor(doc)
        .references(m.entry.text, m.toRecord(params.position), params.context.includeDeclaration, authoringOptions(doc))
        .map((range) => ({ uri: doc.uri, range: m.toFileRange(range) }));
    });
  });

  connection.onDocumentSymbol(async (params, token) => {
    await ready;
    return runSafe(connection, 'documentSymbol', token, (): DocumentSymbol[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      if (isLines(doc)) return [];
      const result = serviceFor(doc).symbols(doc.getText());
      noticeLimit(doc.uri, 'outline symbols', result);
      return result.items;
    });
  });

  connection.languages.foldingRange.on(async (params, token) => {
    await ready;
    return runSafe(connection, 'foldingRange', token, (): FoldingRange[] => {
      const doc = documents.get(params.textDocument.uri);
      // A record is one line: nothing to fold in a JSON Lines wave.
      if (!doc || isLines(doc)) return [];
      const result = serviceFor(doc).foldingRanges(doc.getText());
      noticeLimit(doc.uri, 'folding ranges', result);
      return result.items;
    });
  });

  documents.listen(connection);
  connection.listen();
}
