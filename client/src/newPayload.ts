/**
 * "Kraken Import: New Payload…": asks for the payload kind (and the market where the template differs), opens an
 * untitled JSON document and inserts the template as a snippet, so the cursor lands on the first placeholder and
 * Tab moves through the rest. Arguments (kind, market) skip the questions, for keybindings and tests.
 */
import * as vscode from 'vscode';
import { type KindId, KINDS_BY_ID, type Market, MARKETS, type PayloadTemplate, payloadTemplates } from '../../core/src/service';

export const NEW_PAYLOAD_COMMAND = 'krakenImport.newPayload';

async function pickTemplate(kind?: string, market?: string): Promise<PayloadTemplate | undefined> {
  const templates = payloadTemplates();
  let chosenKind = kind as KindId | undefined;
  if (!chosenKind || !templates.some((t) => t.kind === chosenKind)) {
    const kinds = [...new Set(templates.map((t) => t.kind))];
    const picked = await vscode.window.showQuickPick(
      kinds.map((k) => ({
        label: KINDS_BY_ID.get(k)?.label ?? k,
        description: KINDS_BY_ID.get(k)
          ?.endpoints.map((e) => e.path)
          .join(', '),
        payloadKind: k,
      })),
      { title: 'Kraken Import: New Payload', placeHolder: 'Which payload?' },
    );
    if (!picked) return undefined;
    chosenKind = picked.payloadKind;
  }
  const forKind = templates.filter((t) => t.kind === chosenKind);
  if (forKind.length === 1) return forKind[0];
  const byMarket = forKind.find((t) => t.market === market);
  if (byMarket) return byMarket;
  const picked = await vscode.window.showQuickPick(
    forKind.map((t) => ({ label: MARKETS[t.market as Market] ?? t.label, description: t.description, template: t })),
    { title: 'Kraken Import: New Payload', placeHolder: 'Which market?' },
  );
  return picked?.template;
}

export function registerNewPayload(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(NEW_PAYLOAD_COMMAND, async (kind?: string, market?: string) => {
      const template = await pickTemplate(kind, market);
      if (!template) return undefined;
      const document = await vscode.workspace.openTextDocument({ language: 'json', content: '' });
      const editor = await vscode.window.showTextDocument(document);
      await editor.insertSnippet(new vscode.SnippetString(template.body), new vscode.Position(0, 0));
      return document.uri;
    }),
  );
}
