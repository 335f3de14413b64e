/**
 * The instance contract in VS Code: which one is in force (`krakenImport.contract`, or the active environment's
 * `contract`), loading it (file, or URL fetched with the ETag cache in the extension's global storage), handing the
 * text to the language server (`krakenImport/setContract`), the "Kraken contract" language status item and the
 * command "Kraken Import: Refresh Contract".
 *
 * Trust: in an untrusted workspace a contract named by the workspace's settings is never fetched (its cached copy,
 * if any, is used; otherwise the bundled schemas). Credentials: an environment's API key is sent only when the
 * instance asks for it (401/403) and only to that environment's own origin.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SetContractRequest, type SetContractParams, type SetContractResult } from '../../core/src/protocol';
import { parseEnvironments, pickActiveEnvironment, secretKeyFor, type EnvironmentSetting } from '../../core/src/send';
import { KrakenClient, requestTimeoutMs } from '../../core/src/kraken';
import { VERSION } from '../../core/src/version';
import {
  ContractFetchError,
  describeAge,
  describeLoaded,
  loadContractText,
  parseContractSpec,
  type ContractSpec,
  type LoadedContract,
} from '../../core/src/contract';

const SECTION = 'krakenImport';
export const REFRESH_CONTRACT_COMMAND = 'krakenImport.refreshContract';

export interface ContractState {
  /** The setting value in force (`bundled`, a path or a URL) and where it was set. */
  setting: string;
  from: 'krakenImport.contract' | 'environment' | 'default';
  environment?: string;
  /** What the server has in force. */
  result?: SetContractResult;
  loaded?: Omit<LoadedContract, 'text'>;
  /** Why the setting is not in force (bundled used instead, or an older copy). */
  problem?: string;
}

export interface ContractApi {
  state(): ContractState | undefined;
  /** Loads the contract again (the URL is revalidated with its ETag) and waits until the server has it. */
  refresh(): Promise<ContractState>;
}

interface Choice {
  value: string;
  from: ContractState['from'];
  env?: EnvironmentSetting;
  /** The value comes from workspace (folder) settings. */
  workspace: boolean;
}

function choose(): Choice {
  const config = vscode.workspace.getConfiguration(SECTION);
  const envs = parseEnvironments(config.get('environments')).environments;
  const env = pickActiveEnvironment(envs, config.get<string>('activeEnvironment'));
  const envsInspect = config.inspect('environments');
  const fromWorkspace = (i: { workspaceValue?: unknown; workspaceFolderValue?: unknown } | undefined) =>
    i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined;
  if (env?.contract) return { value: env.contract, from: 'environment', env, workspace: fromWorkspace(envsInspect) };
  const inspect = config.inspect<string>('contract');
  const value = config.get<string>('contract', 'bundled') || 'bundled';
  const set = inspect?.globalValue !== undefined || fromWorkspace(inspect);
  return { value, from: set ? 'krakenImport.contract' : 'default', env, workspace: fromWorkspace(inspect) };
}

function shortName(spec: ContractSpec): string {
  if (spec.type === 'bundled') return 'bundled schemas';
  if (spec.type === 'file') return path.basename(spec.path);
  try {
    return new URL(spec.url).host;
  } catch {
    return spec.url;
  }
}

