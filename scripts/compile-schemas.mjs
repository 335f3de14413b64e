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
// Where decimal fields can be met in each schema (core/src/service/rules/decimalReach.ts), for decimal-amount.
const reachFile = join(outDir, 'decimalReach.js');
const force = process.argv.includes('--force');

const setupFiles = [
  'core/src/service/schemas.ts',
  'core/src/service/ajvFormats.ts',
  'core/src/service/formats.ts',
  'core/src/service/rules/decimalReach.ts',
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
  const current = (f) => existsSync(f) && readFileSync(f, 'utf8').includes(stamp);
  if (!force && current(outFile) && current(reachFile)) return { skipped: true, digest };

  // The generator runs the project's own ajv setup (TypeScript), bundled on the fly with one copy of ajv, so that the
  // code it emits and the `_` template it uses come from the same ajv.
  const entry = `
    import standaloneCode from 'ajv/dist/standalone';
    import { _ } from 'ajv';
    import { createAjv, tuneValidatorCode, prepareSchema } from './core/src/service/schemas';
    import { KRAKEN_FORMATS } from './core/src/service/ajvFormats';
    import { buildDecimalReach } from './core/src/service/rules/decimalReach';
    export function generate(schemas) {
      // Before the schemas are prepared below (which adds only \`krakenDeprecated\`, nothing this reads).
      const reach = buildDecimalReach(schemas, Object.keys(schemas));
      const ajv = createAjv({ code: { source: true, lines: false, optimize: true, formats: _\`require("../ajvFormats").KRAKEN_FORMATS\` } });
      for (const [name, schema] of Object.entries(schemas)) ajv.addSchema(prepareSchema(schema), name);
      const refs = {};
      for (const name of Object.keys(schemas)) refs[name] = name;
      const code = tuneValidatorCode(standaloneCode(ajv, refs));
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
      return { code, problems, reach };
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
  let schemas;
  try {
    const { generate } = createRequire(import.meta.url)(tmp);
    schemas = Object.fromEntries(names.map((n) => [n, JSON.parse(readFileSync(join(schemaDir, n), 'utf8'))]));
    generated = generate(schemas); // prepares `schemas` in place (prepareSchema), as the run time does
  } finally {
    rmSync(tmp, { force: true });
  }
  const shared = shareSchemaLiterals(generated.code, schemas);
  const compact = compactErrorSites(shared.code);
  generated.code = compact.code;
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
  const reachHeader = [
    '// GENERATED by scripts/compile-schemas.mjs from schemas/*.json: do not edit, do not commit.',
    stamp,
    `// Where decimal fields can be met in each bundled schema file (core/src/service/rules/decimalReach.ts).`,
    '/* eslint-disable */',
  ].join('\n');
  writeFileSync(reachFile, `${reachHeader}\n"use strict";\nmodule.exports = ${JSON.stringify(generated.reach)};\n`);
  if (!quiet)
    console.log(
      `compiled ${names.length} schemas into ${outFile.slice(root.length)} (${Math.round(generated.code.length / 1024)} KB; ${shared.count} schema literals, ${Math.round(shared.bytes / 1024)} KB, read from schemas/ instead; ${compact.count} error sites as calls) in ${Date.now() - started} ms`,
    );
  return { skipped: false, digest };
}

/** Calls `visit` with each object and array inside `doc` and the JavaScript expression that reaches it from `expr`. */
function eachObject(doc, expr, visit) {
  const stack = [[doc, expr]];
  while (stack.length) {
    const [node, at] = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    visit(node, at);
    for (const [k, v] of Object.entries(node)) stack.push([v, Array.isArray(node) ? `${at}[${k}]` : `${at}[${JSON.stringify(k)}]`]);
  }
}

/**
 * ajv's standalone code holds a copy of every schema it compiled (`const schema13 = {...}`, for `verbose` errors'
 * `schema` and `parentSchema` and for large enums): the whole account schema, then each of its definitions again, a
 * quarter of the code, which every start of the CLI and the server would deserialise and build as objects. Each such
 * literal that equals an object of a bundled schema document (prepared: what `generate` compiled) becomes a reference
 * to that object in the document, which the bundle holds once (schemas.ts imports the same files). The generated
 * module adds to the documents what prepareSchema added (`krakenDeprecated`, idempotent), so that they are the
 * objects ajv compiled.
 */
