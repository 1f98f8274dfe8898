// lsa embedder figures for issue 3: seed ≤ 1 s after tokenizing; 20,000 docs ≤ 15 s and ≤ 1.5 GB.
import { pathToFileURL } from 'node:url';
import { LsaEmbedder, type LsaFitStats } from '../pipeline/embed/lsa.ts';
import { getTokenizer } from '../pipeline/tokenize/index.ts';
import { childArgs, fmt, isChild, loadNote, peakRssMb, runChild, timed } from './child.ts';
import { seedRows, syntheticRows } from './synthetic.ts';

interface Figures {
  docs: number;
  tokenize: { wall: number; cpu: number };
  lsa: { wall: number; cpu: number };
  fit: LsaFitStats;
  peakRssMb: number;
  heapUsedMb: number;
  deterministic?: boolean;
}

async function measure(which: string): Promise<Figures> {
  const texts =
    which === 'seed' ? (await seedRows()).map((r) => r.comment) : (await syntheticRows({ n: 20_000 })).map((r) => r.comment);
  const tokenizer = await getTokenizer();
  // "After tokenizing": the tokenize stage has run, so its segment cache is warm, as in `pubcom run`.
  const tok = await timed(() => texts.forEach((t) => tokenizer.contentWords(t)));
  const embedder = new LsaEmbedder({ tokenizer });
  const run = await timed(async () => {
    await embedder.fit(texts);
    return embedder.embed(texts);
  });
  const figures: Figures = {
    docs: texts.length,
    tokenize: { wall: tok.wall, cpu: tok.cpu },
    lsa: { wall: run.wall, cpu: run.cpu },
    fit: embedder.fitStats!,
    peakRssMb: peakRssMb(),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
  if (which === 'seed') {
    const again = new LsaEmbedder({ tokenizer });
    await again.fit(texts);
    const bytes = (vs: Float32Array[]) => Buffer.concat(vs.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
    figures.deterministic = bytes(await again.embed(texts)).equals(bytes(run.value));
  }
  return figures;
}

function describe(label: string, f: Figures, bar: string): string {
  const s = f.fit;
  return (
    `${label}: ${f.docs} comments (${s.docs} distinct, ${s.features} features, ${s.nnz} non-zeros, SVD on ${s.svdDocs} docs, ` +
    `dim ${s.dim}): lsa fit+embed ${fmt(f.lsa.wall)} s wall / ${fmt(f.lsa.cpu)} s CPU (features ${fmt(s.featureSeconds)} s, ` +
    `SVD ${fmt(s.svdSeconds)} s) after tokenizing (${fmt(f.tokenize.wall)} s); bar ${bar}; ` +
    `peak RSS ${f.peakRssMb} MB, heap ${f.heapUsedMb} MB` +
    (f.deterministic === undefined ? '' : `; rerun byte-identical: ${f.deterministic ? 'yes' : 'NO'}`)
  );
}

export async function bench(): Promise<void> {
  const self = import.meta.url;
  console.log(describe('seed', runChild<Figures>(self, ['seed']), '≤ 1 s'));
  console.log(describe('synthetic', runChild<Figures>(self, ['20k']), '≤ 15 s and ≤ 1.5 GB'));
  console.log(`(${loadNote()} after the runs; CPU seconds are what the work costs when the cores are not shared)`);
}

if (isChild()) {
  console.log(JSON.stringify(await measure(childArgs()[0] ?? 'seed')));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bench();
}
