/**
 * The Kraken environments in VS Code: settings, the status bar item that shows and switches the active one, API
 * keys in SecretStorage (never settings, logs or messages), and one Kraken client per environment.
 */
import * as vscode from 'vscode';
import { KrakenClient, requestTimeoutMs, type KrakenEnvironment } from '../../../../core/src/kraken';
import {
  CONTEXT_KEYS,
  type EnvironmentSetting,
  environmentStatus,
  KRAKEN_COMMANDS,
  parseEnvironments,
  pickActiveEnvironment,
  secretKeyFor,
} from '../../../../core/src/send';
import { VERSION } from '../../../../core/src/version';
import type { Prompts } from './prompts';

const SECTION = 'krakenImport';

export class EnvironmentManager implements vscode.Disposable {
  private readonly status: vscode.StatusBarItem;
  private readonly clients = new Map<string, KrakenClient>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private lastProblems = '';
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly prompts: () => Prompts,
  ) {
    this.status = vscode.window.createStatusBarItem('krakenImport.environment', vscode.StatusBarAlignment.Left, 0);
    this.status.name = 'Kraken environment';
    this.status.command = KRAKEN_COMMANDS.selectEnvironment;
    this.disposables.push(
      this.status,
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration(`${SECTION}.environments`) ||
          e.affectsConfiguration(`${SECTION}.activeEnvironment`) ||
          e.affectsConfiguration(`${SECTION}.requestTimeoutSeconds`)
        ) {
          this.clients.clear();
          this.refresh();
          this.changed.fire();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateVisibility()),
      // Another window changed a key: drop cached tokens.
      context.secrets.onDidChange(() => {
        for (const c of this.clients.values()) c.signOut();
      }),
    );
    this.refresh();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** All usable environments (bad entries are reported once in the log and skipped). */
  environments(): EnvironmentSetting[] {
    const parsed = parseEnvironments(vscode.workspace.getConfiguration(SECTION).get('environments'));
    const problems = parsed.problems.join('\n');
    if (problems && problems !== this.lastProblems) {
      for (const p of parsed.problems) this.log.warn(p);
      void vscode.window.showWarningMessage(
        `Kraken Import: ${parsed.problems[0]}${parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more; see the output)` : ''}`,
      );
    }
    this.lastProblems = problems;
    return parsed.environments;
  }

  active(): EnvironmentSetting | undefined {
    return pickActiveEnvironment(this.environments(), vscode.workspace.getConfiguration(SECTION).get<string>('activeEnvironment'));
  }

  refresh(): void {
    const env = this.active();
    const s = environmentStatus(env);
    this.status.text = s.text;
    this.status.tooltip = s.tooltip;
    this.status.backgroundColor = s.production ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.flow, env?.flow ?? '');
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.productionEnvironment, !!env?.production);
    this.updateVisibility();
  }

  private updateVisibility(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && (doc.languageId === 'json' || doc.languageId === 'jsonc')) this.status.show();
    else this.status.hide();
  }

  async select(name?: string): Promise<EnvironmentSetting | undefined> {
    const envs = this.environments();
    if (!envs.length) {
      const open = 'Open Settings';
      const answer = await vscode.window.showWarningMessage('No Kraken environment is configured (krakenImport.environments).', open);
      if (answer === open) await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.environments`);
      return undefined;
    }
    const env = name
      ? envs.find((e) => e.name === name)
      : await this.prompts().environment(envs, 'Kraken environment to send to', this.active()?.name);
    if (!env) {
      if (name) void vscode.window.showErrorMessage(`No Kraken environment named "${name}".`);
      return undefined;
    }
    const config = vscode.workspace.getConfiguration(SECTION);
    const inspected = config.inspect<string>('activeEnvironment');
    const target =
      inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    await config.update('activeEnvironment', env.name, target);
    this.refresh();
    this.changed.fire();
    return env;
  }

  /** The environment named, or (when there is more than one) the one the user picks; the active one first. */
  private async chooseForKey(name: string | undefined, placeHolder: string): Promise<EnvironmentSetting | undefined> {
    const envs = this.environments();
    if (name) return envs.find((e) => e.name === name);
    if (envs.length <= 1) return envs[0];
    const active = this.active();
    const ordered = active ? [active, ...envs.filter((e) => e.name !== active.name)] : envs;
    return this.prompts().environment(ordered, placeHolder, active?.name);
  }

  async setApiKey(name?: string, key?: string): Promise<boolean> {
    const env = await this.chooseForKey(name, 'Environment to store an API key for');
    if (!env) {
      if (!this.environments().length)
        void vscode.window.showWarningMessage('No Kraken environment is configured (krakenImport.environments).');
      return false;
    }
    const value = key?.trim() || (await this.prompts().apiKey(env));
    if (!value) return false;
    await this.context.secrets.store(secretKeyFor(env), value);
    this.dropClient(env);
    void vscode.window.showInformationMessage(`API key for "${env.name}" stored in VS Code's secret storage.`);
    return true;
  }

  async forgetApiKey(name?: string): Promise<boolean> {
    const env = await this.chooseForKey(name, 'Environment whose API key to forget');
    if (!env) return false;
    await this.context.secrets.delete(secretKeyFor(env));
    this.dropClient(env);
    void vscode.window.showInformationMessage(`API key for "${env.name}" removed from VS Code's secret storage.`);
    return true;
  }

  async hasApiKey(env: EnvironmentSetting): Promise<boolean> {
    return !!(await this.context.secrets.get(secretKeyFor(env)));
  }

  private clientKey(env: EnvironmentSetting): string {
    return JSON.stringify([env.name, env.baseUrl, env.auth, env.flow]);
  }

  private dropClient(env: EnvironmentSetting): void {
    const key = this.clientKey(env);
    this.clients.get(key)?.signOut();
    this.clients.delete(key);
  }

  /** krakenImport.requestTimeoutSeconds in ms; throws (TimeoutValueError, naming the setting) when it is no timeout. */
  requestTimeoutMs(): number {
    return requestTimeoutMs(vscode.workspace.getConfiguration(SECTION).get('requestTimeoutSeconds'), `${SECTION}.requestTimeoutSeconds`);
  }

  /** The client of an environment (kept, so a Kraken token is reused between calls). */
  client(env: EnvironmentSetting): KrakenClient {
    const key = this.clientKey(env);
    let client = this.clients.get(key);
    if (!client) {
      const timeoutMs = this.requestTimeoutMs();
      const krakenEnv: KrakenEnvironment = {
        name: env.name,
        baseUrl: env.baseUrl,
        flow: env.flow,
        importSupplier: env.importSupplier,
        operationsTeam: env.operationsTeam,
        production: env.production,
        contract: env.contract,
        auth: env.auth,
      };
      const secretKey = secretKeyFor(env);
      const version = VERSION;
      client = new KrakenClient(krakenEnv, async () => this.context.secrets.get(secretKey), {
        timeoutMs,
        log: (line) => this.log.info(`[kraken ${env.name}] ${line}`),
        userAgent: `kraken-import-vscode/${version}`,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** Remembered operations team of an environment (asked once when the environment does not set one). */
  rememberedOperationsTeam(env: EnvironmentSetting): string | undefined {
    return this.context.globalState.get<string>(`krakenImport.operationsTeam/${secretKeyFor(env)}`);
  }

  async rememberOperationsTeam(env: EnvironmentSetting, team: string | undefined): Promise<void> {
    await this.context.globalState.update(`krakenImport.operationsTeam/${secretKeyFor(env)}`, team);
  }
}
