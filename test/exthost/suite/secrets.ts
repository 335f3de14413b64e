/**
 * Runs inside the extension host (see test/exthost/secrets.exthost.ts). A random API key is stored through the
 * real "Set API Key" command (SecretStorage, prompt answered by the test), every contributed command runs against a
 * sandbox started here — both auth modes (`api-key-header` on v1, `kraken-token` on v2), successes and failures:
 * a wrong key (401), a 500 burst, a dropped connection, a slow answer past krakenImport.requestTimeoutSeconds and a
 * sandbox restart in the middle of a create — and then the key and every Kraken token the sandbox received are
 * searched for in: every krakenImport.* setting at every scope, the settings.json files on disk (user and
 * workspace), the output channels' log files on disk, every message and progress text shown, all diagnostics and
 * the workspace's files. Zero hits.
 *
 * Along the way: every failed call leaves the document as it was (text and dirty state: an unsaved edit survives),
 * a create in flight when the sandbox restarts is reported "outcome unknown" and is not sent again, and the
 * responses channel redacts personal data until krakenImport.showPersonalData is switched on.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../client/src/extension';
import { startSandbox, type SandboxHandle } from '../../../sandbox/src/index';
import { smallAccount } from '../../fixtures/smallAccount';

const EXTENSION_ID = 'kraken-import.kraken-import';
const KEY = `sk_live_${randomBytes(16).toString('hex')}`;
const WRONG_KEY = `${KEY}-revoked`; // contains KEY: a leak of the wrong key is a hit too
const SUPPLIER = 'TENTACLE_ENERGY';
const HEADER_ENV = 'Secrets v1 (key header)';
const TOKEN_ENV = 'Secrets v2 (Kraken token)';
const PATHS = {
  validate: '/v1/data-import/validate-account/',
  stage: '/v1/data-import/account-import-process/create-or-update/',
  create: '/v1/data-import/account-import-process/process/',
  validateV2: '/v2/data-import/accounts/validate/',
  createV2: '/v2/data-import/accounts/',
};
const PERSONAL = ['Goethe', 'johann@example.de', '+491741721223', '1997-07-26', 'Fast an der Alster'];

const account = (ext: string) => smallAccount(ext, { supplier: SUPPLIER });

type Result = { level?: string; message?: string; skipped?: string; reason?: string };

function walkFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) walkFiles(p, out);
    else if (s.size < 20 * 1024 * 1024) out.push(p);
  }
  return out;
}

async function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, 'the extension is loaded');
  const api = await ext.activate();
  const testing = api.kraken.testing;
  assert.ok(testing, 'test-mode hooks');
  const C = api.kraken.commands;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'a workspace folder');
  // code-server runs with HOME=<scratch>/home and --user-data-dir <scratch>/user-data (tools/codeServer.ts).
  const userData = path.join(path.dirname(process.env.HOME ?? ''), 'user-data');
  assert.ok(existsSync(path.join(userData, 'User', 'settings.json')), `code-server's user data at ${userData}`);

  // ---------------------------------------------------------------- capture what the user is shown
  const shown: string[] = [];
  const win = vscode.window as unknown as Record<string, unknown>;
  const original = {
    ...Object.fromEntries(
      ['showErrorMessage', 'showWarningMessage', 'showInformationMessage', 'showQuickPick', 'withProgress'].map((k) => [k, win[k]]),
    ),
  };
  for (const k of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage']) {
    win[k] = (message: string, ...rest: unknown[]) => {
      shown.push(`${k}: ${message} ${JSON.stringify(rest)}`);
      return Promise.resolve(undefined); // no button pressed
    };
  }
  win.showQuickPick = async (items: unknown, options?: vscode.QuickPickOptions) => {
    const list = (await items) as vscode.QuickPickItem[];
    shown.push(`showQuickPick: ${options?.placeHolder ?? ''} ${JSON.stringify(list.map((i) => [i.label, i.description, i.detail]))}`);
    return list[0];
  };
  win.withProgress = (
    options: vscode.ProgressOptions,
    task: (p: vscode.Progress<{ message?: string }>, t: vscode.CancellationToken) => Thenable<unknown>,
  ) => {
    shown.push(`progress: ${options.title ?? ''}`);
    const source = new vscode.CancellationTokenSource();
    return Promise.resolve(task({ report: (v) => shown.push(`progress: ${v.message ?? ''}`) }, source.token)).finally(() =>
      source.dispose(),
    );
  };
  // Intercepting works only if the extension sees the same `vscode.window` (one API object per extension).
  const probe = shown.length;
  void vscode.window.showInformationMessage('probe');
  assert.equal(shown.length, probe + 1);

  // ---------------------------------------------------------------- the sandbox, and every credential it receives
  const credentials = new Set<string>();
  const originalEmit = http.Server.prototype.emit;
  let sandbox!: SandboxHandle;
  let onRequest: (p: string) => void = () => undefined;
  const start = async (port: number) =>
    (sandbox = await startSandbox({
      port,
      apiKey: KEY,
      processingMs: 300,
      createDelayMs: 0,
      log: () => undefined,
      onRequest: (e) => onRequest(e.path),
    }));
  await start(0);
  const port = sandbox.port;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    const addr = this.address();
    if (event === 'request' && addr && typeof addr === 'object' && addr.port === port) {
      const auth = (args[0] as http.IncomingMessage).headers.authorization;
      if (auth) credentials.add(auth.replace(/^(Token|JWT|Bearer)\s+/i, ''));
    }
    return (originalEmit as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof originalEmit;

  const config = () => vscode.workspace.getConfiguration('krakenImport');
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await config().update(
      'environments',
      [
        { name: HEADER_ENV, baseUrl, flow: 'v1', importSupplier: SUPPLIER, operationsTeam: 'A', auth: 'api-key-header' },
        { name: TOKEN_ENV, baseUrl, flow: 'v2', importSupplier: SUPPLIER, auth: 'kraken-token' },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await config().update('requestTimeoutSeconds', 10, vscode.ConfigurationTarget.Global);

    // Every prompt answered; the API key prompt gives KEY (or what `nextKey` says).
    let nextKey = KEY;
    const asked: string[] = [];
    testing.setPrompts({
      apiKey: async (env) => {
        asked.push(`apiKey ${env.name}`);
        return nextKey;
      },
      confirm: async (c) => {
        asked.push(`confirm ${c.message}`);
        return true;
      },
      operationsTeam: async () => 'A',
      transactionOptions: async (initial) => initial,
      supplyStartDate: async () => '',
      statusTarget: async (initial) => ({
        importSupplierCode: initial.importSupplierCode ?? SUPPLIER,
        externalIdentifier: initial.externalIdentifier ?? 'SEC-1',
      }),
      environment: async (envs) => envs[0],
    });

    // Documents: an account (with an unsaved edit, as if the user were typing) and notes for it.
    const write = (name: string, value: unknown) => {
      const file = path.join(folder, name);
      writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
      return vscode.Uri.file(file);
    };
    const accountUri = write('account.json', account('SEC-1'));
    const notesUri = write('notes.json', {
      import_supplier: SUPPLIER,
      external_account_number: 'SEC-1',
      notes: [{ body: 'Called the customer.', created_at: '2024-02-01T12:00:00Z' }],
    });
    const doc = await vscode.workspace.openTextDocument(accountUri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(doc.positionAt(doc.getText().length), '\n\n')); // typed, not saved
    assert.ok(doc.isDirty, 'the document has an unsaved edit');
    const notesDoc = await vscode.workspace.openTextDocument(notesUri);

    /** Runs a command and checks that neither document changed (text, dirty state). */
    const runCommand = async (command: string, ...args: unknown[]): Promise<Result> => {
      const before = [doc.getText(), doc.isDirty, notesDoc.getText(), notesDoc.isDirty];
      const result = ((await vscode.commands.executeCommand(command, ...args)) ?? {}) as Result;
      assert.deepEqual(
        [doc.getText(), doc.isDirty, notesDoc.getText(), notesDoc.isDirty],
        before,
        `${command} left the documents as they were`,
      );
      shown.push(`result of ${command}: ${JSON.stringify(result)}`);
      return result;
    };
    const outcomes: Array<[string, string, string]> = [];
    const send = async (label: string, command: string, ...args: unknown[]): Promise<Result> => {
      const r = await runCommand(command, ...args);
      outcomes.push([label, r.level ?? `skipped: ${r.skipped}`, r.message ?? '']);
      return r;
    };

    for (const envName of [HEADER_ENV, TOKEN_ENV]) {
      const v1 = envName === HEADER_ENV;
      sandbox.state.reset();
      assert.equal((await runCommand(C.selectEnvironment, envName)) as unknown, envName);
      // The key through the real command (prompt answered), into SecretStorage.
      nextKey = KEY;
      assert.equal((await runCommand(C.setApiKey, envName)) as unknown, true);

      const ok = async (label: string, command: string, ...args: unknown[]) => {
        const r = await send(`${envName}: ${label}`, command, ...args);
        assert.ok(!r.skipped && r.level !== 'error', `${label}: ${JSON.stringify(r)}`);
        return r;
      };
      await ok('validate', C.validate, accountUri);
      if (v1) await ok('stage', C.stage, accountUri);
      await ok('create (dry run)', C.createDryRun, accountUri);
      // A 429 burst on the create: waited for (the progress says so), then created once.
      const createPath = v1 ? PATHS.create : PATHS.createV2;
      sandbox.faults.add({ match: createPath, method: 'POST', status: 429, times: 2, retryAfter: 0 });
      const progressBefore = shown.length;
      const requestsBefore = sandbox.state.requests.length;
      await ok('create (after two 429s)', C.create, accountUri);
      assert.ok(
        shown.slice(progressBefore).some((m) => /progress: Kraken is busy \(429/.test(m)),
        'the wait was shown',
      );
      const creates = sandbox.state.requests.slice(requestsBefore).filter((r) => r.method === 'POST' && r.path === createPath);
      assert.deepEqual(
        creates.map((r) => r.status),
        [429, 429, 201],
        'two 429s, then created once',
      );
      // The import status is a v2 endpoint: on the v1 sandbox it is a 404, reported as such.
      if (v1)
        assert.match(
          (
            await send(`${envName}: import status`, C.checkStatus, accountUri, {
              importSupplierCode: SUPPLIER,
              externalIdentifier: 'SEC-1',
            })
          ).message ?? '',
          /not found/,
        );
      else await ok('import status', C.checkStatus, accountUri, { importSupplierCode: SUPPLIER, externalIdentifier: 'SEC-1' });
      await ok('registration flows', C.registrationFlows, accountUri, { supplyStartDate: '' });
      await ok('notes', C.sendPostImport, notesUri);
      await ok('send to Kraken… (validate picked)', C.sendToKraken, accountUri);

      // Failures. A wrong key: 401, asked to set the key again (the notification's button is not pressed).
      nextKey = WRONG_KEY;
      assert.equal((await runCommand(C.setApiKey, envName)) as unknown, true);
      const unauthorized = await send(`${envName}: wrong key`, C.validate, accountUri);
      assert.equal(unauthorized.level, 'error');
      assert.match(unauthorized.message ?? '', /did not accept the API key/);
      nextKey = KEY;
      assert.equal((await runCommand(C.setApiKey, envName)) as unknown, true);

      // A 500 burst that outlasts the retries (its body echoes the key).
      sandbox.faults.add({
        match: v1 ? PATHS.validate : PATHS.validateV2,
        status: 500,
        times: 0,
        body: { detail: `internal error for ${KEY}` },
      });
      const burst = await send(`${envName}: 500 burst`, C.validate, accountUri);
      assert.equal(burst.level, 'error');
      assert.match(burst.message ?? '', /500|server error/i);
      sandbox.faults.clear();

      // A dropped connection on a create that Kraken processed: outcome unknown, sent once.
      sandbox.state.reset();
      if (v1) await ok('stage again', C.stage, accountUri);
      sandbox.faults.add({ match: createPath, method: 'POST', drop: 'after' });
      const dropped = await send(`${envName}: dropped create`, C.create, accountUri);
      assert.notEqual(dropped.level, 'info', JSON.stringify(dropped));
      assert.match(dropped.message ?? '', /outcome unknown/i);
      assert.equal(sandbox.state.requestsTo(createPath, 'POST').filter((r) => r.path === createPath).length, 1, 'the create was sent once');

      // A slow answer past the timeout (1 s here; the setting's UI minimum is 5).
      await config().update('requestTimeoutSeconds', 1, vscode.ConfigurationTarget.Global);
      sandbox.faults.add({ match: v1 ? PATHS.validate : PATHS.validateV2, delayMs: 4000 });
      const slow = await send(`${envName}: slow validate`, C.validate, accountUri);
      assert.equal(slow.level, 'error');
      assert.match(slow.message ?? '', /No answer from 127\.0\.0\.1:\d+ within 1 s/);
      await config().update('requestTimeoutSeconds', 10, vscode.ConfigurationTarget.Global);
      sandbox.faults.clear();

      // The sandbox restarts while a create is in flight: outcome unknown, and the new sandbox never gets it.
      sandbox.state.reset();
      if (v1) await ok('stage before restart', C.stage, accountUri);
      sandbox.faults.add({ match: createPath, method: 'POST', delayMs: 3000 });
      const old = sandbox;
      let restarted: Promise<SandboxHandle> | undefined;
      onRequest = (p) => {
        if (p !== createPath || restarted) return;
        restarted = (async () => {
          await old.close();
          await new Promise((r) => setTimeout(r, 100));
          return start(port);
        })();
      };
      const inFlight = await send(`${envName}: sandbox restarted during create`, C.create, accountUri);
      onRequest = () => undefined;
      assert.ok(restarted, 'the create reached the sandbox');
      const fresh = await restarted;
      assert.match(inFlight.message ?? '', /outcome unknown/i, JSON.stringify(inFlight));
      assert.match(inFlight.message ?? '', /import status|check/i);
      assert.equal(old.state.requestsTo(createPath, 'POST').filter((r) => r.path === createPath).length, 1);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(
        fresh.state.requestsTo(createPath, 'POST').filter((r) => r.path === createPath).length,
        0,
        'not re-sent to the restarted sandbox',
      );
      // And the extension works with the new process (a token from the old one is refused: signed in again).
      await ok('validate after the restart', C.validate, accountUri);
    }

    // ---------------------------------------------------------------- personal data in the responses channel
    // A v1 validate answers 200 with the account as Kraken read it: names, email, phone, date of birth, address.
    sandbox.state.reset();
    assert.equal((await runCommand(C.selectEnvironment, HEADER_ENV)) as unknown, HEADER_ENV);
    await send('personal data: validate', C.validate, accountUri);
    const responsesLog = () => walkFiles(path.join(userData, 'logs')).filter((f) => /Kraken Import Responses/.test(path.basename(f)));
    const channelText = () =>
      responsesLog()
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
    await runCommand(C.showResponses, accountUri);
    const redacted = await until('the responses channel on disk', () => {
      const t = channelText();
      return /Kraken response\(s\) for account\.json/.test(t) && t.includes('«redacted»') ? t : undefined;
    });
    assert.deepEqual(
      PERSONAL.filter((v) => redacted.includes(v)),
      [],
      'personal data in the responses channel by default',
    );
    // The string "false" is truthy: read as-is it would show them. It keeps them redacted, and the log says why.
    await config().update('showPersonalData', 'false', vscode.ConfigurationTarget.Global);
    await runCommand(C.showResponses, accountUri);
    const twice = await until('the responses shown a second time', () => {
      const t = channelText();
      return (t.match(/Kraken response\(s\) for account\.json/g) ?? []).length >= 2 ? t : undefined;
    });
    assert.deepEqual(
      PERSONAL.filter((v) => twice.includes(v)),
      [],
      'personal data shown for showPersonalData "false"',
    );
    await until('the warning in the extension log', () =>
      walkFiles(path.join(userData, 'logs'))
        .filter((f) => /Kraken Import\.log$/.test(path.basename(f)))
        .some((f) =>
          readFileSync(f, 'utf8').includes(
            'krakenImport.showPersonalData must be true or false, not "false": personal data stays redacted.',
          ),
        )
        ? true
        : undefined,
    );
    await config().update('showPersonalData', true, vscode.ConfigurationTarget.Global);
    await runCommand(C.showResponses, accountUri);
    await until(`the responses shown with personal data (${PERSONAL.join(', ')})`, () =>
      PERSONAL.every((v) => channelText().includes(v)) ? true : undefined,
    );
    await config().update('showPersonalData', undefined, vscode.ConfigurationTarget.Global);
    console.log('secrets: responses channel redacted by default, shown with krakenImport.showPersonalData');

    // The remaining commands.
    await runCommand(C.clearDiagnostics, accountUri);
    await runCommand(C.showResponses, accountUri);
    await runCommand(C.showResponses, notesUri);
    await runCommand('krakenImport.refreshContract');
    await runCommand('krakenImport.validateWorkspace');
    await vscode.commands.executeCommand('krakenImport.newPayload', 'notes');
    await runCommand(C.forgetApiKey, HEADER_ENV);
    await runCommand(C.forgetApiKey, TOKEN_ENV);
    // Without a key: asked (cancelled here), nothing sent.
    nextKey = '';
    const before = sandbox.state.requests.length;
    const noKey = await runCommand(C.validate, accountUri);
    assert.match(noKey.skipped ?? '', /No API key/);
    assert.equal(sandbox.state.requests.length, before);

    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const ran = new Set<string>([
      ...Object.values(C),
      'krakenImport.refreshContract',
      'krakenImport.validateWorkspace',
      'krakenImport.newPayload',
    ]);
    // Commands added later run here without arguments (prompts answered as above), so they are searched too.
    const notRun: Record<string, string> = {
      'krakenImport.startSandbox': 'opens a terminal running `kraken-import sandbox --port 8787`; it handles no key',
    };
    for (const c of contributed.filter((x) => !ran.has(x) && !notRun[x])) {
      await runCommand(c);
      ran.add(c);
    }
    assert.deepEqual(
      contributed.filter((c) => !ran.has(c) && !notRun[c]),
      [],
      'every contributed command ran',
    );
    for (const [label, level, message] of outcomes) console.log(`secrets: ${label} → ${level}: ${message.slice(0, 160)}`);

    // ---------------------------------------------------------------- search
    const tokens = [...credentials].filter((c) => !c.startsWith(KEY));
    assert.ok(credentials.has(KEY), 'the key reached the sandbox (api-key-header)');
    assert.ok(tokens.length >= 2, `Kraken tokens were used (${tokens.length})`);
    const secrets = [KEY, ...tokens, ...tokens.flatMap((t) => t.split('.').filter((p) => p.length >= 16))];

    // The channels' logs are on disk once flushed.
    const logs = await until('the output channels on disk', () => {
      const files = walkFiles(path.join(userData, 'logs')).filter((f) => /Kraken Import/.test(path.basename(f)));
      const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
      return files.length >= 2 &&
        text.includes('Kraken response(s) for account.json') &&
        text.includes('POST /v1/data-import/validate-account/')
        ? files
        : undefined;
    });
    console.log(`secrets: output channel logs: ${logs.map((f) => path.relative(userData, f)).join(', ')}`);

    const haystack: Array<[string, string]> = [];
    const props = Object.keys(ext.packageJSON.contributes.configuration.properties as Record<string, unknown>);
    for (const p of props) haystack.push([`inspect ${p}`, JSON.stringify(vscode.workspace.getConfiguration().inspect(p))]);
    haystack.push(['getConfiguration(krakenImport)', JSON.stringify(config())]);
    for (const f of [
      path.join(userData, 'User', 'settings.json'),
      path.join(folder, '.vscode', 'settings.json'),
      ...walkFiles(path.join(userData, 'Machine')),
    ]) {
      if (existsSync(f)) haystack.push([f, readFileSync(f, 'utf8')]);
    }
    for (const f of walkFiles(path.join(userData, 'logs'))) haystack.push([f, readFileSync(f, 'utf8')]);
    for (const f of walkFiles(folder)) haystack.push([f, readFileSync(f, 'utf8')]);
    haystack.push(['messages and progress', shown.join('\n')]);
    haystack.push([
      'diagnostics',
      JSON.stringify(
        vscode.languages
          .getDiagnostics()
          .map(([u, ds]) => [u.toString(), ds.map((d) => [d.message, d.source, d.code, d.relatedInformation?.map((r) => r.message)])]),
      ),
    ]);
    haystack.push([
      'responses remembered',
      JSON.stringify([...api.kraken.lastResponses(accountUri), ...api.kraken.lastResponses(notesUri)]),
    ]);
    haystack.push(['command outcomes', JSON.stringify(outcomes)]);
    const hits = haystack.flatMap(([where, text]) => secrets.filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 10)}…`));
    assert.deepEqual(hits, [], 'the key or a token was found');
    assert.ok(
      shown.some((s) => /stored in VS Code's secret storage/.test(s)),
      'messages were captured',
    );
    assert.ok(haystack.length > 20, `searched ${haystack.length} places`);
    console.log(
      `secrets: key and ${tokens.length} tokens searched in ${haystack.length} places (settings at every scope, settings.json, ${logs.length} channel logs, messages, diagnostics, workspace files): no hit`,
    );

    console.log('secrets: all done');
  } finally {
    http.Server.prototype.emit = originalEmit;
    Object.assign(win, original);
    testing.reset();
    await config().update('showPersonalData', undefined, vscode.ConfigurationTarget.Global);
    await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await sandbox.close();
  }
}
