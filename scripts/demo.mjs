// `npm run demo`: builds, packages kraken-import-<version>.vsix, then starts the local Kraken sandbox and
// code-server with the extension installed and a scratch copy of examples/ on 127.0.0.1, prints the URL and runs
// until Ctrl+C (then stops everything it started). Runs scripts/setup-code-server.sh first (idempotent: a fraction
// of a second once code-server and chromium are installed; about a minute and a half the first time).
// Env: DEMO_PORT (code-server's port; default a free one). Options: --no-build (use the existing dist/ and .vsix).
// package.json runs it with `exec`: npm hands a SIGTERM it gets to the script's shell only, which would otherwise
// die and leave this process running without a parent (test/ui/demo.ui.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `${pkg.name}-${pkg.version}.vsix`);

execFileSync('bash', [join(root, 'scripts/setup-code-server.sh')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (!process.argv.includes('--no-build') || !existsSync(vsix)) {
  execFileSync(process.execPath, [join(root, 'scripts/package.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
}
const outfile = join(root, 'out/demo/demo.js');
await esbuild.build({
  entryPoints: [join(root, 'scripts/demo.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  mainFields: ['module', 'main'],
  outfile,
  logLevel: 'warning',
});
const { runDemo } = createRequire(import.meta.url)(outfile);
await runDemo({ vsix, port: process.env.DEMO_PORT ? Number(process.env.DEMO_PORT) : undefined });
