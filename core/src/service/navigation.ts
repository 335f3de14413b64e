/**
 * Go to definition and find references inside one payload, for the cross-references of `xref.ts`: ledger codes,
 * ledger identifiers, payment instruction identifiers, meter numbers, supply point identifiers, transaction and
 * statement ids. Ranges are those of the string values (quotes included).
 */
import { authoringDocument, nodeAtOffset, type AuthoringDocument, type DocumentOptions } from './authoringDoc';
import type { AssociationInput } from './kinds';
import type { SchemaSet } from './schemas';
import type { Position, Range } from './types';
import { definitionsFor, occurrences, type Occurrence } from './xref';

function rangeOf(doc: AuthoringDocument, o: Occurrence): Range {
  return doc.lines.range(o.node.offset, o.node.offset + o.node.length);
}

function at(doc: AuthoringDocument, position: Position): { all: Occurrence[]; here: Occurrence } | undefined {
  if (!doc.kind) return undefined;
  const node = nodeAtOffset(doc.tree, doc.lines.offsetAt(position));
  if (!node || node.type !== 'string') return undefined;
  const all = occurrences(doc);
  const here = all.find((o) => o.node.offset === node.offset);
  return here ? { all, here } : undefined;
}

/** The definitions `o` names (for a definition: the definitions with its value, itself included). */
function targets(all: Occurrence[], o: Occurrence): Occurrence[] {
  if (o.role === 'definition') {
    // The same value defined again in the same scope (a duplicate); another supply point's meter is another meter.
    const key = o.scope?.join('.');
    return all.filter((x) => x.kind.id === o.kind.id && x.role === 'definition' && x.value === o.value && x.scope?.join('.') === key);
  }
  return definitionsFor(all, o.kind, o.scope, o.value);
}

export function definition(
  text: string,
  position: Position,
  schemas: SchemaSet,
  options: DocumentOptions = {},
  associations?: AssociationInput,
): Range[] {
  const doc = authoringDocument(text, schemas, options, associations);
  const found = at(doc, position);
  if (!found) return [];
  return targets(found.all, found.here).map((o) => rangeOf(doc, o));
}

export function references(
  text: string,
  position: Position,
  includeDeclaration: boolean,
  schemas: SchemaSet,
  options: DocumentOptions = {},
  associations?: AssociationInput,
): Range[] {
  const doc = authoringDocument(text, schemas, options, associations);
  const found = at(doc, position);
  if (!found) return [];
  const { all, here } = found;
  const defs = targets(all, here);
  const out: Occurrence[] = [];
  for (const o of all) {
    if (o.kind.id !== here.kind.id || o.value !== here.value) continue;
    if (o.role === 'definition') {
      if (includeDeclaration && (defs.includes(o) || (!defs.length && o === here))) out.push(o);
      continue;
    }
    // A reference belongs when it resolves to the same definitions (a meter number in another supply point does not).
    const its = definitionsFor(all, o.kind, o.scope, o.value);
    if (!defs.length ? its.length === 0 : its.some((d) => defs.includes(d))) out.push(o);
  }
  return out.map((o) => rangeOf(doc, o));
}
