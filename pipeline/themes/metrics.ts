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
 * clusters count as 0, as in scikit-learn.
 */
export function silhouette(m: Matrix, labels: Int32Array, sampleSize = 2000, seed = 1009): number {
  let rows = Array.from({ length: m.n }, (_, i) => i);
  if (m.n > sampleSize) {
    const rnd = mulberry32(seed);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    rows = rows.slice(0, sampleSize).sort((a, b) => a - b);
  }
  const k = maxOf(labels) + 1;
  const sizes = new Int32Array(k);
  for (const i of rows) sizes[labels[i]]++;
  if (sizes.filter((s) => s > 0).length < 2) return 0;
  let total = 0;
  const sums = new Float64Array(k);
  for (const i of rows) {
    sums.fill(0);
    for (const j of rows) if (j !== i) sums[labels[j]] += rowDistance(m, i, j);
    const own = labels[i];
    if (sizes[own] <= 1) continue;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    total += (b - a) / Math.max(a, b);
  }
  return total / rows.length;
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
