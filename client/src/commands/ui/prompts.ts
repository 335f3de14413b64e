/**
 * Every question the Kraken commands ask, behind one interface so that an extension-host test can answer them
 * (see `testing.setPrompts` on the extension API, available in test mode only).
 */
import * as vscode from 'vscode';
import {
  type Confirmation,
  dateProblem,
  DEFAULT_TRANSACTION_OPTIONS,
  type EnvironmentSetting,
  type TransactionOptions,
} from '../../../../core/src/send';

export interface StatusTarget {
  importSupplierCode: string;
  externalIdentifier: string;
}

export interface Prompts {
  /** A modal question; true only when the confirming button was chosen. */
  confirm(c: Confirmation): Promise<boolean>;
  /** The `operations_team_name` for v1 create in an environment that does not set one. */
  operationsTeam(env: EnvironmentSetting): Promise<string | undefined>;
  /** The transactions URL flags; undefined = cancelled. */
  transactionOptions(initial: TransactionOptions): Promise<TransactionOptions | undefined>;
  /** `supply_start_date`: a date, '' for none (Kraken's earliest valid date), undefined = cancelled. */
  supplyStartDate(): Promise<string | undefined>;
  /** A new API key (never echoed); undefined = cancelled. */
  apiKey(env: EnvironmentSetting): Promise<string | undefined>;
  /** Which account's import status to read; undefined = cancelled. */
  statusTarget(initial: Partial<StatusTarget>): Promise<StatusTarget | undefined>;
  /** Picks an environment by name; undefined = cancelled. */
  environment(envs: EnvironmentSetting[], placeHolder: string, activeName?: string): Promise<EnvironmentSetting | undefined>;
}

export const vscodePrompts: Prompts = {
  async confirm(c) {
    const answer = await vscode.window.showWarningMessage(c.message, { modal: true, detail: c.detail }, c.confirmLabel);
    return answer === c.confirmLabel;
  },

  async operationsTeam(env) {
    const team = await vscode.window.showInputBox({
      title: `Operations team for "${env.name}"`,
      prompt:
        'operations_team_name for account creation: the Kraken team the account is linked to (it must exist in Kraken). Remembered for this environment.',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter the team name'),
    });
    return team?.trim() || undefined;
  },

  async transactionOptions(initial) {
    type Item = vscode.QuickPickItem & { key: keyof TransactionOptions };
    const items: Item[] = [
      {
        key: 'check_previously_added',
        label: 'check_previously_added',
        detail: 'Skip transactions already on the account (same transaction_id). Kraken default: on.',
        picked: initial.check_previously_added,
      },
      {
        key: 'force_add_to_current_statement',
        label: 'force_add_to_current_statement',
        detail:
          'Move a transaction dated outside the open statement period into it (Kraken adds a description and pins a note). Kraken default: on.',
        picked: initial.force_add_to_current_statement,
      },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Transactions: URL options',
      placeHolder: 'Checked options are sent as true, unchecked as false',
      canPickMany: true,
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const on = new Set(picked.map((p) => p.key));
    return {
      check_previously_added: on.has('check_previously_added'),
      force_add_to_current_statement: on.has('force_add_to_current_statement'),
    };
  },

  async supplyStartDate() {
    const v = await vscode.window.showInputBox({
      title: 'Send registration flows',
      prompt: 'supply_start_date (YYYY-MM-DD). Leave empty for the earliest valid supply start date.',
      placeHolder: 'YYYY-MM-DD (optional)',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? undefined : dateProblem(value.trim())),
    });
    return v === undefined ? undefined : v.trim();
  },

  async apiKey(env) {
    const v = await vscode.window.showInputBox({
      title: `Kraken API key for "${env.name}"`,
      prompt: `${env.baseUrl} — ${env.auth === 'kraken-token' ? 'the key is exchanged for a Kraken token (obtainKrakenToken)' : 'sent as "Authorization: Token <key>"'}. Kept in VS Code's secret storage only.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (!value.trim() ? 'Enter the key' : /\s/.test(value.trim()) ? 'A key has no spaces' : undefined),
    });
    return v?.trim() || undefined;
  },

  async statusTarget(initial) {
    const code = await vscode.window.showInputBox({
      title: 'Check account import status (1/2)',
      prompt: 'Import supplier code',
      value: initial.importSupplierCode ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter the import supplier code'),
    });
    if (!code?.trim()) return undefined;
    const ext = await vscode.window.showInputBox({
      title: 'Check account import status (2/2)',
      prompt: 'External account number (external identifier)',
      value: initial.externalIdentifier ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter the external account number'),
    });
    if (!ext?.trim()) return undefined;
    return { importSupplierCode: code.trim(), externalIdentifier: ext.trim() };
  },

  async environment(envs, placeHolder, activeName) {
    type Item = vscode.QuickPickItem & { env: EnvironmentSetting };
    const items: Item[] = envs.map((env) => ({
      env,
      label: `${env.name === activeName ? '$(check) ' : ''}${env.name}`,
      description: env.baseUrl,
      detail: [
        env.flow,
        env.production ? '$(warning) production' : 'not production',
        env.auth === 'kraken-token' ? 'Kraken token' : 'Token header',
        env.importSupplier,
      ]
        .filter(Boolean)
        .join(' · '),
    }));
    const picked = await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: false });
    return picked?.env;
  },
};

/** Prompts with some answers replaced (test mode). */
export function overridePrompts(base: Prompts, overrides: Partial<Prompts>): Prompts {
  return { ...base, ...overrides };
}

export { DEFAULT_TRANSACTION_OPTIONS };
