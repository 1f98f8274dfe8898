// Classify bench: 20,000 synthetic responses (seed response sentences resampled, seeded) through the `rules`
// classifier; target ≤ 5 s. Also the seed itself and, for scale, supervised on the same 20,000.
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../pipeline/core/random.ts';
import { classifyWithRules, compileRules, loadRules } from '../pipeline/classify/index.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import type { ClassifyInput } from '../pipeline/classify/types.ts';

const SEED_FILE = fileURLToPath(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url));

/** n responses of 1–4 sentences drawn from the seed's responses; about 5% empty, like unanswered rows. */
export async function syntheticResponses(n: number, seed = 7): Promise<ClassifyInput[]> {
  const { items } = await parseDocument(SEED_FILE);
  const sentences = items.flatMap((i) => i.response.split(/(?<=。)/).map((s) => s.trim()).filter(Boolean));
  const next = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    if (next() < 0.05) return { id: `synthetic#${i + 1}`, response: '' };
    const k = 1 + Math.floor(next() * 4);
    const parts = Array.from({ length: k }, () => sentences[Math.floor(next() * sentences.length)]);
    return { id: `synthetic#${i + 1}`, response: parts.join(' ') };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function bench(): Promise<void> {
  const loaded = loadRules();
  const t0 = performance.now();
  compileRules(loaded);
  console.log(`rules: ${loaded.rules.rules.length} cue rules, ${loaded.rules.pointers.length} pointer rules, loaded+compiled in ${(performance.now() - t0).toFixed(1)} ms`);

  const { items } = await parseDocument(SEED_FILE);
  const seedTimes: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    classifyWithRules(items, loaded);
    seedTimes.push(performance.now() - t);
  }
  console.log(`seed (${items.length} items): rules ${median(seedTimes).toFixed(1)} ms (median of 5)`);

  const inputs = await syntheticResponses(20_000);
  const chars = inputs.reduce((a, i) => a + i.response.length, 0);
  const times: number[] = [];
  let labels: Record<string, number> = {};
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    const { records } = classifyWithRules(inputs, loaded);
    times.push(performance.now() - t);
    labels = {};
    for (const rec of records) labels[rec.label] = (labels[rec.label] ?? 0) + 1;
  }
  const s = median(times) / 1000;
  console.log(
    `20,000 responses (${(chars / 1e6).toFixed(1)} M chars): rules ${s.toFixed(2)} s (median of 3; target ≤ 5 s) ` +
      `${s <= 5 ? 'OK' : 'OVER TARGET'}; ${Math.round(20_000 / s)} responses/s; labels ${JSON.stringify(labels)}`,
  );
  console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
}
