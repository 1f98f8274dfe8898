// The WebAssembly SIMD product (pipeline/embed/simd.ts) must give the JavaScript loop's result bit for bit: the
// LSA vectors, and so themes and clusters, may not depend on which of the two ran.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../pipeline/core/random.ts';
import { csrTimesDense, csrTimesDenseLoop, type Csr } from '../pipeline/embed/linalg.ts';
import { csrTimesDenseSimd, withKernelMemory } from '../pipeline/embed/simd.ts';

/** Rows with 0 to 2·perRow non-zeros, so every row length modulo eight occurs (the kernel folds eight at a time). */
function randomCsr(rows: number, cols: number, perRow: number, seed: number): Csr {
  const next = mulberry32(seed);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    const k = Math.min(cols, Math.floor(next() * 2 * perRow));
    const row = new Set<number>();
    while (row.size < k) row.add(Math.floor(next() * cols));
    for (const j of row) indices.push(j), values.push(next() - 0.5);
    indptr[i + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

const dense = (n: number, seed: number) => {
  const next = mulberry32(seed);
  return Float64Array.from({ length: n }, () => (next() - 0.5) * 1e3);
};

const differing = (a: Float64Array, b: Float64Array) => a.reduce((n, v, i) => n + (Object.is(v, b[i]) ? 0 : 1), 0);

describe('the SIMD sparse × dense product', () => {
  it('gives the JavaScript loop’s bits, for every row length', () => {
    const x = randomCsr(300, 500, 12, 1);
    const d = dense(500 * 10, 2);
    const simd = csrTimesDenseSimd(x, d, 10);
    expect(simd).not.toBeNull();
    const loop = csrTimesDenseLoop(x, d, 10);
    expect(loop.some((v) => v !== 0)).toBe(true);
    expect(differing(simd!, loop)).toBe(0);
  });

  it('gives the same bits when the rows go through in several chunks (16 MB of output each)', () => {
    // 16,000 rows × 138 columns is 17.7 MB of output: two chunks.
    const x = randomCsr(16_000, 2_000, 6, 3);
    const d = dense(2_000 * 138, 4);
    const simd = csrTimesDenseSimd(x, d, 138)!;
    expect(differing(simd, csrTimesDenseLoop(x, d, 138))).toBe(0);
    // csrTimesDense takes the kernel at this size, and the result is the same array either way.
    expect(differing(csrTimesDense(x, d, 138), simd)).toBe(0);
  });

  it('gives the same bits through one kept memory, as it grows and when a smaller product follows a larger', () => {
    const small = randomCsr(200, 300, 10, 7);
    // The small product's memory is its operand plus a 16 MB output chunk; the large operand alone is 22 MB.
    const large = randomCsr(1_000, 20_000, 12, 8);
    const dSmall = dense(300 * 20, 9);
    const dLarge = dense(20_000 * 138, 10);
    const results = withKernelMemory(() => [
      csrTimesDenseSimd(small, dSmall, 20)!,
      csrTimesDenseSimd(large, dLarge, 138)!,
      csrTimesDenseSimd(small, dSmall, 20)!,
    ]);
    expect(differing(results[0], csrTimesDenseLoop(small, dSmall, 20))).toBe(0);
    expect(differing(results[1], csrTimesDenseLoop(large, dLarge, 138))).toBe(0);
    expect(differing(results[2], results[0])).toBe(0);
  });

  it('declines an odd column count, which the loop then serves', () => {
    const x = randomCsr(20, 30, 5, 5);
    const d = dense(30 * 7, 6);
    expect(csrTimesDenseSimd(x, d, 7)).toBeNull();
    expect(differing(csrTimesDense(x, d, 7), csrTimesDenseLoop(x, d, 7))).toBe(0);
  });
});
