// Small dense-vector helpers shared by assignment and discovery (typed arrays, no dependencies).

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

export function l2normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

/** mulberry32: a tiny seeded PRNG, so every random choice in discovery is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** AᵀA of a row-major n × d matrix: d × d, symmetric. */
export function gram(a: Float64Array, n: number, d: number): Float64Array {
  const g = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let c = 0; c < d; c++) {
      const v = a[r + c];
      if (v === 0) continue;
      const gc = c * d;
      for (let e = c; e < d; e++) g[gc + e] += v * a[r + e];
    }
  }
  for (let c = 0; c < d; c++) for (let e = 0; e < c; e++) g[c * d + e] = g[e * d + c];
  return g;
}

/**
 * Eigenvectors of a symmetric d × d matrix by cyclic Jacobi rotations (exact and deterministic at embedding
 * sizes, d ≤ 1024), as the columns of a row-major matrix ordered by descending eigenvalue, each signed so that
 * its largest-magnitude entry is positive (eigenvectors are defined up to sign; fixing it keeps maps stable).
 */
export function symmetricEigenvectors(m: Float64Array, d: number): Float64Array {
  const a = Float64Array.from(m);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    if (off === 0 || off <= 1e-30 * scale) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i] || i - j);
  const out = new Float64Array(d * d);
  order.forEach((src, dst) => {
    let big = 0;
    for (let k = 0; k < d; k++) if (Math.abs(v[k * d + src]) > Math.abs(big)) big = v[k * d + src];
    const sign = big < 0 ? -1 : 1;
    for (let k = 0; k < d; k++) out[k * d + dst] = sign * v[k * d + src];
  });
  return out;
}
