// On-disk embedding cache, keyed by (embedder id, text kind, sha256 of the text).
//
// Layout: <dir>/<sha256(key) prefix>/meta.json plus segment files seg-*.f32v. Each flush writes one new segment
// (atomically: temp file + rename) holding only the vectors computed since the last flush, so 20,000 texts cost
// a handful of files rather than 20,000, nothing is rewritten, and two processes filling the same shard never
// clobber each other. On open, all segments are read into memory; many small segments are compacted into one.
//
// Segment format (little-endian): 8-byte magic "PCEMB1\n\0", uint32 dim, uint32 count, count × 32-byte sha256
// digests, then count × dim float32 values. Cached vectors are the exact float32 bytes the embedder produced,
// so a cached rerun is byte-identical to the run that filled the cache.
import { mkdirSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { writeAtomic } from '../core/io.ts';
import type { Embedder } from './types.ts';
import { DEFAULT_CACHE_DIR } from './spec.ts';

export { DEFAULT_CACHE_DIR } from './spec.ts';
const MAGIC = Buffer.from('PCEMB1\n\0', 'latin1');
const HEADER = 16;
const DIGEST = 32;
const COMPACT_ABOVE = 16;
const FLUSH_EVERY = 2048;

if (endianness() !== 'LE') throw new Error('embedding cache: little-endian host required');

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function encodeSegment(dim: number, entries: readonly [Buffer, Float32Array][]): Uint8Array {
  const buf = Buffer.alloc(HEADER + entries.length * (DIGEST + dim * 4));
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(dim, 8);
  buf.writeUInt32LE(entries.length, 12);
  const vecOffset = HEADER + entries.length * DIGEST;
  entries.forEach(([digest, v], i) => {
    digest.copy(buf, HEADER + i * DIGEST);
    Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(buf, vecOffset + i * dim * 4);
  });
  return buf;
}

/** Entries of one segment file; null when the file is not a complete segment of this dimension. */
function decodeSegment(bytes: Buffer, dim: number): [string, Float32Array][] | null {
  if (bytes.length < HEADER || !bytes.subarray(0, 8).equals(MAGIC)) return null;
  const segDim = bytes.readUInt32LE(8);
  const count = bytes.readUInt32LE(12);
  if (segDim !== dim || bytes.length !== HEADER + count * (DIGEST + dim * 4)) return null;
  // One aligned copy of the vector block; each vector is a view into it.
  const vecStart = HEADER + count * DIGEST;
  const floats = new Float32Array(count * dim);
  new Uint8Array(floats.buffer).set(bytes.subarray(vecStart));
  const out: [string, Float32Array][] = [];
  for (let i = 0; i < count; i++) {
    const key = bytes.toString('latin1', HEADER + i * DIGEST, HEADER + (i + 1) * DIGEST);
    out.push([key, floats.subarray(i * dim, (i + 1) * dim)]);
  }
  return out;
}

interface ShardMeta {
  key: string;
  dim: number;
}

/** Vectors of one (embedder, kind) pair. */
export class CacheShard {
  readonly path: string;
  private vectors = new Map<string, Float32Array>();
  private pending: [Buffer, Float32Array][] = [];
  private dim: number | undefined;
  private loaded = false;
  /** Segment files that could not be read (truncated or foreign); they are ignored. */
  readonly unreadable: string[] = [];

  constructor(
    dir: string,
    readonly key: string,
  ) {
    this.path = join(dir, createHash('sha256').update(key).digest('hex').slice(0, 24));
  }

  get size(): number {
    this.load();
    return this.vectors.size;
  }

  knownDim(): number | undefined {
    this.load();
    return this.dim;
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const metaPath = join(this.path, 'meta.json');
    if (!existsSync(metaPath)) return;
    let meta: ShardMeta;
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    } catch {
      return;
    }
    // A hash-prefix collision or a hand-edited folder: never serve another embedder's vectors.
    if (meta.key !== this.key || !Number.isInteger(meta.dim)) return;
    this.dim = meta.dim;
    const segments = readdirSync(this.path).filter((f) => f.endsWith('.f32v')).sort();
    const read: string[] = [];
    for (const seg of segments) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(this.path, seg));
      } catch {
        continue; // compacted away by another process between readdir and read
      }
      const entries = decodeSegment(bytes, meta.dim);
      if (!entries) {
        this.unreadable.push(seg);
        continue;
      }
      for (const [k, v] of entries) this.vectors.set(k, v);
      read.push(seg);
    }
    if (read.length > COMPACT_ABOVE) this.compact(read);
  }

  private compact(segments: string[]): void {
    const entries = [...this.vectors].map(([k, v]) => [Buffer.from(k, 'latin1'), v] as [Buffer, Float32Array]);
    this.writeSegment(entries);
    for (const seg of segments) rmSync(join(this.path, seg), { force: true });
  }

  private writeSegment(entries: [Buffer, Float32Array][]): void {
    const name = `seg-${Date.now().toString(36).padStart(9, '0')}-${process.pid}-${randomBytes(4).toString('hex')}.f32v`;
    writeAtomic(join(this.path, name), encodeSegment(this.dim!, entries));
  }

  get(digest: Buffer): Float32Array | undefined {
    this.load();
    return this.vectors.get(digest.toString('latin1'));
  }

  put(digest: Buffer, vector: Float32Array): void {
    this.load();
    if (this.dim === undefined) {
      this.dim = vector.length;
      mkdirSync(this.path, { recursive: true });
      writeAtomic(join(this.path, 'meta.json'), JSON.stringify({ key: this.key, dim: this.dim }) + '\n');
    }
    if (vector.length !== this.dim) {
      throw new Error(`embedding cache ${this.path}: vector of length ${vector.length}, shard holds ${this.dim}`);
    }
    const k = digest.toString('latin1');
    if (this.vectors.has(k)) return;
    this.vectors.set(k, vector);
    this.pending.push([digest, vector]);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.writeSegment(this.pending);
    this.pending = [];
  }
}

