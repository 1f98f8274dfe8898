// Discovery: themes nobody wrote a rule for. Seeded k-means++ over the comment embeddings, k by silhouette (or the
// cube-root default on large rounds), c-TF-IDF keywords, representatives, overlap with the codebook, an explicit
// outlier group, and a seeded 2-D layout (PCA) for the report's map. Same input → same bytes.
import { mulberry32, seededSample } from '../core/random.ts';
import type { ThemeRecord } from '../core/schema.ts';
import { gram, symmetricEigen } from '../embed/linalg.ts';
import { silhouette, toMatrix, type Matrix } from './metrics.ts';

export interface DiscoverOptions {
  /** Fixed number of clusters; omit to choose (see `chooseK`). */
  k?: number;
  /** Range searched by silhouette when k is not given (inclusive); default [2, max(3, min(15, ⌈2·∛n⌉))]. */
  kRange?: [number, number];
  /** Above this many comments, k defaults to ⌈∛n⌉ instead of a silhouette search (each k costs a full k-means). */
  silhouetteMaxN?: number;
  seed?: number;
  /** k-means++ restarts; the run with the lowest inertia wins. */
  restarts?: number;
  /** Tukey fence multiplier for outliers: distance > Q3 + fence × (Q3 − Q1) of distances to the nearest centre. */
  outlierFence?: number;
  /** Clusters left with fewer members than this after outlier removal are dissolved into the outlier group. */
  minClusterSize?: number;
  keywords?: number;
  representatives?: number;
  /**
   * Cluster on the first N principal components (re-normalised) of the embeddings; 0 = the embeddings as they are.
   * Distances concentrate in 100+ dimensions and k-means then finds little structure (BERTopic reduces to 5 dims).
   */
  dimensions?: number;
  /**
   * Above this many distinct rows, k-means is fitted on a seeded sample of this many rows (with their weights) and
   * every row then goes to its nearest centre: k grows as ∛n, so fitting on all rows made the stage grow faster
   * than the round (issue 14: doubling the rows may at most double the time).
   */
  fitRows?: number;
}

export const DISCOVER_DEFAULTS = {
  seed: 42,
  restarts: 4,
  silhouetteMaxN: 3000,
  outlierFence: 1.5,
  minClusterSize: 2,
  keywords: 10,
  representatives: 3,
  dimensions: 10,
  fitRows: 20_000,
} as const;

export const OUTLIER_ID = 'outliers';

/** How many comments row i stands for: its weight, or 1 when no row is shared (no weights). */
const weightOf = (weights: Float64Array | undefined, i: number): number => (weights ? weights[i] : 1);

export interface ClusterSummary {
  id: string;
  /** Its top c-TF-IDF keywords joined by ・ (冷房設備・熱中症・体育館): how tables and charts name the cluster. */
  name: string;
  size: number;
  outlier: boolean;
  /** c-TF-IDF keywords over the words given (the themes stage gives content nouns, compounds kept), highest first. */
  keywords: { term: string; weight: number }[];
  /** Item ids closest to the centre first (for the outlier group: in input order). */
  representatives: string[];
  /** Codebook themes among the members: count and share of the cluster's size, largest first. */
  themes: { theme: string; count: number; share: number }[];
  members: string[];
}

export interface DiscoveryResult {
  k: number;
  kSelection: { method: 'fixed' | 'silhouette' | 'cube_root'; scores: { k: number; silhouette: number }[] };
  /** Silhouette of the k-means partition in the space it was clustered in (the reduced, re-normalised PCA space). */
  silhouette: number;
  /** The same partition's silhouette in the full embedding space (lower: distances concentrate there). */
  silhouetteEmbedding: number;
  /** Principal components clustered on (0: the full embeddings). */
  dimensions: number;
  outlierThreshold: number;
  clusters: ClusterSummary[];
  /** Per item in input order: its cluster id (or OUTLIER_ID), distance to the nearest centre, and map position. */
  assignments: { id: string; cluster: string; distance: number; x: number; y: number }[];
  /** k-means label per item (before outlier removal), for metrics. */
  labels: Int32Array;
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

interface KMeansResult {
  labels: Int32Array;
  centres: Float64Array;
  inertia: number;
}

/** Bounds must clear each other by this factor to skip a row: far above the rounding of a few hundred sums. */
const BOUND_MARGIN = 1 + 1e-9;

/** Squared distance between the d values of `a` from `aAt` and those of `b` from `bAt`. */
function squaredDistance(a: ArrayLike<number>, aAt: number, b: ArrayLike<number>, bAt: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const x = a[aAt + j] - b[bAt + j];
    s += x * x;
  }
  return s;
}

