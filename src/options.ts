// The options objects of the public API, checked against the keys each function knows: a typo
// (`{ activaton: 'relu' }`, Keras's `{ lr: 0.01 }`) is an error naming the function, the key and
// the nearest known key, not an option silently ignored. Also the two call forms lepton shares
// with Keras and TF.js: a leading value or the same value inside the options object
// (`dense(8, { … })` or `dense({ units: 8, … })`), and the spelling-insensitive name lookup
// Keras does for strings ('Adam', 'adam', 'mean_squared_error').

/** The keys an options type may hold, as a record tsc holds to the type: a key added to the type must be added here. */
export type Keys<T> = { readonly [K in keyof Required<T>]: true };

/** Edit distance (insertions, deletions, substitutions; a swap of neighbours counts one). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate a mistyped name most likely meant: close in spelling (case aside), or one it starts. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined, bestD = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  if (best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3))) return best;
  return lower.length >= 2 ? candidates.find((c) => c.toLowerCase().startsWith(lower)) : undefined;
}

/** A name as Keras compares it: case and underscores aside ('mean_squared_error' is 'meanSquaredError'). */
export const looseName = (s: string): string => s.replace(/_/g, '').toLowerCase();

// What users of Keras, TF.js and PyTorch type for lepton's keys, where spelling alone does not find it.
// Keys are loose (looseName): 'LR' and 'lr' alike.
const ALIASES: Record<string, string> = { lr: 'learningRate', eps: 'epsilon', betas: 'beta1', std: 'stddev', p: 'rate', shape: 'inputShape' };

/** The known key a mistyped one most likely meant. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const loose = looseName(key);
  const same = known.find((k) => looseName(k) === loose);
  if (same) return same;
  const alias = Object.hasOwn(ALIASES, loose) ? ALIASES[loose] : undefined;
  if (alias && known.includes(alias)) return alias;
  return closest(key, known);
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : typeof v === 'function' ? 'a function' : Array.isArray(v) ? 'an array' : String(v));

/**
 * Throws unless `given` is undefined or a plain object whose every own key is in `known`. `where`
 * is the function as users call it ('layers.dense', 'model.fit').
 */
export function checkOptions(where: string, given: unknown, known: Readonly<Record<string, true>>): void {
  if (given === undefined) return;
  if (!isPlain(given)) throw new TypeError(`${where}: options must be an object ({ … }), got ${show(given)}`);
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(known, key)) continue;
    const keys = Object.keys(known);
    const near = nearestKey(key, keys);
    throw new TypeError(`${where}: unknown option '${key}'${near ? `; did you mean '${near}'?` : ''} (${keys.length ? `known: ${keys.join(', ')}` : 'it takes no options'})`);
  }
}

/**
 * The two call forms of a function with a leading value: `f(value, options)` and TF.js's
 * `f({ [key]: value, ...options })`. Returns the value and the options without it (the caller
 * checks both).
 */
export function leading<V, A extends object>(where: string, key: string, first: V | A | undefined, rest: A | undefined): [V, A | undefined] {
  if (!isPlain(first)) return [first as V, rest];
  if (rest !== undefined) throw new TypeError(`${where}: give ${key} either first, ${where}(${key}, { … }), or in the options, ${where}({ ${key}, … }); got an object and then options`);
  const { [key]: value, ...others } = first as Record<string, unknown>;
  return [value as V, others as A];
}

/** The entry of `table` named `name`, exactly or as Keras compares names (case and underscores aside). */
export function looseLookup<T>(table: ReadonlyMap<string, T>, name: string): T | undefined {
  const exact = table.get(name);
  if (exact !== undefined) return exact;
  const loose = looseName(name);
  for (const [k, v] of table) if (looseName(k) === loose) return v;
  return undefined;
}
