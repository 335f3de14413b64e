/**
 * "Send the open document to Kraken": the commands, the CodeLens at the top of a payload, the context keys for the
 * menus, and the response log. Thin: what to send, what it means and where it goes in the document are decided by
 * the pure modules of core/src/send; each command group lives in its own module beside this file
 * (`sendCommands`, `statusCommand`, `responseCommands`, `codeLens`, `contextKeys`; shared state in `session`).
 *
 * Nothing is sent from an untrusted workspace (local validation still works).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type EnvironmentSetting, KRAKEN_COMMANDS, type ResponseEntry } from '../../../../core/src/send';
import { registerWaveCommands } from '../../waves/ui/register';
import { overridePrompts, vscodePrompts, type Prompts } from './prompts';
import type { ResponseView } from './responseView';
import { KrakenSession, readArgs } from './session';
import { runAction, type RequestedAction } from './sendCommands';
import { checkStatus } from './statusCommand';
import { copyAsCurl, showResponses } from './responseCommands';
import { krakenLensProvider } from './codeLens';
import { watchContextKeys } from './contextKeys';

export type { CommandResult, KrakenCommandArgs } from './session';

export interface KrakenCommandDeps {
  client: LanguageClient;
  /** The extension's log channel (operational messages; never bodies, never the key). */
  log: vscode.LogOutputChannel;
}

/** What the extension API exposes (for extension-host tests and other tools). */
export interface KrakenCommandsApi {
  commands: typeof KRAKEN_COMMANDS;
  activeEnvironment(): EnvironmentSetting | undefined;
  /** The "Kraken" diagnostics currently on a document. */
  krakenDiagnostics(uri: vscode.Uri): readonly vscode.Diagnostic[];
  /** The last responses for a document (as received; the output channel shows them redacted). */
  lastResponses(uri: vscode.Uri): readonly ResponseEntry[];
  /** The workspace's kept calls (redacted), newest first, and their read-only tabs. */
  responses: ResponseView;
  /** The open send journals (Open Send Journal) and the last reconciliation. */
  waves: ReturnType<typeof registerWaveCommands>;
  /** Only when the extension runs in test mode (`ExtensionMode.Test`). */
  testing?: {
    setApiKey(environment: string, key: string): Promise<boolean>;
    forgetApiKey(environment: string): Promise<boolean>;
    /** Replaces some prompts (confirmations, inputs); `reset()` restores the real ones. */
    setPrompts(overrides: Partial<Prompts>): void;
    reset(): void;
  };
}

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'json' },
  { scheme: 'untitled', language: 'json' },
  { scheme: 'vscode-remote', language: 'json' },
];

const optionalName = (name?: unknown) => (typeof name === 'string' ? name : undefined);

/** The commands: send actions, import status, environments and keys, Kraken diagnostics, responses. */
function registerCommands(session: KrakenSession): void {
  const { envs, diagnostics } = session;
  const run = (action: RequestedAction) => (a: unknown, b: unknown) => runAction(session, action, a, b);
  session.context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(SELECTOR, krakenLensProvider(session)),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.validate, run('validate')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.stage, run('stage')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.createDryRun, run('create-dry-run')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.create, run('create')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.sendPostImport, run('post-import')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.registrationFlows, run('registration-flows')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.sendToKraken, run('pick')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.checkStatus, (a: unknown, b: unknown) => checkStatus(session, a, b)),
    vscode.commands.registerCommand(
      KRAKEN_COMMANDS.selectEnvironment,
      async (name?: unknown) => (await envs.select(optionalName(name)))?.name,
    ),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.setApiKey, (name?: unknown) => envs.setApiKey(optionalName(name))),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.forgetApiKey, (name?: unknown) => envs.forgetApiKey(optionalName(name))),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.clearDiagnostics, (a?: unknown) => {
      const args = readArgs(a, undefined);
      if (args.uri) diagnostics.clear(typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri);
      else diagnostics.clear();
    }),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.showResponses, (a: unknown) => showResponses(session, a)),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.copyAsCurl, (a: unknown) => copyAsCurl(session, a)),
  );
}

/** The API handed to tests: the state, and in test mode the key and prompt overrides. */
function commandsApi(session: KrakenSession, waves: ReturnType<typeof registerWaveCommands>): KrakenCommandsApi {
  const { envs } = session;
  const api: KrakenCommandsApi = {
    commands: KRAKEN_COMMANDS,
    activeEnvironment: () => envs.active(),
    krakenDiagnostics: (uri) => session.diagnostics.get(uri),
    lastResponses: (uri) => session.history.get(uri.toString()),
    responses: session.responseView,
    waves,
  };
  if (session.context.extensionMode === vscode.ExtensionMode.Test) {
    api.testing = {
      setApiKey: (environment, key) => envs.setApiKey(environment, key),
      forgetApiKey: (environment) => envs.forgetApiKey(environment),
      setPrompts: (overrides) => {
        session.prompts = overridePrompts(vscodePrompts, overrides);
      },
      reset: () => {
        session.prompts = vscodePrompts;
      },
    };
  }
  return api;
}

export function registerKrakenCommands(context: vscode.ExtensionContext, deps: KrakenCommandDeps): KrakenCommandsApi {
  const session = new KrakenSession(context, deps.client, deps.log);
  watchContextKeys(session);
  registerCommands(session);
  const waves = registerWaveCommands(context, {
    log: deps.log,
    environment: (name) => session.activeEnvironment(name),
    client: (env) => session.envs.client(env),
    ensureApiKey: (env) => session.ensureApiKey(env),
    blocked: () =>
      vscode.workspace.isTrusted
        ? undefined
        : 'Kraken Import sends nothing to Kraken from an untrusted workspace. Trust the workspace to reconcile with Kraken.',
  });
  return commandsApi(session, waves);
}
