/**
 * Open documents and their validation: a cached state per document version (diagnostics, document info, the
 * validation for fix-all and locatePaths), pushed after a quiet time or pulled by the client.
 */
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { type Diagnostic, KINDS_BY_ID, type KrakenService, LineIndex, type ValidationResult } from '../../core/src/service';
import { fileUtf8, type FileUtf8, invalidUtf8Diagnostic, jsonLinesRecords, validateFileText } from '../../core/src/files';
import { DocumentInfoChangedNotification, type DocumentInfo } from '../../core/src/protocol';
import { toLspDiagnostic } from './lsp';
import type { ServerSession } from './session';
import { uriToPath } from './node/workspaceSettings';

/**
 * Quiet time after a change before validating. With a 10 MB document validating in about 100 ms, 150 ms keeps
 * diagnostics within 300 ms of the last keystroke while a burst of typing still validates once.
 */
const VALIDATION_DELAY_MS = 150;

export interface DocState {
  version: number;
  diagnostics: Diagnostic[];
  info: DocumentInfo;
  /** .json documents: the validation (locator, line index) for fix-all and locatePaths. */
  result?: ValidationResult;
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

/** A JSON Lines wave: every record checked on its own, findings placed on the record's line. */
function linesState(service: KrakenService, doc: TextDocument, leading: Diagnostic[]): DocState {
  const r = validateFileText(service, doc.uri, doc.getText());
  const records = jsonLinesRecords(doc.getText()).length;
  const diagnostics = [...leading, ...r.diagnostics];
  return {
    version: doc.version,
    diagnostics,
    info: infoOf(
      service,
      r.kind,
      `JSON Lines: ${records} record${records === 1 ? '' : 's'}${r.kind ? ', the first one decides the kind shown' : ', none a Kraken payload'}`,
      r.kind ? 'content' : 'none',
      diagnostics,
    ),
  };
}

function jsonState(service: KrakenService, doc: TextDocument, leading: Diagnostic[]): DocState {
  const validated = service.validate(doc.getText(), { filePath: doc.uri });
  // Kept per document: diagnostics, the locator and the line index, not the parsed value (as large as a few
  // times the text; nothing reads it after validation).
  const result = { ...validated, parsed: { ...validated.parsed, value: undefined } };
  const d = result.detection;
  const diagnostics = leading.length ? [...leading, ...result.diagnostics] : result.diagnostics;
  return {
    version: doc.version,
    diagnostics,
    result,
    info: infoOf(service, d.kind ?? null, d.shape ? `${d.reason}; ${d.shape}` : d.reason, d.source, diagnostics),
  };
}

export class DocumentValidation {
  readonly #cache = new Map<string, DocState>();
  readonly #pending = new Map<string, NodeJS.Timeout>();
  /** Documents between their onDidOpen and the onDidChangeContent that follows it. */
  readonly #opening = new Set<string>();

  constructor(private readonly session: ServerSession) {
    const { documents, connection } = session;
    // TextDocuments fires onDidChangeContent right after onDidOpen for the same version: that one is the open, and
    // must not put the typing delay on an opened document's first diagnostics.
    documents.onDidOpen((e) => {
      this.#opening.add(e.document.uri);
      this.schedulePush(e.document, 0);
    });
    documents.onDidChangeContent((e) => {
      if (this.#opening.delete(e.document.uri)) return;
      this.schedulePush(e.document);
    });
    documents.onDidClose((e) => {
      clearTimeout(this.#pending.get(e.document.uri));
      this.#pending.delete(e.document.uri);
      this.#cache.delete(e.document.uri);
      this.#utf8.delete(uriToPath(e.document.uri) ?? '');
      session.serviceFor(e.document).forgetText(e.document.getText());
      if (!session.client.pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    });
  }

  state(doc: TextDocument): DocState {
    const cached = this.#cache.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    const service = this.session.serviceFor(doc);
    const notUtf8 = this.#invalidUtf8(doc, service);
    const leading = notUtf8 ? [notUtf8] : [];
    const next = this.session.isLines(doc) ? linesState(service, doc, leading) : jsonState(service, doc, leading);
    this.#cache.set(doc.uri, next);
    return next;
  }

  /** Per open file: whether its bytes were UTF-8 when last read, and its size and modification time then. */
  readonly #utf8 = new Map<string, FileUtf8>();

  /**
   * invalid-utf8 for a document whose text shows "\ufffd" while its file's bytes are not UTF-8: the editor decoded
   * them leniently, and the text is all the server is sent. At the first "\ufffd", as `validate` places it. The file is
   * read only for such a text, and again only when it changed on disk.
   */
  #invalidUtf8(doc: TextDocument, service: KrakenService): Diagnostic | undefined {
    const text = doc.getText();
    const at = text.indexOf('\ufffd');
    if (at === -1) return undefined;
    const file = uriToPath(doc.uri);
    if (file === undefined) return undefined;
    const known = fileUtf8(file, this.#utf8.get(file));
    if (known) this.#utf8.set(file, known);
    if (!known || known.utf8) return undefined;
    return invalidUtf8Diagnostic(service, new LineIndex(text), text, at);
  }

  diagnosticsFor(doc: TextDocument): LspDiagnostic[] {
    const s = this.state(doc);
    void this.session.connection.sendNotification(DocumentInfoChangedNotification, { uri: doc.uri, ...s.info });
    return s.diagnostics.map(toLspDiagnostic);
  }

  schedulePush(doc: TextDocument, delay = VALIDATION_DELAY_MS): void {
    const { session } = this;
    if (session.client.pullDiagnostics) return;
    clearTimeout(this.#pending.get(doc.uri));
    this.#pending.set(
      doc.uri,
      setTimeout(() => {
        this.#pending.delete(doc.uri);
        const current = session.documents.get(doc.uri);
        if (!current || current.version !== doc.version) return; // stale: a newer change is scheduled
        // Nothing is validated before the settings are in (initializationOptions, config files, editor settings).
        if (!session.settled) return void session.ready.then(() => this.schedulePush(current, 0));
        try {
          const diagnostics = this.diagnosticsFor(current);
          if (session.documents.get(doc.uri)?.version === current.version)
            void session.connection.sendDiagnostics({ uri: doc.uri, version: current.version, diagnostics });
        } catch (error) {
          session.connection.console.error(`validation of ${doc.uri} failed: ${(error as Error)?.stack ?? String(error)}`);
        }
      }, delay),
    );
  }

  revalidateAll(): void {
    const { session } = this;
    this.#cache.clear();
    if (!session.settled) return;
    // Pull mode is chosen only with refreshSupport (clientFeatures), so the request is one the client handles.
    if (session.client.pullDiagnostics) void session.connection.languages.diagnostics.refresh();
    else for (const doc of session.documents.all()) this.schedulePush(doc, 0);
  }
}
