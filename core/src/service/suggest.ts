/** Nearest-name suggestions for enum values and property names ("did you mean …?"). */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (!m) return n;
  if (!n) return m;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
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
