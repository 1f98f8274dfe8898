// Synthetic public-comment rounds for benchmarks: seed sentences resampled with a seeded PRNG, so every bench
// measures the same realistic Japanese text at any size (20,000 comments and more) and reruns are identical.
import { readFileSync } from 'node:fs';
import { writeAtomic } from '../pipeline/core/io.ts';
import { fileURLToPath } from 'node:url';
import { cleanText } from '../pipeline/core/text.ts';
import { mulberry32, randomInt } from '../pipeline/core/random.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { duplicateKey } from '../pipeline/themes/duplicates.ts';

export const SEED_FILE = fileURLToPath(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url));

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
 * The seed's comment/response pairs, through the parse stage. Should parsing fail, the benches fall back (with a
 * warning, never silently) to a crude split of the seed's tab-separated cells, good enough for resampling sentences.
 */
export async function seedRows(): Promise<SeedRow[]> {
  try {
    const { items } = await parseDocument(SEED_FILE);
    if (items.length > 0) return items.map((i) => ({ comment: i.comment, response: i.response }));
    process.stderr.write('bench/synthetic: the parse stage found no items in the seed; using a crude split\n');
  } catch (e) {
    process.stderr.write(`bench/synthetic: the parse stage failed on the seed (${String(e)}); using a crude split\n`);
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
  /**
   * Every comment a different text (after the duplicates stage's normalisation). Drawn freely, short comments
   * repeat: a 100,000-row round held only 59,609 distinct comments, so "100k distinct" measured a round with 40%
   * copies. A repeated draw is drawn again, with one more sentence each time it repeats.
   */
  distinct?: boolean;
}

/**
 * `n` comments, each with as many sentences as a randomly chosen seed comment has, filled with sentences drawn
 * from the seed's comment sentences; responses the same way from response sentences (empty where the chosen seed
 * row has none, so the share of unanswered items matches the seed).
 */
export async function syntheticRows({ n, seed = 20250101, distinct = false }: SyntheticOptions): Promise<SyntheticRow[]> {
  const base = await seedRows();
  const commentSentences = base.flatMap((r) => splitSentences(r.comment));
  const responseSentences = base.flatMap((r) => splitSentences(r.response));
  const shape = base.map((r) => [splitSentences(r.comment).length, splitSentences(r.response).length] as const);
  const next = mulberry32(seed);
  const rows: SyntheticRow[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const [nc, nr] = shape[randomInt(next, shape.length)];
    let comment: string[] = [];
    for (let extra = 0; ; extra++) {
      comment = [];
      for (let k = 0; k < Math.max(1, nc) + extra; k++) comment.push(commentSentences[randomInt(next, commentSentences.length)]);
      if (!distinct) break;
      const key = duplicateKey(comment.join(''));
      if (!seen.has(key)) {
        seen.add(key);
        break;
      }
    }
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

export interface MassOptions {
  n: number;
  /** Campaign texts the copies are made of. */
  campaigns?: number;
  /** Share of the rows that are copies of a campaign text. */
  copyShare?: number;
  seed?: number;
}

/**
 * A mass-submission round: `copyShare` of the `n` rows are copies of `campaigns` texts (each copy answered with
 * its campaign's one response, as ministries do), the rest distinct synthetic comments; the rows are shuffled
 * with the seeded PRNG and numbered 1..n.
 */
export async function massRows({ n, campaigns = 36, copyShare = 0.96, seed = 20250101 }: MassOptions): Promise<SyntheticRow[]> {
  const copies = Math.round(n * copyShare);
  const distinct = n - copies;
  const texts = await syntheticRows({ n: distinct + campaigns, seed });
  const next = mulberry32(seed + 1);
  const rows: SyntheticRow[] = [];
  for (let i = 0; i < distinct; i++) rows.push(texts[campaigns + i]);
  for (let i = 0; i < copies; i++) rows.push(texts[i % campaigns]);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = randomInt(next, i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return rows.map((r, i) => ({ number: i + 1, comment: r.comment, response: r.response }));
}
