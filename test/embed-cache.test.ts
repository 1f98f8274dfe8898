import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { CachedEmbedder, corpusHash } from '../pipeline/embed/cache.ts';
import { embedItems } from '../pipeline/embed/index.ts';
import { TransformersEmbedder } from '../pipeline/embed/transformers.ts';
import type { Embedder } from '../pipeline/embed/types.ts';
import { writeJsonl } from '../pipeline/core/io.ts';
import { makeTinyModel } from '../scripts/make-tiny-model.ts';
import { seedItems } from './helpers/seed-items.ts';
import { pubcom } from './helpers/cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TMP = join(ROOT, 'test/.tmp');
const MODEL = join(TMP, 'tiny-bert');
let work: string;
let n = 0;
const freshDir = () => join(work, `cache-${n++}`);

/** Deterministic vectors from the text's hash; counts every call so tests see what reached the backend. */
class CountingEmbedder implements Embedder {
  readonly dim = 8;
  embedCalls = 0;
  embeddedTexts: string[] = [];
  fitCalls = 0;
  constructor(readonly id = 'counting:v1') {}
  async fit(): Promise<void> {
    this.fitCalls++;
  }
  async embed(texts: readonly string[], kind?: 'query' | 'passage'): Promise<Float32Array[]> {
    this.embedCalls++;
    this.embeddedTexts.push(...texts);
    return texts.map((t) => {
      const h = createHash('sha256').update(`${kind}|${t}`).digest();
      const v = Float32Array.from({ length: this.dim }, (_, i) => h[i] - 128);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
  }
}

const items = seedItems(50);
const texts = items.map((i) => i.comment);
const bytes = (vs: Float32Array[]) => Buffer.concat(vs.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));

beforeAll(() => {
  mkdirSync(TMP, { recursive: true });
  work = mkdtempSync(join(TMP, 'embed-cache-'));
  makeTinyModel(MODEL, { hidden: 32 });
});

describe('CachedEmbedder', () => {
  it('a second run (new process state) is served from disk without calling the backend', async () => {
    const dir = freshDir();
    const first = new CountingEmbedder();
    const r1 = await embedItems(items, first, { cacheDir: dir, quiet: true });
    expect(first.embeddedTexts.length).toBe(new Set(texts).size);
    expect(r1.cache).toMatchObject({ enabled: true, hits: 0, computed: new Set(texts).size });

    const second = new CountingEmbedder();
    const r2 = await embedItems(items, second, { cacheDir: dir, quiet: true });
    expect(second.embedCalls).toBe(0);
    expect(r2.cache).toMatchObject({ hits: new Set(texts).size, computed: 0 });
    expect(bytes(r2.vectors).equals(bytes(r1.vectors))).toBe(true);
  });

  it('--no-cache (cache: false) calls the backend for everything and writes nothing', async () => {
    const dir = freshDir();
    await embedItems(items, new CountingEmbedder(), { cacheDir: dir, quiet: true });
    const inner = new CountingEmbedder();
    const r = await embedItems(items, inner, { cacheDir: dir, cache: false, quiet: true });
    expect(inner.embeddedTexts.length).toBe(new Set(texts).size);
    expect(r.cache.enabled).toBe(false);
    const untouched = freshDir();
    await embedItems(items, new CountingEmbedder(), { cacheDir: untouched, cache: false, quiet: true });
    expect(existsSync(untouched)).toBe(false);
  });

  it('computes only the texts it has not seen, and keys by embedder id and kind', async () => {
    const dir = freshDir();
    const a = new CachedEmbedder(new CountingEmbedder(), { dir });
    await a.embed(texts.slice(0, 20));
    a.flush();
    const inner = new CountingEmbedder();
    const b = new CachedEmbedder(inner, { dir });
    await b.embed(texts.slice(0, 30));
    expect(inner.embeddedTexts).toEqual(texts.slice(20, 30));
    await b.embed(texts.slice(0, 5), 'query');
    expect(inner.embeddedTexts.slice(10)).toEqual(texts.slice(0, 5));
    const other = new CountingEmbedder('counting:v2');
    await new CachedEmbedder(other, { dir }).embed(texts.slice(0, 5));
    expect(other.embeddedTexts).toEqual(texts.slice(0, 5));
  });

  it('corpus-dependent embedders: same corpus reuses vectors without fitting, another corpus recomputes', async () => {
    const dir = freshDir();
    const run = async (corpus: string[]) => {
      const inner = new CountingEmbedder('lsa:dim=8');
      const c = new CachedEmbedder(inner, { dir, corpusDependent: true });
      await c.fit(corpus);
      await c.embed(corpus);
      c.flush();
      return { inner, id: c.id };
    };
    const first = await run(texts.slice(0, 20));
    expect(first.inner.fitCalls).toBe(1);
    expect(first.id).toBe(`lsa:dim=8|corpus=${corpusHash(texts.slice(0, 20))}`);
    const again = await run(texts.slice(0, 20));
    expect(again.inner.fitCalls).toBe(0);
    expect(again.inner.embedCalls).toBe(0);
    const changed = await run(texts.slice(0, 21));
    expect(changed.inner.fitCalls).toBe(1);
    expect(changed.inner.embeddedTexts.length).toBe(21);
  });

  it('fitting the same corpus again keeps the fitted space: a later miss does not refit', async () => {
    const inner = new CountingEmbedder('lsa:dim=8');
    const c = new CachedEmbedder(inner, { dir: freshDir(), corpusDependent: true });
    const corpus = texts.slice(0, 20);
    await c.fit(corpus);
    await c.embed(corpus);
    await c.fit([...corpus]);
    await c.embed(['検索語：能動的サイバー防御'], 'query');
    expect(inner.fitCalls).toBe(1);
    await c.fit(texts.slice(0, 21));
    await c.embed(['検索語：能動的サイバー防御'], 'query');
    expect(inner.fitCalls).toBe(2);
  });

  it('ignores a damaged segment and recomputes what it held', async () => {
    const dir = freshDir();
    const a = new CachedEmbedder(new CountingEmbedder(), { dir });
    await a.embed(texts.slice(0, 10));
    a.flush();
    const shard = readdirSync(dir)[0];
    const seg = readdirSync(join(dir, shard)).find((f) => f.endsWith('.f32v'))!;
    truncateSync(join(dir, shard, seg), statSync(join(dir, shard, seg)).size - 7);
    const inner = new CountingEmbedder();
    const vectors = await new CachedEmbedder(inner, { dir }).embed(texts.slice(0, 10));
    expect(inner.embeddedTexts).toEqual(texts.slice(0, 10));
    expect(vectors).toHaveLength(10);
  });

  it('compacts many small segments into one without losing vectors', async () => {
    const dir = freshDir();
    const reference = await new CountingEmbedder().embed(texts.slice(0, 20));
    const c = new CachedEmbedder(new CountingEmbedder(), { dir });
    for (let i = 0; i < 20; i++) {
      await c.embed([texts[i]]);
      c.flush();
    }
    const shard = join(dir, readdirSync(dir)[0]);
    expect(readdirSync(shard).filter((f) => f.endsWith('.f32v'))).toHaveLength(20);
    const inner = new CountingEmbedder();
    const vectors = await new CachedEmbedder(inner, { dir }).embed(texts.slice(0, 20));
    expect(inner.embedCalls).toBe(0);
    expect(bytes(vectors).equals(bytes(reference))).toBe(true);
    expect(readdirSync(shard).filter((f) => f.endsWith('.f32v'))).toHaveLength(1);
  });

  it('a fully cached transformers run never loads the model', async () => {
    const dir = freshDir();
    const first = new TransformersEmbedder({ model: MODEL });
    const r1 = await embedItems(items, first, { cacheDir: dir, quiet: true });
    const second = new TransformersEmbedder({ model: MODEL });
    let loads = 0;
    const load = second.load.bind(second);
    second.load = () => {
      loads++;
      return load();
    };
    const r2 = await embedItems(items, second, { cacheDir: dir, quiet: true });
    expect(loads).toBe(0);
    expect(bytes(r2.vectors).equals(bytes(r1.vectors))).toBe(true);
  });
});

describe('pubcom embed cache flags', () => {
  it('reuses the cache on rerun and bypasses it with --no-cache', async () => {
    const itemsPath = join(work, 'items.jsonl');
    writeJsonl(itemsPath, items);
    const cacheDir = freshDir();
    const run = (...extra: string[]) => pubcom('embed', itemsPath, '--embedder', `transformers:${MODEL}`, '--cache-dir', cacheDir, ...extra);
    const first = await run('--out', join(work, 'v1.jsonl'));
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`0 reused, ${new Set(texts).size} computed`);
    const second = await run('--out', join(work, 'v2.jsonl'));
    expect(second.stderr).toContain(`${new Set(texts).size} reused, 0 computed`);
    expect(readFileSync(join(work, 'v2.jsonl')).equals(readFileSync(join(work, 'v1.jsonl')))).toBe(true);
    const bypass = await run('--out', join(work, 'v3.jsonl'), '--no-cache');
    expect(bypass.stderr).toContain('cache off');
    // Whether vectors came from disk or not, the output is the same bytes.
    expect(readFileSync(join(work, 'v3.jsonl')).equals(readFileSync(join(work, 'v1.jsonl')))).toBe(true);
  });
});

describe('withCache: the cache wrapper every stage uses', () => {
  it('keys a corpus-dependent space by the lsa settings and term lists, a pretrained model by its id alone', async () => {
    const { withCache } = await import('../pipeline/embed/index.ts');
    const { lsaEmbedder } = await import('../pipeline/embed/lsa.ts');
    const lsa = withCache(lsaEmbedder({}), { dir: freshDir(), enabled: true });
    expect(lsa.id).toMatch(/\|config=[0-9a-f]+/);
    const pretrained = withCache(new CountingEmbedder(), { dir: freshDir(), enabled: true });
    expect(pretrained.id).toBe('counting:v1');
    expect(withCache(lsa, { dir: freshDir(), enabled: false })).toBe(lsa);
  });
});
