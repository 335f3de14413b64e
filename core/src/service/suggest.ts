/**
 * Nearest-name suggestions ("did you mean …?"): one edit distance, two matching policies — `nearest` for payload
 * values and property names (separator-insensitive, a truncated value extends), `nearestName` for command-line and
 * config names (a transposition is one edit, a prefix or suffix counts).
 */

/**
 * Edit distance: Levenshtein (insert, delete, substitute); with `transpositions`, also swapping two neighbours
 * counts as one edit (optimal string alignment, Damerau–Levenshtein's restricted form).
 */
export function editDistance(a: string, b: string, transpositions = false): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (!m) return n;
  if (!n) return m;
  let before = new Array<number>(n + 1); // row i - 2 (for transpositions)
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], before[j - 2] + 1);
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[n];
}

/**
 * The known name nearest to a misspelt one (a command-line option or value, a config key): case-insensitive, a
 * transposition is one edit, close enough to be a typo (a third of the length, 1 to 3 edits), or a name it starts or
 * ends (`--show-personal` for `--show-personal-data`).
 */
export function nearestName(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    let score = editDistance(w, lc, true);
    const limit = Math.max(1, Math.min(3, Math.floor(Math.max(w.length, lc.length) / 3)));
    if (score > limit) {
      // A prefix or suffix of a known name (--show-personal for --show-personal-data) still counts.
      if (w.length >= 3 && (lc.startsWith(w) || w.startsWith(lc) || lc.endsWith(w))) score = limit + 0.5;
      else continue;
    }
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The candidate closest to `input`: a case- or separator-insensitive match first, then the smallest edit
 * distance within a third of the length (at least 2). Undefined when nothing is close enough.
 */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const folded = fold(input);
  const exact = candidates.find((c) => fold(c) === folded);
  if (exact !== undefined) return exact;
  // A truncated value ("ELECTRIC" for "ELECTRICITY") is a near miss too, when only one candidate extends it.
  if (folded.length >= 3) {
    const extending = candidates.filter((c) => fold(c).startsWith(folded));
    if (extending.length === 1) return extending[0];
  }
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(folded, fold(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** "sales_channel" -> "sales channel" */
export function humanize(name: string): string {
  return name.replace(/_/g, ' ');
}

export function listValues(values: readonly unknown[], max = 12): string {
  // Contract enums often allow the empty string (Django's blank choice): show it, not nothing.
  const shown = values.slice(0, max).map((v) => (v === null ? 'null' : v === '' ? '"" (empty)' : `${String(v)}`));
  const rest = values.length - shown.length;
  return shown.join(', ') + (rest > 0 ? ` and ${rest} more` : '');
}
