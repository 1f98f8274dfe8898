// Cluster-quality figures reported for discovery: silhouette (internal) and NMI against a reference partition.
import { mulberry32 } from '../core/random.ts';
import { maxOf } from '../core/arrays.ts';

/** Row-major n × d matrix. */
export interface Matrix {
  data: Float32Array;
  n: number;
  d: number;
}

export function toMatrix(vectors: readonly Float32Array[]): Matrix {
  const n = vectors.length;
  const d = n ? vectors[0].length : 0;
  const data = new Float32Array(n * d);
  vectors.forEach((v, i) => {
    if (v.length !== d) throw new Error(`vector ${i} has ${v.length} dimensions, expected ${d}`);
    data.set(v, i * d);
  });
  return { data, n, d };
}

function rowDistance(m: Matrix, i: number, j: number): number {
  const { data, d } = m;
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let k = 0; k < d; k++) {
    const x = data[a + k] - data[b + k];
    s += x * x;
  }
  return Math.sqrt(s);
}

/**
 * Mean silhouette (Euclidean, as scikit-learn) of `labels` over the rows. Above `sampleSize` rows it is computed
 * on a seeded random sample (the full O(n²) pass is too slow for mass-submission rounds); points in singleton
 * clusters count as 0, as in scikit-learn. `weights[i]`: row i stands for that many identical points (copies of a
 * comment); the mean and the sample are over those points, each row's copies computed once.
 */
export function silhouette(m: Matrix, labels: Int32Array, sampleSize = 2000, seed = 1009, weights?: Float64Array): number {
  let total = m.n;
  if (weights) total = weights.reduce((a, b) => a + b, 0);
  let points = Array.from({ length: total }, (_, i) => i);
  if (total > sampleSize) {
    const rnd = mulberry32(seed);
    for (let i = points.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [points[i], points[j]] = [points[j], points[i]];
    }
    points = points.slice(0, sampleSize).sort((a, b) => a - b);
  }
  // Point p is a copy of row r when p falls in r's span of the expanded order (rows in order, r spanning weights[r]).
  const rows: number[] = [];
  const mult: number[] = [];
  let r = 0;
  let end = weights ? weights[0] : 1;
  for (const p of points) {
    while (p >= end) end += weights ? weights[++r] : (++r, 1);
    if (rows[rows.length - 1] === r) mult[mult.length - 1]++;
    else {
      rows.push(r);
      mult.push(1);
    }
  }
  const k = maxOf(labels) + 1;
  const sizes = new Int32Array(k);
  rows.forEach((i, x) => (sizes[labels[i]] += mult[x]));
  if (sizes.filter((s) => s > 0).length < 2) return 0;
  let sum = 0;
  const sums = new Float64Array(k);
  rows.forEach((i, x) => {
    sums.fill(0);
    rows.forEach((j, y) => {
      if (j !== i) sums[labels[j]] += mult[y] * rowDistance(m, i, j);
    });
    const own = labels[i];
    if (sizes[own] <= 1) return;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    sum += mult[x] * ((b - a) / Math.max(a, b));
  });
  return sum / points.length;
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/** Normalised mutual information with the arithmetic-mean normaliser (scikit-learn's default). */
export function nmi(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  if (a.length !== b.length) throw new Error('nmi: partitions of different lengths');
  const n = a.length;
  if (!n) return 0;
  const ca = new Map<string | number, number>();
  const cb = new Map<string | number, number>();
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    ca.set(a[i], (ca.get(a[i]) ?? 0) + 1);
    cb.set(b[i], (cb.get(b[i]) ?? 0) + 1);
    const key = `${a[i]}\u0000${b[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  const ha = entropy(ca.values(), n);
  const hb = entropy(cb.values(), n);
  if (ha === 0 && hb === 0) return 1;
  let mi = 0;
  for (const [key, c] of joint) {
    const [x, y] = key.split('\u0000');
    const px = ca.get(typeof a[0] === 'number' ? Number(x) : x)!;
    const py = cb.get(typeof b[0] === 'number' ? Number(y) : y)!;
    mi += (c / n) * Math.log((c * n) / (px * py));
  }
  const denom = (ha + hb) / 2;
  return denom > 0 ? Math.max(0, mi / denom) : 0;
}
