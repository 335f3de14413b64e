// kraken-import through the `vscode` API, inside a real extension host: activation and its API, the contributed
// commands registered, settings read (and re-read on change), the diagnostics collections (the language server's
// and the "Kraken" one), SecretStorage behind Set/Forget API Key, and a Validate with Kraken round trip against a
// local sandbox started here. The workspace is a copy of examples/ (see test/exthost/kraken.exthost.ts).
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../client/src/extension';
import { startSandbox, type RequestLogEntry, type SandboxHandle } from '../../../sandbox/src/index';

const EXTENSION_ID = 'kraken-import.kraken-import';
const SANDBOX_KEY = 'exthost-sandbox-key';
const ENV_NAME = 'Exthost sandbox';

function workspaceFile(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder (a copy of examples/) is open');
  return vscode.Uri.file(join(folder.uri.fsPath, rel));
}

/** Resolves once `predicate` holds for the document's diagnostics (checked now and on every change). */
function diagnosticsMatching(
  uri: vscode.Uri,
  predicate: (d: readonly vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const diags = vscode.languages.getDiagnostics(uri);
      if (!predicate(diags)) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(diags);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      const now = vscode.languages
        .getDiagnostics(uri)
        .map((d) => `${d.source}(${d.code}) ${d.range.start.line}:${d.range.start.character}`);
      reject(new Error(`timed out waiting for ${what}; diagnostics: ${JSON.stringify(now)}`));
    }, timeoutMs);
    check();
  });
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''));
const ours = (d: vscode.Diagnostic) => d.source === 'kraken-import';

