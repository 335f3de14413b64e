/**
 * The templates of "Kraken Import: New Payload…": one per payload kind, and per market where the payload differs
 * (an account, and the v2 bodies that wrap one). They are the snippets of snippets/kraken-import.json (the same
 * text a user gets by typing the snippet prefix); the v2 bodies for each market wrap that market's account.
 * No `vscode` import: the tests read the templates too.
 */
import snippets from '../../../snippets/kraken-import.json';
import type { KindId } from './kinds';

export type Market = 'DE' | 'GB';

export interface PayloadTemplate {
  kind: KindId;
  market?: Market;
  /** What the quick pick shows. */
  label: string;
  description: string;
  /** Snippet text (TextMate snippet syntax: `${1}`, `${2|A,B|}`, `$0`). */
  body: string;
}

interface SnippetEntry {
  prefix: string;
  description: string;
  body: string[];
}

const SNIPPETS = snippets as Record<string, SnippetEntry>;

export const MARKETS: Record<Market, string> = { DE: 'Germany', GB: 'Great Britain' };

/** The snippet of the snippets file with this prefix. */
export function snippetBody(prefix: string): string {
  const entry = Object.values(SNIPPETS).find((s) => s.prefix === prefix);
  if (!entry) throw new Error(`no snippet with prefix ${prefix}`);
  return entry.body.join('\n');
}

function maxTabStop(body: string): number {
  let max = 0;
  for (const m of body.matchAll(/\$\{?(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

/** An account body wrapped in `{"payload": …}` (v2 validate), plus `task_params` (v2 create). */
export function wrapAccount(account: string, withTaskParams: boolean): string {
  const inner = (withTaskParams ? account.replace('[$0]', '[]') : account).split('\n');
  const lines = ['{', `\t"payload": ${inner[0]}`, ...inner.slice(1).map((l) => `\t${l}`)];
  if (withTaskParams) {
    lines[lines.length - 1] += ',';
    lines.push('\t"task_params": {', `\t\t"is_dry_run": \${${maxTabStop(account) + 1}|false,true|}$0`, '\t}');
  }
  lines.push('}');
  return lines.join('\n');
}

const ACCOUNT_PREFIX: Record<Market, string> = { DE: 'kraken-account-de', GB: 'kraken-account-gb' };

export function payloadTemplates(): PayloadTemplate[] {
  const out: PayloadTemplate[] = [];
  for (const market of Object.keys(MARKETS) as Market[]) {
    const account = snippetBody(ACCOUNT_PREFIX[market]);
    out.push(
      {
        kind: 'account',
        market,
        label: `Account (${MARKETS[market]})`,
        description: 'validate, stage, or the bare v2 validate body',
        body: account,
      },
      {
        kind: 'account-v2-validate',
        market,
        label: `Account, v2 validate body (${MARKETS[market]})`,
        description: '{"payload": account}',
        body: wrapAccount(account, false),
      },
      {
        kind: 'account-v2-create',
        market,
        label: `Account, v2 create body (${MARKETS[market]})`,
        description: '{"payload": account, "task_params": …}',
        body: wrapAccount(account, true),
      },
    );
  }
  const single: Array<[KindId, string, string]> = [
    ['account-v1-create', 'kraken-account-v1-create', 'Account create request (v1 process)'],
    ['notes', 'kraken-notes', 'Notes'],
    ['transactions', 'kraken-transactions', 'Transactions'],
    ['statements', 'kraken-statements', 'Historical statements'],
    ['payment-instruction', 'kraken-payment-instruction', 'Payment instruction (account)'],
    ['business-payment-instruction', 'kraken-business-payment-instruction', 'Payment instruction (business)'],
  ];
  for (const [kind, prefix, label] of single) {
    const entry = Object.values(SNIPPETS).find((s) => s.prefix === prefix)!;
    out.push({ kind, label, description: entry.description, body: entry.body.join('\n') });
  }
  return out;
}
