/**
 * Document symbols (outline, breadcrumbs) with readable names for the things a payload describes ("Supply point
 * 50203829715 · GAS", "Ledger GAS_LEDGER · 3 transactions"), and folding ranges. Both are capped at 5000 items
 * like VS Code's `json.maxItemsComputed`; the result says when the cap was reached.
 */
import * as jsonc from 'jsonc-parser';
import { isRecord } from './authoringDoc';
import { LARGE_AUTHORING_TEXT, largeFoldingRanges, readLargeText } from './largeDocument';
import { tolerantTree, withinStack } from './parse';
import { LineIndex } from './text';
import { SymbolKind, type DocumentSymbol, type FoldingRange, type LimitedResult, type Range } from './types';

export const MAX_ITEMS_COMPUTED = 5000;

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}

function join(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p !== undefined && p !== '').join(' · ');
}

function short(s: string | undefined, n = 40): string | undefined {
  if (s === undefined) return undefined;
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

function count(v: unknown): number {
  return Array.isArray(v) ? v.length : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Readable names for the items of well-known lists, by the list's property name. */
const ITEM_NAMES: Record<string, (o: Record<string, unknown>, i: number) => string> = {
  customers: (o, i) => {
    const name = [str(o.given_name), str(o.family_name)].filter(Boolean).join(' ');
    return `Customer ${name || i + 1}`;
  },
  supply_addresses: (o, i) => {
    const street = [str(o.supply_address1), str(o.supply_address2)].filter(Boolean).join(' ');
    return `Supply address ${join(street || undefined, str(o.supply_postcode)) || i + 1}`;
  },
  supply_points: (o, i) => `Supply point ${join(str(o.identifier) ?? String(i + 1), str(o.supply_type))}`,
  meter_points: (o, i) => `Meter point ${join(str(o.identifier) ?? String(i + 1), str(o.supply_type))}`,
  melos: (o, i) => `MeLo ${str(o.melo_number) ?? i + 1}`,
  meters: (o, i) => `Meter ${join(str(o.meter_number) ?? str(o.meter_serial_number) ?? String(i + 1), str(o.meter_type))}`,
  registers: (o, i) => `Register ${str(o.obis_code) ?? str(o.register_id) ?? i + 1}`,
  readings: (o, i) => `Reading ${join(str(o.value) ?? str(o.reading_value) ?? String(i + 1), str(o.read_at) ?? str(o.reading_date))}`,
  transfer_readings: (o, i) => `Transfer reading ${join(str(o.meter_number) ?? String(i + 1), str(o.value) ?? str(o.reading_value))}`,
  agreements: (o, i) =>
    `Agreement ${join(str(o.product_code) ?? str(o.tariff_code) ?? String(i + 1), str(o.effective_from) ? `from ${str(o.effective_from)}` : undefined)}`,
  ledgers: (o, i) =>
    `Ledger ${join(str(o.ledger_code) ?? str(o.ledger_identifier) ?? String(i + 1), plural(count(o.current_statement_transactions) + count(o.historical_statement_transactions), 'transaction'))}`,
  current_statement_transactions: transactionName,
  historical_statement_transactions: transactionName,
  transactions: transactionName,
  line_items: (o, i) => `Line item ${join(str(o.rate_band) ?? String(i + 1), str(o.net_amount))}`,
  tax_items: (o, i) => `Tax item ${join(str(o.tax_type) ?? String(i + 1), str(o.amount))}`,
  statements: (o, i) => {
    const period =
      str(o.bill_period_from_date) && str(o.bill_period_to_date)
        ? `${str(o.bill_period_from_date)} – ${str(o.bill_period_to_date)}`
        : undefined;
    return `Statement ${join(str(o.statement_id) ?? String(i + 1), period)}`;
  },
  payment_instructions: (o, i) => `Payment instruction ${join(str(o.type) ?? String(i + 1), str(o.vendor), str(o.ledger_code))}`,
  payment_schedules: (o, i) => `Payment schedule ${join(str(o.frequency) ?? String(i + 1), str(o.amount), str(o.ledger_code))}`,
  notes: (o, i) => `Note ${short(str(o.body)) ?? (count(o.document_paths) ? plural(count(o.document_paths), 'document') : String(i + 1))}`,
  references: (o, i) => `Reference ${join(str(o.namespace) ?? String(i + 1), str(o.value))}`,
  account_campaigns: (o, i) => `Campaign ${str(o.slug) ?? i + 1}`,
  metadata: (o, i) => `Metadata ${str(o.key) ?? i + 1}`,
  meter_operators: marketPartner('Meter operator'),
  network_operators: marketPartner('Network operator'),
  transmission_system_operators: marketPartner('Transmission system operator'),
};

function transactionName(o: Record<string, unknown>, i: number): string {
  return `Transaction ${join(str(o.transaction_id) ?? String(i + 1), str(o.type), str(o.amount))}`;
}

function marketPartner(noun: string) {
  return (o: Record<string, unknown>, i: number) =>
    `${noun} ${join(str(o.code) ?? String(i + 1), str(o.valid_from) ? `from ${str(o.valid_from)}` : undefined)}`;
}

function kindOf(node: jsonc.Node): DocumentSymbol['kind'] {
  switch (node.type) {
    case 'object':
      return SymbolKind.Module;
    case 'array':
      return SymbolKind.Array;
    case 'string':
      return SymbolKind.String;
    case 'number':
      return SymbolKind.Number;
    case 'boolean':
      return SymbolKind.Boolean;
    default:
      return SymbolKind.Variable;
  }
}

function scalarDetail(node: jsonc.Node): string | undefined {
  if (node.type === 'object' || node.type === 'array')
    return node.type === 'array' ? plural(node.children?.length ?? 0, 'item') : undefined;
  return short(JSON.stringify(node.value), 60);
}

export function documentSymbols(text: string, limit = MAX_ITEMS_COMPUTED): LimitedResult<DocumentSymbol> {
  // A large text's tree is read lazily (largeDocument.ts): the outline reads only what it shows, up to the cap.
  const large = text.length >= LARGE_AUTHORING_TEXT ? readLargeText(text) : undefined;
  const lines = large?.lines ?? new LineIndex(text);
  const tree = large?.tree?.tree ?? tolerantTree(text, [], { allowTrailingComma: true, disallowComments: false }, false)?.tree; // none when nested too deeply
  let budget = limit;
  let limitReached = false;
  const range = (n: jsonc.Node): Range => lines.range(n.offset, n.offset + n.length);

  const childrenOf = (node: jsonc.Node, listName?: string): DocumentSymbol[] => {
    const out: DocumentSymbol[] = [];
    if (node.type === 'object') {
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (!key) continue;
        if (budget <= 0) {
          limitReached = true;
          break;
        }
        budget--;
        const symbol: DocumentSymbol = {
          name: String(key.value),
          kind: value ? kindOf(value) : SymbolKind.Variable,
          range: range(prop),
          selectionRange: range(key),
        };
        if (value) {
          const detail = scalarDetail(value);
          if (detail) symbol.detail = detail;
          const kids = childrenOf(value, String(key.value));
          if (kids.length) symbol.children = kids;
        }
        out.push(symbol);
      }
    } else if (node.type === 'array') {
      (node.children ?? []).some((item, i) => {
        if (budget <= 0) {
          limitReached = true;
          return true;
        }
        budget--;
        // own entries only: a list named "hasOwnProperty" or "toString" must not find Object.prototype's
        const namer = listName && Object.hasOwn(ITEM_NAMES, listName) ? ITEM_NAMES[listName] : undefined;
        const value = namer && item.type === 'object' ? jsonc.getNodeValue(item) : undefined;
        const readable = namer && isRecord(value) ? namer(value, i) : undefined;
        const symbol: DocumentSymbol = {
          name: readable ?? String(i),
          kind: readable ? SymbolKind.Object : kindOf(item),
          range: range(item),
          selectionRange: range(item),
        };
        const detail = scalarDetail(item);
        if (detail && !readable) symbol.detail = detail;
        const kids = childrenOf(item);
        if (kids.length) symbol.children = kids;
        out.push(symbol);
        return false;
      });
    }
    return out;
  };

  // childrenOf recurses per level, with more frames than jsonc-parser: a tree jsonc-parser just managed may still overflow.
  const items = tree ? (withinStack(() => childrenOf(tree))?.value ?? []) : [];
  return { items, limitReached, limit };
}

export function foldingRanges(text: string, limit = MAX_ITEMS_COMPUTED): LimitedResult<FoldingRange> {
  if (text.length >= LARGE_AUTHORING_TEXT) {
    // Outermost first from the lazy tree, reading containers only until the cap (strict JSON has no comments or
    // regions to fold).
    const { tree, lines } = readLargeText(text);
    if (tree) {
      const result = largeFoldingRanges(tree.tree, (offset) => lines.positionAt(offset).line, limit);
      return { items: result.items as FoldingRange[], limitReached: result.limitReached, limit };
    }
  }
  const scanner = jsonc.createScanner(text, false);
  const lines = new LineIndex(text);
  const ranges: Array<FoldingRange & { depth: number }> = [];
  const stack: Array<{ startLine: number; kind: 'object' | 'array' }> = [];
  const regions: number[] = [];
  let prevStart = -1;
  for (let token = scanner.scan(); token !== jsonc.SyntaxKind.EOF; token = scanner.scan()) {
    switch (token) {
      case jsonc.SyntaxKind.OpenBraceToken:
      case jsonc.SyntaxKind.OpenBracketToken:
        stack.push({ startLine: scanner.getTokenStartLine(), kind: token === jsonc.SyntaxKind.OpenBraceToken ? 'object' : 'array' });
        break;
      case jsonc.SyntaxKind.CloseBraceToken:
      case jsonc.SyntaxKind.CloseBracketToken: {
        const kind = token === jsonc.SyntaxKind.CloseBraceToken ? 'object' : 'array';
        const top = stack[stack.length - 1];
        if (top?.kind !== kind) break;
        stack.pop();
        const endLine = scanner.getTokenStartLine();
        // The closing bracket stays visible; one range per start line (the outermost).
        if (endLine > top.startLine + 1 && prevStart !== top.startLine) {
          ranges.push({ startLine: top.startLine, endLine: endLine - 1, kind, depth: stack.length });
          prevStart = top.startLine;
        }
        break;
      }
      case jsonc.SyntaxKind.BlockCommentTrivia: {
        const startLine = scanner.getTokenStartLine();
        const endLine = lines.positionAt(scanner.getTokenOffset() + scanner.getTokenLength()).line;
        if (endLine > startLine) ranges.push({ startLine, endLine, kind: 'comment', depth: stack.length });
        break;
      }
      case jsonc.SyntaxKind.LineCommentTrivia: {
        const comment = text.slice(scanner.getTokenOffset(), scanner.getTokenOffset() + scanner.getTokenLength());
        if (/^\/\/\s*#region\b/.test(comment)) regions.push(scanner.getTokenStartLine());
        else if (/^\/\/\s*#endregion\b/.test(comment) && regions.length) {
          const startLine = regions.pop()!;
          const endLine = scanner.getTokenStartLine();
          if (endLine > startLine) ranges.push({ startLine, endLine, kind: 'region', depth: stack.length });
        }
        break;
      }
    }
  }
  let kept = ranges;
  const limitReached = ranges.length > limit;
  if (limitReached) {
    // Keep the outermost ranges: they are the ones worth folding in a huge document.
    kept = [...ranges].sort((a, b) => a.depth - b.depth || a.startLine - b.startLine).slice(0, limit);
  }
  kept.sort((a, b) => a.startLine - b.startLine);
  return { items: kept.map(({ depth: _depth, ...r }) => r), limitReached, limit };
}
