// Themes stage at mass-submission scale: 20,000 comments (resampled seed sentences) of which 4,000 are copies of
// three campaign texts and 1,000 near variants of them. Targets (issue 5): discovery ≤ 30 s, duplicates ≤ 10 s.
import { fileURLToPath } from 'node:url';
import type { Item } from '../pipeline/core/schema.ts';
import { mulberry32, randomInt } from '../pipeline/core/random.ts';
import { createEmbedder } from '../pipeline/embed/index.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { buildItem } from '../pipeline/parse/item.ts';
import { getTokenizer, tokenizeItems } from '../pipeline/tokenize/index.ts';
import { assignThemes, similarityMatrix, themeFacts } from '../pipeline/themes/assign.ts';
import { DEFAULT_CODEBOOK, loadCodebook, seedText } from '../pipeline/themes/codebook.ts';
import { discoverClusters } from '../pipeline/themes/discover.ts';
import { findDuplicateComments, findResponseTemplates } from '../pipeline/themes/duplicates.ts';
import { themeItems } from '../pipeline/themes/index.ts';
import { ruleDocument } from '../pipeline/themes/rule-lang.ts';
import { SEED_FILE, syntheticRows } from './synthetic.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const N = 20_000;
const COPIES = 4_000;
const VARIANTS = 1_000;

const CAMPAIGNS = [
  '能動的サイバー防御の導入に反対します。通信の秘密とプライバシーが侵害され、国民の監視につながるおそれがあるため、本案は撤回すべきです。',
  '中小企業のサイバーセキュリティ対策への補助金と税制優遇を拡充してください。専門人材のいない地域の事業者にも支援が届く仕組みが必要です。',
  '耐量子計算機暗号への移行計画を早期に示し、政府機関から率先して導入すべきです。量子コンピュータによる暗号解読のリスクに備える必要があります。',
];
const ENDINGS = ['強く要望します。', 'よろしくお願いします。', '以上、意見として提出します。', '再考を求めます。'];

export async function massSubmissionItems(): Promise<Item[]> {
  const rows = await syntheticRows({ n: N });
  const next = mulberry32(20251126);
  const slots = Array.from({ length: N }, (_, i) => i);
  for (let i = N - 1; i > 0; i--) {
    const j = randomInt(next, i + 1);
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  slots.slice(0, COPIES).forEach((s, i) => (rows[s].comment = CAMPAIGNS[i % CAMPAIGNS.length]));
  slots.slice(COPIES, COPIES + VARIANTS).forEach((s, i) => {
    rows[s].comment = CAMPAIGNS[i % CAMPAIGNS.length] + ENDINGS[randomInt(next, ENDINGS.length)];
  });
  return rows.map((r) =>
    buildItem({
      slug: 'bench',
      number: String(r.number),
      fallbackKey: String(r.number),
      section: null,
      commentRaw: r.comment,
      responseRaw: r.response,
      source: { file: 'synthetic', rows: [r.number] },
    }),
  );
}

/** Wall time, and CPU time of this process (the machine is shared: CPU time shows our own cost). */
interface Mark {
  wall: number;
  cpu: NodeJS.CpuUsage;
}
const mark = (): Mark => ({ wall: performance.now(), cpu: process.cpuUsage() });
function seconds(start: Mark): string {
  const cpu = process.cpuUsage(start.cpu);
  return `${((performance.now() - start.wall) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`;
}

const peakMb = (): string => (process.resourceUsage().maxRSS / 1024).toFixed(0);

export async function bench(): Promise<void> {
  const codebook = loadCodebook(`${ROOT}${DEFAULT_CODEBOOK}`);
  const tokenizer = await getTokenizer();

  // The seed end to end through the stage function (embedding cache off).
  const { items: seedItems } = await parseDocument(SEED_FILE);
  let t = mark();
  await themeItems(seedItems, { codebook, tokenizer, embedder: await createEmbedder('lsa'), cache: false, quiet: true });
  console.log(`seed (${seedItems.length} items): themes stage ${seconds(t)} (lsa fit, rules, similarity, discovery with k search, duplicates)`);

  const items = await massSubmissionItems();
  console.log(`synthetic round: ${items.length} comments, ${COPIES} copies of ${CAMPAIGNS.length} campaign texts, ${VARIANTS} near variants`);

  t = mark();
  const groups = findDuplicateComments(items);
  const templates = findResponseTemplates(items);
  const dupSeconds = seconds(t);
  const campaignGroups = groups.slice(0, CAMPAIGNS.length).map((g) => `${g.count} (${g.distinct} texts)`);
  console.log(
    `duplicates (comments + response templates): ${dupSeconds} (target ≤ 10 s) — ${groups.length} comment groups, largest ${campaignGroups.join(', ')}; ` +
      `${templates.length} response templates`,
  );

  t = mark();
  const tokens = tokenizeItems(items, tokenizer, 'comment');
  console.log(`tokenize (input to rules and keywords, the tokenize stage's cost): ${seconds(t)}`);

  t = mark();
  const embedder = await createEmbedder('lsa');
  const texts = items.map((i) => i.comment);
  await embedder.fit(texts);
  const vectors = await embedder.embed(texts, 'passage');
  console.log(`lsa fit + embed (the embed stage's cost): ${seconds(t)}, dim ${vectors[0].length}`);

  t = mark();
  const seeds = await embedder.embed(codebook.themes.map((th) => seedText(codebook, th)), 'query');
  const docs = tokens.map((tk) => ruleDocument(tk.text, tk.tokens));
  const facts = docs.map((d) => themeFacts(codebook, d));
  const { records } = assignThemes(items.map((i) => i.id), facts, similarityMatrix(vectors, seeds), codebook);
  console.log(`codebook assignment (rules + similarity, ${codebook.themes.length} themes): ${seconds(t)}`);

  t = mark();
  const discovery = discoverClusters(
    items.map((i) => i.id),
    vectors,
    tokens.map((tk) => tk.content_words),
    records,
  );
  const outliers = discovery.clusters.find((c) => c.outlier)?.size ?? 0;
  console.log(
    `discovery: ${seconds(t)} (target ≤ 30 s) — k=${discovery.k} (${discovery.kSelection.method}), silhouette ${discovery.silhouette}, ` +
      `${outliers} outliers, PCA layout included`,
  );
  console.log(`peak RSS ${peakMb()} MB`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bench();
