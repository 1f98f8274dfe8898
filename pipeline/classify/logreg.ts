// Multinomial logistic regression with L2, trained by full-batch accelerated gradient descent from zero:
// no random initialisation and a fixed iteration count, so the same rows give the same weights bit for bit.

export interface SparseVec {
  idx: Int32Array;
  val: Float64Array;
}

export interface LogRegModel {
  /** Number of classes K and features D; weights are K×D row-major. */
  k: number;
  d: number;
  weights: Float64Array;
  bias: Float64Array;
}

export interface LogRegOptions {
  l2: number;
  iterations: number;
  /** Per-row weights (e.g. balanced class weights); default 1. */
  rowWeights?: readonly number[];
}

export function dense(values: readonly number[]): SparseVec {
  const idx = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) idx[i] = i;
  return { idx, val: Float64Array.from(values) };
}

function scoresInto(out: Float64Array, w: Float64Array, b: Float64Array, x: SparseVec, k: number, d: number): void {
  for (let c = 0; c < k; c++) {
    let s = b[c];
    const base = c * d;
    for (let j = 0; j < x.idx.length; j++) s += w[base + x.idx[j]] * x.val[j];
    out[c] = s;
  }
}

function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i] - max);
    sum += v[i];
  }
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}

export function trainLogReg(xs: readonly SparseVec[], ys: readonly number[], k: number, d: number, opts: LogRegOptions): LogRegModel {
  const n = xs.length;
  const rw = opts.rowWeights ?? new Array<number>(n).fill(1);
  const totalWeight = rw.reduce((a, b) => a + b, 0) || 1;
  // Lipschitz bound of the weighted mean cross-entropy gradient: ½·Σ aᵢ‖xᵢ‖² (aᵢ = row weight share, +1 for the bias).
  let lipschitz = 0;
  for (let i = 0; i < n; i++) {
    let s = 1;
    for (const v of xs[i].val) s += v * v;
    lipschitz += (s * rw[i]) / totalWeight;
  }
  const step = 1 / (0.5 * lipschitz + opts.l2);

  const size = k * d;
  let w = new Float64Array(size);
  let b = new Float64Array(k);
  let wPrev = new Float64Array(size);
  let bPrev = new Float64Array(k);
  const yw = new Float64Array(size);
  const yb = new Float64Array(k);
  const gw = new Float64Array(size);
  const gb = new Float64Array(k);
  const p = new Float64Array(k);
  let t = 1;
  for (let it = 0; it < opts.iterations; it++) {
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const mom = (t - 1) / tNext;
    for (let i = 0; i < size; i++) yw[i] = w[i] + mom * (w[i] - wPrev[i]);
    for (let c = 0; c < k; c++) yb[c] = b[c] + mom * (b[c] - bPrev[c]);
    gw.fill(0);
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      scoresInto(p, yw, yb, x, k, d);
      softmaxInPlace(p);
      const scale = rw[i] / totalWeight;
      for (let c = 0; c < k; c++) {
        const g = (p[c] - (ys[i] === c ? 1 : 0)) * scale;
        if (g === 0) continue;
        gb[c] += g;
        const base = c * d;
        for (let j = 0; j < x.idx.length; j++) gw[base + x.idx[j]] += g * x.val[j];
      }
    }
    // Swap buffers: prev ← current, current ← y − step·(g + l2·y).
    [wPrev, w] = [w, wPrev];
    [bPrev, b] = [b, bPrev];
    for (let i = 0; i < size; i++) w[i] = yw[i] - step * (gw[i] + opts.l2 * yw[i]);
    for (let c = 0; c < k; c++) b[c] = yb[c] - step * gb[c];
    t = tNext;
  }
  return { k, d, weights: w, bias: b };
}

export function predictProba(model: LogRegModel, x: SparseVec): Float64Array {
  const p = new Float64Array(model.k);
  scoresInto(p, model.weights, model.bias, x, model.k, model.d);
  softmaxInPlace(p);
  return p;
}

/** Rounded copies for model files: fixed precision keeps the JSON small and byte-stable across platforms. */
export function roundArray(a: Float64Array, digits = 6): number[] {
  const f = 10 ** digits;
  return Array.from(a, (v) => Math.round(v * f) / f);
}
