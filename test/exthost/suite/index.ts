// Mocha entry of the extension-host suite: `run()` is what VS Code calls in the extension host (extensionTestsPath).
// Runs every *.test.js beside this file (built from test/exthost/suite/*.test.ts into out/exthost/suite/).
// Used by both runners: test/exthost/kraken.exthost.ts (code-server, here) and test/exthost/electron.ts
// (@vscode/test-electron, on a machine that can download VS Code).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000 });
  if (process.env.EXTHOST_GREP) mocha.grep(process.env.EXTHOST_GREP);
  for (const f of readdirSync(__dirname)
    .filter((n) => n.endsWith('.test.js'))
    .sort())
    mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed.`)) : resolve()));
  });
}
