/** JSON Lines documents in authoring: the record (line) at a position, with positions and edits mapped both ways. */
import type { Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex, type TextEdit } from '../../core/src/service';
import { jsonLinesRecordAt, RecordPositions } from '../../core/src/files';

/** The record of a JSON Lines document at a position, with its position mapping. */
export function recordAt(doc: TextDocument, position: Position): RecordPositions {
  const text = doc.getText();
  const lines = new LineIndex(text);
  return new RecordPositions(lines, jsonLinesRecordAt(text, lines.offsetAt(position)));
}

/** An edit in a record → the same edit in the file. */
export const mapEdit =
  (m: RecordPositions) =>
  (e: TextEdit): TextEdit => ({ range: m.toFileRange(e.range), newText: e.newText });

/** Options the language service takes for a document's authoring requests. */
export const authoringOptions = (doc: TextDocument) => ({ filePath: doc.uri });
