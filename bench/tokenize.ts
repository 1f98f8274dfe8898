// Tokenizer figures for issue 3: dictionary load, chars/s on the seed, 20,000 synthetic comments (bar ≤ 15 s).
import { pathToFileURL } from 'node:url';
import kuromoji from 'kuromoji';
import { normalize } from '../pipeline/core/text.ts';
import { getTokenizer, sharedAnalyser } from '../pipeline/tokenize/index.ts';
import { buildKuromoji } from '../pipeline/tokenize/kuromoji.ts';
import { childArgs, fmt, isChild, loadNote, peakRssMb, runChild, timed } from './child.ts';
import { seedRows, syntheticRows } from './synthetic.ts';

const N = 20_000;

interface Figures {
  loadSeconds: number;
  seed: { chars: number; tokens: number; terms: number; compounds: number; plainCharsPerSec: number; charsPerSec: number; cachedCharsPerSec: number };
  synthetic?: { comments: number; chars: number; wall: number; cpu: number; cacheHitRate: number };
  syntheticNoCache?: { comments: number; chars: number; wall: number; cpu: number };
  peakRssMb: number;
}

async function measure(mode: string): Promise<Figures> {
  const load = await timed(() => getTokenizer());
  const tokenizer = load.value;
  const analyser = await sharedAnalyser();
  const uncached = await getTokenizer({ segmentCache: false });
  const rows = await seedRows();
  const seedTexts = rows.flatMap((r) => [r.comment, r.response]).map(normalize).filter(Boolean);
  const chars = seedTexts.reduce((n, t) => n + t.length, 0);
  const comments = (await syntheticRows({ n: N })).map((r) => normalize(r.comment));
  const synChars = comments.reduce((n, t) => n + t.length, 0);

  let synthetic: Figures['synthetic'];
  let syntheticNoCache: Figures['syntheticNoCache'];
  if (mode === 'cache') {
    analyser.clearCache();
    const run = await timed(() => comments.forEach((t) => tokenizer.tokenize(t)));
    const { hits, misses } = analyser.stats;
    synthetic = { comments: N, chars: synChars, wall: run.wall, cpu: run.cpu, cacheHitRate: hits / (hits + misses) };
  } else {
    const run = await timed(() => comments.forEach((t) => uncached.tokenize(t)));
    syntheticNoCache = { comments: N, chars: synChars, wall: run.wall, cpu: run.cpu };
  }
  const peak = peakRssMb(); // before the reference dictionary below adds its own ~300 MB

  // Stock kuromoji (as the package ships, without our two exact speed-ups) on the same texts: the reference.
  const stock: kuromoji.Tokenizer<kuromoji.IpadicFeatures> = await buildKuromoji();
  // JIT warm-up for both sides, so neither pays for compilation in the figures.
  seedTexts.forEach((t) => stock.tokenize(t));
  seedTexts.forEach((t) => uncached.tokenize(t));
  const stockRun = await timed(() => seedTexts.forEach((t) => stock.tokenize(t)));
  const fresh = await timed(() => seedTexts.map((t) => uncached.tokenize(t)));
  seedTexts.forEach((t) => tokenizer.tokenize(t));
  const warm = await timed(() => seedTexts.forEach((t) => tokenizer.tokenize(t)));
  const tokens = fresh.value.flat();
  return {
    loadSeconds: load.wall,
    seed: {
      chars,
      tokens: tokens.length,
      terms: tokens.filter((t) => t.merged === 'term').length,
      compounds: tokens.filter((t) => t.merged === 'compound').length,
      plainCharsPerSec: chars / stockRun.wall,
      charsPerSec: chars / fresh.wall,
      cachedCharsPerSec: chars / warm.wall,
    },
    synthetic,
    syntheticNoCache,
    peakRssMb: peak,
  };
}

export async function bench(): Promise<void> {
  const self = import.meta.url;
  const a = runChild<Figures>(self, ['cache']);
  const b = runChild<Figures>(self, ['nocache']);
  const s = a.seed;
  console.log(`kuromoji dictionary load (cold process): ${fmt(a.loadSeconds)} s`);
  console.log(
    `seed (${s.chars} chars of comments and responses, ${s.tokens} tokens, ${s.terms} domain terms, ${s.compounds} compounds): ` +
      `${Math.round(s.charsPerSec)} chars/s with terms and compounds, every segment analysed (stock kuromoji ` +
      `${Math.round(s.plainCharsPerSec)} chars/s; the same text again through the segment cache ` +
      `${Math.round(s.cachedCharsPerSec)} chars/s)`,
  );
  const c = a.synthetic!;
  console.log(
    `${c.comments} synthetic comments (${c.chars} chars), segment cache on: ${fmt(c.wall)} s wall, ${fmt(c.cpu)} s CPU ` +
      `(cache hit rate ${fmt(100 * c.cacheHitRate, 1)} %; bar ≤ 15 s) — peak RSS ${a.peakRssMb} MB`,
  );
  const u = b.syntheticNoCache!;
  console.log(
    `${u.comments} synthetic comments, every sentence analysed afresh (what 20,000 distinct comments cost): ` +
      `${fmt(u.wall)} s wall, ${fmt(u.cpu)} s CPU, ${Math.round(u.chars / u.wall)} chars/s — peak RSS ${b.peakRssMb} MB`,
  );
  console.log(`(${loadNote()} after the runs; CPU seconds are what the work costs when the cores are not shared)`);
}

if (isChild()) {
  console.log(JSON.stringify(await measure(childArgs()[0] ?? 'cache')));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bench();
}
