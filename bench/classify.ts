// Classify bench: 20,000 synthetic responses with their comments (seed sentences resampled, seeded) through
// the `rules` classifier (cue rules + comment stance + decision table) and the shipped learned model
// (supervised and ensemble); target ≤ 10 s for rules + stance + learned (issue 9). Also the seed itself.
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../pipeline/core/random.ts';
import { classifyWithRules, compileRules, loadRules } from '../pipeline/classify/index.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import type { ClassifyInput } from '../pipeline/classify/types.ts';

const SEED_FILE = fileURLToPath(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url));

/** n responses of 1–4 sentences drawn from the seed's responses; about 5% empty, like unanswered rows. */
export async function syntheticResponses(n: number, seed = 7): Promise<ClassifyInput[]> {
  const { items } = await parseDocument(SEED_FILE);
  const split = (t: string) => t.split(/(?<=。)/).map((s) => s.trim()).filter(Boolean);
  const sentences = items.flatMap((i) => split(i.response));
  const commentSentences = items.flatMap((i) => split(i.comment));
  const next = mulberry32(seed);
  const draw = (pool: string[], k: number) => Array.from({ length: k }, () => pool[Math.floor(next() * pool.length)]).join(' ');
  return Array.from({ length: n }, (_, i) => {
    const comment = draw(commentSentences, 1 + Math.floor(next() * 3));
    if (next() < 0.05) return { id: `synthetic#${i + 1}`, comment, response: '' };
    return { id: `synthetic#${i + 1}`, comment, response: draw(sentences, 1 + Math.floor(next() * 4)) };
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

  const { classify, readModel } = await import('../pipeline/classify/index.ts');
  const model = readModel(process.env.PUBCOM_BENCH_MODEL ?? fileURLToPath(new URL('../models/classifiers/default.json', import.meta.url)));
  for (const name of ['supervised', 'ensemble'] as const) {
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    await classify(inputs, { classifier: name, model, rules: loaded, embedder: null, embedderFactory: async (spec) => (await import('../pipeline/embed/index.ts')).createEmbedder(spec) });
    const total = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU time beside wall time: on a shared machine the wall clock also measures the neighbours.
    console.log(
      `20,000 responses: ${name} (rules + stance + learned) ${total.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU ` +
        `(target ≤ 10 s) ${total <= 10 ? 'OK' : 'OVER TARGET'}`,
    );
  }
  console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
}
