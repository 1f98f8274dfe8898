// Tokenizer figures for issue 3: dictionary load, chars/s on the seed, 20,000 synthetic comments (bar ≤ 15 s).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  mecab?: MecabFigures | string;
}

interface MecabFigures {
  comments: number;
  chars: number;
  mecab: { wall: number; cpu: number };
  pubcom: { wall: number; cpu: number };
  kuromoji: { wall: number; cpu: number };
}

/**
 * Debian's MeCab (IPADIC, the dictionary kuromoji ships) on the same texts, one per line, against our tokenizer
 * (terms and compounds, every sentence analysed afresh) and stock kuromoji. Both sides after their dictionary
 * load: MeCab's load is timed on an empty input and subtracted. A string when MeCab is not installed.
 */
function mecabSideBySide(comments: string[], ours: (t: string) => unknown, stock: (t: string) => unknown): MecabFigures | string {
  const probe = spawnSync('mecab', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'MeCab comparison skipped: `mecab` is not installed (Debian: apt-get install mecab mecab-ipadic-utf8)';
  const dir = mkdtempSync(join(tmpdir(), 'pubcom-mecab-'));
  const file = join(dir, 'comments.txt');
  writeFileSync(file, comments.map((t) => t.replace(/\s+/g, ' ')).join('\n') + '\n');
  const timeMecab = (input: string) => {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', 'mecab', input, '-o', '/dev/null'], { encoding: 'utf8' });
    const [e, u, sy] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
    return { wall: e, cpu: u + sy };
  };
  writeFileSync(join(dir, 'empty.txt'), '');
  const load = timeMecab(join(dir, 'empty.txt'));
  const run = timeMecab(file);
  rmSync(dir, { recursive: true, force: true });
  const t0 = process.cpuUsage();
  let w = performance.now();
  comments.forEach(ours);
  const pubcom = { wall: (performance.now() - w) / 1000, cpu: cpuSince(t0) };
  const t1 = process.cpuUsage();
  w = performance.now();
  comments.forEach(stock);
  const kuromojiRun = { wall: (performance.now() - w) / 1000, cpu: cpuSince(t1) };
  return {
    comments: comments.length,
    chars: comments.reduce((n, t) => n + t.length, 0),
    mecab: { wall: Math.max(run.wall - load.wall, 0.01), cpu: Math.max(run.cpu - load.cpu, 0.01) },
    pubcom,
    kuromoji: kuromojiRun,
  };
}

const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

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
  const mecab = mode === 'nocache' ? mecabSideBySide(comments, (t) => uncached.tokenize(t), (t) => stock.tokenize(t)) : undefined;
  return {
    mecab,
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
  console.log(mecabLine(b.mecab));
  console.log(`(${loadNote()} after the runs; CPU seconds are what the work costs when the cores are not shared)`);
}

function mecabLine(m: Figures['mecab']): string {
  if (m === undefined || typeof m === 'string') return m ?? 'MeCab comparison not run';
  const r = (x: { wall: number; cpu: number }) => `${fmt(x.wall)} s wall (${fmt(x.wall / m.mecab.wall, 1)}× MeCab), ${fmt(x.cpu)} s CPU (${fmt(x.cpu / m.mecab.cpu, 1)}×)`;
  return (
    `side by side on ${m.comments} synthetic comments (${m.chars} chars), dictionaries loaded: MeCab ${fmt(m.mecab.wall)} s wall, ${fmt(m.mecab.cpu)} s CPU; ` +
    `pubcom tokenizer (terms, compounds, no segment cache) ${r(m.pubcom)}; stock kuromoji ${r(m.kuromoji)} — bar ≤ 3× MeCab wall`
  );
}

/** For bench/scale.ts: the MeCab line alone, measured in a fresh process. */
export function mecabComparison(): string {
  return mecabLine(runChild<Figures>(import.meta.url, ['nocache']).mecab);
}

if (isChild()) {
  console.log(JSON.stringify(await measure(childArgs()[0] ?? 'cache')));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bench();
}
