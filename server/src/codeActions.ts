/**
 * Quick fixes and "fix all" (from the language service), as code actions for clients that understand them, else as
 * commands the server applies (APPLY_EDIT_COMMAND). In a JSON Lines wave a fix works inside its record.
 */
import {
  type CodeAction,
  CodeActionKind,
  type Command,
  type Diagnostic as LspDiagnostic,
  ErrorCodes,
  type Range as LspRange,
  ResponseError,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { FIX_ALL_KIND, LineIndex, type KrakenService, SOURCE, type TextEdit } from '../../core/src/service';
import { jsonLinesRecordAt, jsonLinesRecords, RecordPositions } from '../../core/src/files';
import { APPLY_EDIT_COMMAND } from './capabilities';
import { runSafe } from './lsp';
import { authoringOptions, mapEdit } from './records';
import type { ServerSession } from './session';
import type { DocumentValidation } from './validation';

type Action = { title: string; kind: string; diagnostics?: LspDiagnostic[]; isPreferred?: boolean; edits: TextEdit[] };

/** Fix all in a wave: every record's safe fixes, in one edit. */
function fixAllRecords(service: KrakenService, doc: TextDocument, text: string, lines: LineIndex): Action[] {
  const edits: TextEdit[] = [];
  for (const entry of jsonLinesRecords(text)) {
    const m = new RecordPositions(lines, entry);
    for (const a of service.codeActions(entry.text, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [], {
      ...authoringOptions(doc),
      only: [FIX_ALL_KIND],
    }))
      edits.push(...a.edits.map(mapEdit(m)));
  }
  return edits.length ? [{ title: 'Fix all safe Kraken Import findings', kind: FIX_ALL_KIND, edits }] : [];
}

/** Quick fixes in a wave: the record at the range, with the client's diagnostics moved into it (and back). */
function recordQuickFixes(
  service: KrakenService,
  doc: TextDocument,
  text: string,
  lines: LineIndex,
  range: LspRange,
  ours: LspDiagnostic[],
): Action[] {
  const m = new RecordPositions(lines, jsonLinesRecordAt(text, lines.offsetAt(range.start)));
  const inRecord = ours.filter((d) => m.contains(d.range));
  const moved = inRecord.map((d) => ({ ...d, range: m.toRecordRange(d.range) }));
  const original = new Map(moved.map((d, i) => [d, inRecord[i]]));
  const recordDiagnostics = () => service.validate(m.entry.text, { filePath: doc.uri }).diagnostics;
  return service
    .codeActions(m.entry.text, m.toRecordRange(range), moved, { ...authoringOptions(doc), allDiagnostics: recordDiagnostics })
    .map((a) => ({ ...a, diagnostics: a.diagnostics?.map((d) => original.get(d) ?? d), edits: a.edits.map(mapEdit(m)) }));
}

function codeActionsFor(
  session: ServerSession,
  validation: DocumentValidation,
  doc: TextDocument,
  range: LspRange,
  diagnostics: LspDiagnostic[],
  only: string[] | undefined,
): Action[] {
  const service = session.serviceFor(doc);
  const ours = diagnostics.filter((d) => d.source === SOURCE);
  if (!session.isLines(doc)) {
    return service.codeActions(doc.getText(), range, ours, {
      ...authoringOptions(doc),
      only,
      allDiagnostics: () => validation.state(doc).diagnostics,
    });
  }
  const text = doc.getText();
  const lines = new LineIndex(text);
  const actions = only?.some((o) => FIX_ALL_KIND === o || FIX_ALL_KIND.startsWith(o + '.')) ? fixAllRecords(service, doc, text, lines) : [];
  if (only && !only.some((o) => o === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(o + '.') || o === '')) return actions;
  return [...actions, ...recordQuickFixes(service, doc, text, lines, range, ours)];
}

export function registerCodeActions(session: ServerSession, validation: DocumentValidation): void {
  const { connection, documents } = session;
  connection.onCodeAction(async (params, token) => {
    await session.ready;
    return runSafe(connection, 'codeAction', token, (): Array<CodeAction | Command> => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const actions = codeActionsFor(session, validation, doc, params.range, params.context.diagnostics, params.context.only);
      if (session.client.codeActionLiterals) {
        return actions.map((a): CodeAction => ({
          title: a.title,
          kind: a.kind,
          ...(a.diagnostics?.length ? { diagnostics: a.diagnostics } : {}),
          ...(a.isPreferred ? { isPreferred: true } : {}),
          edit: { changes: { [doc.uri]: a.edits } },
        }));
      }
      // A client without code action literals gets commands; the server applies the edit when one is run.
      if (!session.client.applyEdit) return [];
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
}
