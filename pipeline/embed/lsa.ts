// lsa: the offline default embedder. TF-IDF over content words and character n-grams, projected on the top
// singular vectors of a randomized truncated SVD (Halko, Martinsson & Tropp 2011). Needs no model download and
// is deterministic: same corpus, settings and seed → byte-identical Float32 vectors.
import { z } from 'zod';
import { readModel } from '../core/models.ts';
import { gaussian, seededSample } from '../core/random.ts';
import { normalize } from '../core/text.ts';
import { getTokenizer, type Tokenizer } from '../tokenize/index.ts';
import { charGramKeys, Vocabulary, type RawDoc } from './lsa-features.ts';
import {
  crossProduct,
  csrTimesDense,
  csrTransposeTimesDense,
  orthonormalize,
  projectAndNormalize,
  symmetricEigen,
  type Csr,
} from './linalg.ts';
import { withKernelMemory } from './simd.ts';
import type { Embedder } from './types.ts';

export const LsaSettings = z.object({
  dim: z.number().int().positive(),
  seed: z.number().int().nonnegative(),
  char_ngrams: z
    .tuple([z.number().int().min(1), z.number().int().max(3)])
    .refine(([lo, hi]) => lo <= hi, 'char_ngrams is [shortest, longest] with 1 ≤ shortest ≤ longest ≤ 3'),
  word_weight: z.number().min(0).max(1),
  min_df: z.number().int().positive(),
  min_df_from_docs: z.number().int().nonnegative(),
  max_features: z.number().int().positive().max(2_000_000),
  oversample: z.number().int().nonnegative(),
  power_iterations: z.number().int().nonnegative(),
  svd_sample_docs: z.number().int().positive(),
});
export type LsaSettings = z.infer<typeof LsaSettings>;


/** models/lsa.json (read once per process); the *_note rationales are dropped by the schema. */
export function loadLsaSettings(): LsaSettings {
  return readModel('lsa.json', LsaSettings);
}

export interface LsaOptions extends Partial<LsaSettings> {
  /** Tokenizer for content words; defaults to getTokenizer() with the built-in term lists. */
  tokenizer?: Tokenizer;
  /**
   * Names `tokenizer` when it is not the default (e.g. the run's, with only the applied codebook's term lists):
   * joins the cache key, so vectors built with other term lists are never served.
   */
  tokenizerKey?: string;
  /** Content words of a normalised text already analysed with `tokenizer` (the run's tokenize stage), else undefined. */
  words?: (normalized: string) => string[] | undefined;
}

export interface LsaFitStats {
  docs: number;
  features: number;
  nnz: number;
  /** Documents the range finder ran on (all of them up to svd_sample_docs). */
  svdDocs: number;
  dim: number;
  l: number;
  featureSeconds: number;
  svdSeconds: number;
}

interface Fitted {
  vocab: Vocabulary;
  /** Bᵀ = XᵀQ (features × l, row-major) and W_k Σ_k⁻¹ (l × dim): x·V = (x·Bᵀ)·(W Σ⁻¹). */
  bt: Float64Array;
  proj: Float64Array;
  l: number;
  dim: number;
  /**
   * x·Bᵀ of every training text (computed while fitting), row by row, and each text's row: embedding the fitted
   * corpus costs almost nothing.
   */
  docsTimesBt: Float64Array;
  fittedRows: Map<string, number>;
}

export class LsaEmbedder implements Embedder {
  private readonly settings: LsaSettings;
  private tokenizer: Tokenizer | null;
  readonly tokenizerKey: string | null;
  private readonly words: ((normalized: string) => string[] | undefined) | null;
  private fitted: Fitted | null = null;
  /** Sizes and phase timings of the last fit(), for benchmarks and run manifests. */
  fitStats: LsaFitStats | null = null;
  /**
   * Why the last fit() could build no space (one comment, or every comment the same: a mass submission), else
   * null. Every text then embeds as the zero vector: no similarity to anything, so themes come from the coding
   * rules alone and clustering has nothing to separate.
   */
  degenerate: string | null = null;

  constructor(opts: LsaOptions = {}) {
    const { tokenizer, tokenizerKey, words, ...overrides } = opts;
    const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    this.settings = LsaSettings.parse({ ...loadLsaSettings(), ...given });
    this.tokenizer = tokenizer ?? null;
    this.tokenizerKey = tokenizerKey ?? null;
    this.words = words ?? null;
  }

  get id(): string {
    const seed = this.settings.seed === loadLsaSettings().seed ? '' : `,seed=${this.settings.seed}`;
    return `lsa:dim=${this.dim}${seed}`;
  }

