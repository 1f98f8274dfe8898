// transformers:<model> backend: a pretrained sentence-embedding model run by @huggingface/transformers on
// onnxruntime-node (CPU). Models come from a local folder; the hub is used only when the user passes
// --allow-remote, so a run never downloads anything behind the researcher's back.
import { existsSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve, relative, isAbsolute } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { modelPath, readModel } from '../core/models.ts';
import type { Embedder } from './types.ts';
import { DTYPES } from './spec.ts';

export const Dtype = z.enum(DTYPES);
export type Dtype = z.infer<typeof Dtype>;

/** onnx/model<suffix>.onnx, as transformers.js names its per-dtype files. */
export const DTYPE_FILE_SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

const Prefixes = z.object({ default: z.string(), query: z.string(), passage: z.string() });
const ModelSettingsFields = {
  pooling: z.enum(['mean', 'cls']),
  max_length: z.number().int().positive(),
  dtype: Dtype,
  batch_size: z.number().int().positive(),
  prefix: Prefixes,
};
const ModelEntry = z
  .object({
    match: z.array(z.string().min(1)).optional(),
    pooling: ModelSettingsFields.pooling.optional(),
    max_length: ModelSettingsFields.max_length.optional(),
    dtype: ModelSettingsFields.dtype.optional(),
    batch_size: ModelSettingsFields.batch_size.optional(),
    prefix: Prefixes.partial().optional(),
    rationale: z.string().min(1),
  })
  .strict();
export const EmbeddersFile = z.object({
  $comment: z.string().optional(),
  defaults: z.object({ ...ModelSettingsFields, rationale: z.string().min(1) }).strict(),
  models: z.record(z.string(), ModelEntry),
});
export type EmbeddersFile = z.infer<typeof EmbeddersFile>;

export interface ModelSettings {
  /** Settings entry that matched, or "defaults". */
  entry: string;
  pooling: 'mean' | 'cls';
  max_length: number;
  dtype: Dtype;
  batch_size: number;
  prefix: z.infer<typeof Prefixes>;
}

export const DEFAULT_SETTINGS_PATH = modelPath('embedders.json');
export const DEFAULT_MODEL_DIR = modelPath('embedders');

/** Exact key first, then the first entry (in file order) whose `match` substring occurs in the model name. */
export function resolveModelSettings(file: EmbeddersFile, model: string): ModelSettings {
  const name = model.replaceAll('\\', '/');
  let key: string | undefined = file.models[name] ? name : undefined;
  key ??= Object.keys(file.models).find((k) => name.endsWith(`/${k}`));
  key ??= Object.keys(file.models).find((k) => file.models[k].match?.some((m) => name.includes(m)));
  const entry = key ? file.models[key] : undefined;
  const d = file.defaults;
  return {
    entry: key ?? 'defaults',
    pooling: entry?.pooling ?? d.pooling,
    max_length: entry?.max_length ?? d.max_length,
    dtype: entry?.dtype ?? d.dtype,
    batch_size: entry?.batch_size ?? d.batch_size,
    prefix: { ...d.prefix, ...entry?.prefix },
  };
}

export interface TransformersOptions {
  /** Hub id (looked up under modelDir) or a folder path. */
  model: string;
  /** Folder holding <org>/<name>/ model folders; default models/embedders. */
  modelDir?: string;
  allowRemote?: boolean;
  batchSize?: number;
  dtype?: Dtype;
  /** models/embedders.json by default. */
  settingsPath?: string;
  /** onnxruntime intra-op threads; default: onnxruntime's own (one per physical core). */
  threads?: number;
}

interface ModelLocation {
  /** transformers.js `localModelPath` and model id such that localModelPath/id is the folder. */
  root: string;
  id: string;
  folder: string;
  onnxFile: string;
  /** "onnx" (the transformers.js layout) or "" when model*.onnx sits beside config.json. */
  subfolder: string;
  local: boolean;
}

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

function looksLikePath(model: string): boolean {
  return model.startsWith('.') || isAbsolute(model) || existsSync(join(model, 'config.json'));
}

function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

