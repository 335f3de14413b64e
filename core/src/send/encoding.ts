/**
 * Bytes that are not UTF-8 are never sent. Kraken reads request bodies as UTF-8; a file decoded leniently shows each
 * bad byte as "\ufffd", and sending that text would give Kraken "M\ufffdller" where a legacy export (often Windows-1252
 * or ISO 8859-1) wrote "Müller" in its own encoding. `send` and the editor's wave commands refuse such a file or
 * .jsonl record (waves/items.ts); the editor's send commands refuse a document whose file is not UTF-8 while its
 * text shows the replacement character. Pure: no `vscode` import.
 */

/** Why a payload whose bytes are not UTF-8 is not sent; `place` names where ("line 8, column 24"). */
export function notUtf8Reason(place: string): string {
  return (
    `not UTF-8: ${place}: these bytes are not valid UTF-8, and Kraken reads request bodies as UTF-8 (sent, they would ` +
    'arrive as "\ufffd"). Re-encode the file as UTF-8 from its legacy encoding (often Windows-1252 or ISO 8859-1).'
  );
}
