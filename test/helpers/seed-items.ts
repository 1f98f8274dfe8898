// Items made straight from the seed's numbered rows (number TAB comment TAB response), for stages that need real
// Japanese comments without depending on the parse stage.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { cleanText } from '../../pipeline/core/text.ts';
import type { Item } from '../../pipeline/core/schema.ts';

export const SEED_PATH = fileURLToPath(new URL('../../seeds/000_555981824ba784d2.txt', import.meta.url));

export function seedItems(limit = Infinity): Item[] {
  const items: Item[] = [];
  const lines = readFileSync(SEED_PATH, 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    const m = /^(\d+)\t([^\t]*)\t?([^\t]*)/.exec(line);
    if (!m || items.length >= limit) return;
    items.push({
      id: `seed-${m[1]}`,
      number: m[1],
      inferred_number: null,
      section: null,
      comment: cleanText(m[2]),
      response: cleanText(m[3] ?? ''),
      comment_raw: m[2],
      response_raw: m[3] ?? '',
      response_group: null,
      edits: [],
      source: { file: SEED_PATH, lines: [i + 1] },
      flags: [],
    });
  });
  return items;
}
