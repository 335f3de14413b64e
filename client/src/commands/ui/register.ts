/**
 * "Send the open document to Kraken": the commands, the CodeLens at the top of a payload, the context keys for the
 * menus, and the response log. Thin: what to send, what it means and where it goes in the document are decided by
 * the pure modules beside this folder (`plan`, `outcome`, `safety`, `tracking`, `environments`).
 *
 * Nothing is sent from an untrusted workspace (local validation still works).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentInfoRequest, type DocumentInfo } from '../../../../core/src/protocol';
import { detectKind } from '../../../../core/src/service';
import type { ExchangeRecord, KrakenResult, ProgressEvent } from '../../../../core/src/kraken';
import {
  accountIdentity,
  ACTION_LABELS,
  actionEndpoint,
  type ActionId,
  availableActions,
  callKraken,
  codeLensActions,
  confirmationFor,
  CONTEXT_KEYS,
  DEFAULT_TRANSACTION_OPTIONS,
  describeIdentity,
  describeImportStatus,
  describeResult,
  describeStatusFailure,
  endpointOf,
  type EnvironmentSetting,
  type FollowUp,
  formatResponseEntry,
  isPostImportKind,
  KRAKEN_COMMANDS,
  needsOperationsTeam,
  operationsTeamFor,
  type Outcome,
  planRequest,
  type RequestPlan,
  type ResponseEntry,
  ResponseHistory,
  statusEndpoint,
  type StoredResponse,
  type TransactionOptions,
} from '../../../../core/src/send';
import { KrakenDiagnostics } from './diagnostics';
import { EnvironmentManager } from './environments';
import { ResponseView } from './responseView';
import { registerWaveCommands } from '../../waves/ui/register';
import { overridePrompts, vscodePrompts, type Prompts, type StatusTarget } from './prompts';

export interface KrakenCommandDeps {
  client: LanguageClient;
  /** The extension's log channel (operational messages; never bodies, never the key). */
  log: vscode.LogOutputChannel;
}

/** Options a command accepts as its second argument (or first, with `uri`), e.g. from a test or a keybinding. */
export interface KrakenCommandArgs {
  uri?: string | vscode.Uri;
  environment?: string;
  operationsTeam?: string;
  transactionOptions?: Partial<TransactionOptions>;
  /** Registration flows: '' for none. */
  supplyStartDate?: string;
  importSupplierCode?: string;
  externalIdentifier?: string;
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

/** Outcome of a command, returned to `executeCommand` callers (tests). */
export type CommandResult = (Outcome & { action?: ActionId; environment?: string }) | { skipped: string };

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'json' },
  { scheme: 'untitled', language: 'json' },
  { scheme: 'vscode-remote', language: 'json' },
];

const FOLLOW_UP_LABELS: Record<FollowUp, string> = {
  'set-api-key': 'Set API Key',
  'check-status': 'Check Import Status',
  'show-responses': 'Show Responses',
};

function isUri(v: unknown): v is vscode.Uri {
  return v instanceof vscode.Uri;
}

/** `(uri)`, `(uri, args)`, `(args)` or `()` → the arguments. */
function readArgs(a: unknown, b: unknown): KrakenCommandArgs {
  const args: KrakenCommandArgs = {};
  if (isUri(a) || typeof a === 'string') args.uri = a;
  else if (a && typeof a === 'object') Object.assign(args, a);
  if (b && typeof b === 'object' && !isUri(b) && !Array.isArray(b)) Object.assign(args, b);
  return args;
}

