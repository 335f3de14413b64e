// Bundles the extension client, the language server, the CLI and the sandbox with esbuild, and builds the
// node:test suites into out/test. Usage: node scripts/build.mjs [--no-minify]
// The shipped bundles are minified (start-up: a smaller text to read and parse; the source maps keep the names).
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileSchemas } from './compile-schemas.mjs';

const root = new URL('..', import.meta.url).pathname;
const minify = !process.argv.includes('--no-minify');
// package.json, read once: the version injected into every bundle (core/src/version.ts; package.json is its one
// source) and the dependencies the non-shipped bundles leave external.
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = manifest.version;

// The bundled schemas' validators, precompiled to ajv standalone code (core/src/service/generated/validators.js).
await compileSchemas();

function testEntries(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testEntries(p));
    else if (/\.test\.ts$/.test(name) || (/^(index|runner)\.ts$/.test(name) && p.includes('exthost'))) out.push(p);
  }
  return out;
}

// Large data as a JSON string read by JSON.parse at load, not as an object literal: V8's code cache holds a literal as
// a tree of boilerplates it must deserialise at every start, a string as one flat run of bytes (the schemas and
// libphonenumber's metadata: the CLI's code cache 1265 -> 1166 KB and 8 600 fewer objects, its deserialisation
// 13-15 -> 10-12 ms on a 2-vCPU VM).
const jsonAsString = {
  name: 'json-as-string',
  setup(build) {
    // The JSON text kept ASCII (other characters as \\u escapes), so that the string is one byte a character.
    const ascii = (data) => JSON.stringify(data).replace(/[^\x00-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const text = (data) => `JSON.parse(${JSON.stringify(ascii(data))})`;
    build.onLoad({ filter: /\.json$/ }, (args) => ({
      contents: `module.exports = ${text(JSON.parse(readFileSync(args.path, 'utf8')))};`,
      loader: 'js',
    }));
    build.onLoad({ filter: /libphonenumber-js[\\/]metadata\.max\.json\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const at = source.indexOf('export default ');
      if (at < 0) throw new Error(`json-as-string: ${args.path} no longer reads "export default {...}"`);
      return {
        contents: `export default ${text(JSON.parse(source.slice(at + 'export default '.length).replace(/;?\s*$/, '')))};`,
        loader: 'js',
      };
    });
  },
};

// libphonenumber-js (1.13) compiles a RegExp from its metadata at every match and copies its options with Babel's
// object-spread helper at every parse: about half of the phone-number rule's time in a wave (the rule alone on 500
// seed-shaped accounts: 24-26 ms as published, 12.7-13.9 ms rewritten; docs/performance.md). Three of its functions
// are rewritten as they are bundled, with the same results: the patterns (finite, from the metadata) compiled once
// each and kept (no global flag, so a kept RegExp holds no state between uses), and the options copied with
// Object.assign. Each rewrite must find its text exactly once, or the build fails (a new libphonenumber-js is read
// again, not silently missed). test/integration/phoneBundle.test.ts holds the result to the library as published.
const LIBPHONENUMBER_PATCHES = [
  {
    file: 'helpers/matchesEntirely.js',
    from: "return new RegExp('^(?:' + regularExpressionText + ')$').test(text);",
    to: 'return keptRegExp(regularExpressionText).test(text);',
    kept: ['^(?:', ')$'],
  },
  {
    file: 'helpers/extractNationalNumberFromPossiblyIncompleteNumber.js',
    from: "var prefixPattern = new RegExp('^(?:' + metadata.numberingPlan.nationalPrefixForParsing() + ')');",
    to: 'var prefixPattern = keptRegExp(metadata.numberingPlan.nationalPrefixForParsing());',
    kept: ['^(?:', ')'],
  },
  {
    file: 'parsePhoneNumberWithError_.js',
    from: 'return parse(text, _objectSpread(_objectSpread({}, options), {}, {\n    v2: true\n  }), metadata);',
    to: 'return parse(text, Object.assign({}, options, { v2: true }), metadata);',
  },
];
// A patched module's RegExp for a metadata pattern between `before` and `after`, made on its first use. Keyed by the
// metadata's own string, whose hash V8 keeps, not by the concatenation (a new string to hash at each call).
const keptRegExp = ([before, after]) =>
  `var keptRegExps = new Map(); function keptRegExp(pattern) { var r = keptRegExps.get(pattern); if (r === undefined) keptRegExps.set(pattern, (r = new RegExp(${JSON.stringify(before)} + pattern + ${JSON.stringify(after)}))); return r; }\n`;
const libphonenumberPatches = {
  name: 'libphonenumber-patches',
  setup(build) {
    build.onLoad({ filter: /libphonenumber-js[\\/]es6[\\/].*\.js$/ }, (args) => {
      const path = args.path.replace(/\\/g, '/');
      const patch = LIBPHONENUMBER_PATCHES.find((p) => path.endsWith(`/libphonenumber-js/es6/${p.file}`));
      if (!patch) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (source.split(patch.from).length !== 2)
        throw new Error(`libphonenumber-patches: ${patch.file} no longer reads as expected; look at the new version again`);
      const patched = source.replace(patch.from, () => patch.to);
      return { contents: patch.kept ? keptRegExp(patch.kept) + patched : patched, loader: 'js' };
    });
  },
};

const common = {
  plugins: [jsonAsString, libphonenumberPatches],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify,
  logLevel: 'warning',
  loader: { '.json': 'json' },
  define: { __KRAKEN_IMPORT_VERSION__: JSON.stringify(version) },
  // jsonc-parser's UMD build hides its requires from bundlers; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};

const bundles = [
  // dist/client.js (the extension's main) is a small loader (client/src/boot.ts) that runs dist/client-main.js through V8's code cache.
  { entryPoints: { client: join(root, 'client/src/boot.ts') }, external: ['vscode'] },
  { entryPoints: { 'client-main': join(root, 'client/src/extension.ts') }, external: ['vscode'] },
  // dist/server.js is a small loader (server/src/node/boot.ts) that runs dist/server-main.js through V8's code cache.
  { entryPoints: { server: join(root, 'server/src/node/boot.ts') } },
  { entryPoints: { 'server-main': join(root, 'server/src/node/main.ts') } },
  // dist/cli.js is a small loader (cli/src/boot.ts) that runs dist/cli-main.js through V8's code cache.
  { entryPoints: { cli: join(root, 'cli/src/boot.ts') }, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: { 'cli-main': join(root, 'cli/src/main.ts') } },
  // What only the CLI's other commands use (send, contract info, sandbox, lsp), loaded by cli/src/lazy.ts when one runs.
  { entryPoints: { 'cli-commands': join(root, 'cli/src/commands.ts') } },
  { entryPoints: { sandbox: join(root, 'sandbox/src/main.ts') }, banner: { js: '#!/usr/bin/env node' } },
].filter((b) => existsSync(Object.values(b.entryPoints)[0]));

// Real-VS-Code tests (test/ui, test/exthost; see test/ui/README.md): one bundle per entry, dependencies resolved
// from node_modules at run time (playwright-core, mocha); `vscode` is the extension host's.
function realVsCodeEntries() {
  const list = (dir, re) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .filter((n) => re.test(n))
          .map((n) => join(root, dir, n))
      : [];
  return {
    ui: list('test/ui', /\.ui\.ts$/),
    exthost: [...list('test/exthost', /^(runInCodeServer|electron)\.ts$|\.exthost\.ts$/), ...list('test/exthost/suite', /\.ts$/)],
  };
}
const realVsCode = realVsCodeEntries();

/** Every package in package.json (and its subpaths) but `keep`: external for esbuild. */
function externalExcept(...keep) {
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((n) => !keep.includes(n));
  return [...names, ...names.map((n) => `${n}/*`)];
}

rmSync(join(root, 'out/test'), { recursive: true, force: true });
const started = Date.now();
await Promise.all([
  ...bundles.map((b) => esbuild.build({ ...common, ...b, outdir: join(root, 'dist') })),
  // npm run validators:table: out/scripts/validators-table.js writes docs/validators.md; npm run wave:demo: out/scripts/waveDemo.js.
  esbuild.build({
    ...common,
    minify: false,
    entryPoints: {
      'validators-table': join(root, 'scripts/validators-table.ts'),
      structure: join(root, 'scripts/structure.ts'),
      waveDemo: join(root, 'scripts/waveDemo.ts'),
    },
    outdir: join(root, 'out/scripts'),
    packages: 'external',
  }),
  // npm run bench: out/bench/run.js (dependencies such as vscode-json-languageservice from node_modules).
  ...(existsSync(join(root, 'bench/run.ts'))
    ? [
        esbuild.build({
          ...common,
          minify: false,
          entryPoints: { run: join(root, 'bench/run.ts') },
          outdir: join(root, 'out/bench'),
          // Its dependencies from node_modules, but libphonenumber-js bundled (and patched) as in dist/: the in-process
          // figures are of the code that ships.
          external: externalExcept('libphonenumber-js'),
        }),
      ]
    : []),
  esbuild.build({
    ...common,
    minify: false,
    entryPoints: testEntries(join(root, 'test')),
    outdir: join(root, 'out/test'),
    outbase: join(root, 'test'),
    packages: 'external',
    external: ['vscode'],
  }),
  ...[
    ['ui', realVsCode.ui],
    ['exthost', realVsCode.exthost],
  ]
    .filter(([, entries]) => entries.length)
    .map(([dir, entries]) =>
      esbuild.build({
        ...common,
        minify: false,
        entryPoints: entries,
        outdir: join(root, 'out', dir),
        outbase: join(root, 'test', dir),
        packages: 'external',
        external: ['vscode'],
      }),
    ),
]);
console.log(`built ${bundles.map((b) => Object.keys(b.entryPoints)[0]).join(', ')} and tests in ${Date.now() - started} ms`);