function locateModel(opts: TransformersOptions, dtype: Dtype): ModelLocation {
  const isPath = looksLikePath(opts.model);
  const modelDir = resolve(opts.modelDir ?? DEFAULT_MODEL_DIR);
  const folder = isPath ? resolve(opts.model) : join(modelDir, opts.model);
  const fileName = `model${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
  const subfolder = existsSync(join(folder, 'onnx', fileName)) || !existsSync(join(folder, fileName)) ? 'onnx' : '';
  const onnxFile = subfolder ? `onnx/${fileName}` : fileName;
  const missing = [...REQUIRED_FILES, onnxFile].filter((f) => !existsSync(join(folder, f)));
  // transformers.js reads a hub-style id under localModelPath, and anything that is not a valid hub id (an
  // absolute path) as a path of its own.
  const root = isPath ? dirname(folder) : modelDir;
  const id = isPath ? folder : opts.model;
  if (missing.length === 0) return { root, id, folder, onnxFile, subfolder, local: true };
  if (opts.allowRemote && !isPath) return { root, id, folder, onnxFile: `onnx/${fileName}`, subfolder: 'onnx', local: false };

  const wanted = [`onnx/${fileName}`, ...REQUIRED_FILES].join(', ');
  const where = displayPath(folder);
  const present = existsSync(folder) ? ` (missing: ${missing.join(', ')})` : '';
  const how = isPath
    ? `put the model's ${wanted} into ${where}`
    : `download ${opts.model} (${wanted}) from https://huggingface.co/${opts.model} into ${where}, ` +
      `pass --model-dir <folder that holds ${opts.model}/>, or pass --allow-remote to fetch it from the Hugging Face hub`;
  const dtypeHint = dtype === 'fp32' ? '' : ` (--dtype ${dtype} needs ${fileName}; --dtype fp32 uses model.onnx)`;
  throw new InputError(where, `transformers model "${opts.model}" not found${present}: ${how}${dtypeHint}`);
}

const fingerprintMemo = new Map<string, string>();

/** Content hash of the files that decide the vectors, so a replaced model never reuses stale cache entries. */
function fingerprintFile(path: string): string {
  const st = statSync(path);
  const memoKey = `${path}\0${st.size}\0${st.mtimeMs}`;
  const known = fingerprintMemo.get(memoKey);
  if (known) return known;
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    let n: number;
    while ((n = readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const digest = h.digest('hex');
  fingerprintMemo.set(memoKey, digest);
  return digest;
}

// transformers.js reads its global env while loading, so loads are serialised to keep two embedders with
// different model folders from seeing each other's settings.
let loadChain: Promise<unknown> = Promise.resolve();

type Extractor = Awaited<ReturnType<typeof import('@huggingface/transformers').pipeline<'feature-extraction'>>>;

export interface EncodedBatch {
  input_ids: { data: ArrayLike<bigint>; dims: number[] };
  attention_mask: { data: ArrayLike<bigint>; dims: number[] };
}

/**
 * Batches of similar length, so short comments are not padded to the longest one in the corpus. Ordering is a
 * stable sort on character length, so the same texts always form the same batches.
 */
export function planBatches(texts: readonly string[], batchSize: number): number[][] {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length || a - b);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

/**
 * Mean (over non-padding tokens) or first-token pooling, then L2 normalisation, accumulated in float64.
 * Shared with the benchmark's direct-onnxruntime path so both do identical post-processing.
 */
export function poolAndNormalize(
  hidden: Float32Array,
  dims: readonly number[],
  mask: ArrayLike<bigint | number>,
  pooling: 'mean' | 'cls',
): Float32Array[] {
  const [batch, seq, dim] = dims;
  const out: Float32Array[] = [];
  const acc = new Float64Array(dim);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (pooling === 'cls' ? s > 0 : Number(mask[b * seq + s]) === 0) continue;
      const base = (b * seq + s) * dim;
      for (let k = 0; k < dim; k++) acc[k] += hidden[base + k];
      count++;
    }
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      acc[k] /= Math.max(count, 1);
      norm += acc[k] * acc[k];
    }
    norm = Math.sqrt(norm) || 1;
    const v = new Float32Array(dim);
    for (let k = 0; k < dim; k++) v[k] = acc[k] / norm;
    out.push(v);
  }
  return out;
}