export function registerKrakenCommands(context: vscode.ExtensionContext, deps: KrakenCommandDeps): KrakenCommandsApi {
  const { client, log } = deps;
  let prompts: Prompts = vscodePrompts;
  const envs = new EnvironmentManager(context, log, () => prompts);
  const diagnostics = new KrakenDiagnostics(client, log);
  const responses = vscode.window.createOutputChannel('Kraken Import: Responses', { log: true });
  const history = new ResponseHistory(10);
  const responseView = new ResponseView(context);
  const lensChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(envs, diagnostics, responses, responseView, lensChanged);

  const showPersonalData = () => vscode.workspace.getConfiguration('krakenImport').get<boolean>('showPersonalData', false);

  // ------------------------------------------------------------------ documents and kinds

  async function resolveDocument(uri: KrakenCommandArgs['uri']): Promise<vscode.TextDocument | undefined> {
    if (uri) {
      const u = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
      return vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString()) ?? vscode.workspace.openTextDocument(u);
    }
    return vscode.window.activeTextEditor?.document;
  }

  function parse(doc: vscode.TextDocument): { ok: true; value: unknown } | { ok: false } {
    try {
      return { ok: true, value: JSON.parse(doc.getText()) };
    } catch {
      return { ok: false };
    }
  }

  /** The payload kind, as the language server sees it (falls back to content detection if it cannot answer). */
  async function documentKind(doc: vscode.TextDocument, value?: unknown): Promise<string | null> {
    try {
      const info = await client.sendRequest<DocumentInfo | null>(DocumentInfoRequest, { uri: doc.uri.toString() });
      if (info) return info.kind;
    } catch (error) {
      log.debug(`documentInfo: ${String(error)}`);
    }
    const parsed = value !== undefined ? { ok: true as const, value } : parse(doc);
    if (!parsed.ok) return null;
    const associations = vscode.workspace.getConfiguration('krakenImport').get<Record<string, string>>('payloadAssociations', {});
    return detectKind(parsed.value, doc.uri.fsPath || doc.uri.path, associations).kind ?? null;
  }

  // ------------------------------------------------------------------ context keys for menus

  let contextTimer: NodeJS.Timeout | undefined;
  async function updateContextKeys(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    const env = envs.active();
    const kind = doc && (doc.languageId === 'json' || doc.languageId === 'jsonc') ? await documentKind(doc) : null;
    const actions = env ? availableActions(kind, env.flow) : [];
    const set = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
    set(CONTEXT_KEYS.canValidate, actions.includes('validate'));
    set(CONTEXT_KEYS.canStage, actions.includes('stage'));
    set(CONTEXT_KEYS.canCreate, actions.includes('create'));
    set(CONTEXT_KEYS.canPostImport, isPostImportKind(kind));
    set(CONTEXT_KEYS.canRegistrationFlows, actions.includes('registration-flows'));
    set(CONTEXT_KEYS.canSend, actions.length > 0);
  }
  const scheduleContextKeys = (delay = 300) => {
    clearTimeout(contextTimer);
    contextTimer = setTimeout(() => void updateContextKeys(), delay);
  };
  context.subscriptions.push(
    { dispose: () => clearTimeout(contextTimer) },
    vscode.window.onDidChangeActiveTextEditor(() => scheduleContextKeys(0)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) scheduleContextKeys();
    }),
    envs.onDidChange(() => {
      scheduleContextKeys(0);
      lensChanged.fire();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lensChanged.fire()),
  );
  scheduleContextKeys(0);

  // ------------------------------------------------------------------ messages

  function notify(outcome: Outcome, plan?: RequestPlan): void {
    const buttons = outcome.followUps.map((f) => FOLLOW_UP_LABELS[f]);
    const show =
      outcome.level === 'error'
        ? vscode.window.showErrorMessage
        : outcome.level === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    void show(outcome.message, ...buttons).then((answer) => {
      const follow = outcome.followUps.find((f) => FOLLOW_UP_LABELS[f] === answer);
      if (follow === 'set-api-key') void vscode.commands.executeCommand(KRAKEN_COMMANDS.setApiKey);
      else if (follow === 'show-responses') void vscode.commands.executeCommand(KRAKEN_COMMANDS.showResponses);
      else if (follow === 'check-status') {
        const id = plan?.identity;
        void vscode.commands.executeCommand(KRAKEN_COMMANDS.checkStatus, {
          importSupplierCode: id?.importSupplier,
          externalIdentifier: id?.externalAccountNumber,
        });
      }
    });
  }

  function skipped(message: string, level: 'info' | 'warning' | 'error' = 'warning'): CommandResult {
    const show =
      level === 'error'
        ? vscode.window.showErrorMessage
        : level === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    void show(message);
    return { skipped: message };
  }

  function record(
    doc: vscode.TextDocument | undefined,
    entry: ResponseEntry,
    exchange?: ExchangeRecord,
  ): Promise<StoredResponse | undefined> {
    if (doc) history.add(doc.uri.toString(), entry);
    responses.info(formatResponseEntry(entry, showPersonalData()));
    if (!exchange) return Promise.resolve(undefined);
    // The call in a read-only tab beside the payload (kept redacted in the workspace history).
    return responseView
      .add({
        environment: entry.environment,
        action: entry.action,
        account: entry.account,
        message: entry.message,
        document: doc?.uri,
        exchange,
      })
      .then(async (stored) => {
        try {
          await responseView.open(stored);
        } catch (error) {
          log.warn(`could not open the response tab: ${String(error)}`);
        }
        return stored;
      });
  }

  function entryFrom(
    result: KrakenResult<unknown>,
    env: EnvironmentSetting,
    request: string,
    action: string,
    account: string,
    message: string,
  ): ResponseEntry {
    return {
      at: new Date().toISOString(),
      environment: env.name,
      request,
      action,
      account,
      ok: result.ok,
      status: result.ok ? result.status : result.status,
      reason: result.ok ? undefined : result.reason,
      message,
      attempts: result.attempts,
      body: result.body,
    };
  }

  // ------------------------------------------------------------------ calls

  /** Runs `fn` under a cancellable progress notification; cancelling aborts the HTTP call. */
  function withProgress<T>(
    title: string,
    fn: (signal: AbortSignal, report: (e: ProgressEvent | string) => void) => Promise<T>,
  ): Thenable<T> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await fn(abort.signal, (e) => progress.report({ message: typeof e === 'string' ? e : e.message }));
        } finally {
          sub.dispose();
        }
      },
    );
  }

  function untrusted(): CommandResult | undefined {
    if (vscode.workspace.isTrusted) return undefined;
    return skipped(
      'Kraken Import sends nothing to Kraken from an untrusted workspace. Local validation still works; trust the workspace to send.',
    );
  }

  /** A stored key for the environment, or one asked for now (stored in SecretStorage). */
  async function ensureApiKey(env: EnvironmentSetting): Promise<boolean> {
    if (await envs.hasApiKey(env)) return true;
    const key = await prompts.apiKey(env);
    return !!key && (await envs.setApiKey(env.name, key));
  }

  async function activeEnvironment(name?: string): Promise<EnvironmentSetting | undefined> {
    if (name) {
      const env = envs.environments().find((e) => e.name === name);
      if (!env) void vscode.window.showErrorMessage(`No Kraken environment named "${name}".`);
      return env;
    }
    const env = envs.active();
    if (!env) await envs.select();
    return envs.active();
  }

  /** The document's action, end to end: plan, confirm, send under progress, report, diagnostics, log. */
  async function runAction(requested: ActionId | 'post-import' | 'pick', a: unknown, b: unknown): Promise<CommandResult> {
    const blocked = untrusted();
    if (blocked) return blocked;
    const args = readArgs(a, b);
    const doc = await resolveDocument(args.uri);
    if (!doc) return skipped('Open a Kraken payload (JSON) first.');
    const env = await activeEnvironment(args.environment);
    if (!env) return { skipped: 'No Kraken environment.' };
    const parsed = parse(doc);
    if (!parsed.ok)
      return skipped(`${vscode.workspace.asRelativePath(doc.uri)} is not valid JSON: fix the syntax errors first (see Problems).`, 'error');
    const kind = await documentKind(doc, parsed.value);

    let action: ActionId;
    if (requested === 'post-import') {
      if (!isPostImportKind(kind))
        return skipped(
          `This document is not a post-import payload (notes, transactions, statements, payment instruction, business payment instruction)${kind ? `: it is ${kind}` : ''}.`,
        );
      action = kind;
    } else if (requested === 'pick') {
      const actions = availableActions(kind, env.flow);
      if (!actions.length)
        return skipped(
          kind
            ? `Nothing to send for a ${kind} payload in a ${env.flow} environment.`
            : 'This document is not a recognised Kraken payload.',
        );
      const picked = await vscode.window.showQuickPick(
        actions.map((id) => ({ id, label: ACTION_LABELS[id], description: endpointLabel(id, kind, env) })),
        { placeHolder: `Send to Kraken "${env.name}"${env.production ? ' (PRODUCTION)' : ''}` },
      );
      if (!picked) return { skipped: 'cancelled' };
      action = picked.id;
    } else action = requested;

    // Inputs some actions need.
    let operationsTeam: string | undefined;
    if (needsOperationsTeam(action, env.flow) && availableActions(kind, env.flow).includes(action)) {
      operationsTeam = args.operationsTeam ?? operationsTeamFor(kind, parsed.value, env, envs.rememberedOperationsTeam(env));
      if (!operationsTeam) {
        operationsTeam = await prompts.operationsTeam(env);
        if (!operationsTeam) return { skipped: 'cancelled' };
        await envs.rememberOperationsTeam(env, operationsTeam);
      }
    }
    let transactionOptions: TransactionOptions | undefined;
    if (action === 'transactions') {
      const last = context.workspaceState.get<TransactionOptions>('krakenImport.transactionOptions') ?? DEFAULT_TRANSACTION_OPTIONS;
      if (args.transactionOptions) transactionOptions = { ...last, ...args.transactionOptions };
      else {
        transactionOptions = await prompts.transactionOptions(last);
        if (!transactionOptions) return { skipped: 'cancelled' };
      }
      await context.workspaceState.update('krakenImport.transactionOptions', transactionOptions);
    }
    let supplyStartDate: string | undefined;
    if (action === 'registration-flows') {
      supplyStartDate = args.supplyStartDate ?? (await prompts.supplyStartDate());
      if (supplyStartDate === undefined) return { skipped: 'cancelled' };
    }

    const planned = planRequest({ action, kind, doc: parsed.value, env, operationsTeam, transactionOptions, supplyStartDate });
    if (!planned.ok) return skipped(planned.reason);
    const plan = planned.plan;

    if (!(await ensureApiKey(env)))
      return skipped(`No API key for "${env.name}": nothing was sent. Set one with "Kraken Import: Set API Key".`);

    const question = confirmationFor(plan, env);
    if (question && !(await prompts.confirm(question))) return { skipped: 'not confirmed' };

    const kraken = envs.client(env);
    const title = `Kraken (${env.name}): ${ACTION_LABELS[action]} — ${describeIdentity(plan.identity)}`;
    const request = endpointOf(plan.call);
    log.info(`${request} for ${vscode.workspace.asRelativePath(doc.uri)} on "${env.name}"`);

    const outcome = await withProgress(title, async (signal, report) => {
      report(`${request}`);
      let exchange: ExchangeRecord | undefined;
      const result = await callKraken(kraken, plan.call, { signal, onProgress: report, onExchange: (x) => (exchange = x) });
      let outcome = describeResult(plan, env.name, result, parsed.value);
      await record(doc, entryFrom(result, env, request, ACTION_LABELS[action], describeIdentity(plan.identity), outcome.message), exchange);
      // A v1 create naming a team Kraken does not know: ask again next time.
      if (
        !result.ok &&
        result.errors.some((e) => e.attr === 'operations_team_name' || e.code === 'operations_team_name_does_not_exist') &&
        kind !== 'account-v1-create'
      ) {
        await envs.rememberOperationsTeam(env, undefined);
      }
      if (outcome.poll && plan.poll) {
        report(outcome.message);
        let pollExchange: ExchangeRecord | undefined;
        const polled = await kraken.pollImportStatus(plan.poll.importSupplierCode, plan.poll.externalIdentifier, {
          signal,
          onProgress: report,
          onExchange: (x) => (pollExchange = x),
        });
        const statusRequest = statusEndpoint(plan.poll.importSupplierCode, plan.poll.externalIdentifier);
        if (polled.ok) outcome = describeImportStatus(polled.data, plan.identity, `Kraken (${env.name})`);
        else {
          const failed = describeResult(plan, env.name, polled, parsed.value);
          outcome = {
            ...failed,
            level: polled.reason === 'cancelled' ? 'info' : failed.level,
            message: `${outcome.message} ${polled.message}`,
            findings: [],
            replacesDiagnostics: true,
            followUps: ['check-status'],
          };
        }
        await record(
          doc,
          entryFrom(polled, env, statusRequest, 'import status', describeIdentity(plan.identity), outcome.message),
          pollExchange,
        );
      }
      return outcome;
    });

    if (outcome.replacesDiagnostics) await diagnostics.set(doc, outcome.findings);
    notify(outcome, plan);
    return { ...outcome, action, environment: env.name };
  }

  const endpointLabel = (action: ActionId, _kind: string | null, env: EnvironmentSetting) => actionEndpoint(action, env.flow);

  async function checkStatus(a: unknown, b: unknown): Promise<CommandResult> {
    const blocked = untrusted();
    if (blocked) return blocked;
    const args = readArgs(a, b);
    const env = await activeEnvironment(args.environment);
    if (!env) return { skipped: 'No Kraken environment.' };
    const doc = await resolveDocument(args.uri);
    let fromDoc: Partial<StatusTarget> = {};
    if (doc && (doc.languageId === 'json' || doc.languageId === 'jsonc')) {
      const parsed = parse(doc);
      if (parsed.ok) {
        const id = accountIdentity(await documentKind(doc, parsed.value), parsed.value);
        fromDoc = { importSupplierCode: id.importSupplier, externalIdentifier: id.externalAccountNumber };
      }
    }
    let target: StatusTarget | undefined =
      args.importSupplierCode && args.externalIdentifier
        ? { importSupplierCode: args.importSupplierCode, externalIdentifier: args.externalIdentifier }
        : undefined;
    target ??= await prompts.statusTarget({
      importSupplierCode: args.importSupplierCode ?? fromDoc.importSupplierCode ?? env.importSupplier,
      externalIdentifier: args.externalIdentifier ?? fromDoc.externalIdentifier,
    });
    if (!target) return { skipped: 'cancelled' };
    if (!(await ensureApiKey(env)))
      return skipped(`No API key for "${env.name}": nothing was sent. Set one with "Kraken Import: Set API Key".`);
    const identity = { importSupplier: target.importSupplierCode, externalAccountNumber: target.externalIdentifier, paths: {} };
    const request = statusEndpoint(target.importSupplierCode, target.externalIdentifier);
    const kraken = envs.client(env);
    const outcome = await withProgress(`Kraken (${env.name}): import status of ${describeIdentity(identity)}`, async (signal, report) => {
      let exchange: ExchangeRecord | undefined;
      const result = await kraken.importStatus(target.importSupplierCode, target.externalIdentifier, {
        signal,
        onProgress: report,
        onExchange: (x) => (exchange = x),
      });
      const outcome: Outcome = result.ok
        ? describeImportStatus(result.data, identity, `Kraken (${env.name})`)
        : describeStatusFailure(result, identity, env.flow, env.name);
      // The document's own account: the status (latest_error) goes on it too.
      const same =
        doc && fromDoc.importSupplierCode === target.importSupplierCode && fromDoc.externalIdentifier === target.externalIdentifier;
      await record(
        same ? doc : undefined,
        entryFrom(result, env, request, 'import status', describeIdentity(identity), outcome.message),
        exchange,
      );
      return { outcome, same };
    });
    if (outcome.same && doc && outcome.outcome.replacesDiagnostics) await diagnostics.set(doc, outcome.outcome.findings);
    notify(outcome.outcome);
    return { ...outcome.outcome, environment: env.name };
  }

  /** The workspace's kept calls in a quick pick; the one picked opens in its tab. */
  async function showResponses(a: unknown): Promise<StoredResponse | undefined> {
    const args = readArgs(a, undefined);
    if (!args.uri) return responseView.pick();
    showResponsesLog(args);
    return undefined;
  }

  /** "Copy as cURL" of the response tab in front, else of a call picked from the history. */
  async function copyAsCurl(a: unknown): Promise<string | undefined> {
    const uri = a instanceof vscode.Uri ? a : vscode.window.activeTextEditor?.document.uri;
    let entry = uri?.scheme === 'kraken-response' ? responseView.find(uri) : undefined;
    if (!entry) {
      const items = responseView.list().map((e) => ({
        label: `${e.exchange.status ?? '—'} ${e.action} — ${e.account}`,
        description: `${e.environment} · ${e.at.slice(0, 19)}`,
        entry: e,
      }));
      if (!items.length) {
        void vscode.window.showInformationMessage('No Kraken responses in this workspace yet: send a payload to Kraken first.');
        return undefined;
      }
      entry = (await vscode.window.showQuickPick(items, { placeHolder: 'Copy which call as cURL?' }))?.entry;
    }
    return entry ? responseView.copyCurl(entry) : undefined;
  }

  async function showResponsesLog(args: KrakenCommandArgs): Promise<void> {
    const doc = await resolveDocument(args.uri);
    const entries = doc ? history.get(doc.uri.toString()) : [];
    if (!doc || !entries.length) {
      responses.show(true);
      if (doc) responses.info(`No Kraken responses yet for ${vscode.workspace.asRelativePath(doc.uri)}.`);
      return;
    }
    responses.info(`──── last ${entries.length} Kraken response(s) for ${vscode.workspace.asRelativePath(doc.uri)} ────`);
    for (const e of entries) responses.info(`${e.at}\n${formatResponseEntry(e, showPersonalData())}`);
    responses.show(true);
  }

  // ------------------------------------------------------------------ CodeLens

  const lensProvider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensChanged.event,
    async provideCodeLenses(doc) {
      if (!vscode.workspace.isTrusted) return [];
      const env = envs.active();
      const kind = await documentKind(doc);
      if (!kind) return [];
      const range = new vscode.Range(0, 0, 0, 0);
      if (!env)
        return [
          new vscode.CodeLens(range, { title: '$(cloud) Kraken: choose an environment', command: KRAKEN_COMMANDS.selectEnvironment }),
        ];
      const actions = codeLensActions(kind, env.flow);
      if (!actions.length) return [];
      const commandFor: Record<ActionId, string> = {
        validate: KRAKEN_COMMANDS.validate,
        stage: KRAKEN_COMMANDS.stage,
        'create-dry-run': KRAKEN_COMMANDS.createDryRun,
        create: KRAKEN_COMMANDS.create,
        notes: KRAKEN_COMMANDS.sendPostImport,
        transactions: KRAKEN_COMMANDS.sendPostImport,
        statements: KRAKEN_COMMANDS.sendPostImport,
        'payment-instruction': KRAKEN_COMMANDS.sendPostImport,
        'business-payment-instruction': KRAKEN_COMMANDS.sendPostImport,
        'registration-flows': KRAKEN_COMMANDS.registrationFlows,
      };
      const lenses = actions.map(
        (id) =>
          new vscode.CodeLens(range, {
            title: ACTION_LABELS[id],
            command: commandFor[id],
            arguments: [doc.uri],
            tooltip: endpointLabel(id, kind, env),
          }),
      );
      if (env.flow === 'v2' && actions.includes('create')) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: 'Import status',
            command: KRAKEN_COMMANDS.checkStatus,
            arguments: [doc.uri],
            tooltip: 'GET /v2/data-import/accounts/{code}/{id}/',
          }),
        );
      }
      lenses.push(
        new vscode.CodeLens(range, {
          title: `${env.production ? '$(warning) PRODUCTION: ' : '$(cloud) '}${env.name}`,
          command: KRAKEN_COMMANDS.selectEnvironment,
          tooltip: `Sends to ${env.baseUrl} (${env.flow}). Click to switch environment.`,
        }),
      );
      return lenses;
    },
  };

  // ------------------------------------------------------------------ registration

  const run = (action: ActionId | 'post-import' | 'pick') => (a: unknown, b: unknown) => runAction(action, a, b);
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(SELECTOR, lensProvider),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.validate, run('validate')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.stage, run('stage')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.createDryRun, run('create-dry-run')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.create, run('create')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.sendPostImport, run('post-import')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.registrationFlows, run('registration-flows')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.sendToKraken, run('pick')),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.checkStatus, checkStatus),
    vscode.commands.registerCommand(
      KRAKEN_COMMANDS.selectEnvironment,
      async (name?: unknown) => (await envs.select(typeof name === 'string' ? name : undefined))?.name,
    ),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.setApiKey, (name?: unknown) =>
      envs.setApiKey(typeof name === 'string' ? name : undefined),
    ),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.forgetApiKey, (name?: unknown) =>
      envs.forgetApiKey(typeof name === 'string' ? name : undefined),
    ),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.clearDiagnostics, (a?: unknown) => {
      const args = readArgs(a, undefined);
      if (args.uri) diagnostics.clear(typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri);
      else diagnostics.clear();
    }),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.showResponses, showResponses),
    vscode.commands.registerCommand(KRAKEN_COMMANDS.copyAsCurl, copyAsCurl),
  );

  const waves = registerWaveCommands(context, {
    log,
    environment: (name) => activeEnvironment(name),
    client: (env) => envs.client(env),
    ensureApiKey: (env) => ensureApiKey(env),
    blocked: () =>
      vscode.workspace.isTrusted
        ? undefined
        : 'Kraken Import sends nothing to Kraken from an untrusted workspace. Trust the workspace to reconcile with Kraken.',
  });

  const api: KrakenCommandsApi = {
    commands: KRAKEN_COMMANDS,
    activeEnvironment: () => envs.active(),
    krakenDiagnostics: (uri) => diagnostics.get(uri),
    lastResponses: (uri) => history.get(uri.toString()),
    responses: responseView,
    waves,
  };
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    api.testing = {
      setApiKey: (environment, key) => envs.setApiKey(environment, key),
      forgetApiKey: (environment) => envs.forgetApiKey(environment),
      setPrompts: (overrides) => {
        prompts = overridePrompts(vscodePrompts, overrides);
      },
      reset: () => {
        prompts = vscodePrompts;
      },
    };
  }
  return api;
}