suite('kraken-import in the extension host', () => {
  let api: ExtensionApi;
  let sandbox: SandboxHandle;
  const requests: RequestLogEntry[] = [];
  const config = () => vscode.workspace.getConfiguration('krakenImport');

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await ext.activate();
    sandbox = await startSandbox({ port: 0, apiKey: SANDBOX_KEY, log: () => undefined, onRequest: (e) => requests.push(e) });
  });

  suiteTeardown(async () => {
    api?.kraken.testing?.reset();
    await config().update('environments', undefined, vscode.ConfigurationTarget.Global);
    await config().update('activeEnvironment', undefined, vscode.ConfigurationTarget.Global);
    await config().update('rules', undefined, vscode.ConfigurationTarget.Global);
    await sandbox?.close();
  });

  test('activates on a JSON document and exposes its API', async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!;
    assert.equal(ext.isActive, true);
    assert.ok(api.client, 'the language client');
    assert.equal(api.client.isRunning(), true, 'the language server runs');
    assert.equal(typeof api.kraken.krakenDiagnostics, 'function');
    assert.ok(api.kraken.testing, 'test-mode hooks (ExtensionMode.Test)');
  });

  test('every contributed command is registered', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string }[]).map(
      (c) => c.command,
    );
    assert.ok(contributed.length >= 10, `commands contributed: ${contributed.length}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed but not registered',
    );
    for (const id of Object.values(api.kraken.commands)) assert.ok(registered.has(id), `${id} registered`);
  });

  test('settings: defaults as contributed, the default environment is the local sandbox', () => {
    assert.equal(config().get('maxFindings'), 200);
    assert.deepEqual(config().get('rules'), {});
    const envs = config().get<{ name: string; baseUrl: string }[]>('environments') ?? [];
    assert.deepEqual(
      envs.map((e) => [e.name, e.baseUrl]),
      [['Local sandbox', 'http://127.0.0.1:8787']],
    );
    assert.equal(api.kraken.activeEnvironment()?.name, 'Local sandbox');
  });

  test('the seed account: kind "account", no errors', async () => {
    const uri = workspaceFile('account-de.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const info = await api.documentInfo(uri);
    assert.equal(info?.kind, 'account');
    assert.equal(info?.kindLabel, 'Account');
    const diags = await diagnosticsMatching(uri, (d) => d.some(ours), 'the seed account to be validated');
    assert.deepEqual(
      diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message),
      [],
    );
  });

  test('the mistakes: diagnostics from the server at the exact ranges, with codes', async () => {
    const uri = workspaceFile('mistakes/account-with-mistakes.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diags = await diagnosticsMatching(
      uri,
      (d) => d.some((x) => ours(x) && codeOf(x) === 'invalid-enum'),
      'invalid-enum on sales_channel',
    );
    const direct = diags.find((d) => codeOf(d) === 'invalid-enum')!;
    assert.equal(direct.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.getText(direct.range), '"direct"');
    assert.deepEqual([direct.range.start.line, direct.range.start.character], [29, 19]);
    assert.match(direct.message, /did you mean "DIRECT"/);
    assert.deepEqual(
      diags.filter((d) => ours(d) && d.severity === vscode.DiagnosticSeverity.Error).map((d) => [codeOf(d), d.range.start.line + 1]),
      [
        ['phone-number', 10],
        ['invalid-format', 11],
        ['invalid-enum', 30],
        ['date-order', 46],
      ],
    );
    // A quick fix for it, through the code action provider.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, direct.range);
    assert.ok(
      actions.some((a) => a.title === 'Change to "DIRECT"'),
      `actions: ${JSON.stringify(actions.map((a) => a.title))}`,
    );
  });

  test('settings: krakenImport.rules is read and applied when it changes', async () => {
    const uri = workspaceFile('mistakes/account-with-mistakes.json');
    await config().update('rules', { 'invalid-enum': 'off' }, vscode.ConfigurationTarget.Global);
    await diagnosticsMatching(uri, (d) => d.some(ours) && !d.some((x) => codeOf(x) === 'invalid-enum'), 'invalid-enum to be switched off');
    await config().update('rules', { 'invalid-enum': 'warning' }, vscode.ConfigurationTarget.Global);
    const diags = await diagnosticsMatching(
      uri,
      (d) => d.some((x) => codeOf(x) === 'invalid-enum' && x.severity === vscode.DiagnosticSeverity.Warning),
      'invalid-enum as a warning',
    );
    assert.equal(diags.filter((x) => codeOf(x) === 'invalid-enum').length, 1);
    await config().update('rules', undefined, vscode.ConfigurationTarget.Global);
    await diagnosticsMatching(
      uri,
      (d) => d.some((x) => codeOf(x) === 'invalid-enum' && x.severity === vscode.DiagnosticSeverity.Error),
      'invalid-enum back to an error',
    );
  });

  test('kraken-import.config.json at the folder root applies (VS Code defaults do not hide it) and is followed live', async () => {
    const uri = workspaceFile('mistakes/account-with-mistakes.json');
    const configFile = workspaceFile('kraken-import.config.json');
    await vscode.workspace.fs.writeFile(configFile, Buffer.from(JSON.stringify({ rules: { 'invalid-enum': 'hint' }, maxFindings: 500 })));
    try {
      const diags = await diagnosticsMatching(
        uri,
        (d) => d.some((x) => codeOf(x) === 'invalid-enum' && x.severity === vscode.DiagnosticSeverity.Hint),
        'invalid-enum as a hint, from the config file',
      );
      assert.equal(diags.filter((x) => codeOf(x) === 'invalid-enum').length, 1);
      // A user setting is on top of the file.
      await config().update('rules', { 'invalid-enum': 'warning' }, vscode.ConfigurationTarget.Global);
      await diagnosticsMatching(
        uri,
        (d) => d.some((x) => codeOf(x) === 'invalid-enum' && x.severity === vscode.DiagnosticSeverity.Warning),
        'the user setting over the file',
      );
      await config().update('rules', undefined, vscode.ConfigurationTarget.Global);
      await diagnosticsMatching(
        uri,
        (d) => d.some((x) => codeOf(x) === 'invalid-enum' && x.severity === vscode.DiagnosticSeverity.Hint),
        'the file again',
      );
    } finally {
      await vscode.workspace.fs.delete(configFile);
    }
    await diagnosticsMatching(
      uri,
      (d) => d.some((x) => codeOf(x) === 'invalid-enum' && x.severity === vscode.DiagnosticSeverity.Error),
      'the default once the file is gone',
    );
  });

  test('a JSON Lines wave (the jsonl language) gets findings per record, live while it is edited', async () => {
    const uri = workspaceFile('wave.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'jsonl');
    const editor = await vscode.window.showTextDocument(doc);
    const records = doc
      .getText()
      .split('\n')
      .flatMap((l, i) => (l.trim() ? [i] : []));
    const first = await diagnosticsMatching(
      uri,
      (d) => records.every((line) => d.some((x) => ours(x) && x.range.start.line === line)),
      'findings on every record',
    );
    const enumOn = (line: number) => (d: readonly vscode.Diagnostic[]) =>
      d.filter((x) => codeOf(x) === 'invalid-enum' && x.range.start.line === line);
    assert.deepEqual(enumOn(records[1])(first), [], 'the second record is clean (the fourth has its own mistake)');
    // Type a mistake into the second record: its finding appears on that line, at the value.
    const line = doc.lineAt(records[1]).text;
    const at = line.indexOf('"sales_channel":"DIRECT"') + '"sales_channel":'.length;
    assert.ok(at > 20);
    await editor.edit((e) => e.replace(new vscode.Range(records[1], at, records[1], at + 8), '"direct"'));
    const after = await diagnosticsMatching(uri, (d) => enumOn(records[1])(d).length > 0, 'invalid-enum in the edited record');
    const direct = enumOn(records[1])(after)[0];
    assert.deepEqual([direct.range.start.line, direct.range.start.character, direct.range.end.character], [records[1], at, at + 8]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, direct.range);
    const fix = actions.find((a) => a.title === 'Change to "DIRECT"');
    assert.ok(fix?.edit, `actions: ${JSON.stringify(actions.map((a) => a.title))}`);
    await vscode.workspace.applyEdit(fix.edit);
    await diagnosticsMatching(uri, (d) => d.some(ours) && enumOn(records[1])(d).length === 0, 'the record fixed');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Validate with Kraken: the key from SecretStorage, Kraken\'s errors in the "Kraken" collection; forgetting the key stops sending', async () => {
    const testing = api.kraken.testing!;
    await config().update(
      'environments',
      [
        {
          name: ENV_NAME,
          baseUrl: sandbox.url.replace(/\/$/, ''),
          flow: 'v1',
          importSupplier: 'TENTACLE_ENERGY',
          operationsTeam: 'A',
          auth: 'api-key-header',
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await config().update('activeEnvironment', ENV_NAME, vscode.ConfigurationTarget.Global);
    assert.equal(api.kraken.activeEnvironment()?.name, ENV_NAME);
    // No prompt may appear unanswered: a missing key is "cancelled".
    let asked = 0;
    testing.setPrompts({
      apiKey: async () => {
        asked++;
        return undefined;
      },
    });

    const uri = workspaceFile('mistakes/account-with-mistakes.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

    assert.equal(await testing.setApiKey(ENV_NAME, SANDBOX_KEY), true, 'stored');
    const before = requests.length;
    const result = (await vscode.commands.executeCommand(api.kraken.commands.validate, uri)) as { level?: string; skipped?: string };
    assert.equal(result.skipped, undefined, JSON.stringify(result));
    assert.equal(asked, 0, 'the stored key was used, not asked for');
    const calls = requests.slice(before);
    assert.deepEqual(
      calls.map((c) => [c.method, c.path, c.status, c.auth]),
      [['POST', '/v1/data-import/validate-account/', 400, 'api-key']],
    );
    const kraken = api.kraken.krakenDiagnostics(uri);
    assert.ok(kraken.length > 0, 'Kraken diagnostics');
    assert.ok(kraken.every((d) => d.source === 'Kraken'));
    // Kraken's error on the date of birth sits on the local finding's range (both follow the JSON path).
    const dob = kraken.find((d) => d.range.start.line === 10);
    assert.ok(dob, `a Kraken finding on customers.0.date_of_birth: ${JSON.stringify(kraken.map((d) => [d.range.start.line, d.message]))}`);
    // And it is a real diagnostics collection: VS Code sees it beside the server's.
    await diagnosticsMatching(uri, (d) => d.some((x) => x.source === 'Kraken') && d.some(ours), 'both collections on the document');
    assert.ok(api.kraken.lastResponses(uri).length >= 1, 'the response is remembered');

    // A timeout setting that is no timeout is said, and nothing is sent (not a silent 60 s, nor a 1 ms timer).
    for (const value of [0, 86_400_000]) {
      await config().update('requestTimeoutSeconds', value, vscode.ConfigurationTarget.Global);
      const sent = requests.length;
      const refused = (await vscode.commands.executeCommand(api.kraken.commands.validate, uri)) as { skipped?: string };
      assert.equal(
        refused.skipped,
        `krakenImport.requestTimeoutSeconds takes a number of seconds from 1 to 3600, not ${value}: nothing was sent.`,
      );
      assert.equal(requests.length, sent, 'nothing was sent with a timeout we cannot use');
      const status = (await vscode.commands.executeCommand(api.kraken.commands.checkStatus, uri)) as { skipped?: string };
      assert.equal(status.skipped, refused.skipped, 'Check Import Status says the same, before asking anything');
      assert.equal(requests.length, sent);
    }
    await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);

    // A file whose bytes are not UTF-8 ("Müller" as Windows-1252 writes it) shows "\ufffd" in the editor: not sent, and
    // the message says where and how to re-encode it. A "\ufffd" written on purpose in a UTF-8 file is sent.
    const seed = readFileSync(workspaceFile('account-de.json').fsPath, 'utf8');
    assert.ok(seed.includes('"Goethe"'));
    const latin1 = workspaceFile('latin1-account.json');
    writeFileSync(latin1.fsPath, Buffer.from(seed.replace('"Goethe"', '"M\u00fcller"'), 'latin1'));
    const latin1Doc = await vscode.workspace.openTextDocument(latin1);
    const shown = latin1Doc.positionAt(latin1Doc.getText().indexOf('\ufffd'));
    assert.equal(latin1Doc.lineAt(shown.line).text.trim(), '"family_name": "M\ufffdller",');
    // The language server reads the file for such a text: invalid-utf8 on the "\ufffd", where the CLI puts it.
    await vscode.window.showTextDocument(latin1Doc);
    await diagnosticsMatching(
      latin1,
      (d) =>
        d.some(
          (x) => ours(x) && codeOf(x) === 'invalid-utf8' && x.range.start.isEqual(shown) && x.severity === vscode.DiagnosticSeverity.Error,
        ),
      'invalid-utf8 on the "\ufffd"',
    );
    const sentBefore = requests.length;
    const notUtf8 = (await vscode.commands.executeCommand(api.kraken.commands.validate, latin1)) as { skipped?: string };
    assert.equal(
      notUtf8.skipped,
      `latin1-account.json: not UTF-8: line ${shown.line + 1}, column ${shown.character + 1}: these bytes are not valid UTF-8, ` +
        'and Kraken reads request bodies as UTF-8 (sent, they would arrive as "\ufffd"). Re-encode the file as UTF-8 from its ' +
        'legacy encoding (often Windows-1252 or ISO 8859-1). In VS Code: "Change File Encoding", "Reopen with Encoding" (the ' +
        'legacy one), then "Save with Encoding" as UTF-8. Nothing was sent.',
    );
    assert.equal(requests.length, sentBefore, 'nothing was sent');
    const onPurpose = workspaceFile('replacement-character.json');
    writeFileSync(onPurpose.fsPath, seed.replace('"Goethe"', '"G\ufffdthe"'), 'utf8');
    const sentOnPurpose = (await vscode.commands.executeCommand(api.kraken.commands.validate, onPurpose)) as { skipped?: string };
    assert.equal(sentOnPurpose.skipped, undefined, JSON.stringify(sentOnPurpose));
    assert.deepEqual(
      requests.slice(sentBefore).map((c) => [c.method, c.path]),
      [['POST', '/v1/data-import/validate-account/']],
    );
    // An integer JavaScript cannot hold would reach Kraken changed: not sent either.
    const bigInteger = workspaceFile('big-integer.json');
    writeFileSync(bigInteger.fsPath, seed.replace('"Goethe"', '"Goethe", "legacy_id": 12345678901234567891'), 'utf8');
    const sentBig = requests.length;
    const big = (await vscode.commands.executeCommand(api.kraken.commands.validate, bigInteger)) as { skipped?: string };
    assert.equal(
      big.skipped,
      'big-integer.json: an integer would change on the way: 12345678901234567891 would be sent as 12345678901234567000, ' +
        'since JavaScript holds integers exactly only up to 2^53. Write it as a string if the field holds text (an ' +
        'identifier), or correct it. Nothing was sent.',
    );
    assert.equal(requests.length, sentBig, 'nothing was sent');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

    await vscode.commands.executeCommand(api.kraken.commands.clearDiagnostics, uri);
    assert.equal(api.kraken.krakenDiagnostics(uri).length, 0, 'cleared');

    assert.equal(await testing.forgetApiKey(ENV_NAME), true, 'forgotten');
    const afterForget = requests.length;
    const skipped = (await vscode.commands.executeCommand(api.kraken.commands.validate, uri)) as { skipped?: string };
    assert.match(skipped.skipped ?? '', /No API key/);
    assert.equal(asked, 1, 'asked for a key once');
    assert.equal(requests.length, afterForget, 'nothing was sent without a key');
  });
});
