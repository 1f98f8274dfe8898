// The embeddings file that later stages (themes, similarity classifiers, duplicates) read. Two encodings:
//   .jsonl  one line per item, in item order: {"id", "embedder", "vector": [...]} — or "vector": null with
//           "skipped": "<reason>" for an item that has no text to embed. Readable anywhere; ~12 bytes a number.
//   .f32    raw little-endian float32, row-major [count × dim], with an index <file>.json (ids in row order,
//           the embedder, dim, and the skipped items with reasons). 4 bytes a number: for large runs.
// Numbers in JSONL are printed with 9 significant digits, which round-trips every float32 exactly.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { readJson, readJsonl, toJsonl, writeAtomic } from '../core/io.ts';

export const EMBEDDINGS_FORMAT = 'pubcom-embeddings/1';

export const EmbeddingRecord = z.object({
  id: z.string().min(1),
  embedder: z.string(),
  vector: z.array(z.number()).nullable(),
  skipped: z.string().optional(),
});
export type EmbeddingRecord = z.infer<typeof EmbeddingRecord>;

export const SkippedItem = z.object({ id: z.string(), reason: z.string() });
export type SkippedItem = z.infer<typeof SkippedItem>;

export const EmbeddingsIndex = z.object({
  format: z.literal(EMBEDDINGS_FORMAT),
  embedder: z.string(),
  dim: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  field: z.string(),
  kind: z.enum(['default', 'query', 'passage']),
  /** Ids of the rows of the .f32 file, in order. */
  ids: z.array(z.string()),
  skipped: z.array(SkippedItem),
});
export type EmbeddingsIndex = z.infer<typeof EmbeddingsIndex>;

/** What embedItems returns and what a vectors file holds. */
export interface Embeddings {
  embedder: string;
  dim: number;
  field: string;
  kind: 'default' | 'query' | 'passage';
  /** Embedded items, in input order. */
  ids: string[];
  vectors: Float32Array[];
  /** Items not embedded, in input order, with the reason. */
  skipped: SkippedItem[];
  /** Input order of all items, embedded or skipped (JSONL keeps it). */
  order: string[];
}

export type EmbeddingsFormat = 'jsonl' | 'f32';

export function formatOf(path: string): EmbeddingsFormat {
  if (/\.jsonl$/i.test(path)) return 'jsonl';
  if (/\.f32$/i.test(path)) return 'f32';
  throw new InputError(path, 'unknown embeddings format: use a .jsonl or .f32 file name');
}

function compactNumber(x: number): number {
  return Number(x.toPrecision(9));
}

export function writeEmbeddings(path: string, e: Embeddings): string[] {
  const format = formatOf(path);
  if (format === 'jsonl') {
    const byId = new Map(e.ids.map((id, i) => [id, e.vectors[i]]));
    const reasons = new Map(e.skipped.map((s) => [s.id, s.reason]));
    const records = e.order.map((id) => {
      const v = byId.get(id);
      return v
        ? { id, embedder: e.embedder, vector: Array.from(v, compactNumber) }
        : { id, embedder: e.embedder, vector: null, skipped: reasons.get(id) ?? 'not embedded' };
    });
    writeAtomic(path, toJsonl(records));
    return [path];
  }
  const data = new Float32Array(e.vectors.length * e.dim);
  e.vectors.forEach((v, i) => data.set(v, i * e.dim));
  const index: EmbeddingsIndex = {
    format: EMBEDDINGS_FORMAT,
    embedder: e.embedder,
    dim: e.dim,
    count: e.vectors.length,
    field: e.field,
    kind: e.kind,
    ids: e.ids,
    skipped: e.skipped,
  };
  // Data first, index last: a reader finds the index only once the data it describes is complete.
  writeAtomic(path, new Uint8Array(data.buffer));
  writeAtomic(`${path}.json`, JSON.stringify(index) + '\n');
  return [path, `${path}.json`];
}

export function readEmbeddings(path: string): Embeddings {
  if (formatOf(path) === 'jsonl') {
    const records = readJsonl(path, EmbeddingRecord);
    const embedded = records.filter((r) => r.vector !== null);
    const dim = embedded[0]?.vector?.length ?? 0;
    embedded.forEach((r, i) => {
      if (r.vector!.length !== dim) {
        throw new InputError(path, `vector of length ${r.vector!.length}, expected ${dim}`, `record ${i + 1}`);
      }
    });
    return {
      embedder: records[0]?.embedder ?? '',
      dim,
      field: '',
      kind: 'default',
      ids: embedded.map((r) => r.id),
      vectors: embedded.map((r) => Float32Array.from(r.vector!)),
      skipped: records.filter((r) => r.vector === null).map((r) => ({ id: r.id, reason: r.skipped ?? '' })),
      order: records.map((r) => r.id),
    };
  }
  const index = readJson(`${path}.json`, EmbeddingsIndex);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(path, 'cannot read vectors file');
  }
  if (bytes.length !== index.count * index.dim * 4 || index.ids.length !== index.count) {
    throw new InputError(path, `expected ${index.count} × ${index.dim} float32 values (${index.count * index.dim * 4} bytes), found ${bytes.length} bytes`);
  }
  const all = new Float32Array(index.count * index.dim);
  new Uint8Array(all.buffer).set(bytes);
  return {
    embedder: index.embedder,
    dim: index.dim,
    field: index.field,
    kind: index.kind,
    ids: index.ids,
    vectors: index.ids.map((_, i) => all.subarray(i * index.dim, (i + 1) * index.dim)),
    skipped: index.skipped,
    order: [...index.ids, ...index.skipped.map((s) => s.id)],
  };
}
