/**
 * Settings the extension reads itself (the language server reads the checking settings). Each is read in one place,
 * and a value we do not understand is said, naming the setting, never used as something else.
 */
import * as vscode from 'vscode';
import { checkPayloadAssociations } from '../../core/src/payloadAssociations';

let said: string | undefined;

/**
 * krakenImport.showPersonalData, for the responses channel and the wave view. Only `true` shows personal values. Any
 * value other than a boolean keeps them redacted and is said once: the string "false" in settings.json is truthy, and
 * read as-is it would have shown them.
 */
export function showPersonalData(log: vscode.LogOutputChannel): boolean {
  const value: unknown = vscode.workspace.getConfiguration('krakenImport').get('showPersonalData', false);
  if (typeof value === 'boolean') return value;
  const message = `krakenImport.showPersonalData must be true or false, not ${JSON.stringify(value)}: personal data stays redacted.`;
  if (said !== message) {
    said = message;
    log.warn(message);
    void vscode.window.showWarningMessage(`Kraken Import: ${message}`);
  }
  return false;
}

/**
 * krakenImport.payloadAssociations, checked as the language server and the CLI check it (core/src/config.ts): throws
 * a ConfigError naming the glob and the kind it does not know.
 */
export function payloadAssociations(): Record<string, string> {
  const value: unknown = vscode.workspace.getConfiguration('krakenImport').get('payloadAssociations', {});
  return value === null ? {} : checkPayloadAssociations(value, 'the editor settings (krakenImport)');
}
