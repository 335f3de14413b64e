// `npm run package`: builds the bundles (dist/client.js with dist/client-main.js, dist/server.js with dist/server-main.js, dist/cli.js with dist/cli-main.js and dist/cli-commands.js, dist/sandbox.js), checks the manifest, and
// packs kraken-import-<version>.vsix with vsce (--no-dependencies: everything the extension needs is bundled).
// Prints the files packed and the .vsix size. Usage: node scripts/package.mjs [--out file.vsix] [--no-build]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outIdx = args.indexOf('--out');
const out = resolve(root, outIdx >= 0 ? args[outIdx + 1] : `${pkg.name}-${pkg.version}.vsix`);

const started = Date.now();
if (!args.includes('--no-build')) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });

// ------------------------------------------------------------------ manifest checks (fail before vsce does)
const problems = [];
const warnings = [];
for (const key of ['name', 'displayName', 'description', 'version', 'publisher', 'license', 'icon', 'main', 'categories']) {
  if (!pkg[key]) problems.push(`package.json: "${key}" missing`);
}
if (!pkg.engines?.vscode) problems.push('package.json: engines.vscode missing');
for (const f of [
  pkg.main,
  'dist/server.js',
  'dist/server-main.js',
  'dist/cli.js',
  'dist/cli-main.js',
  'dist/cli-commands.js',
  'dist/sandbox.js',
  pkg.icon,
  'LICENSE',
  'README.md',
]) {
  if (f && !existsSync(join(root, f))) problems.push(`${f} missing`);
}
const events = new Set(pkg.activationEvents ?? []);
if (!events.has('onLanguage:json')) problems.push('activationEvents: onLanguage:json missing');
for (const c of pkg.contributes?.commands ?? []) {
  if (!c.category) warnings.push(`command ${c.command} has no category`);
}
if (pkg.capabilities?.untrustedWorkspaces?.supported !== 'limited')
  problems.push('capabilities.untrustedWorkspaces.supported should be "limited"');
for (const s of pkg.contributes?.snippets ?? []) {
  if (!existsSync(join(root, s.path))) problems.push(`snippets: ${s.path} missing`);
}
if (!(pkg.contributes?.snippets ?? []).length) warnings.push('no contributes.snippets yet');
if (!Object.keys(pkg.contributes?.configuration?.properties ?? {}).length) problems.push('no contributed settings');
for (const w of warnings) console.warn(`package: warning: ${w}`);
if (problems.length) {
  for (const p of problems) console.error(`package: ${p}`);
  process.exit(1);
}

// ------------------------------------------------------------------ vsce
const vsce = join(root, 'node_modules', '.bin', 'vsce');
const quiet = args.includes('--quiet');
// No repository: this project has no public home yet, and a made-up URL would end up in the Marketplace listing.
execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
  cwd: root,
  stdio: quiet ? ['ignore', 'pipe', 'inherit'] : 'inherit',
});
const listing = zipEntries(readFileSync(out))
  .filter((f) => f.startsWith('extension/'))
  .map((f) => f.slice('extension/'.length));
// The same allowlist as .vscodeignore (vsce renames LICENSE to LICENSE.txt and README.md to readme.md).
const ALLOWED =
  /^(dist\/(client|client-main|server|server-main|cli|cli-main|cli-commands|sandbox)\.js|snippets\/[^/]+\.json|walkthroughs\/[^/]+\.md|images\/icon\.png|readme\.md|LICENSE\.txt|package\.json)$/;
const forbidden = listing.filter((f) => !ALLOWED.test(f));
if (forbidden.length) {
  console.error(`package: files that should not be packed: ${forbidden.join(', ')}`);
  process.exit(1);
}
const bytes = statSync(out).size;
if (!quiet) console.log(`packed ${listing.length} files: ${listing.join(', ')}`);
console.log(`${relative(process.cwd(), out) || out}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes) in ${Date.now() - started} ms`);

/** The names in a zip's central directory (the .vsix is a zip). */
function zipEntries(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${out} is not a zip`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
