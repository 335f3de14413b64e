// Precompiles the bundled schemas (schemas/*.json) into core/src/service/generated/validators.js with ajv's
// standalone code, so the server and the CLI start without compiling a 200 KB schema (ajv's compile of the account
// schema costs over a second on a slow machine). Run by scripts/build.mjs before bundling; skips the work when the
// inputs have not changed. Usage: node scripts/compile-schemas.mjs [--force]
//
// The output is generated, not committed (gitignored): it is a pure function of schemas/*.json, the ajv setup and
// the ajv version, all of which are in the repository or the lockfile, and it is a few hundred KB of code that would
// conflict on every schema edit. generated/validators.d.ts (committed) gives it its type.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const schemaDir = join(root, 'schemas');
const outDir = join(root, 'core/src/service/generated');
const outFile = join(outDir, 'validators.js');
const force = process.argv.includes('--force');

const setupFiles = [
  'core/src/service/schemas.ts',
  'core/src/service/ajvFormats.ts',
  'core/src/service/formats.ts',
  'scripts/compile-schemas.mjs',
];

export async function compileSchemas({ quiet = false } = {}) {
  const started = Date.now();
  const names = readdirSync(schemaDir)
    .filter((n) => n.endsWith('.schema.json'))
    .sort();
  const hash = createHash('sha256');
  hash.update(JSON.parse(readFileSync(join(root, 'node_modules/ajv/package.json'), 'utf8')).version);
  for (const n of names) hash.update(n).update(readFileSync(join(schemaDir, n)));
  for (const f of setupFiles) hash.update(f).update(readFileSync(join(root, f)));
  const digest = hash.digest('hex').slice(0, 16);
  const stamp = `// inputs: ${digest}`;
  if (!force && existsSync(outFile) && readFileSync(outFile, 'utf8').includes(stamp)) return { skipped: true, digest };

  // The generator runs the project's own ajv setup (TypeScript), bundled on the fly with one copy of ajv, so that the
  // code it emits and the `_` template it uses come from the same ajv.
  const entry = `
    import standaloneCode from 'ajv/dist/standalone';
    import { _ } from 'ajv';
    import { createAjv, linearErrors, prepareSchema } from './core/src/service/schemas';
    import { KRAKEN_FORMATS } from './core/src/service/ajvFormats';
    export function generate(schemas) {
      const ajv = createAjv({ code: { source: true, lines: false, optimize: true, formats: _\`require("../ajvFormats").KRAKEN_FORMATS\` } });
      for (const [name, schema] of Object.entries(schemas)) ajv.addSchema(prepareSchema(schema), name);
      const refs = {};
      for (const name of Object.keys(schemas)) refs[name] = name;
      const code = linearErrors(standaloneCode(ajv, refs));
      // The generated code calls KRAKEN_FORMATS[name]; the run-time ajv (contracts) uses its own registered formats.
      // Both must be the same definitions.
      const used = new Set();
      const walk = (n) => { if (n && typeof n === 'object') { if (typeof n.format === 'string') used.add(n.format); for (const v of Object.values(n)) walk(v); } };
      walk(schemas);
      const registered = createAjv().formats;
      const problems = [];
      for (const f of used) {
        const a = KRAKEN_FORMATS[f], b = registered[f];
        const same = a === b || (a && b && (a.validate === b.validate || String(a.validate ?? a) === String(b.validate ?? b)));
        if (!same) problems.push(f);
      }
      return { code, problems };
    }`;
  const bundle = await esbuild.build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'compile-schemas-entry.ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    mainFields: ['module', 'main'],
    loader: { '.json': 'json' },
    logLevel: 'warning',
    // schemas.ts imports what this script is about to write: an empty stand-in while generating.
    plugins: [
      {
        name: 'no-generated-validators',
        setup(b) {
          b.onResolve({ filter: /\/generated\/validators$/ }, (a) => ({ path: a.path, namespace: 'none' }));
          b.onLoad({ filter: /.*/, namespace: 'none' }, () => ({ contents: 'export default {};', loader: 'js' }));
        },
      },
    ],
  });
  const tmp = join(tmpdir(), `kraken-compile-schemas-${process.pid}-${Date.now()}.cjs`);
  writeFileSync(tmp, bundle.outputFiles[0].text);
  let generated;
  try {
    const { generate } = createRequire(import.meta.url)(tmp);
    const schemas = Object.fromEntries(names.map((n) => [n, JSON.parse(readFileSync(join(schemaDir, n), 'utf8'))]));
    generated = generate(schemas);
  } finally {
    rmSync(tmp, { force: true });
  }
  if (generated.problems.length)
    throw new Error(`compile-schemas: formats missing from or different in ajvFormats.ts KRAKEN_FORMATS: ${generated.problems.join(', ')}`);
  mkdirSync(outDir, { recursive: true });
  const header = [
    '// GENERATED by scripts/compile-schemas.mjs from schemas/*.json: do not edit, do not commit.',
    stamp,
    `// One ajv standalone validator per bundled schema file, exported under the file name (${names.length} files).`,
    '/* eslint-disable */',
  ].join('\n');
  writeFileSync(outFile, `${header}\n${generated.code}\n`);
  if (!quiet)
    console.log(
      `compiled ${names.length} schemas into ${outFile.slice(root.length)} (${Math.round(generated.code.length / 1024)} KB) in ${Date.now() - started} ms`,
    );
  return { skipped: false, digest };
}

if (import.meta.url === `file://${process.argv[1]}`) await compileSchemas();