export function registerContract(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  log: vscode.LogOutputChannel,
  selector: vscode.DocumentSelector,
): ContractApi {
  const status = vscode.languages.createLanguageStatusItem('krakenImport.contract', selector);
  status.name = 'Kraken contract';
  status.text = 'Kraken contract: bundled schemas';
  status.command = { command: REFRESH_CONTRACT_COMMAND, title: 'Refresh', tooltip: 'Kraken Import: Refresh Contract' };
  context.subscriptions.push(status);

  const storage = context.globalStorageUri.fsPath;
  let state: ContractState | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const show = (s: ContractState, spec: ContractSpec) => {
    const inForce = s.result?.contract ?? 'bundled schemas';
    const stale = s.loaded?.origin === 'cache';
    status.text = `Kraken contract: ${s.problem && !stale ? 'bundled schemas' : shortName(spec)}${stale ? ` (cached, ${describeAge(s.loaded!.ageMs ?? 0)} old)` : ''}`;
    const fetched = s.loaded && s.loaded.origin !== 'cache' && s.loaded.fetchedAt ? `fetched ${s.loaded.fetchedAt}` : undefined;
    status.detail = [inForce, fetched, s.problem].filter(Boolean).join(' — ');
    status.severity = s.problem ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    status.busy = false;
  };

  const apiKeyFor = (env: EnvironmentSetting | undefined, url: string) => async (): Promise<string | undefined> => {
    if (!env) return undefined;
    // The key is bound to the environment's base URL: never sent to another origin.
    if (new URL(url).origin !== new URL(env.baseUrl).origin) return undefined;
    // The same header the environment's Kraken calls send: `Token <key>`, or a token from obtainKrakenToken.
    const client = new KrakenClient(env, () => Promise.resolve(context.secrets.get(secretKeyFor(env))));
    return client.authorizationHeader();
  };

  async function load(): Promise<ContractState> {
    const choice = choose();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const spec = parseContractSpec(choice.value, folder);
    const next: ContractState = { setting: choice.value, from: choice.from, environment: choice.env?.name };
    status.busy = true;
    let params: SetContractParams = { source: 'bundled' };
    const untrustedWorkspaceValue = choice.workspace && !vscode.workspace.isTrusted;
    try {
      const loaded = await loadContractText(spec, {
        cacheDir: path.join(storage, 'contracts'),
        // A URL named by an untrusted workspace is not fetched: its cached copy, if any, is all it gets.
        offline: untrustedWorkspaceValue,
        authorization: spec.type === 'url' ? apiKeyFor(choice.env, spec.url) : undefined,
        credentialsHint: choice.env
          ? `set the API key of "${choice.env.name}" (Kraken Import: Set API Key)`
          : 'configure an environment for this instance and set its API key',
        timeoutMs: requestTimeoutMs(
          vscode.workspace.getConfiguration(SECTION).get('requestTimeoutSeconds'),
          `${SECTION}.requestTimeoutSeconds`,
        ),
        userAgent: `kraken-import-vscode/${VERSION}`,
      });
      if (loaded) {
        const { text, ...rest } = loaded;
        next.loaded = rest;
        if (loaded.origin !== 'file') log.info(`contract: ${describeLoaded(loaded)}`);
        // Only a stale copy changes the label: a fresh fetch (or a 304) of the same text keeps what is in force.
        const note =
          loaded.origin === 'cache'
            ? `cached copy fetched ${describeAge(loaded.ageMs ?? 0)} ago (${loaded.fetchedAt}); ${untrustedWorkspaceValue ? 'not fetched: the workspace is not trusted' : `could not fetch: ${loaded.reason}`}`
            : undefined;
        if (loaded.origin === 'cache') next.problem = note;
        params = { source: loaded.source, text, note, cacheDir: path.join(storage, 'compiled') };
      }
    } catch (error) {
      next.problem =
        error instanceof ContractFetchError
          ? untrustedWorkspaceValue
            ? `${choice.value} is named by the workspace settings and the workspace is not trusted: not fetched, bundled schemas in use`
            : `${error.message} Bundled schemas in use.`
          : `Cannot load the contract ${choice.value}: ${(error as Error)?.message ?? String(error)}. Bundled schemas in use.`;
    }
    try {
      next.result = await client.sendRequest<SetContractResult>(SetContractRequest, params);
      if (!next.result.ok) {
        next.problem = `${next.result.message ?? 'the contract was not usable'}; in force: ${next.result.contract}`;
        // What is in force is no longer what the setting says: go back to bundled rather than keep a stale set.
        if (params.source !== 'bundled')
          next.result = await client.sendRequest<SetContractResult>(SetContractRequest, { source: 'bundled' });
      }
    } catch (error) {
      next.problem = `The language server did not take the contract: ${(error as Error)?.message ?? String(error)}`;
    }
    if (next.problem) log.warn(`contract: ${next.problem}`);
    else if (next.result)
      log.info(
        `contract in force: ${next.result.contract}${next.result.loadMs !== undefined ? ` (${next.result.from === 'cache' ? 'conversion from the cache' : 'converted'} in ${next.result.loadMs} ms)` : ''}`,
      );
    show(next, spec);
    state = next;
    return next;
  }

  /** One load at a time, in order: a change while loading loads again afterwards. */
  function reload(): Promise<ContractState> {
    const next = queue.then(load, load);
    queue = next.catch(() => undefined);
    return next;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand(REFRESH_CONTRACT_COMMAND, async () => {
      const s = await reload();
      const what = s.result?.contract ?? 'bundled schemas';
      if (s.problem) void vscode.window.showWarningMessage(`Kraken Import: ${s.problem}`);
      else
        void vscode.window.showInformationMessage(
          `Kraken Import: contract in force: ${what}${s.result?.from === 'unchanged' ? ' (unchanged)' : ''}.`,
        );
      return s;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        e.affectsConfiguration(`${SECTION}.contract`) ||
        e.affectsConfiguration(`${SECTION}.environments`) ||
        e.affectsConfiguration(`${SECTION}.activeEnvironment`)
      )
        void reload();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void reload()),
  );
  void reload();

  return {
    state: () => state,
    refresh: reload,
  };
}
