// Builds the real labelled sets in data/labels/real/ from the documents and gold files they come from, so that
// every figure `npm run eval` prints can be traced to a published document and an annotator's label.
//   seed.jsonl         the seed parsed by the parse stage, joined to data/labels/seed.gold.jsonl
//   meti-ene7th.jsonl  data/real/meti_ene7th…csv, one row per answer group, joined to data/real/meti-ene7th.gold.jsonl
// Run: npx tsx scripts/build-real-sets.ts   (the outputs are committed; the test checks they are up to date)
import { fileURLToPath } from 'node:url';
import { buildRealSets } from '../pipeline/eval/real-sets.ts';
import { writeJsonl } from '../pipeline/core/io.ts';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
for (const [name, rows] of Object.entries(await buildRealSets(ROOT))) {
  writeJsonl(join(ROOT, 'data/labels/real', `${name}.jsonl`), rows);
  process.stderr.write(`${name}: ${rows.length} rows\n`);
}