  /** The requested dimension until fit(), then the dimension actually used (capped by corpus size). */
  get dim(): number {
    if (this.degenerate) return 1;
    return this.fitted?.dim ?? this.settings.dim;
  }

  async fit(corpus: readonly string[]): Promise<void> {
    const tokenizer = (this.tokenizer ??= await getTokenizer());
    const s = this.settings;
    const started = performance.now();
    const texts = fitTexts(corpus);
    // One document at a time: its n-gram keys are garbage before the next is made.
    const rawDoc = (t: string) => this.rawDoc(t, tokenizer);
    function* oneAtATime() {
      for (const t of texts) yield rawDoc(t);
    }
    const { vocab, rows } = Vocabulary.fit(oneAtATime(), s);
    const n = texts.length;
    // The SVD sees at most svd_sample_docs documents, so they bound the dimension too.
    const dim = Math.min(s.dim, Math.min(n, s.svd_sample_docs) - 1, vocab.size - 1);
    if (dim < 1) {
      this.fitted = null;
      this.degenerate =
        `lsa: no similarity space: it needs at least 2 distinct non-empty comments with 2 features (got ${n} distinct, ` +
        `${vocab.size} features); every comment embeds as the zero vector, so themes come from the coding rules only`;
      this.fitStats = { docs: n, features: vocab.size, nnz: 0, svdDocs: 0, dim: 1, l: 0, featureSeconds: (performance.now() - started) / 1000, svdSeconds: 0 };
      return;
    }
    this.degenerate = null;
    const sample = sampleRows(n, s.svd_sample_docs, s.seed);
    const l = Math.min(dim + s.oversample, sample.length, vocab.size);
    const svdStart = performance.now();
    const whole = sample.length === n;
    const { bt, proj, docsTimesBt } = withKernelMemory(() => {
      const svd = randomizedSvd(whole ? rows : csrRows(rows, sample), dim, l, s);
      return { ...svd, docsTimesBt: whole ? svd.sampleTimesBt : allTimesBt(rows, sample, svd.sampleTimesBt, svd.bt, l) };
    });
    const fittedRows = new Map(texts.map((t, i) => [t, i]));
    this.fitted = { vocab, bt, proj, l, dim, docsTimesBt, fittedRows };
    this.fitStats = {
      docs: n,
      features: vocab.size,
      nnz: rows.indptr[rows.rows],
      svdDocs: sample.length,
      dim,
      l,
      featureSeconds: (svdStart - started) / 1000,
      svdSeconds: (performance.now() - svdStart) / 1000,
    };
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.degenerate) return texts.map(() => new Float32Array(1));
    const f = this.fitted;
    if (!f) throw new Error('LsaEmbedder.embed() called before fit(): lsa learns its space from the corpus');
    const tokenizer = (this.tokenizer ??= await getTokenizer());
    // x·Bᵀ per text: kept from fitting for the corpus, folded in for new texts with the same arithmetic
    // csrTimesDense gave the corpus rows.
    const t = new Float64Array(texts.length * f.l);
    texts.forEach((raw, i) => {
      const text = normalize(raw);
      const known = f.fittedRows.get(text);
      if (known !== undefined) {
        t.set(f.docsTimesBt.subarray(known * f.l, (known + 1) * f.l), i * f.l);
        return;
      }
      const row = f.vocab.row(this.rawDoc(text, tokenizer));
      const single: Csr = { rows: 1, cols: f.vocab.size, indptr: Int32Array.of(0, row.indices.length), ...row };
      t.set(csrTimesDense(single, f.bt, f.l), i * f.l);
    });
    // A text with no known feature (empty, or only unseen characters) stays the zero vector.
    return projectAndNormalize(t, texts.length, f.l, f.proj, f.dim);
  }

  private rawDoc(text: string, tokenizer: Tokenizer): RawDoc {
    const [lo, hi] = this.settings.char_ngrams;
    return { words: this.words?.(text) ?? tokenizer.contentWords(text), grams: charGramKeys(text, lo, hi) };
  }
}

/** The given rows of a CSR matrix, in the order given. */
function csrRows(m: Csr, rows: readonly number[]): Csr {
  const indptr = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (indptr[i + 1] = indptr[i] + m.indptr[r + 1] - m.indptr[r]));
  const indices = new Int32Array(indptr[rows.length]);
  const values = new Float64Array(indptr[rows.length]);
  rows.forEach((r, i) => {
    indices.set(m.indices.subarray(m.indptr[r], m.indptr[r + 1]), indptr[i]);
    values.set(m.values.subarray(m.indptr[r], m.indptr[r + 1]), indptr[i]);
  });
  return { rows: rows.length, cols: m.cols, indptr, indices, values };
}