/** Squared distances to the nearest and second-nearest centre found by the last `nearest` call (no tuple per
 * call: 10⁶ calls). */
let nearestDistance = 0;
let secondDistance = Infinity;

/**
 * Index of the nearest centre (the lowest index among equally near ones), its squared distance left in
 * `nearestDistance` and the second-nearest one's in `secondDistance` (Infinity with one centre). A partial sum
 * stops once it exceeds the second-nearest so far: the sum only grows, so that centre can be neither (exact, not
 * a heuristic); a tie is completed, and the lower index wins it.
 */
function nearest(m: Matrix, i: number, centres: Float64Array, k: number): number {
  const { data, d } = m;
  const off = i * d;
  let best = -1;
  let bestD = Infinity;
  let secondD = Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    const co = c * d;
    for (let j = 0; j < d && s <= secondD; j++) {
      const x = data[off + j] - centres[co + j];
      s += x * x;
    }
    if (s < bestD) {
      secondD = bestD;
      bestD = s;
      best = c;
    } else if (s < secondD) secondD = s;
  }
  nearestDistance = bestD;
  secondDistance = secondD;
  return best;
}

const firstCopies = new WeakMap<Matrix, Int32Array>();

/**
 * For every row, the first row holding bit for bit the same values (itself when none). Copies of a mass-submission
 * text share one vector, so k-means computes each distinct row's distances once and copies them; the sums still
 * run over every row in row order, so the result is exactly that of computing every row.
 */
function firstCopyOf(m: Matrix): Int32Array {
  const known = firstCopies.get(m);
  if (known) return known;
  const { n, d, data } = m;
  const bits = new Uint32Array(data.buffer, data.byteOffset, n * d);
  const first = new Int32Array(n);
  const byHash = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < d; j++) h = Math.imul(h ^ bits[i * d + j], 16777619);
    const list = byHash.get(h);
    let found = -1;
    for (const r of list ?? []) {
      let same = true;
      for (let j = 0; j < d && same; j++) same = bits[r * d + j] === bits[i * d + j];
      if (same) {
        found = r;
        break;
      }
    }
    if (found >= 0) first[i] = found;
    else {
      first[i] = i;
      if (list) list.push(i);
      else byHash.set(h, [i]);
    }
  }
  firstCopies.set(m, first);
  return first;
}

/**
 * Lloyd's k-means with k-means++ seeding from a seeded PRNG; ties go to the lower centre index. `weights[i]` is how
 * many comments row i stands for (copies of one text share a row): every sum counts a row that many times, so the
 * objective, the seeding distribution and the centres are those of the expanded rows. Without weights every row
 * counts once.
 */
