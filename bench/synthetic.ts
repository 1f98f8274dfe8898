// Synthetic public-comment rounds for benchmarks: seed sentences resampled with a seeded PRNG, so every bench
// measures the same realistic Japanese text at any size (20,000 comments and more) and reruns are identical.
import { existsSync, readFileSync } from 'node:fs';
import { writeAtomic } from '../pipeline/core/io.ts';
import { fileURLToPath } from 'node:url';
import { cleanText } from '../pipeline/core/text.ts';
import { mulberry32, randomInt } from '../pipeline/core/random.ts';

export const SEED_FILE = fileURLToPath(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url));
const PARSE_MODULE = fileURLToPath(new URL('../pipeline/parse/index.ts', import.meta.url));

export interface SeedRow {
  comment: string;
  response: string;
}

export interface SyntheticRow {
  number: number;
  comment: string;
  response: string;
}

/** Sentences ending at 。 (the last piece may end without one); empty pieces dropped. */
export function splitSentences(text: string): string[] {
  return (text.match(/[^。]+(?:。|$)/g) ?? []).map((s) => s.trim()).filter(Boolean);
}

/**
 * The seed's comment/response pairs: through the parse stage when it is available, otherwise by a crude split
 * of the seed's tab-separated cells (good enough for resampling sentences, never used outside benchmarks).
 */
export async function seedRows(): Promise<SeedRow[]> {
  if (existsSync(PARSE_MODULE)) {
    try {
      // Computed specifier: the parse stage may not exist yet when this file is type-checked.
      const mod: Record<string, unknown> = await import(PARSE_MODULE);
      const parse = mod.parseDocument as undefined | ((input: Uint8Array, opts: object) => Promise<unknown>);
      if (typeof parse === 'function') {
        const doc = (await parse(readFileSync(SEED_FILE), { file: SEED_FILE, slug: 'seed' })) as { items?: SeedRow[] };
        const items = doc?.items?.filter((i) => typeof i.comment === 'string' && typeof i.response === 'string');
        if (items && items.length > 0) return items.map((i) => ({ comment: i.comment, response: i.response }));
      }
    } catch {
      // Fall through to the crude split: a broken parse stage must not stop other stages' benchmarks.
    }
  }
  return crudeSeedRows(readFileSync(SEED_FILE, 'utf8'));
}

function crudeSeedRows(text: string): SeedRow[] {
  const rows: SeedRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split('\t');
    if (cells.length < 2 || /意見の概要|^-+$/.test(cells[0].trim())) continue;
    const response = cleanText(cells[cells.length - 1]);
    const comment = cleanText(cells[cells.length - 2]).replace(/^\d+\s+/, '');
    if (comment) rows.push({ comment, response });
  }
  return rows;
}

export interface SyntheticOptions {
  n: number;
  seed?: number;
}

/**
 * `n` comments, each with as many sentences as a randomly chosen seed comment has, filled with sentences drawn
 * from the seed's comment sentences; responses the same way from response sentences (empty where the chosen seed
 * row has none, so the share of unanswered items matches the seed).
 */
export async function syntheticRows({ n, seed = 20250101 }: SyntheticOptions): Promise<SyntheticRow[]> {
  const base = await seedRows();
  const commentSentences = base.flatMap((r) => splitSentences(r.comment));
  const responseSentences = base.flatMap((r) => splitSentences(r.response));
  const shape = base.map((r) => [splitSentences(r.comment).length, splitSentences(r.response).length] as const);
  const next = mulberry32(seed);
  const rows: SyntheticRow[] = [];
  for (let i = 0; i < n; i++) {
    const [nc, nr] = shape[randomInt(next, shape.length)];
    const comment: string[] = [];
    for (let k = 0; k < Math.max(1, nc); k++) comment.push(commentSentences[randomInt(next, commentSentences.length)]);
    const response: string[] = [];
    for (let k = 0; k < nr; k++) response.push(responseSentences[randomInt(next, responseSentences.length)]);
    rows.push({ number: i + 1, comment: comment.join(''), response: response.join('') });
  }
  return rows;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A ministry-style CSV (UTF-8 with BOM, CRLF, headers 番号/意見の概要/意見に対する考え方) for whole-pipeline benches. */
export function toCsv(rows: readonly SyntheticRow[]): string {
  const lines = ['番号,意見の概要,意見に対する考え方'];
  for (const r of rows) lines.push([String(r.number), csvCell(r.comment), csvCell(r.response)].join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** Writes a synthetic round of `n` comments as a ministry-style CSV and returns its path. */
export async function writeSyntheticCsv(path: string, n: number, seed?: number): Promise<string> {
  writeAtomic(path, toCsv(await syntheticRows({ n, seed })));
  return path;
}
