// `npm run test:electron`: the extension-host suite (test/exthost/suite) in desktop VS Code via @vscode/test-electron.
//
// On our CI machines this cannot work: @vscode/test-electron downloads VS Code from update.code.visualstudio.com,
// which is unreachable (only the npm registry and Debian apt are), so it fails with ENOTFOUND: that is expected, and
// `npm test` runs the same suite in code-server instead (test/exthost/kraken.exthost.ts). On a laptop with internet
// it downloads VS Code (VSCODE_TEST_VERSION, default 1.100.3) into .vscode-test/; with VSCODE_EXECUTABLE_PATH it
// uses a local install. Needs a display (or xvfb-run) on Linux.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runTests } from '@vscode/test-electron';

function repoRoot(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'client', 'src', 'extension.ts'))) return dir;
  }
  return process.cwd();
}

async function main(): Promise<number> {
  const root = repoRoot();
  const extensionTestsPath = join(root, 'out', 'exthost', 'suite', 'index.js');
  if (!existsSync(extensionTestsPath)) {
    console.error(`${extensionTestsPath} missing: run node scripts/build.mjs`);
    return 2;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'kraken-electron-'));
  const workspace = join(scratch, 'examples');
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath,
      version: process.env.VSCODE_TEST_VERSION ?? '1.100.3',
      ...(process.env.VSCODE_EXECUTABLE_PATH ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH } : {}),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data')],
    });
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo/.test(msg)) {
      console.error(
        `test:electron: could not download VS Code (${msg}).\n` +
          'Expected on machines without internet access: run `npm run test:exthost` (the same suite in code-server), ' +
          'or set VSCODE_EXECUTABLE_PATH to a local VS Code.',
      );
    } else {
      console.error(`test:electron: ${msg}`);
    }
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
