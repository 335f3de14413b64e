/** "Show Responses" (the kept calls, or one document's response log) and "Copy as cURL". */
import * as vscode from 'vscode';
import { formatResponseEntry, RESPONSE_SCHEME, type StoredResponse } from '../../../../core/src/send';
import { type KrakenCommandArgs, type KrakenSession, readArgs } from './session';

/** The workspace's kept calls in a quick pick; the one picked opens in its tab. */
export async function showResponses(session: KrakenSession, a: unknown): Promise<StoredResponse | undefined> {
  const args = readArgs(a, undefined);
  if (!args.uri) return session.responseView.pick();
  void showResponsesLog(session, args);
  return undefined;
}

/** "Copy as cURL" of the response tab in front, else of a call picked from the history. */
export async function copyAsCurl(session: KrakenSession, a: unknown): Promise<string | undefined> {
  const { responseView } = session;
  const uri = a instanceof vscode.Uri ? a : vscode.window.activeTextEditor?.document.uri;
  let entry = uri?.scheme === RESPONSE_SCHEME ? responseView.find(uri) : undefined;
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

/** A document's last responses in the response log. */
async function showResponsesLog(session: KrakenSession, args: KrakenCommandArgs): Promise<void> {
  const { responses, history } = session;
  const doc = await session.resolveDocument(args.uri);
  const entries = doc ? history.get(doc.uri.toString()) : [];
  if (!doc || !entries.length) {
    responses.show(true);
    if (doc) responses.info(`No Kraken responses yet for ${vscode.workspace.asRelativePath(doc.uri)}.`);
    return;
  }
  responses.info(`──── last ${entries.length} Kraken response(s) for ${vscode.workspace.asRelativePath(doc.uri)} ────`);
  for (const e of entries) responses.info(`${e.at}\n${formatResponseEntry(e, session.showPersonalData())}`);
  responses.show(true);
}
