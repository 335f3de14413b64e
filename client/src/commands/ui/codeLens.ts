/** The CodeLens at the top of a payload: its actions in the active environment, its import status, the environment. */
import * as vscode from 'vscode';
import {
  ACTION_LABELS,
  actionEndpoint,
  type ActionId,
  codeLensActions,
  type EnvironmentSetting,
  KRAKEN_COMMANDS,
} from '../../../../core/src/send';
import type { KrakenSession } from './session';

const COMMAND_FOR: Record<ActionId, string> = {
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

function lensesFor(doc: vscode.TextDocument, kind: string, env: EnvironmentSetting): vscode.CodeLens[] {
  const range = new vscode.Range(0, 0, 0, 0);
  const actions = codeLensActions(kind, env.flow);
  if (!actions.length) return [];
  const lenses = actions.map(
    (id) =>
      new vscode.CodeLens(range, {
        title: ACTION_LABELS[id],
        command: COMMAND_FOR[id],
        arguments: [doc.uri],
        tooltip: actionEndpoint(id, env.flow),
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
}

export function krakenLensProvider(session: KrakenSession): vscode.CodeLensProvider {
  return {
    onDidChangeCodeLenses: session.lensChanged.event,
    async provideCodeLenses(doc) {
      if (!vscode.workspace.isTrusted) return [];
      const env = session.envs.active();
      const kind = await session.documentKind(doc);
      if (!kind) return [];
      if (!env)
        return [
          new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
            title: '$(cloud) Kraken: choose an environment',
            command: KRAKEN_COMMANDS.selectEnvironment,
          }),
        ];
      return lensesFor(doc, kind, env);
    },
  };
}