export function kmeans(m: Matrix, k: number, seed: number, maxIter = 100, weights?: Float64Array): KMeansResult {
  const { n, d, data } = m;
  const w = (i: number) => weightOf(weights, i);
  const copyOf = firstCopyOf(m);
  const rnd = mulberry32(seed);
  const centres = new Float64Array(k * d);
  const minD = new Float64Array(n).fill(Infinity);
  let pick = weights ? weightedPick(weights, rnd()) : Math.floor(rnd() * n);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) centres[c * d + j] = data[pick * d + j];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const r = copyOf[i];
      if (r !== i) {
        minD[i] = minD[r];
      } else {
        // Stops once the sum reaches the row's current minimum: it could only be kept, never lowered.
        let s = 0;
        const mi = minD[i];
        for (let j = 0; j < d && s < mi; j++) {
          const x = data[i * d + j] - centres[c * d + j];
          s += x * x;
        }
        if (s < mi) minD[i] = s;
      }
      total += w(i) * minD[i];
    }
    if (c === k - 1) break;
    let r = rnd() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= w(i) * minD[i];
      if (r <= 0 && minD[i] > 0) {
        pick = i;
        break;
      }
    }
  }
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  // Hamerly's lower bound (2010): `lower` is at most a row's distance to any centre but its own. Centres move a
  // known distance per iteration, so the bound is lowered by the largest move; while the row's distance to its own
  // centre (recomputed every iteration: the inertia and outliers need it exact) stays under the bound, that centre
  // is still the nearest and the others are not measured. The labels, distances and centres are those of
  // recomputing every row (same sums in the same order); the margin absorbs rounding in the bound, and a row
  // inside it is recomputed in full.
  const lower = new Float64Array(n);
  const previous = new Float64Array(k * d);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const r = copyOf[i];
      let c: number;
      if (r !== i) {
        c = labels[r];
        dist[i] = dist[r];
      } else {
        c = labels[i];
        if (c >= 0) dist[i] = squaredDistance(data, i * d, centres, c * d, d);
        if (c < 0 || !(Math.sqrt(dist[i]) * BOUND_MARGIN < lower[i])) {
          c = nearest(m, i, centres, k);
          dist[i] = nearestDistance;
          lower[i] = Math.sqrt(secondDistance);
        }
      }
      if (labels[i] !== c) {
        labels[i] = c;
        changed++;
      }
    }
    if (changed === 0) break;
    previous.set(centres);
    const counts = new Float64Array(k);
    centres.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      const wi = w(i);
      counts[c] += wi;
      for (let j = 0; j < d; j++) centres[c * d + j] += wi * data[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An emptied centre restarts on the point farthest from its own centre (deterministic: first such point).
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
        for (let j = 0; j < d; j++) centres[c * d + j] = data[far * d + j];
        dist[far] = 0;
        continue;
      }
      for (let j = 0; j < d; j++) centres[c * d + j] /= counts[c];
    }
    let farthest = 0;
    for (let c = 0; c < k; c++) farthest = Math.max(farthest, Math.sqrt(squaredDistance(centres, c * d, previous, c * d, d)));
    for (let i = 0; i < n; i++) lower[i] -= farthest;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += w(i) * dist[i];
  return { labels, centres, inertia };
}

/** The row holding expanded position ⌊u · Σweights⌋ (rows in order, row i spanning weights[i] positions). */
function weightedPick(weights: Float64Array, u: number): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const r = u * total;
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (acc > r) return i;
  }
  return weights.length - 1;
}

function bestOf(m: Matrix, k: number, seed: number, restarts: number, weights?: Float64Array): KMeansResult {
  let best: KMeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const run = kmeans(m, k, seed + r * 7919, 100, weights);
    if (!best || run.inertia < best.inertia - 1e-9) best = run;
  }
  return best!;
}

/**
 * The k-means labels of every row: fitted on all rows, or on rounds of more than `fitRows` distinct rows on a seeded
 * sample of them, every row then labelled with its nearest centre (one pass over the rows).
 */
function partition(m: Matrix, k: number, o: Required<Pick<DiscoverOptions, 'seed' | 'restarts' | 'fitRows'>>, weights?: Float64Array): Int32Array {
  if (m.n <= o.fitRows) return bestOf(m, k, o.seed, o.restarts, weights).labels;
  const rows = seededSample(m.n, o.fitRows, o.seed ^ 0xf17);
  const data = new Float32Array(rows.length * m.d);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.d, (r + 1) * m.d), i * m.d));
  const sample: Matrix = { ...m, n: rows.length, data };
  const fit = bestOf(sample, k, o.seed, o.restarts, weights && Float64Array.from(rows, (r) => weights[r]));
  return Int32Array.from({ length: m.n }, (_, i) => nearest(m, i, fit.centres, k));
}

/**
 * Renumbers clusters by descending size (ties: first member's index), so ids do not depend on seeding order. Rows
 * are numbered in the order of their first comment, so the first row is also the first comment.
 */
function canonical(labels: Int32Array, k: number, weights?: Float64Array): Int32Array {
  const size = new Array<number>(k).fill(0);
  const first = new Array<number>(k).fill(Infinity);
  labels.forEach((c, i) => {
    size[c] += weightOf(weights, i);
    if (first[c] === Infinity) first[c] = i;
  });
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => size[b] - size[a] || first[a] - first[b]);
  const rank = new Int32Array(k);
  order.forEach((c, r) => (rank[c] = r));
  return labels.map((c) => rank[c]);
}

/**
 * Chooses k: the given one, the best silhouette in the range, or ⌈∛n⌉ on rounds too large to search. n counts
 * comments (a weighted row as often as its weight); k never exceeds the distinct rows there are to separate.
 */
