/** The context keys the menus read (what the active document can be sent as), kept up to date. */
import * as vscode from 'vscode';
import { availableActions, CONTEXT_KEYS, isPostImportKind } from '../../../../core/src/send';
import { isJsonDocument, type KrakenSession } from './session';

async function updateContextKeys(session: KrakenSession): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  const env = session.envs.active();
  const kind = doc && isJsonDocument(doc) ? await session.documentKind(doc) : null;
  const actions = env ? availableActions(kind, env.flow) : [];
  const set = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  set(CONTEXT_KEYS.canValidate, actions.includes('validate'));
  set(CONTEXT_KEYS.canStage, actions.includes('stage'));
  set(CONTEXT_KEYS.canCreate, actions.includes('create'));
  set(CONTEXT_KEYS.canPostImport, isPostImportKind(kind));
  set(CONTEXT_KEYS.canRegistrationFlows, actions.includes('registration-flows'));
  set(CONTEXT_KEYS.canSend, actions.length > 0);
}

/** Updates the context keys when the editor, its text, the environment or the workspace trust changes. */
export function watchContextKeys(session: KrakenSession): void {
  let contextTimer: NodeJS.Timeout | undefined;
  const scheduleContextKeys = (delay = 300) => {
    clearTimeout(contextTimer);
    contextTimer = setTimeout(() => void updateContextKeys(session), delay);
  };
  session.context.subscriptions.push(
    { dispose: () => clearTimeout(contextTimer) },
    vscode.window.onDidChangeActiveTextEditor(() => scheduleContextKeys(0)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) scheduleContextKeys();
    }),
    session.envs.onDidChange(() => {
      scheduleContextKeys(0);
      session.lensChanged.fire();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => session.lensChanged.fire()),
  );
  scheduleContextKeys(0);
}
