/**
 * The Getting Started walkthrough's own commands: open the bundled example payload (an account with deliberate
 * mistakes) and start the local Kraken sandbox in a terminal. Everything else the walkthrough uses already exists
 * (Set API Key, Validate with Kraken, the Problems view).
 */
import * as vscode from 'vscode';
import example from '../../examples/mistakes/account-with-mistakes.json';

export const OPEN_EXAMPLE = 'krakenImport.openExample';
export const START_SANDBOX = 'krakenImport.startSandbox';

/** The example's text exactly as examples/ has it (2-space JSON), so its findings sit where the docs say. */
export function exampleText(): string {
  return JSON.stringify(example, null, 2) + '\n';
}

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_EXAMPLE, async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'json', content: exampleText() });
      return vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand(START_SANDBOX, () => {
      // The CLI bundle is in the extension; the extension host's runtime runs it as plain Node.
      const terminal = vscode.window.createTerminal({
        name: 'Kraken sandbox (not Kraken)',
        shellPath: process.execPath,
        shellArgs: [context.asAbsolutePath('dist/cli.js'), 'sandbox', '--port', '8787'],
        env: { ELECTRON_RUN_AS_NODE: '1' },
        isTransient: true,
      });
      terminal.show(true);
      return terminal;
    }),
  );
}