export interface CacheStats {
  hits: number;
  misses: number;
}

export interface CachedEmbedderOptions {
  /** Cache folder; default .cache/embeddings. */
  dir?: string;
  /**
   * The embedder's space depends on the corpus it was fitted on (lsa): the corpus hash joins the key, and
   * fitting is deferred until a text is missing from the cache, so a fully cached rerun skips fitting.
   * Defaults to true for ids starting with "lsa".
   */
  corpusDependent?: boolean;
  /**
   * Extra key material for settings the embedder's id does not show (for lsa: a hash of models/lsa.json and
   * the tokenizer's term and filter files), so editing them never serves stale vectors.
   */
  configKey?: string;
  /**
   * false: neither read nor write the disk (--no-cache), but keep the same id and fitting behaviour, so the
   * output does not depend on whether the cache was used.
   */
  enabled?: boolean;
}

/** sha256 over the corpus texts in order (length-prefixed, so ["ab","c"] and ["a","bc"] differ). */
export function corpusHash(corpus: readonly string[]): string {
  const h = createHash('sha256');
  for (const t of corpus) h.update(`${Buffer.byteLength(t)}:`).update(t);
  return h.digest('hex').slice(0, 16);
}

/** Wraps any Embedder; vectors already computed for (key, kind, text) come from disk instead. */
export class CachedEmbedder implements Embedder {
  readonly dir: string;
  readonly corpusDependent: boolean;
  readonly enabled: boolean;
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private corpus: readonly string[] | undefined;
  private corpusKey: string | undefined;
  private innerFitted = false;
  /** The inner id as constructed (before any fit, which may change it, e.g. lsa's capped dimension). */
  private readonly baseId: string;
  private readonly configKey: string | undefined;
  private shards = new Map<string, CacheShard>();

  constructor(
    readonly inner: Embedder,
    opts: CachedEmbedderOptions = {},
  ) {
    this.dir = opts.dir ?? DEFAULT_CACHE_DIR;
    this.corpusDependent = opts.corpusDependent ?? /^lsa\b/.test(inner.id);
    this.baseId = inner.id;
    this.configKey = opts.configKey;
    this.enabled = opts.enabled ?? true;
  }

  /** The cache key: the embedder's id, plus the corpus hash for corpus-dependent embedders. */
  get id(): string {
    const corpus = this.corpusKey ? `|corpus=${this.corpusKey}` : '';
    const config = this.configKey ? `|config=${this.configKey}` : '';
    return this.baseId + corpus + config;
  }

  get dim(): number {
    if (this.innerFitted || !this.corpusDependent) {
      try {
        return this.inner.dim;
      } catch {
        /* fall through to the cached dimension */
      }
    }
    for (const shard of this.shards.values()) {
      const d = shard.knownDim();
      if (d !== undefined) return d;
    }
    const d = this.enabled ? this.shard(undefined).knownDim() : undefined;
    return d ?? this.inner.dim;
  }

  async fit(corpus: readonly string[]): Promise<void> {
    if (!this.corpusDependent) {
      await this.inner.fit(corpus);
      return;
    }
    // The same corpus again (the themes stage after the embed stage) keeps the fitted space and the open
    // shards: refitting would give the same vectors at the cost of a second SVD.
    const key = corpusHash(corpus);
    if (key === this.corpusKey) return;
    this.corpus = corpus;
    this.corpusKey = key;
    this.innerFitted = false;
    this.shards.clear();
  }

  private shard(kind: 'query' | 'passage' | undefined): CacheShard {
    const k = `${this.id}\0${kind ?? 'default'}`;
    let s = this.shards.get(k);
    if (!s) {
      s = new CacheShard(this.dir, k);
      this.shards.set(k, s);
    }
    return s;
  }

  async embed(texts: readonly string[], kind?: 'query' | 'passage'): Promise<Float32Array[]> {
    const shard = this.shard(kind);
    const digests = texts.map(digestOf);
    const out: Float32Array[] = new Array(texts.length);
    const missing = new Map<string, number[]>();
    digests.forEach((d, i) => {
      const v = this.enabled ? shard.get(d) : undefined;
      if (v) {
        out[i] = v;
        this.stats.hits++;
      } else {
        const k = d.toString('latin1');
        const list = missing.get(k);
        if (list) list.push(i);
        else missing.set(k, [i]);
      }
    });
    if (missing.size === 0) return out;
    if (this.corpusDependent && !this.innerFitted) {
      if (!this.corpus) throw new Error(`${this.inner.id}: fit() must be called before embed()`);
      await this.inner.fit(this.corpus);
      this.innerFitted = true;
    }
    const firsts = [...missing.values()].map((idx) => idx[0]);
    const vectors = await this.inner.embed(firsts.map((i) => texts[i]), kind);
    firsts.forEach((first, j) => {
      if (this.enabled) shard.put(digests[first], vectors[j]);
      for (const i of missing.get(digests[first].toString('latin1'))!) out[i] = vectors[j];
    });
    this.stats.misses += firsts.length;
    if (shard.pendingCount >= FLUSH_EVERY) shard.flush();
    return out;
  }

  /** Writes vectors computed since the last flush. Call once at the end of a run. */
  flush(): void {
    for (const s of this.shards.values()) s.flush();
  }
}
