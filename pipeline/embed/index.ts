// embed stage: items → one L2-normalised vector per item, from the backend named by an embedder spec.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Item } from '../core/schema.ts';
import { InputError } from '../core/errors.ts';
import type { Embedder } from './types.ts';
import { LsaEmbedder, lsaEmbedder, type LsaOptions } from './lsa.ts';
import { TransformersEmbedder, Dtype } from './transformers.ts';
import { CachedEmbedder, DEFAULT_CACHE_DIR } from './cache.ts';
import { progress } from '../core/progress.ts';
import { EMBEDDER_SPEC_HELP } from './spec.ts';
import type { Embeddings, SkippedItem } from './output.ts';
import { MODELS_DIR } from '../core/models.ts';

export type { Embedder } from './types.ts';
export { TransformersEmbedder, transformersEmbedder, planBatches, poolAndNormalize, EmbeddersFile } from './transformers.ts';
export { CachedEmbedder, CacheShard, corpusHash, DEFAULT_CACHE_DIR } from './cache.ts';
export { progress, type Progress, type ProgressOptions } from '../core/progress.ts';
export {
  EmbeddingRecord,
  EmbeddingsIndex,
  EMBEDDINGS_FORMAT,
  readEmbeddings,
  writeEmbeddings,
  formatOf,
  type Embeddings,
} from './output.ts';
export { LsaEmbedder, lsaEmbedder };
export { EMBEDDER_SPEC_HELP, DTYPES } from './spec.ts';

export interface CreateEmbedderOptions {
  /** Folder holding <org>/<name>/ transformers model folders (default models/embedders). */
  modelDir?: string;
  /** Let transformers.js fetch a model missing locally from the Hugging Face hub. */
  allowRemote?: boolean;
  batchSize?: number;
  dtype?: Dtype;
  /** Per-model settings (default models/embedders.json). */
  settingsPath?: string;
  /** lsa: the tokenizer (and the words it already found) to build the space with; default the built-in term lists. */
  lsa?: Pick<LsaOptions, 'tokenizer' | 'tokenizerKey' | 'words'>;
}

function parseLsaParams(spec: string, params: string): { dim?: number; seed?: number } {
  const out: { dim?: number; seed?: number } = {};
  for (const part of params.split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    const n = Number(value);
    if ((key !== 'dim' && key !== 'seed') || value === undefined || !Number.isInteger(n) || n < (key === 'dim' ? 1 : 0)) {
      throw new InputError('--embedder', `"${spec}": expected lsa:dim=N,seed=S with whole numbers (dim ≥ 1), got "${part}"`);
    }
    out[key] = n;
  }
  return out;
}

/** Builds the backend an embedder spec names ("lsa", "lsa:dim=64", "transformers:Xenova/multilingual-e5-small"). */
export async function createEmbedder(spec: string, opts: CreateEmbedderOptions = {}): Promise<Embedder> {
  const [backend, ...rest] = spec.split(':');
  const arg = rest.join(':');
  if (backend === 'lsa') return lsaEmbedder({ ...parseLsaParams(spec, arg), ...opts.lsa });
  if (backend === 'transformers') {
    if (!arg) throw new InputError('--embedder', `"${spec}": name a model, e.g. transformers:Xenova/multilingual-e5-small`);
    if (opts.batchSize !== undefined && (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)) {
      throw new InputError('--batch-size', `expected a whole number ≥ 1, got ${opts.batchSize}`);
    }
    return new TransformersEmbedder({ model: arg, ...opts });
  }
  throw new InputError('--embedder', `unknown embedder "${spec}": expected ${EMBEDDER_SPEC_HELP}`);
}

/** lsa learns its space from the corpus, so its cache entries are only valid for the same corpus. */
export function isCorpusDependent(embedder: Embedder): boolean {
  return embedder instanceof LsaEmbedder || /^lsa\b/.test(embedder.id);
}

/** Researcher-edited data that shapes lsa vectors without showing in its id: its settings, term lists, filters. */
const LSA_CONFIG_PATHS = ['lsa.json', 'terms', 'tokenize'];

/** Bumped whenever linalg.ts or the SVD in lsa.ts changes the floating-point operations or their order. */
export const LSA_ARITHMETIC = 4;

