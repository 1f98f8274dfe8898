import { beforeAll, describe, expect, it } from 'vitest';
import { LsaEmbedder, lsaEmbedder } from '../pipeline/embed/lsa.ts';
import { getTokenizer } from '../pipeline/tokenize/index.ts';
import type { Tokenizer } from '../pipeline/tokenize/types.ts';
import { seedCells } from './helpers/seed-cells.ts';

const comments = seedCells()
  .map((c) => c.comment)
  .filter((c) => (c.match(/\p{L}/gu) ?? []).length >= 5);

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const bytes = (vs: Float32Array[]) => Buffer.concat(vs.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));

let tokenizer: Tokenizer;
let fitted: LsaEmbedder;
let vectors: Float32Array[];

beforeAll(async () => {
  tokenizer = await getTokenizer();
  fitted = new LsaEmbedder({ tokenizer });
  await fitted.fit(comments);
  vectors = await fitted.embed(comments);
});

describe('lsa embedder', () => {
  it('gives one L2-normalised vector of the configured dimension per text', () => {
    expect(comments.length).toBeGreaterThan(120);
    expect(fitted.dim).toBe(128);
    expect(fitted.id).toBe('lsa:dim=128');
    expect(vectors).toHaveLength(comments.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(128);
      expect(Math.sqrt(cosine(v, v))).toBeCloseTo(1, 5);
    }
  });

  it('caps the dimension at min(documents, features) - 1 on tiny corpora', async () => {
    const tiny = lsaEmbedder({ dim: 64, tokenizer });
    await tiny.fit(comments.slice(0, 3));
    expect(tiny.dim).toBe(2);
    expect(tiny.id).toBe('lsa:dim=2');
    const [v] = await tiny.embed([comments[0]]);
    expect(v.length).toBe(2);

    const big = lsaEmbedder({ dim: 1000, tokenizer });
    await big.fit(comments);
    expect(big.dim).toBe(comments.length - 1);

    // Fewer features than documents: the feature count binds.
    const narrow = lsaEmbedder({ max_features: 4, tokenizer });
    await narrow.fit(comments.slice(0, 20));
    expect(narrow.fitStats).toMatchObject({ features: 4, docs: 20 });
    expect(narrow.dim).toBe(3);
    for (const v of await narrow.embed(comments.slice(0, 20))) expect(v.length).toBe(3);
  });

  it('refuses to embed before fit, and degrades to zero vectors, saying why, on one distinct text', async () => {
    const one = lsaEmbedder({ tokenizer });
    await expect(one.embed(['x'])).rejects.toThrow(/before fit/);
    // One comment, or a mass submission of identical copies: no space to build, but no error either.
    await one.fit([comments[0], comments[0], '']);
    expect(one.degenerate).toMatch(/got 1 distinct/);
    const vs = await one.embed([comments[0], comments[1]]);
    expect(vs.every((v) => v.every((x) => x === 0))).toBe(true);
    await one.fit(comments.slice(0, 5));
    expect(one.degenerate).toBeNull();
  });

  it('places an excerpt of a comment nearest to that comment rather than to the others (fold-in)', async () => {
    // The second half of each long comment, embedded as a new text, should find its own comment.
    const long = comments.filter((c) => c.length > 200);
    expect(long.length).toBeGreaterThan(40);
    let top1 = 0;
    for (const c of long) {
      const [q] = await fitted.embed([c.slice(Math.floor(c.length / 2))]);
      const own = comments.indexOf(c);
      const sims = vectors.map((v) => cosine(q, v));
      const best = sims.indexOf(Math.max(...sims));
      if (best === own) top1++;
      // Closer to its own comment than the average unrelated comment, every time.
      const others = sims.filter((_, i) => i !== own);
      expect(sims[own]).toBeGreaterThan(others.reduce((a, b) => a + b, 0) / others.length);
    }
    expect(top1 / long.length).toBeGreaterThan(0.8);
  });

  it('puts comments on the same topic closer than comments on unrelated topics', async () => {
    const about = (word: string) => comments.filter((c) => c.includes(word));
    const pqc = about('耐量子');
    const sme = about('中小企業').filter((c) => !c.includes('耐量子'));
    expect(pqc.length).toBeGreaterThanOrEqual(2);
    expect(sme.length).toBeGreaterThanOrEqual(5);
    const vec = (c: string) => vectors[comments.indexOf(c)];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const within = mean(pqc.flatMap((a, i) => pqc.slice(i + 1).map((b) => cosine(vec(a), vec(b)))));
    const across = mean(pqc.flatMap((a) => sme.map((b) => cosine(vec(a), vec(b)))));
    expect(within).toBeGreaterThan(across);
  });

  it('gives byte-identical vectors on two runs, and different ones for another seed', async () => {
    const again = new LsaEmbedder({ tokenizer });
    await again.fit(comments);
    const second = await again.embed(comments);
    expect(bytes(second).equals(bytes(vectors))).toBe(true);
    const newText = ['サプライチェーン全体での中小企業の対策強化を求める。'];
    expect(bytes(await again.embed(newText)).equals(bytes(await fitted.embed(newText)))).toBe(true);

    const other = new LsaEmbedder({ tokenizer, seed: 7 });
    await other.fit(comments);
    expect(other.id).toBe('lsa:dim=128,seed=7');
    expect(bytes(await other.embed(comments)).equals(bytes(vectors))).toBe(false);
  });

  it('is unaffected by corpus duplicates and input spacing', async () => {
    const dup = new LsaEmbedder({ tokenizer });
    await dup.fit([...comments, ...comments.slice(0, 10).map((c) => `  ${c} `)]);
    const v = await dup.embed(comments);
    expect(bytes(v).equals(bytes(vectors))).toBe(true);
  });
});

describe('lsa features', () => {
  it('fits each document the row it gets alone, also past the first chunk of the id counts', async () => {
    const { Vocabulary, charGramKeys } = await import('../pipeline/embed/lsa-features.ts');
    const { loadLsaSettings } = await import('../pipeline/embed/lsa.ts');
    const s = loadLsaSettings();
    const [lo, hi] = s.char_ngrams;
    // The seed's comments ten times over: more distinct (document, feature) pairs than one chunk holds (2^18).
    const docs = Array.from({ length: 10 }, () => comments).flat().map((t) => ({ words: tokenizer.contentWords(t), grams: charGramKeys(t, lo, hi) }));
    const { vocab, rows } = Vocabulary.fit(docs, s);
    const pairs = docs.reduce((n, d) => n + new Set(d.words).size + new Set(d.grams).size, 0);
    expect(pairs).toBeGreaterThan(2 ** 18);
    docs.forEach((d, i) => {
      const alone = vocab.row(d);
      const [a, b] = [rows.indptr[i], rows.indptr[i + 1]];
      expect(Array.from(rows.indices.subarray(a, b))).toEqual(Array.from(alone.indices));
      expect(Array.from(rows.values.subarray(a, b))).toEqual(Array.from(alone.values));
    });
  });
});