export function chooseK(m: Matrix, opts: DiscoverOptions, weights?: Float64Array): { k: number; method: 'fixed' | 'silhouette' | 'cube_root'; scores: { k: number; silhouette: number }[] } {
  let n = m.n;
  if (weights) n = weights.reduce((a, b) => a + b, 0);
  if (opts.k !== undefined) return { k: Math.max(1, Math.min(opts.k, m.n)), method: 'fixed', scores: [] };
  const cube = Math.max(1, Math.min(m.n, Math.ceil(Math.cbrt(n))));
  const maxN = opts.silhouetteMaxN ?? DISCOVER_DEFAULTS.silhouetteMaxN;
  if (n > maxN || n < 4) return { k: cube, method: 'cube_root', scores: [] };
  const [lo, hi] = opts.kRange ?? [2, Math.max(3, Math.min(15, Math.ceil(2 * Math.cbrt(n))))];
  const seed = opts.seed ?? DISCOVER_DEFAULTS.seed;
  const restarts = opts.restarts ?? DISCOVER_DEFAULTS.restarts;
  const scores: { k: number; silhouette: number }[] = [];
  let best = { k: cube, s: -Infinity };
  for (let k = Math.max(2, lo); k <= Math.min(hi, m.n - 1); k++) {
    const s = r4(silhouette(m, bestOf(m, k, seed, restarts, weights).labels, undefined, undefined, weights));
    scores.push({ k, silhouette: s });
    if (s > best.s) best = { k, s };
  }
  return { k: best.k, method: 'silhouette', scores };
}

/**
 * c-TF-IDF (BERTopic): term frequency within each class (L1-normalised) × log(1 + mean class length / term frequency
 * overall). `counts[c][i]`: how many comments document i of class c stands for (default 1).
 */
export function cTfIdf(classes: readonly string[][][], top: number, counts?: readonly (readonly number[])[]): { term: string; weight: number }[][] {
  const perClass = classes.map((docs, c) => {
    const tf = new Map<string, number>();
    docs.forEach((words, i) => {
      const n = counts ? counts[c][i] : 1;
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + n);
    });
    return tf;
  });
  const overall = new Map<string, number>();
  let totalWords = 0;
  for (const tf of perClass) {
    for (const [w, c] of tf) {
      overall.set(w, (overall.get(w) ?? 0) + c);
      totalWords += c;
    }
  }
  const avg = perClass.length ? totalWords / perClass.length : 0;
  return perClass.map((tf) => {
    let size = 0;
    for (const c of tf.values()) size += c;
    const scored = [...tf].map(([term, c]) => ({ term, weight: (c / Math.max(size, 1)) * Math.log(1 + avg / overall.get(term)!) }));
    scored.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    return scored.slice(0, top).map((x) => ({ term: x.term, weight: r4(x.weight) }));
  });
}

/**
 * Projection on the first `count` principal components: eigenvectors of the d × d covariance (Jacobi, exact and
 * deterministic; signs fixed so each component's largest loading is positive, so reruns draw the same map).
 * `weights[i]` counts row i that many times in the mean and the covariance (√w scales its row of the Gram matrix).
 */
export function pcaProject(m: Matrix, count: number, weights?: Float64Array): Float64Array[] {
  const { n, d, data } = m;
  const mean = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weightOf(weights, i);
    total += w;
    for (let j = 0; j < d; j++) mean[j] += w * data[i * d + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= Math.max(total, 1);
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = data[i * d + j] - mean[j];
  let scaled = centred;
  if (weights) {
    scaled = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const r = Math.sqrt(weights[i]);
      for (let j = 0; j < d; j++) scaled[i * d + j] = r * centred[i * d + j];
    }
  }
  const { vectors } = symmetricEigen(gram(scaled, n, d), d);
  const comps = Math.min(count, d);
  const out = Array.from({ length: comps }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < comps; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += centred[i * d + j] * vectors[j * d + c];
      out[c][i] = s;
    }
  }
  return out;
}

