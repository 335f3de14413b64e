/** Diagnostics pulled by the client, and the server's own requests: documentInfo, locatePaths, validateFile. */
import { type DiagnosticServerCancellationData, type DocumentDiagnosticReport, DocumentDiagnosticReportKind } from 'vscode-languageserver';
import { validateFileText } from '../../core/src/files';
import {
  DocumentInfoRequest,
  type DocumentInfoParams,
  LocatePathsRequest,
  type LocatePathsParams,
  type LocatePathsResult,
  ValidateFileRequest,
  type ValidateFileParams,
  type ValidateFileResult,
} from '../../core/src/protocol';
import { runSafe, toLspDiagnostic } from './lsp';
import type { ServerSession } from './session';
import type { DocumentValidation } from './validation';

export function registerRequests(session: ServerSession, validation: DocumentValidation): void {
  const { connection, documents, settings } = session;
  connection.languages.diagnostics.on(async (params, token) => {
    await session.ready;
    return runSafe<DocumentDiagnosticReport, DiagnosticServerCancellationData>(connection, 'diagnostics', token, () => {
      const doc = documents.get(params.textDocument.uri);
      return { kind: DocumentDiagnosticReportKind.Full, items: doc ? validation.diagnosticsFor(doc) : [] };
    });
  });

  connection.onRequest(DocumentInfoRequest, async (params: DocumentInfoParams, token) => {
    await session.ready;
    return runSafe(connection, 'documentInfo', token, () => {
      const doc = documents.get(params.uri);
      return doc ? validation.state(doc).info : null;
    });
  });

  connection.onRequest(LocatePathsRequest, async (params: LocatePathsParams, token) => {
    await session.ready;
    return runSafe(connection, 'locatePaths', token, (): LocatePathsResult => {
      const doc = documents.get(params.uri);
      const parsed = doc ? validation.state(doc).result?.parsed : undefined;
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
    await session.ready;
    return runSafe(connection, 'validateFile', token, (): ValidateFileResult => {
      const r = validateFileText(settings.folderFor(params.uri).service, params.uri, params.text);
      return { kind: r.kind, diagnostics: r.diagnostics.map(toLspDiagnostic) };
    });
  });
}
