// The Getting Started walkthrough: every command its steps link to exists, Open Example opens the example account
// with its findings in place, and Start Local Sandbox runs the sandbox in a terminal that answers on 8787.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';

const EXTENSION_ID = 'kraken-import.kraken-import';

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

suite('the Getting Started walkthrough', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });

  test('every command a step links to is registered', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { walkthroughs: Array<{ steps: Array<{ id: string; description: string }> }> };
    };
    const steps = manifest.contributes.walkthroughs[0].steps;
    assert.deepEqual(
      steps.map((s) => s.id),
      ['openExample', 'problems', 'quickFix', 'sandbox', 'validate'],
    );
    const linked = steps.flatMap((s) => [...s.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]));
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      linked.filter((c) => !registered.has(c)),
      [],
    );
    assert.ok(linked.includes('krakenImport.validateWithKraken'));
  });

  test('Open Example opens the example account with its findings where they belong', async () => {
    const editor = (await vscode.commands.executeCommand('krakenImport.openExample')) as vscode.TextEditor;
    const doc = editor.document;
    assert.equal(doc.languageId, 'json');
    assert.equal(doc.uri.scheme, 'untitled');
    const at = doc.getText().indexOf('"direct"');
    const start = doc.positionAt(at);
    const found = await new Promise<vscode.Diagnostic>((resolve, reject) => {
      const pick = () =>
        vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === 'kraken-import' && String(d.code) === 'invalid-enum');
      const sub = vscode.languages.onDidChangeDiagnostics(() => {
        const d = pick();
        if (d) {
          sub.dispose();
          clearTimeout(timer);
          resolve(d);
        }
      });
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error('no invalid-enum diagnostic on the example'));
      }, 30_000);
      const now = pick();
      if (now) {
        sub.dispose();
        clearTimeout(timer);
        resolve(now);
      }
    });
    assert.deepEqual(
      [found.range.start.line, found.range.start.character, found.range.end.character],
      [start.line, start.character, start.character + 8],
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Start Local Sandbox runs the sandbox in a terminal, and it says it is not Kraken', async () => {
    const terminal = (await vscode.commands.executeCommand('krakenImport.startSandbox')) as vscode.Terminal;
    assert.equal(terminal.name, 'Kraken sandbox (not Kraken)');
    try {
      // Readiness: the sandbox's state endpoint answers (polled; there is no event across processes).
      const deadline = Date.now() + 30_000;
      let answer: { status: number; headers: http.IncomingHttpHeaders } | undefined;
      while (!answer && Date.now() < deadline) {
        answer = await get('http://127.0.0.1:8787/__sandbox/').catch(() => undefined);
        if (!answer) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(answer, 'the sandbox answered on 127.0.0.1:8787');
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers['x-kraken-sandbox']), /this is not Kraken/);
    } finally {
      const closed = new Promise<void>((resolve) => {
        const sub = vscode.window.onDidCloseTerminal((t) => {
          if (t === terminal) {
            sub.dispose();
            resolve();
          }
        });
      });
      terminal.dispose();
      await closed;
    }
  });
});