/** sha256 over the named files (folders: their files, sorted), 16 hex digits; missing paths count as empty. */
export function configFingerprint(paths: readonly string[] = LSA_CONFIG_PATHS, root = MODELS_DIR): string {
  // The arithmetic's own version: a change in summation order (linalg.ts) changes the vectors' last bits, and a
  // cache filled by the earlier code must not make a cached rerun differ from an uncached one.
  const h = createHash('sha256').update(`lsa-arithmetic:${LSA_ARITHMETIC}\0`);
  const visit = (rel: string) => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) visit(join(rel, f));
    } else {
      h.update(`${rel}\0`).update(readFileSync(abs)).update('\0');
    }
  };
  paths.forEach(visit);
  return h.digest('hex').slice(0, 16);
}

/**
 * The one way every stage wraps an embedder in the on-disk cache. A corpus-dependent space (lsa) is keyed by its
 * corpus and by the settings and term lists it was built with, so editing them never serves stale vectors.
 * An embedder that is already cached is returned as it is.
 */
export function withCache(embedder: Embedder, opts: { dir: string; enabled: boolean }): CachedEmbedder {
  if (embedder instanceof CachedEmbedder) return embedder;
  const corpusDependent = isCorpusDependent(embedder);
  return new CachedEmbedder(embedder, {
    dir: opts.dir,
    corpusDependent,
    configKey: corpusDependent ? configFingerprint() + (embedder instanceof LsaEmbedder && embedder.tokenizerKey ? `+${embedder.tokenizerKey}` : '') : undefined,
    enabled: opts.enabled,
  });
}

export type TextField = 'comment' | 'response';
export type TextKind = 'default' | 'query' | 'passage';

export interface EmbedItemsOptions {
  field?: TextField;
  /** Which prefix a prefix-trained model gets (e5: query/passage); "default" is for clustering/similarity. */
  kind?: TextKind;
  /** Reuse and fill the on-disk cache (default true); ignored when `embedder` is already a CachedEmbedder. */
  cache?: boolean;
  cacheDir?: string;
  quiet?: boolean;
  /** Texts per embed() call; progress advances per chunk. */
  chunkSize?: number;
}

export interface EmbedItemsResult extends Embeddings {
  /** Texts served from the cache / computed, counted over distinct texts. */
  cache: { hits: number; computed: number; enabled: boolean };
  seconds: number;
}

/**
 * Embeds one text field of every item. Items whose field is empty are not embedded and come back in
 * `skipped` with the reason; identical texts are embedded once.
 */
export async function embedItems(
  items: readonly Item[],
  embedder: Embedder,
  opts: EmbedItemsOptions = {},
): Promise<EmbedItemsResult> {
  const started = performance.now();
  const field = opts.field ?? 'comment';
  const kind = opts.kind ?? 'default';
  // Always wrapped, even with the cache off, so the recorded embedder id (and lsa's deferred fit) is the same
  // whether or not vectors came from disk.
  const target = withCache(embedder, { dir: opts.cacheDir ?? DEFAULT_CACHE_DIR, enabled: opts.cache ?? true });

  const ids: string[] = [];
  const texts: string[] = [];
  const skipped: SkippedItem[] = [];
  for (const item of items) {
    const text = item[field];
    if (text.trim() === '') skipped.push({ id: item.id, reason: `empty ${field}` });
    else {
      ids.push(item.id);
      texts.push(text);
    }
  }

  // Distinct texts, shortest first, so backends that batch (transformers) pad each batch to similar lengths.
  const unique = [...new Set(texts)].sort((a, b) => a.length - b.length);
  const hitsBefore = target.stats.hits;
  const missesBefore = target.stats.misses;
  await target.fit(texts);
  const batchSize = (embedder as { batchSize?: unknown }).batchSize;
  const chunk = opts.chunkSize ?? Math.max(64, typeof batchSize === 'number' ? batchSize : 0);
  const bar = progress(`embed ${field}`, unique.length, { quiet: opts.quiet });
  const byText = new Map<string, Float32Array>();
  try {
    for (let i = 0; i < unique.length; i += chunk) {
      const part = unique.slice(i, i + chunk);
      const vectors = await target.embed(part, kind === 'default' ? undefined : kind);
      part.forEach((t, j) => byText.set(t, vectors[j]));
      bar.tick(part.length);
    }
  } finally {
    bar.done();
    target.flush();
  }

  const vectors = texts.map((t) => byText.get(t)!);
  const dim = vectors[0]?.length ?? 0;
  return {
    embedder: target.id,
    dim,
    field,
    kind,
    ids,
    vectors,
    skipped,
    order: items.map((i) => i.id),
    cache: {
      enabled: target.enabled,
      hits: target.stats.hits - hitsBefore,
      computed: target.stats.misses - missesBefore,
    },
    seconds: (performance.now() - started) / 1000,
  };
}
