/**
 * "Did you mean" for names typed by hand (preset keys, option names, world ids), and the
 * quoting used when listing names in messages.
 */

/** Edit distance with unit costs; fine for the short names presets have. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Candidates close to `name`, closest first: small edit distance, or one contains the other. */
export function closeNames(name: string, candidates: Iterable<string>): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = levenshtein(wanted, lower);
    const contains = wanted.length >= 3 && (lower.includes(wanted) || wanted.includes(lower));
    if (distance <= limit || contains) scored.push([candidate, contains ? Math.min(distance, limit) : distance]);
  }
  return scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0])).map(([candidate]) => candidate);
}

/** `"a", "b", "c"` — or `(none)` so an empty list still reads as a sentence. */
export function quoteList(names: Iterable<string>): string {
  const list = [...names].map((n) => JSON.stringify(n));
  return list.length === 0 ? '(none)' : list.join(', ');
}

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = closeNames(name, candidates).slice(0, 3);
  return close.length === 0 ? '' : ` (did you mean ${close.map((c) => JSON.stringify(c)).join(' or ')}?)`;
}