/**
 * X·Bᵀ for every document: the sampled rows' products exist already (the SVD computed them with the same
 * arithmetic), so only the other rows are multiplied and the two are interleaved back into corpus order.
 */
function allTimesBt(x: Csr, sample: readonly number[], sampleTimesBt: Float64Array, bt: Float64Array, l: number): Float64Array {
  const inSample = new Uint8Array(x.rows);
  for (const i of sample) inSample[i] = 1;
  const rest: number[] = [];
  for (let i = 0; i < x.rows; i++) if (!inSample[i]) rest.push(i);
  const restTimesBt = csrTimesDense(csrRows(x, rest), bt, l);
  const out = new Float64Array(x.rows * l);
  sample.forEach((i, k) => out.set(sampleTimesBt.subarray(k * l, (k + 1) * l), i * l));
  rest.forEach((i, k) => out.set(restTimesBt.subarray(k * l, (k + 1) * l), i * l));
  return out;
}

/** All row numbers up to `max`, else a seeded sample of `max` of them, ascending. */
export function sampleRows(n: number, max: number, seed: number): number[] {
  return seededSample(n, max, seed ^ 0x5eed);
}

/**
 * Halko et al. (2011), randomized range finder with power iterations: Q (docs × l, orthonormal) spans the top
 * of X's range; B = QᵀX is small, and its SVD comes from the eigen-decomposition of B·Bᵀ = Qᵀ(X·Bᵀ) (l × l,
 * Jacobi). Only docs-side blocks are ever orthonormalised: the feature side (10⁴–10⁵ rows) would cost more
 * than the products, and in Float64 one or two power iterations lose nothing that matters for similarity.
 */
function randomizedSvd(
  x: Csr,
  dim: number,
  l: number,
  s: Pick<LsaSettings, 'power_iterations' | 'seed'>,
): { bt: Float64Array; proj: Float64Array; sampleTimesBt: Float64Array } {
  const draw = gaussian(s.seed);
  const omega = new Float64Array(x.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = draw();
  // As scikit-learn's randomized_svd: with at most two power iterations (its 'auto' normaliser is then 'none')
  // only their result is orthonormalised. Float64 holds the spread easily (σ₁/σ_l is about 4 on 13k synthetic
  // comments, ~10² after the power), and a Gram–Schmidt pass fewer saves a tenth of the SVD's time; top-10
  // neighbours agree with the re-orthonormalised version to three decimals. More iterations re-orthonormalise.
  const renormalise = s.power_iterations > 2;
  let y = csrTimesDense(x, omega, l);
  for (let it = 0; it < s.power_iterations; it++) {
    y = csrTimesDense(x, csrTransposeTimesDense(x, renormalise ? orthonormalize(y, x.rows, l) : y, l), l);
  }
  const q = orthonormalize(y, x.rows, l);
  const bt = csrTransposeTimesDense(x, q, l);
  // B·Bᵀ is symmetric in exact arithmetic; average away the rounding so Jacobi sees a symmetric matrix.
  const sampleTimesBt = csrTimesDense(x, bt, l);
  const bbt = crossProduct(q, sampleTimesBt, x.rows, l);
  for (let c = 0; c < l; c++) {
    for (let d = c + 1; d < l; d++) bbt[c * l + d] = bbt[d * l + c] = (bbt[c * l + d] + bbt[d * l + c]) / 2;
  }
  const { values, vectors } = symmetricEigen(bbt, l);
  const proj = new Float64Array(l * dim);
  const tol = Math.sqrt(Math.max(values[0], 0)) * 1e-10;
  for (let k = 0; k < dim; k++) {
    const sigma = Math.sqrt(Math.max(values[k], 0));
    // A direction with no variance (rank-deficient corpus) contributes nothing instead of dividing by ~0.
    if (sigma <= tol) continue;
    for (let c = 0; c < l; c++) proj[c * dim + k] = vectors[c * l + k] / sigma;
  }
  return { bt, proj, sampleTimesBt };
}

/**
 * The texts lsa fits on, in order: each distinct normalised non-empty text once. Duplicates would only reweight
 * the space towards mass submissions. (Distinct raw texts first: a mass round would otherwise normalise every copy.)
 */
export function fitTexts(corpus: readonly string[]): string[] {
  return [...new Set([...new Set(corpus)].map((t) => normalize(t)))].filter(Boolean);
}

/** Factory used by createEmbedder("lsa:dim=N,seed=S"). */
export function lsaEmbedder(opts: LsaOptions = {}): LsaEmbedder {
  return new LsaEmbedder(opts);
}
