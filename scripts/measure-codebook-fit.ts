// Measures `--codebook auto`'s fit test (pipeline/themes/fit.ts) on the seed and on documents from other fields;
// the figures in pipeline/themes/README.md come from `npx tsx scripts/measure-codebook-fit.ts`.
import { readFileSync } from 'node:fs';
import { parseDocument } from '../pipeline/parse/index.ts';
import { chooseCodebook } from '../pipeline/themes/fit.ts';
const docs: [string, () => Promise<any[]>][] = [
  ['seed', async () => (await parseDocument('seeds/000_555981824ba784d2.txt')).items],
  ['city-transport-plan.txt', async () => (await parseDocument('data/fixtures/text/city-transport-plan.txt')).items],
  ['transport-plan.html', async () => (await parseDocument('data/fixtures/html/transport-plan.html')).items],
  ['school-plan.txt', async () => (await parseDocument('data/fixtures/pdf-text/school-plan.txt')).items],
  ['ghg-plan.csv', async () => (await parseDocument('data/fixtures/csv/ghg-plan.csv')).items],
  ['transport-34', async () => (await parseDocument('data/fixtures/themes/city-transport-plan-34.csv')).items],
  ['school-34', async () => (await parseDocument('data/fixtures/themes/school-reorganisation-plan-34.csv')).items],
  ['meti-ene7th', async () => readFileSync('data/labels/real/meti-ene7th.jsonl', 'utf8').trim().split('\n').map((l, i) => { const r = JSON.parse(l); return { id: 'm' + i, comment: r.comment ?? '', response: r.response ?? '' }; })],
];
for (const [name, load] of docs) {
  const items = await load();
  const c = await chooseCodebook('auto', items);
  const f = c.fits[0];
  console.log(name.padEnd(26), String(f.comments).padStart(4), 'rule', f.rule_share.toFixed(3), 'vocab', f.vocabulary_share.toFixed(3), c.codebook ? 'CHOSEN' : 'none');
}
