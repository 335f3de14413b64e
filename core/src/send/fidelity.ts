/**
 * A payload is sent as written, or not at all. Pure: no `vscode` import. `send` and the editor's wave commands
 * (waves/items.ts) and the editor's send commands (client/src/commands/ui/sendCommands.ts) refuse:
 * - bytes that are not UTF-8. Kraken reads request bodies as UTF-8; a file decoded leniently shows each bad byte as
 *   "\ufffd", and sending that text would give Kraken "M\ufffdller" where a legacy export (often Windows-1252 or
 *   ISO 8859-1) wrote "Müller" in its own encoding. The editor refuses a document whose file is not UTF-8 while its
 *   text shows the replacement character (one written on purpose in a UTF-8 file is sent);
 * - an integer literal that JavaScript cannot hold: the body is the parsed document written again, and Kraken's
 *   Python reader, which would have read the literal exactly, gets the double's digits instead.
 */
import { integersChangedBySending } from '../service/numberLiterals';

/** Why a payload whose bytes are not UTF-8 is not sent; `place` names where ("line 8, column 24"). */
export function notUtf8Reason(place: string): string {
  return (
    `not UTF-8: ${place}: these bytes are not valid UTF-8, and Kraken reads request bodies as UTF-8 (sent, they would ` +
    'arrive as "\ufffd"). Re-encode the file as UTF-8 from its legacy encoding (often Windows-1252 or ISO 8859-1).'
  );
}

/** Why a payload is not sent when an integer in it would change on the way; undefined when none would. */
export function changedIntegersReason(text: string): string | undefined {
  const changed = integersChangedBySending(text);
  if (!changed.length) return undefined;
  const [first] = changed;
  const more = changed.length > 1 ? ` (and ${changed.length - 1} more)` : '';
  return (
    `an integer would change on the way: ${first.literal} would be sent as ${first.sent}${more}, since JavaScript holds ` +
    'integers exactly only up to 2^53. Write it as a string if the field holds text (an identifier), or correct it.'
  );
}