/** Rows projected on `count` principal components and L2-normalised: the space k-means clusters in. */
export function reduce(m: Matrix, count: number, projection: Float64Array[] = pcaProject(m, count)): Matrix {
  if (count <= 0 || count >= m.d) return m;
  const proj = projection;
  const data = new Float32Array(m.n * count);
  for (let i = 0; i < m.n; i++) {
    let norm = 0;
    for (let c = 0; c < count; c++) norm += proj[c][i] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < count; c++) data[i * count + c] = proj[c][i] / norm;
  }
  return { data, n: m.n, d: count };
}

/**
 * The q-quantiles (linear interpolation) of the values with row i repeated weights[i] times, read off the distinct
 * rows sorted once: the same numbers as sorting the expanded list.
 */
function quantiles(values: Float64Array, qs: readonly number[], weights?: Float64Array): number[] {
  if (!values.length) return qs.map(() => 0);
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const w = (i: number) => weightOf(weights, i);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += w(i);
  const at = (p: number): number => {
    let acc = 0;
    for (const i of order) {
      acc += w(i);
      if (acc > p) return values[i];
    }
    return values[order[order.length - 1]];
  };
  return qs.map((q) => {
    const pos = (total - 1) * q;
    const lo = Math.floor(pos);
    const a = at(lo);
    return a + (at(Math.ceil(pos)) - a) * (pos - lo);
  });
}

/** Words joined into a cluster's name. */
export const NAME_KEYWORDS = 3;

/** The top keywords of at least two characters, joined by ・; "(キーワードなし)" when there are none. */
export function clusterName(keywords: readonly { term: string }[], count = NAME_KEYWORDS): string {
  const words = keywords.map((k) => k.term).filter((t) => [...t].length >= 2).slice(0, count);
  return words.length ? words.join('・') : '(キーワードなし)';
}

/**
 * Clusters the comments. `vectors[i]`, `contentWords[i]` and `themes[i]` belong to `ids[i]`; `themes` may be
 * empty when no codebook was applied.
 *
 * `rowOf` (one per id) lets copies share a row: then `vectors`, `contentWords` and `themes` are per row, numbered in
 * the order of their first comment, and row r stands for every comment i with rowOf[i] = r. A mass round of 200,000
 * comments on 8,000 distinct texts is then clustered over 8,000 weighted rows: every sum (centres, inertia, the
 * covariance, sizes, silhouette, quantiles, keyword and theme counts) counts a row as often as it occurs. Without
 * `rowOf`, or when no row is shared, every row counts once and the result is that of the unweighted computation.
 */
