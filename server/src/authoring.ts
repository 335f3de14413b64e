/**
 * Authoring: completion, hover, navigation, outline and folding (all in the language service). In a JSON Lines wave
 * each of them works inside the record (line) at the position, with positions mapped both ways.
 */
import type { CompletionList, DocumentSymbol, FoldingRange, Hover, Location } from 'vscode-languageserver';
import { runSafe } from './lsp';
import { authoringOptions, mapEdit, recordAt } from './records';
import type { ServerSession } from './session';

function registerCompletionAndHover(session: ServerSession): void {
  const { connection, documents, settings } = session;
  connection.onCompletion(async (params, token) => {
    await session.ready;
    return runSafe(connection, 'completion', token, (): CompletionList | null => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const options = {
        ...authoringOptions(doc),
        snippets: session.client.snippets,
        retriggerCommand: settings.init.retriggerCompletionCommand,
      };
      if (!session.isLines(doc)) return session.serviceFor(doc).complete(doc.getText(), params.position, options);
      const m = recordAt(doc, params.position);
      const list = session.serviceFor(doc).complete(m.entry.text, m.toRecord(params.position), options);
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
    await session.ready;
    return runSafe(connection, 'hover', token, (): Hover | null => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      if (!session.isLines(doc)) return session.serviceFor(doc).hover(doc.getText(), params.position, authoringOptions(doc));
      const m = recordAt(doc, params.position);
      const h = session.serviceFor(doc).hover(m.entry.text, m.toRecord(params.position), authoringOptions(doc));
      return h && h.range ? { ...h, range: m.toFileRange(h.range) } : h;
    });
  });
}

function registerNavigation(session: ServerSession): void {
  const { connection, documents } = session;
  connection.onDefinition(async (params, token) => {
    await session.ready;
    return runSafe(connection, 'definition', token, (): Location[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      if (!session.isLines(doc))
        return session
          .serviceFor(doc)
          .definition(doc.getText(), params.position, authoringOptions(doc))
          .map((range) => ({ uri: doc.uri, range }));
      const m = recordAt(doc, params.position);
      return session
        .serviceFor(doc)
        .definition(m.entry.text, m.toRecord(params.position), authoringOptions(doc))
        .map((range) => ({ uri: doc.uri, range: m.toFileRange(range) }));
    });
  });

  connection.onReferences(async (params, token) => {
    await session.ready;
    return runSafe(connection, 'references', token, (): Location[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      if (!session.isLines(doc))
        return session
          .serviceFor(doc)
          .references(doc.getText(), params.position, params.context.includeDeclaration, authoringOptions(doc))
          .map((range) => ({ uri: doc.uri, range }));
      const m = recordAt(doc, params.position);
      return session
        .serviceFor(doc)
        .references(m.entry.text, m.toRecord(params.position), params.context.includeDeclaration, authoringOptions(doc))
        .map((range) => ({ uri: doc.uri, range: m.toFileRange(range) }));
    });
  });
}

function registerOutline(session: ServerSession): void {
  const { connection, documents } = session;
  const limitNoticeShown = new Set<string>();
  const noticeLimit = (uri: string, what: string, result: { limitReached: boolean; limit: number }) => {
    if (!result.limitReached || limitNoticeShown.has(`${what}:${uri}`)) return;
    limitNoticeShown.add(`${what}:${uri}`);
    void connection.window.showInformationMessage(
      `Kraken Import: this document is large; only the first ${result.limit} ${what} are shown.`,
    );
  };

  connection.onDocumentSymbol(async (params, token) => {
    await session.ready;
    return runSafe(connection, 'documentSymbol', token, (): DocumentSymbol[] => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      if (session.isLines(doc)) return [];
      const result = session.serviceFor(doc).symbols(doc.getText());
      noticeLimit(doc.uri, 'outline symbols', result);
      return result.items;
    });
  });

  connection.languages.foldingRange.on(async (params, token) => {
    await session.ready;
    return runSafe(connection, 'foldingRange', token, (): FoldingRange[] => {
      const doc = documents.get(params.textDocument.uri);
      // A record is one line: nothing to fold in a JSON Lines wave.
      if (!doc || session.isLines(doc)) return [];
      const result = session.serviceFor(doc).foldingRanges(doc.getText());
      noticeLimit(doc.uri, 'folding ranges', result);
      return result.items;
    });
  });
}

export function registerAuthoring(session: ServerSession): void {
  registerCompletionAndHover(session);
  registerNavigation(session);
  registerOutline(session);
}
