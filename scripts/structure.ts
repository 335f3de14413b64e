/**
 * The architecture's rules, checked from the sources (test/unit/structure.test.ts runs them; `npm run structure`
 * prints them):
 * - core/ imports no editor or LSP library and nothing outside core/;
 * - a face (client/, server/, cli/, sandbox/) imports its own files, packages, and core's entry points only — never
 *   another face, never a core internal. Core's entry points are the `index.ts` of each folder under core/src and the
 *   single-file modules at core/src's top level;
 * - `vscode` is the extension's, `vscode-languageclient` the extension's, `vscode-languageserver` the server's;
 * - no function is longer than MAX_FUNCTION_LINES.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export const FACES = ['client', 'server', 'cli', 'sandbox'] as const;
export type Part = (typeof FACES)[number] | 'core';
export const MAX_FUNCTION_LINES = 150;
/** Files any part may import: data (JSON), not code. */
const DATA = /^(schemas|snippets|examples)\/.*\.json$|^package\.json$/;

/** Packages only one part may import (and core none of them). */
const OWNED_PACKAGES: Record<string, Part> = {
  vscode: 'client',
  'vscode-languageclient': 'client',
  'vscode-languageserver': 'server',
};

export interface ImportSite {
  file: string;
  line: number;
  specifier: string;
}

export interface Violation {
  file: string;
  line: number;
  message: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Every import, export … from, import() and require() of a file, with its line. */
export function importsOf(file: string, text: string): ImportSite[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteralLike(spec))
      sites.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, specifier: spec.text });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    )
      add(node, node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

function partOf(root: string, abs: string): Part | undefined {
  const rel = path.relative(root, abs).split(path.sep);
  const top = rel[0] as Part;
  return rel[1] === 'src' && (top === 'core' || (FACES as readonly string[]).includes(top)) ? top : undefined;
}

/** A core entry point: core/src/<folder>/index.ts, or a single-file module at core/src's top level. */
export function isCoreEntry(root: string, abs: string): boolean {
  const rel = path.relative(path.join(root, 'core', 'src'), abs).split(path.sep);
  return (rel.length === 1 && rel[0].endsWith('.ts')) || (rel.length === 2 && rel[1] === 'index.ts');
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts'), `${base}.json`, `${base}.js`])
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return undefined;
}

/** The rule an import breaks, if any. */
export function judgeImport(root: string, site: ImportSite): string | undefined {
  const from = partOf(root, site.file);
  if (!from) return undefined;
  const spec = site.specifier;
  if (!spec.startsWith('.')) {
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    const owner = OWNED_PACKAGES[pkg];
    if (owner && owner !== from) return `${from}/ imports ${spec}, which only ${owner}/ may use`;
    return undefined;
  }
  const target = resolveRelative(site.file, spec);
  if (!target) return `${spec} does not resolve to a file`;
  const to = partOf(root, target);
  const rel = path.relative(root, target).split(path.sep).join('/');
  // Data, not code: the schemas, snippets and example payloads (and package.json) may be read by any part.
  if (DATA.test(rel)) return undefined;
  if (from === 'core') return to === 'core' ? undefined : `core imports ${rel}, outside core/`;
  if (to === from) return undefined;
  if (to === 'core')
    return isCoreEntry(root, target)
      ? undefined
      : `${from}/ imports the core internal ${rel}: import its folder's index.ts (add the export there)`;
  if (to) return `${from}/ imports ${rel} from another face (${to}/): move what both need into core/`;
  return `${from}/ imports ${rel}, outside the sources`;
}

export interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

/** Functions, methods, arrow functions and class bodies longer than `max` lines. */
export function longFunctions(file: string, text: string, max = MAX_FUNCTION_LINES): LongFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: LongFunction[] = [];
  const nameOf = (n: ts.Node): string => {
    const named = (n as { name?: ts.Node }).name;
    if (named) return named.getText(sf);
    const p = n.parent;
    if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))) return p.name.getText(sf);
    return '<anonymous>';
  };
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n) && (n as { body?: ts.Node }).body) {
      const start = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      if (end - start + 1 > max) out.push({ file, line: start + 1, name: nameOf(n), lines: end - start + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Every source file of core/ and the faces. */
export function architectureFiles(root: string): string[] {
  return (['core', ...FACES] as const)
    .flatMap((p) => sourceFiles(path.join(root, p, 'src')))
    .filter((f) => !f.includes(`${path.sep}generated${path.sep}`));
}

export function checkStructure(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const file of architectureFiles(root)) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(root, file).split(path.sep).join('/');
    for (const site of importsOf(file, text)) {
      const problem = judgeImport(root, site);
      if (problem) violations.push({ file: rel, line: site.line, message: problem });
    }
    for (const f of longFunctions(file, text))
      violations.push({
        file: rel,
        line: f.line,
        message: `${f.name} is ${f.lines} lines (at most ${MAX_FUNCTION_LINES}): split it into functions of one idea each`,
      });
  }
  return violations;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '../..');
  const v = checkStructure(root);
  for (const x of v) process.stdout.write(`${x.file}:${x.line}: ${x.message}\n`);
  process.stdout.write(v.length ? `${v.length} structure violations\n` : 'structure: no violations\n');
  process.exitCode = v.length ? 1 : 0;
}