export function discoverClusters(
  ids: readonly string[],
  vectors: readonly Float32Array[],
  contentWords: readonly string[][],
  themes: readonly ThemeRecord[] = [],
  opts: DiscoverOptions = {},
  rowOf?: Int32Array,
): DiscoveryResult {
  const o = { ...DISCOVER_DEFAULTS, ...opts };
  const N = ids.length;
  const slot = rowOf ?? Int32Array.from({ length: N }, (_, i) => i);
  const full = toMatrix(vectors);
  const weights = rowWeights(slot, full.n);
  const dims = Math.min(o.dimensions, N - 1);
  // One eigen-decomposition serves both the clustering space and the 2-D map.
  const projection = pcaProject(full, Math.max(dims, 2), weights);
  const m = reduce(full, dims, projection);
  const n = m.n;
  if (n === 0) {
    return { k: 0, kSelection: { method: 'fixed', scores: [] }, silhouette: 0, silhouetteEmbedding: 0, dimensions: 0, outlierThreshold: 0, clusters: [], assignments: [], labels: new Int32Array(0) };
  }
  const w = (r: number) => weightOf(weights, r);
  const choice = chooseK(m, o, weights);
  const k = choice.k;
  const labels = canonical(partition(m, k, o, weights), k, weights);
  // Centres recomputed under the canonical numbering, as cosine directions (unit vectors).
  const d = m.d;
  const centres = new Float64Array(k * d);
  labels.forEach((c, i) => {
    const wi = w(i);
    for (let j = 0; j < d; j++) centres[c * d + j] += wi * m.data[i * d + j];
  });
  for (let c = 0; c < k; c++) {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += centres[c * d + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < d; j++) centres[c * d + j] /= norm;
  }
  // Distance = 1 − cosine to the own (= nearest, after convergence) centre.
  const distance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    let s = 0;
    for (let j = 0; j < d; j++) s += m.data[i * d + j] * centres[c * d + j];
    distance[i] = r4(1 - s);
  }
  const [q1, q3] = quantiles(distance, [0.25, 0.75], weights);
  const threshold = r4(q3 + o.outlierFence * (q3 - q1));
  const final: (number | null)[] = Array.from(labels, (c, i) => (distance[i] > threshold ? null : c));
  const sizes = new Array<number>(k).fill(0);
  final.forEach((c, i) => c !== null && (sizes[c] += w(i)));
  final.forEach((c, i) => {
    if (c !== null && sizes[c] < o.minClusterSize) final[i] = null;
  });

  const kept = Array.from({ length: k }, (_, c) => c).filter((c) => sizes[c] >= o.minClusterSize);
  const clusterId = (c: number): string => `c${String(kept.indexOf(c) + 1).padStart(2, '0')}`;
  const groupOf = (r: number): number => (final[r] === null ? kept.length : kept.indexOf(final[r]!));
  // Members are comments (in input order); keyword and theme counts run over the distinct rows with their weights.
  const members: number[][] = Array.from({ length: kept.length + 1 }, () => []);
  for (let i = 0; i < N; i++) members[groupOf(slot[i])].push(i);
  const rows: number[][] = Array.from({ length: kept.length + 1 }, () => []);
  for (let r = 0; r < n; r++) rows[groupOf(r)].push(r);

  const keywordLists = cTfIdf(
    rows.map((g) => g.map((r) => contentWords[r] ?? [])),
    o.keywords,
    rows.map((g) => g.map(w)),
  );
  const themeOverlap = (g: number): ClusterSummary['themes'] => {
    if (!themes.length) return [];
    const counts = new Map<string, number>();
    for (const r of rows[g]) for (const t of themes[r]?.themes ?? []) counts.set(t.theme, (counts.get(t.theme) ?? 0) + w(r));
    return [...counts]
      .map(([theme, count]) => ({ theme, count, share: r4(count / members[g].length) }))
      .sort((a, b) => b.count - a.count || (a.theme < b.theme ? -1 : 1));
  };
  const clusters: ClusterSummary[] = members.map((list, g) => {
    const isOutlier = g === kept.length;
    const reps = isOutlier ? list : [...list].sort((a, b) => distance[slot[a]] - distance[slot[b]] || a - b);
    return {
      id: isOutlier ? OUTLIER_ID : clusterId(kept[g]),
      name: isOutlier ? '外れ値' : clusterName(keywordLists[g]),
      size: list.length,
      outlier: isOutlier,
      keywords: keywordLists[g],
      representatives: reps.slice(0, o.representatives).map((i) => ids[i]),
      themes: themeOverlap(g),
      members: list.map((i) => ids[i]),
    };
  });

  const [lx = new Float64Array(n), ly = new Float64Array(n)] = projection;
  const assignments = ids.map((id, i) => {
    const r = slot[i];
    return { id, cluster: final[r] === null ? OUTLIER_ID : clusterId(final[r]!), distance: distance[r], x: r4(lx[r]), y: r4(ly[r]) };
  });
  const sil = choice.method === 'silhouette' ? (choice.scores.find((s) => s.k === k)?.silhouette ?? 0) : r4(silhouette(m, labels, undefined, undefined, weights));
  const silFull = m === full ? sil : r4(silhouette(full, labels, undefined, undefined, weights));
  const itemLabels = Int32Array.from(slot, (r) => labels[r]);
  return { k, kSelection: { method: choice.method, scores: choice.scores }, silhouette: sil, silhouetteEmbedding: silFull, dimensions: m === full ? 0 : m.d, outlierThreshold: threshold, clusters, assignments, labels: itemLabels };
}

/**
 * How many comments each row stands for; undefined when every row stands for one (then nothing is weighted and the
 * unweighted arithmetic runs unchanged). Rows must be numbered in the order of their first comment.
 */
function rowWeights(slot: Int32Array, rows: number): Float64Array | undefined {
  const weights = new Float64Array(rows);
  let next = 0;
  for (let i = 0; i < slot.length; i++) {
    const r = slot[i];
    if (r > next || r < 0) throw new Error(`discoverClusters: comment ${i} is in row ${r}, but rows must be numbered in the order of their first comment`);
    if (r === next) next++;
    weights[r]++;
  }
  if (next !== rows) throw new Error(`discoverClusters: ${rows} rows, but the comments use ${next}`);
  return next === slot.length ? undefined : weights;
}
