// The transformers backend end to end on a BERT-shaped model generated here (never downloaded), with the hub
// made unreachable so any attempt to fetch would fail the test.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import { makeTinyModel } from '../scripts/make-tiny-model.ts';
import { EmbeddersFile, TransformersEmbedder, resolveModelSettings } from '../pipeline/embed/transformers.ts';
import { createEmbedder, embedItems, readEmbeddings } from '../pipeline/embed/index.ts';
import { InputError } from '../pipeline/core/errors.ts';
import { readJson, writeJsonl } from '../pipeline/core/io.ts';
import { seedItems } from './helpers/seed-items.ts';
import { pubcom } from './helpers/cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TMP = join(ROOT, 'test/.tmp');
const MODEL = join(TMP, 'tiny-bert');
const HIDDEN = 32;
let work: string;

const items = seedItems(40);
const texts = items.map((i) => i.comment);

function bytes(vectors: Float32Array[]): Buffer {
  return Buffer.concat(vectors.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** A settings file like models/embedders.json with one entry for the tiny model. */
function settingsWith(entry: Record<string, unknown>): string {
  const base = JSON.parse(readFileSync(join(ROOT, 'models/embedders.json'), 'utf8'));
  base.models = { 'tiny-bert': { match: ['tiny-bert'], rationale: 'test model', ...entry } };
  const path = join(work, `settings-${Object.keys(entry).join('-') || 'plain'}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(base));
  return path;
}

beforeAll(() => {
  mkdirSync(TMP, { recursive: true });
  makeTinyModel(MODEL, { hidden: HIDDEN });
  work = mkdtempSync(join(TMP, 'embed-tf-'));
  env.fetch = async (url: string | URL) => {
    throw new Error(`network access attempted: ${String(url)}`);
  };
});

describe('transformers backend on the generated tiny BERT', () => {
  it('loads offline and gives one L2-normalised vector of the model width per text', async () => {
    const e = new TransformersEmbedder({ model: MODEL });
    const vectors = await e.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    expect(e.dim).toBe(HIDDEN);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(HIDDEN);
      expect(Math.abs(Math.sqrt(dot(v, v)) - 1)).toBeLessThan(1e-5);
    }
    expect(e.id).toMatch(/^transformers:.*tiny-bert@fp32#[0-9a-f]{16}$/);
  });

  it('depends on the text: different comments differ, the same comment matches itself', async () => {
    const e = new TransformersEmbedder({ model: MODEL });
    const [a, b, a2] = await e.embed([texts[0], texts[1], texts[0]]);
    expect(dot(a, b)).toBeLessThan(0.999);
    expect(bytes([a2]).equals(bytes([a]))).toBe(true);
  });

  it('is deterministic: two fresh loads give byte-identical vectors', async () => {
    const first = await new TransformersEmbedder({ model: MODEL }).embed(texts);
    const second = await new TransformersEmbedder({ model: MODEL }).embed(texts);
    expect(bytes(second).equals(bytes(first))).toBe(true);
  });

  it('batching does not change the vectors (padding is masked out)', async () => {
    const unbatched = await new TransformersEmbedder({ model: MODEL, batchSize: 1 }).embed(texts);
    const batched = await new TransformersEmbedder({ model: MODEL, batchSize: 7 }).embed(texts);
    let maxDiff = 0;
    batched.forEach((v, i) => v.forEach((x, k) => (maxDiff = Math.max(maxDiff, Math.abs(x - unbatched[i][k])))));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('applies the per-model prefix of the requested kind from the settings file', async () => {
    const settingsPath = settingsWith({ prefix: { default: '', query: 'query: ', passage: 'passage: ' } });
    const e = new TransformersEmbedder({ model: MODEL, settingsPath });
    const [plain] = await e.embed([texts[2]]);
    const [query] = await e.embed([texts[2]], 'query');
    const [passage] = await e.embed([texts[2]], 'passage');
    const [manual] = await e.embed(['query: ' + texts[2]]);
    expect(dot(plain, query)).toBeLessThan(0.9999);
    expect(dot(query, passage)).toBeLessThan(0.9999);
    expect(bytes([query]).equals(bytes([manual]))).toBe(true);
    // Prefixes change the vectors, so they are part of the id (and of cache keys).
    expect(e.id).not.toBe(new TransformersEmbedder({ model: MODEL }).id);
  });

  it('truncates to the configured max_length', async () => {
    const settingsPath = settingsWith({ max_length: 8 });
    const e = new TransformersEmbedder({ model: MODEL, settingsPath });
    // Same first six tokens ([CLS] + 6 + [SEP] = 8), different tails.
    const [a, b] = await e.embed(['能動的サイバー防御の導入に賛成する', '能動的サイバー防御の導入に反対する']);
    expect(bytes([a]).equals(bytes([b]))).toBe(true);
    const [c, d] = await new TransformersEmbedder({ model: MODEL }).embed(['能動的サイバー防御の導入に賛成する', '能動的サイバー防御の導入に反対する']);
    expect(bytes([c]).equals(bytes([d]))).toBe(false);
  });

  it('a missing model is an InputError naming the model, where to put it, and --allow-remote', async () => {
    const modelDir = join(work, 'no-models');
    const err = await createEmbedder('transformers:Xenova/multilingual-e5-small', { modelDir }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain('Xenova/multilingual-e5-small');
    expect(err.message).toContain('no-models/Xenova/multilingual-e5-small');
    expect(err.message).toContain('onnx/model.onnx');
    expect(err.message).toContain('--allow-remote');
  });

  it('goes to the hub only with --allow-remote (here the network is cut, so loading fails as an InputError)', async () => {
    const modelDir = join(work, 'no-models');
    const e = new TransformersEmbedder({ model: 'Xenova/multilingual-e5-small', modelDir, allowRemote: true });
    expect(e.id).toMatch(/^transformers:Xenova\/multilingual-e5-small@fp32#/);
    const err = await e.embed(['テスト']).catch((x) => x);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain('network access attempted');
    expect(err.message).toContain('huggingface.co');
  });

  it('the shipped models/embedders.json gives e5 and ruri-v3 their prefixes, matched by id or folder name', () => {
    const file = readJson(join(ROOT, 'models/embedders.json'), EmbeddersFile);
    const e5 = resolveModelSettings(file, 'Xenova/multilingual-e5-small');
    expect(e5.prefix).toEqual({ default: 'query: ', query: 'query: ', passage: 'passage: ' });
    expect(resolveModelSettings(file, '/data/models/intfloat-multilingual-e5-base').entry).toBe('Xenova/multilingual-e5-small');
    const ruri = resolveModelSettings(file, '/home/me/models/ruri-v3-130m-onnx');
    expect(ruri.prefix.query).toBe('検索クエリ: ');
    expect(ruri.prefix.passage).toBe('検索文書: ');
    expect(resolveModelSettings(file, 'some/other-model')).toMatchObject({ entry: 'defaults', pooling: 'mean', dtype: 'fp32' });
  });

  it('a dtype whose weights file is absent names that file', () => {
    expect(() => new TransformersEmbedder({ model: MODEL, dtype: 'q8' })).toThrow(/model_quantized\.onnx/);
  });

  it('embedItems skips empty fields with a reason and keeps item order', async () => {
    const e = new TransformersEmbedder({ model: MODEL });
    const withEmpty = seedItems(60);
    const result = await embedItems(withEmpty, e, { field: 'response', cache: false, quiet: true });
    const empty = withEmpty.filter((i) => i.response === '');
    expect(empty.length).toBeGreaterThan(0);
    expect(result.skipped).toEqual(empty.map((i) => ({ id: i.id, reason: 'empty response' })));
    expect(result.ids).toEqual(withEmpty.filter((i) => i.response !== '').map((i) => i.id));
    expect(result.vectors.length + result.skipped.length).toBe(withEmpty.length);
    expect(result.dim).toBe(HIDDEN);
  });
});

describe('pubcom embed with a transformers model', () => {
  const cli = (args: string[]) => pubcom('embed', ...args);

  it('writes JSONL and .f32 files that read back to the same vectors, identical across reruns', async () => {
    const itemsPath = join(work, 'items.jsonl');
    writeJsonl(itemsPath, seedItems(30));
    const common = ['--embedder', `transformers:${MODEL}`, '--field', 'response', '--no-cache'];
    const a = await cli([itemsPath, '--out', join(work, 'a.jsonl'), ...common]);
    expect(a.stderr).toContain('30 items');
    expect(a.code).toBe(0);
    const b = await cli([itemsPath, '--out', join(work, 'b.jsonl'), ...common, '--quiet']);
    expect(b.code).toBe(0);
    expect(b.stderr).toBe('');
    expect(readFileSync(join(work, 'b.jsonl')).equals(readFileSync(join(work, 'a.jsonl')))).toBe(true);
    const f = await cli([itemsPath, '--out', join(work, 'a.f32'), ...common, '--quiet']);
    expect(f.code).toBe(0);
    const fromJsonl = readEmbeddings(join(work, 'a.jsonl'));
    const fromF32 = readEmbeddings(join(work, 'a.f32'));
    expect(fromF32.ids).toEqual(fromJsonl.ids);
    expect(fromF32.skipped).toEqual(fromJsonl.skipped);
    expect(bytes(fromF32.vectors).equals(bytes(fromJsonl.vectors))).toBe(true);
    expect(fromJsonl.vectors.length + fromJsonl.skipped.length).toBe(30);
  });

  it('exits 2 with the model to fetch when it is missing, and writes nothing', async () => {
    const itemsPath = join(work, 'items-missing.jsonl');
    writeJsonl(itemsPath, seedItems(3));
    const out = join(work, 'never.jsonl');
    const r = await cli([itemsPath, '--out', out, '--embedder', 'transformers:Xenova/multilingual-e5-small', '--model-dir', join(work, 'empty')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Xenova\/multilingual-e5-small.*not found/);
    expect(existsSync(out)).toBe(false);
  });
});
