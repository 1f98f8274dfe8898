// The LSA's sparse × dense product (csrTimesDense in linalg.ts) as a WebAssembly SIMD kernel: two output columns
// per instruction and no bounds checks, about twice the JavaScript loop's speed (issue 14: LSA fit within 1.2× of
// scikit-learn). The module is written here byte by byte, as the WAT below reads, so no binary is committed and
// nothing is built at install time.
//
// It computes exactly what the JavaScript loop computes, bit for bit: each output element accumulates the same
// products in the same order (eight non-zeros summed left to right, then added to the output; then one product per
// remaining non-zero), and WebAssembly, like JavaScript, never fuses a multiply and an add.
//
//   (func (export "run") (param $n $l $indptr $indices $values $d $out i32)   ;; byte addresses; $l even
//     for i < n: o = out + i·l·8; p = indptr[i]; end = indptr[i+1]
//       while p + 8 <= end:
//         v_k = f64x2.splat(values[p+k]); r_k = d + indices[p+k]·l·8          (k = 0..7)
//         for cb = 0; cb < l·8; cb += 16:
//           acc = v_0·d[r_0+cb] + v_1·d[r_1+cb] + … + v_7·d[r_7+cb]           (left to right)
//           out[o+cb] = out[o+cb] + acc
//         p += 8
//       while p < end: v = splat(values[p]); r = d + indices[p]·l·8
//         for cb: out[o+cb] = out[o+cb] + v·d[r+cb];  p += 1

import type { Csr } from './linalg.ts';

const I32 = 0x7f;
const V128 = 0x7b;

/** Unsigned and signed LEB128, as WebAssembly encodes integers. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

// Parameters 0–6, then the locals declared in the body.
const [N, L, INDPTR, INDICES, VALUES, D, OUT] = [0, 1, 2, 3, 4, 5, 6];
const [I, O, P, END, CB, LB] = [7, 8, 9, 10, 11, 12];
const R = (k: number) => 13 + k; // 8 row addresses into d
const V = (k: number) => 21 + k; // 8 splatted values
const ACC = 29;

const get = (x: number) => [0x20, x];
const set = (x: number) => [0x21, x];
const i32 = (n: number) => [0x41, ...sleb(n)];
const add = [0x6a];
const mul = [0x6c];
const shl = [0x74];
const geS = [0x4e];
const gtS = [0x4a];
const i32Load = (offset: number) => [0x28, 2, ...uleb(offset)];
const f64Load = (offset: number) => [0x2b, 3, ...uleb(offset)];
const v128Load = [0xfd, 0x00, 3, 0];
const v128Store = [0xfd, 0x0b, 3, 0];
const splat = [0xfd, 0x14];
const f64x2Add = [0xfd, ...uleb(240)];
const f64x2Mul = [0xfd, ...uleb(242)];
/** while (!cond) body — `block (loop (br_if 1 cond) body (br 0)))`. */
const until = (cond: number[], body: number[]) => [0x02, 0x40, 0x03, 0x40, ...cond, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];

/** v_k and r_k for the non-zero at p + k. */
const loadNonZero = (k: number, v: number, r: number) => [
  ...get(VALUES), ...get(P), ...i32(3), ...shl, ...add, ...f64Load(8 * k), ...splat, ...set(v),
  ...get(D), ...get(INDICES), ...get(P), ...i32(2), ...shl, ...add, ...i32Load(4 * k), ...get(LB), ...mul, ...add, ...set(r),
];
/** v · d[r + cb], left on the stack. */
const product = (k: number) => [...get(V(k)), ...get(R(k)), ...get(CB), ...add, ...v128Load, ...f64x2Mul];
/** out[o + cb] = out[o + cb] + (what the stack holds, computed by `value`). */
const addToOut = (value: number[]) => [...get(O), ...get(CB), ...add, ...get(O), ...get(CB), ...add, ...v128Load, ...value, ...f64x2Add, ...v128Store];
const columns = (body: number[]) => [...i32(0), ...set(CB), ...until([...get(CB), ...get(LB), ...geS], [...body, ...get(CB), ...i32(16), ...add, ...set(CB)])];

const eight = [
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((k) => loadNonZero(k, V(k), R(k))),
  ...columns([...product(0), ...[1, 2, 3, 4, 5, 6, 7].flatMap((k) => [...product(k), ...f64x2Add]), ...set(ACC), ...addToOut(get(ACC))]),
  ...get(P), ...i32(8), ...add, ...set(P),
];
const one = [...loadNonZero(0, V(0), R(0)), ...columns(addToOut(product(0))), ...get(P), ...i32(1), ...add, ...set(P)];

