/**
 * The one glob dialect of every setting that names files (`payloadAssociations`, `workspaceValidation.include` and
 * `.exclude`, the CLI's config file): VS Code's, through minimatch (the library vscode-languageclient itself uses).
 *
 * - `*` and `?` stay within one folder name, `**` spans any number of folders (also none), `{a,b}` are alternatives
 *   (nested too), `[abc]`, `[a-z]` and `[!abc]` are classes; dot files and folders match like any other.
 * - A pattern is anchored at its folder: it is matched against the file's path relative to the workspace folder (the
 *   CLI: the working folder), with `/` separators. `*.json` is a file at the top of the folder; `**\/*.json` is any.
 * - A file outside that folder (or with no folder) is matched by its whole path without the leading `/`, so
 *   patterns starting with `**\/` still apply to it.
 */
import { minimatch, type MinimatchOptions } from 'minimatch';

const OPTIONS: MinimatchOptions = { dot: true, nocomment: true, nonegate: true, windowsPathsNoEscape: true };

/** The pattern as written, minus a leading `./`, with `/` separators. */
function normalisePattern(pattern: string): string {
  return pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '');
}

/** A path with `/` separators: a `file:` URI decoded, other URIs by their path, a Windows drive kept. */
export function slashPath(pathOrUri: string): string {
  let p = pathOrUri;
  const uri = /^([a-zA-Z][\w+.-]+):(\/\/[^/]*)?(.*)$/.exec(p);
  if (uri && uri[1].length > 1) {
    try {
      p = decodeURIComponent(uri[3]);
    } catch {
      p = uri[3];
    }
    if (/^\/[a-zA-Z]:/.test(p)) p = p.slice(1);
  }
  return p.replace(/\\/g, '/');
}

/** The path a pattern is matched against: relative to `base` when the file is inside it, else the whole path without its root. */
export function globPath(pathOrUri: string, base?: string): string {
  const p = slashPath(pathOrUri);
  if (base) {
    const b = slashPath(base).replace(/\/+$/, '');
    const sameCase = /^[a-zA-Z]:/.test(b) ? (s: string) => s.toLowerCase() : (s: string) => s;
    if (sameCase(p).startsWith(`${sameCase(b)}/`)) return p.slice(b.length + 1);
  }
  return p.replace(/^\.\//, '').replace(/^([a-zA-Z]:)?\/+/, '');
}

/** A compiled pattern: a test on paths already relative to the folder (globPath), or false for an unusable pattern. */
export function globMatcher(pattern: string): (relativePath: string) => boolean {
  const mm = new minimatch.Minimatch(normalisePattern(pattern), OPTIONS);
  return (relativePath) => mm.match(relativePath.replace(/\\/g, '/').replace(/^\.?\//, ''));
}

/** The pattern as a RegExp over relative paths (for callers that keep regular expressions). */
export function globToRegExp(pattern: string): RegExp {
  const re = minimatch.makeRe(normalisePattern(pattern), OPTIONS);
  return re || /(?!)/;
}
