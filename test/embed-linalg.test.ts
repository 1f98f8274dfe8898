import { describe, expect, it } from 'vitest';
import { csrTimesDense, csrTransposeTimesDense, transposeCsr, type Csr } from '../pipeline/embed/linalg.ts';
import { mulberry32 } from '../pipeline/core/random.ts';

/** A seeded sparse matrix whose rows hold 0 to 20 non-zeros, so the 8-wide blocks and their remainders both run. */
function randomCsr(rows: number, cols: number, seed: number): Csr {
  const next = mulberry32(seed);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    const picked = new Set<number>();
    const k = Math.floor(next() * 21);
    while (picked.size < Math.min(k, cols)) picked.add(Math.floor(next() * cols));
    for (const c of [...picked].sort((a, b) => a - b)) {
      indices.push(c);
      values.push(next() - 0.5);
    }
    indptr[i + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

/** The textbook triple loop over the dense form. */
function dense(x: Csr): number[][] {
  const m = Array.from({ length: x.rows }, () => new Array<number>(x.cols).fill(0));
  for (let i = 0; i < x.rows; i++) for (let p = x.indptr[i]; p < x.indptr[i + 1]; p++) m[i][x.indices[p]] = x.values[p];
  return m;
}

function naiveTimes(m: number[][], d: Float64Array, l: number): number[] {
  const out: number[] = [];
  for (const row of m) for (let c = 0; c < l; c++) out.push(row.reduce((s, v, j) => s + v * d[j * l + c], 0));
  return out;
}

describe('sparse products of the LSA', () => {
  const x = randomCsr(37, 29, 7);
  const l = 11;
  const next = mulberry32(11);

  it('X·D matches the dense product', () => {
    const d = Float64Array.from({ length: x.cols * l }, () => next() - 0.5);
    const got = csrTimesDense(x, d, l);
    naiveTimes(dense(x), d, l).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
  });

  it('Xᵀ·D matches the dense product of the transpose, and the transpose keeps every entry', () => {
    const t = transposeCsr(x);
    expect(t.rows).toBe(x.cols);
    expect(t.indices.length).toBe(x.indices.length);
    const dx = dense(x);
    expect(dense(t)).toEqual(dx[0].map((_, j) => dx.map((row) => row[j])));
    const d = Float64Array.from({ length: x.rows * l }, () => next() - 0.5);
    const got = csrTransposeTimesDense(x, d, l);
    naiveTimes(dense(t), d, l).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    // The cached transpose gives the same bytes the second time.
    expect(Buffer.from(csrTransposeTimesDense(x, d, l).buffer).equals(Buffer.from(got.buffer))).toBe(true);
  });
});

describe('the n-gram key map', () => {
  it('behaves like a Map for integer keys up to 2^53, through growth', async () => {
    const { NumberKeyMap } = await import('../pipeline/core/number-key-map.ts');
    const m = new NumberKeyMap();
    const ref = new Map<number, number>();
    const next = mulberry32(5);
    for (let i = 0; i < 5000; i++) {
      // Keys like the n-gram keys (length × 2^48 + codes), with repeats and neighbours that differ in the high bits.
      const key = (1 + Math.floor(next() * 3)) * 2 ** 48 + Math.floor(next() * 2 ** 32) * (next() < 0.5 ? 1 : 65536);
      const v = Math.floor(next() * 1000);
      m.set(key, v);
      ref.set(key, v);
    }
    expect(m.size).toBe(ref.size);
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    expect(m.get(12345)).toBeUndefined();
    expect(m.get(2 ** 48 + 7)).toBe(ref.get(2 ** 48 + 7));
  });
});