function shareSchemaLiterals(code, documents) {
  const where = new Map();
  const names = Object.keys(documents);
  names.forEach((name, d) =>
    eachObject(documents[name], `doc${d}`, (node, expr) => {
      const key = JSON.stringify(node);
      if (!where.has(key)) where.set(key, expr);
    }),
  );
  let out = '';
  let last = 0;
  let count = 0;
  let bytes = 0;
  const used = new Set();
  const re = /const (schema\d+) = (?=[{[])/g;
  for (let m; (m = re.exec(code));) {
    const start = m.index + m[0].length;
    const end = bracketEnd(code, start);
    if (end < 0) continue;
    let value;
    try {
      value = JSON.parse(code.slice(start, end));
    } catch {
      continue; // not JSON (a function or a regular expression inside): kept as ajv wrote it
    }
    const expr = where.get(JSON.stringify(value));
    if (!expr) continue;
    used.add(Number(/^doc(\d+)/.exec(expr)[1]));
    out += code.slice(last, start) + expr;
    last = end;
    count++;
    bytes += end - start;
  }
  out += code.slice(last);
  // What prepareSchema added to a document used here, added again at run time (a handful of assignments, not a walk).
  const prelude = [...used]
    .sort((a, b) => a - b)
    .map((d) => {
      let text = `const doc${d} = require(${JSON.stringify(`../../../../schemas/${names[d]}`)});`;
      eachObject(documents[names[d]], `doc${d}`, (node, expr) => {
        if (!Array.isArray(node) && node.krakenDeprecated !== undefined)
          text += `if (${expr}.krakenDeprecated === undefined) ${expr}.krakenDeprecated = ${JSON.stringify(node.krakenDeprecated)};`;
      });
      return text;
    })
    .join('');
  const strict = '"use strict";';
  if (used.size && !out.startsWith(strict)) throw new Error('compile-schemas: the standalone code does not start with "use strict"');
  if (used.size) out = `${strict}${prelude}${out.slice(strict.length)}`;
  return { code: out, count, bytes };
}

/** The index just past the string literal that opens at `start` (a `"` or a `'`; backslash escapes skipped). */
function stringEnd(code, start) {
  let i = start + 1;
  while (i < code.length && code[i] !== code[start]) i += code[i] === '\\' ? 2 : 1;
  return i + 1;
}

/**
 * The end (index after it) of the bracketed expression that starts at `start` (a JSON literal or JavaScript
 * expression): brackets counted outside strings; -1 when it does not close.
 */
function bracketEnd(code, start) {
  let depth = 0;
  for (let i = start; i < code.length;) {
    const c = code[i];
    if (c === '"' || c === "'") {
      i = stringEnd(code, i);
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if ((c === '}' || c === ']' || c === ')') && --depth === 0) return i + 1;
    i++;
  }
  return -1;
}

/** The top-level `key: value` fields of an object literal's text (braces included); undefined for anything else. */
function literalFields(text) {
  const fields = [];
  let from = 1;
  for (let i = 1; i < text.length - 1;) {
    const c = text[i];
    if (c === '"' || c === "'") i = stringEnd(text, i);
    else if (c === '{' || c === '[' || c === '(') i = bracketEnd(text, i);
    else {
      if (c === ',') {
        fields.push(text.slice(from, i));
        from = i + 1;
      }
      i++;
    }
    if (i < 0) return undefined;
  }
  fields.push(text.slice(from, text.length - 1));
  const out = [];
  for (const field of fields) {
    const m = /^([A-Za-z]\w*)(?::([\s\S]+))?$/.exec(field);
    if (!m) return undefined;
    out.push([m[1], m[2] ?? m[1]]);
  }
  return out;
}

const ERROR_FIELDS = ['instancePath', 'schemaPath', 'keyword', 'params', 'message', 'schema', 'parentSchema', 'data'];
const PUSH_ERROR = 'krakenPushError';

/**
 * ajv writes each of its 1300 error sites in full: an object literal of eight fields, then the code that starts or
 * extends `vErrors` with it. Each site is a literal V8 keeps a boilerplate for, in the bundle's text and in the code
 * cache that every start of the CLI and the server reads, copies and deserialises (0.2 MB of the text). A site of
 * exactly that form becomes one call of a function that builds the same object, with the same fields in the same
 * order, and appends it (the arguments are the fields' expressions, evaluated in the same order). A site of any other
 * form is left as ajv wrote it.
 */
function compactErrorSites(code) {
  if (code.includes(PUSH_ERROR)) throw new Error(`compile-schemas: the standalone code already uses the name ${PUSH_ERROR}`);
  const re = /const (err\d+) = (?=\{)/g;
  let out = '';
  let last = 0;
  let count = 0;
  for (let m; (m = re.exec(code));) {
    const start = m.index + m[0].length;
    const end = bracketEnd(code, start);
    if (end < 0) continue;
    const push = `;if(vErrors === null){vErrors = [${m[1]}];}else {vErrors.push(${m[1]});}errors++;`;
    if (!code.startsWith(push, end)) continue;
    const fields = literalFields(code.slice(start, end));
    if (!fields || fields.map(([k]) => k).join() !== ERROR_FIELDS.join()) continue;
    out += `${code.slice(last, m.index)}vErrors = ${PUSH_ERROR}(vErrors,${fields.map(([, v]) => v).join(',')});errors++;`;
    last = end + push.length;
    re.lastIndex = last;
    count++;
  }
  out += code.slice(last);
  const strict = '"use strict";';
  if (!count) return { code, count };
  if (!out.startsWith(strict)) throw new Error('compile-schemas: the standalone code does not start with "use strict"');
  const fn = `function ${PUSH_ERROR}(v,${ERROR_FIELDS.join(',')}){const e={${ERROR_FIELDS.join(',')}};if(v===null)return [e];v.push(e);return v;}`;
  return { code: `${strict}${fn}${out.slice(strict.length)}`, count };
}

if (import.meta.url === `file://${process.argv[1]}`) await compileSchemas();
