// The demo behind `npm run demo` (scripts/demo.mjs builds, packages and bundles this file, then runs it):
// the local Kraken sandbox and code-server (VS Code 1.100.3 in the browser) with the packaged kraken-import
// installed and a scratch copy of examples/ open, both on 127.0.0.1. Runs until Ctrl+C, then stops code-server's
// process group, the sandbox, and removes the scratch folders.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../sandbox/src/index';
import { freePort, repoRoot, startCodeServer, type CodeServer } from '../tools/codeServer';

export async function runDemo(opts: { vsix: string; port?: number }): Promise<void> {
  const root = repoRoot();
  const scratch = mkdtempSync(join(tmpdir(), 'kraken-demo-'));
  const workspace = join(scratch, 'examples');
  cpSync(join(root, 'examples'), workspace, { recursive: true });

  let sandbox: SandboxHandle | undefined;
  let server: CodeServer | undefined;
  let stopping = false;
  const cleanupSync = () => {
    // Synchronous: also runs from the signal handlers, before the harness's own hook exits the process.
    if (server) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      rmSync(server.scratchDir, { recursive: true, force: true });
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n[demo] ${signal}: stopping code-server and the sandbox…\n`);
    cleanupSync();
    await sandbox?.close().catch(() => undefined);
    process.exit(0);
  };
  // Registered before startCodeServer installs its own hooks, so these run first.
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    // The extension's default environment is "Local sandbox" at http://127.0.0.1:8787 (key: sandbox).
    let sandboxPort = 8787;
    const settings: Record<string, unknown> = {};
    try {
      sandbox = await startSandbox({ port: sandboxPort, apiKey: 'sandbox', logRequests: true });
    } catch (e) {
      sandboxPort = await freePort();
      process.stderr.write(`[demo] 127.0.0.1:8787 is taken (${(e as Error).message}); sandbox on ${sandboxPort} instead\n`);
      sandbox = await startSandbox({ port: sandboxPort, apiKey: 'sandbox', logRequests: true });
      settings['krakenImport.environments'] = [
        {
          name: 'Local sandbox',
          baseUrl: `http://127.0.0.1:${sandboxPort}`,
          flow: 'v1',
          importSupplier: 'TENTACLE_ENERGY',
          operationsTeam: 'A',
          auth: 'api-key-header',
        },
      ];
    }
    server = await startCodeServer({ workspace, extensionVsix: opts.vsix, settings, port: opts.port });
    process.stdout.write(
      [
        '',
        `  kraken-import demo: open ${server.url}`,
        '',
        `  workspace:  ${workspace} (a scratch copy of examples/)`,
        `  sandbox:    http://127.0.0.1:${sandboxPort} (API key: sandbox) - a local imitation, not Kraken`,
        '  try:        examples/mistakes/account-with-mistakes.json; Ctrl+. on "direct"; hover a key; Ctrl+Space in an object;',
        '              F1 > "Kraken Import: Validate with Kraken" (enter the key "sandbox" when asked)',
        '  stop:       Ctrl+C',
        '',
      ].join('\n') + '\n',
    );
  } catch (e) {
    process.stderr.write(`[demo] ${(e as Error).message}\n`);
    cleanupSync();
    await sandbox?.close().catch(() => undefined);
    process.exit(1);
  }
  // Keep running until a signal.
  await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
}
