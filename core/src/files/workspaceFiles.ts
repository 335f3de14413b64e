/**
 * The pure parts of workspace validation (no `vscode` import, unit-tested): which files are included (globs), which
 * changed since the last run (mtime + size), and which belong to the language server (open documents).
 */
import { globMatcher } from './glob';

export const INCLUDE_SETTING = 'workspaceValidation.include';
export const EXCLUDE_SETTING = 'workspaceValidation.exclude';
export const DEFAULT_INCLUDE: readonly string[] = ['**/*.json', '**/*.jsonl', '**/*.ndjson'];
export const DEFAULT_EXCLUDE: readonly string[] = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.vscode/**',
  '**/.vscode-test/**',
  '**/*.journal.jsonl',
  '**/package.json',
  '**/package-lock.json',
  '**/tsconfig*.json',
  '**/kraken-import.config.json',
];

/** Files larger than this are not read (reported as skipped). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

export { globToRegExp } from './glob';

export interface GlobFilter {
  (relativePath: string): boolean;
}

/** Included by one of `include` and by none of `exclude`. Paths are relative to the workspace folder. */
export function globFilter(include: readonly string[], exclude: readonly string[]): GlobFilter {
  const inc = include.filter((g) => g.trim()).map(globMatcher);
  const exc = exclude.filter((g) => g.trim()).map(globMatcher);
  return (relativePath) => {
    const p = relativePath.replace(/\\/g, '/').replace(/^\.?\//, '');
    return inc.some((m) => m(p)) && !exc.some((m) => m(p));
  };
}

/** One brace glob for `findFiles` (`{a,b}`), or the glob itself when there is one; undefined for none. */
export function combineGlobs(globs: readonly string[]): string | undefined {
  const list = globs.filter((g) => g.trim());
  if (!list.length) return undefined;
  return list.length === 1 ? list[0] : `{${list.join(',')}}`;
}

/** Reads a globs setting defensively: a list of non-empty strings, else the default. */
export function globsSetting(value: unknown, fallback: readonly string[]): string[] {
  if (!Array.isArray(value)) return [...fallback];
  return value.filter((g): g is string => typeof g === 'string' && g.trim() !== '');
}

export interface FileStamp {
  /** Modification time, ms. */
  mtime: number;
  size: number;
}

/** What the last run saw of each file (mtime + size): a rerun validates only files whose stamp changed. */
export class ValidationCache {
  private readonly stamps = new Map<string, FileStamp>();

  unchanged(uri: string, stamp: FileStamp): boolean {
    const s = this.stamps.get(uri);
    return !!s && s.mtime === stamp.mtime && s.size === stamp.size;
  }

  set(uri: string, stamp: FileStamp): void {
    this.stamps.set(uri, { mtime: stamp.mtime, size: stamp.size });
  }

  forget(uri: string): void {
    this.stamps.delete(uri);
  }

  clear(): void {
    this.stamps.clear();
  }

  get size(): number {
    return this.stamps.size;
  }

  /** URIs seen before that are not among `present` (deleted, or no longer included). */
  gone(present: ReadonlySet<string>): string[] {
    return [...this.stamps.keys()].filter((u) => !present.has(u));
  }
}

export interface PlannedFile {
  uri: string;
  stamp: FileStamp;
}

export interface ValidationPlan {
  /** Changed or new: to read and validate. */
  validate: PlannedFile[];
  /** Same mtime and size as last time: their diagnostics stay. */
  unchanged: string[];
  /** Open in an editor the language server validates: left to it. */
  open: string[];
  /** Larger than MAX_FILE_BYTES. */
  tooLarge: string[];
  /** Seen last time, gone now: their diagnostics are removed. */
  gone: string[];
}

export function planValidation(
  files: readonly PlannedFile[],
  cache: ValidationCache,
  ownedByServer: ReadonlySet<string>,
  maxBytes = MAX_FILE_BYTES,
): ValidationPlan {
  const plan: ValidationPlan = { validate: [], unchanged: [], open: [], tooLarge: [], gone: [] };
  for (const f of files) {
    if (ownedByServer.has(f.uri)) plan.open.push(f.uri);
    else if (f.stamp.size > maxBytes) plan.tooLarge.push(f.uri);
    else if (cache.unchanged(f.uri, f.stamp)) plan.unchanged.push(f.uri);
    else plan.validate.push(f);
  }
  plan.gone = cache.gone(new Set(files.map((f) => f.uri)));
  return plan;
}

/** Whether the language server validates an open document (it owns its diagnostics): JSON in the document selector. */
export function ownedByLanguageServer(languageId: string, scheme: string): boolean {
  return languageId === 'json' && (scheme === 'file' || scheme === 'untitled' || scheme === 'vscode-remote');
}

/** What one workspace validation did. */
export interface WorkspaceValidationSummary {
  validated: number;
  unchanged: number;
  open: number;
  tooLarge: number;
  failed: number;
  errors: number;
  warnings: number;
  filesWithProblems: number;
  cancelled: boolean;
}

/** "Validated 12 files (30 unchanged, 2 open in editors): 3 errors, 1 warning in 2 files." */
export function summaryMessage(s: WorkspaceValidationSummary): string {
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  const parts = [
    s.unchanged ? `${s.unchanged} unchanged` : '',
    s.open ? `${s.open} open in editors` : '',
    s.tooLarge ? `${s.tooLarge} too large` : '',
    s.failed ? `${s.failed} unreadable` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const head = `${s.cancelled ? 'Cancelled after validating' : 'Validated'} ${n(s.validated, 'file')}${parts ? ` (${parts})` : ''}`;
  return `${head}: ${n(s.errors, 'error')}, ${n(s.warnings, 'warning')}${s.filesWithProblems ? ` in ${n(s.filesWithProblems, 'file')}` : ''}.`;
}