export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly settings: ModelSettings;
  readonly location: ModelLocation;
  readonly batchSize: number;
  readonly dtype: Dtype;
  private extractor: Promise<Extractor> | undefined;
  private hiddenSize: number | undefined;

  constructor(readonly options: TransformersOptions) {
    const settingsPath = options.settingsPath ?? DEFAULT_SETTINGS_PATH;
    if (!existsSync(settingsPath)) throw new InputError(settingsPath, 'model settings file not found');
    const file = readModel(resolve(settingsPath), EmbeddersFile);
    const model = options.model.replace(/\/+$/, '');
    this.settings = resolveModelSettings(file, looksLikePath(model) ? resolve(model) : model);
    this.dtype = options.dtype ?? this.settings.dtype;
    this.batchSize = options.batchSize ?? this.settings.batch_size;
    this.location = locateModel({ ...options, model }, this.dtype);
    if (this.location.local) {
      const config = JSON.parse(readFileSync(join(this.location.folder, 'config.json'), 'utf8'));
      const h = config.hidden_size ?? config.d_model ?? config.dim;
      if (typeof h === 'number') this.hiddenSize = h;
    }
    // Everything that changes the vectors goes into the id (and so into cache keys): model bytes, dtype,
    // pooling, truncation and prefixes. Batch size does not change them beyond float rounding.
    const h = createHash('sha256');
    if (this.location.local) {
      for (const f of [...REQUIRED_FILES, this.location.onnxFile]) h.update(`${f}\0${fingerprintFile(join(this.location.folder, f))}\0`);
    } else {
      h.update(`hub\0${this.location.id}\0main`);
    }
    const { pooling, max_length, prefix } = this.settings;
    h.update(JSON.stringify({ pooling, max_length, prefix }));
    // A folder is named by its last component: the content hash already tells folders apart, and output files
    // should not change with where the model happens to sit on disk.
    const name = looksLikePath(model) ? basename(resolve(model)) : model;
    this.id = `transformers:${name}@${this.dtype}#${h.digest('hex').slice(0, 16)}`;
  }

  get dim(): number {
    if (this.hiddenSize === undefined) throw new Error(`${this.id}: dimension unknown until the model is loaded`);
    return this.hiddenSize;
  }

  async fit(): Promise<void> {}

  /** The loaded pipeline (tokenizer + model); loaded on first use so a fully cached run never loads it. */
  load(): Promise<Extractor> {
    this.extractor ??= this.loadExtractor();
    return this.extractor;
  }

  private async loadExtractor(): Promise<Extractor> {
    const run = loadChain.then(async () => {
      const { env, pipeline, LogLevel } = await import('@huggingface/transformers');
      env.allowLocalModels = true;
      env.allowRemoteModels = Boolean(this.options.allowRemote) && !this.location.local;
      env.localModelPath = this.location.root + '/';
      // Downloads (only with --allow-remote) land in the model folder layout we read from, so the next run is
      // offline.
      env.cacheDir = this.location.root;
      env.logLevel = LogLevel.ERROR;
      try {
        const extractor = await pipeline('feature-extraction', this.location.id, {
          dtype: this.dtype,
          device: 'cpu',
          subfolder: this.location.subfolder,
          local_files_only: !env.allowRemoteModels,
          session_options: this.options.threads ? { intraOpNumThreads: this.options.threads } : {},
        });
        const config = extractor.model.config as unknown as Record<string, unknown>;
        const h = config.hidden_size ?? config.d_model ?? config.dim;
        if (typeof h === 'number') this.hiddenSize = h;
        return extractor;
      } catch (e) {
        throw new InputError(
          displayPath(this.location.folder),
          `cannot load transformers model "${this.options.model}": ${(e as Error).message}`,
        );
      }
    });
    loadChain = run.catch(() => undefined);
    return run;
  }

  /** Tokenises one batch the way embed() does (prefix, padding, truncation to max_length). */
  async encode(texts: readonly string[], kind?: 'query' | 'passage'): Promise<EncodedBatch> {
    const extractor = await this.load();
    const prefix = this.settings.prefix[kind ?? 'default'];
    return extractor.tokenizer(
      texts.map((t) => prefix + t),
      { padding: true, truncation: true, max_length: this.settings.max_length },
    ) as unknown as EncodedBatch;
  }

  async embed(texts: readonly string[], kind?: 'query' | 'passage'): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(texts.length);
    if (texts.length === 0) return out;
    const extractor = await this.load();
    for (const batch of planBatches(texts, this.batchSize)) {
      const inputs = await this.encode(batch.map((i) => texts[i]), kind);
      const outputs = await extractor.model(inputs as unknown as Record<string, unknown>);
      const hidden = outputs.last_hidden_state ?? outputs.token_embeddings ?? outputs.logits;
      const vectors = poolAndNormalize(hidden.data as Float32Array, hidden.dims, inputs.attention_mask.data, this.settings.pooling);
      batch.forEach((textIndex, j) => (out[textIndex] = vectors[j]));
    }
    return out;
  }
}

export function transformersEmbedder(options: TransformersOptions): TransformersEmbedder {
  return new TransformersEmbedder(options);
}