const body = [
  ...get(L), ...i32(3), ...shl, ...set(LB),
  ...i32(0), ...set(I),
  ...until([...get(I), ...get(N), ...geS], [
    ...get(OUT), ...get(I), ...get(LB), ...mul, ...add, ...set(O),
    ...get(INDPTR), ...get(I), ...i32(2), ...shl, ...add, ...i32Load(0), ...set(P),
    ...get(INDPTR), ...get(I), ...i32(2), ...shl, ...add, ...i32Load(4), ...set(END),
    ...until([...get(P), ...i32(8), ...add, ...get(END), ...gtS], eight),
    ...until([...get(P), ...get(END), ...geS], one),
    ...get(I), ...i32(1), ...add, ...set(I),
  ]),
  0x0b,
];

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
const name = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const locals = [2, ...uleb(14), I32, ...uleb(9), V128];
  const func = [...locals, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 7, ...Array(7).fill(I32), 0]),
    ...section(2, [1, ...name('m'), ...name('mem'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('run'), 0x00, 0]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;
/** The compiled kernel, or null where WebAssembly SIMD is unavailable (the JavaScript loop is used then). */
function kernel(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;
/** Rows go through the kernel in chunks of at most this many non-zeros and output bytes: memory stays bounded. */
const CHUNK_NNZ = 1 << 20;
const CHUNK_OUT_BYTES = 16 << 20;
const MAX_MEMORY = 2 ** 31;

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * X · D through the kernel, or null when it cannot be used (odd l, no SIMD, or D too large for 32-bit memory):
 * the caller then runs the JavaScript loop, which gives the same bits.
 */
export function csrTimesDenseSimd(x: Csr, d: Float64Array, l: number): Float64Array | null {
  const mod = l % 2 === 0 ? kernel() : null;
  if (!mod) return null;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_OUT_BYTES / (8 * l)));
  const runs = rowRuns(x, rowsPerChunk);
  let maxNnz = 0;
  for (const [a, b] of runs) maxNnz = Math.max(maxNnz, x.indptr[b] - x.indptr[a]);
  const dOff = 0;
  const indptrOff = align16(d.byteLength);
  const indicesOff = align16(indptrOff + 4 * (rowsPerChunk + 1));
  const valuesOff = align16(indicesOff + 4 * maxNnz);
  const outOff = align16(valuesOff + 8 * maxNnz);
  const total = outOff + 8 * l * rowsPerChunk;
  if (total > MAX_MEMORY) return null;
  const { memory, run } = kernelMemory(mod, total);
  const buf = memory.buffer;
  new Float64Array(buf, dOff, d.length).set(d);
  const result = new Float64Array(x.rows * l);
  for (const [a, b] of runs) {
    const base = x.indptr[a];
    const nnz = x.indptr[b] - base;
    const ptr = new Int32Array(buf, indptrOff, b - a + 1);
    for (let i = a; i <= b; i++) ptr[i - a] = x.indptr[i] - base;
    new Int32Array(buf, indicesOff, nnz).set(x.indices.subarray(base, base + nnz));
    new Float64Array(buf, valuesOff, nnz).set(x.values.subarray(base, base + nnz));
    const out = new Float64Array(buf, outOff, (b - a) * l);
    out.fill(0);
    run(b - a, l, indptrOff, indicesOff, valuesOff, dOff, outOff);
    result.set(out, a * l);
  }
  return result;
}

interface KernelMemory {
  memory: WebAssembly.Memory;
  run: (...args: number[]) => void;
}
/** The memory withKernelMemory() keeps between products, while it runs; else null. */
let kept: KernelMemory | null = null;
let keeping = false;

/**
 * Runs `work` with one kernel memory kept across its products. Fresh WebAssembly memory costs a page fault per
 * page on first touch: copying the operands into a new memory took longer than the product itself on the LSA
 * fit (37 + 56 ms against 75 ms per product at 20k comments). The memory is dropped afterwards, so the largest
 * operand (features × l, up to 110 MB) is not held for the rest of the run.
 */
export function withKernelMemory<T>(work: () => T): T {
  if (keeping) return work();
  keeping = true;
  try {
    return work();
  } finally {
    keeping = false;
    kept = null;
  }
}

/** A memory of at least `bytes` with the kernel instantiated on it: the kept one (grown) or a fresh one. */
function kernelMemory(mod: WebAssembly.Module, bytes: number): KernelMemory {
  const pages = Math.ceil(bytes / PAGE);
  if (keeping && kept) {
    const have = kept.memory.buffer.byteLength / PAGE;
    if (have < pages) kept.memory.grow(pages - have);
    return kept;
  }
  const memory = new WebAssembly.Memory({ initial: pages });
  const made = { memory, run: new WebAssembly.Instance(mod, { m: { mem: memory } }).exports.run as (...args: number[]) => void };
  if (keeping) kept = made;
  return made;
}

/** [first, end) row ranges of at most `rowsPerChunk` rows and (unless one row alone exceeds it) CHUNK_NNZ non-zeros. */
function rowRuns(x: Csr, rowsPerChunk: number): [number, number][] {
  const runs: [number, number][] = [];
  let a = 0;
  while (a < x.rows) {
    let b = a + 1;
    while (b < x.rows && b - a < rowsPerChunk && x.indptr[b + 1] - x.indptr[a] <= CHUNK_NNZ) b++;
    runs.push([a, b]);
    a = b;
  }
  return runs;
}
