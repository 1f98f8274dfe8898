// Real seed text for tokenizer and embedder tests without depending on the parse stage: every comment and
// response cell of the seed's tab-separated rows, HTML stripped and normalised like Item.comment/response.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanText } from '../../pipeline/core/text.ts';

export const SEED_PATH = fileURLToPath(new URL('../../seeds/000_555981824ba784d2.txt', import.meta.url));

export interface SeedCells {
  comment: string;
  response: string;
}

export function seedCells(): SeedCells[] {
  const out: SeedCells[] = [];
  for (const line of readFileSync(SEED_PATH, 'utf8').split(/\r?\n/)) {
    const cells = line.split('\t');
    if (cells.length < 2 || cells[0].startsWith('意見の概要')) continue;
    const comment = cleanText(cells[cells.length - 2]).replace(/^\d+\s+/, '');
    if (comment) out.push({ comment, response: cleanText(cells[cells.length - 1]) });
  }
  return out;
}

/** Every non-empty cleaned cell of the seed (comments, responses, headings), in file order. */
export function seedTexts(): string[] {
  return readFileSync(SEED_PATH, 'utf8')
    .split(/\r?\n/)
    .flatMap((l) => l.split('\t'))
    .map(cleanText)
    .filter(Boolean);
}
