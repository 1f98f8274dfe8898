// themes stage: items → codebook + seeded-similarity themes per item, discovered clusters, duplicate comments and
// reused responses. Pure over its inputs: the same items, codebook, embedder and seed give the same bytes.
import type { Item, ThemeRecord } from '../core/schema.ts';
import type { Embedder } from '../embed/types.ts';
import { DEFAULT_CACHE_DIR, embedItems, withCache } from '../embed/index.ts';
import { tokenizeItems, type Tokenizer } from '../tokenize/index.ts';
import { assignThemes, similarityMatrix, type ThemeEvidence } from './assign.ts';
import { seedText, type Codebook, type CodebookFile } from './codebook.ts';
import { draftCodebook, DRAFT_DEFAULTS } from './draft.ts';
import { cTfIdf } from './discover.ts';
import { DISCOVER_DEFAULTS, discoverClusters, OUTLIER_ID, type DiscoverOptions, type DiscoveryResult } from './discover.ts';
import { DUPLICATE_DEFAULTS, findDuplicateComments, findResponseTemplates, TEMPLATE_JACCARD, type DuplicateOptions } from './duplicates.ts';
import { ruleDocument } from './rule-lang.ts';
import { CLUSTERS_FORMAT, DUPLICATES_FORMAT, type ClustersFile, type DuplicatesFile } from './schema.ts';
import { pushAll } from '../core/arrays.ts';
import { normalize } from '../core/text.ts';

export { loadCodebook, checkCodebook, DEFAULT_CODEBOOK, type Codebook, type CodebookFile } from './codebook.ts';
export { parseRule, evaluateRule, ruleDocument, RuleSyntaxError } from './rule-lang.ts';
export { discoverClusters, OUTLIER_ID } from './discover.ts';
export { chooseCodebook, measureFit, FIT_DEFAULTS, type CodebookChoice, type CodebookFit } from './fit.ts';
export { draftCodebook } from './draft.ts';
export { findDuplicateComments, findResponseTemplates, groupTexts } from './duplicates.ts';
export { evaluateThemes } from './eval.ts';
export { ClustersFile, DuplicatesFile } from './schema.ts';

export interface ThemesOptions {
  /** null: no codebook; each comment's theme is then its discovered cluster (source "cluster"). */
  codebook: Codebook | null;
  tokenizer: Tokenizer;
  /** Any backend; corpus-dependent ones (lsa) are fitted on the comments here. */
  embedder: Embedder;
  discovery?: DiscoverOptions;
  /** Near-duplicate comments (jaccard defaults to DUPLICATE_DEFAULTS.jaccard). */
  duplicates?: DuplicateOptions;
  /** Jaccard threshold for response templates (default TEMPLATE_JACCARD). */
  templateJaccard?: number;
  /** Embedding cache (default on, as in `pubcom embed`). */
  cache?: boolean;
  cacheDir?: string;
  quiet?: boolean;
}

export interface ThemesResult {
  /** One per item, in input order (empty `themes` for an empty comment). */
  records: ThemeRecord[];
  clusters: ClustersFile;
  duplicates: DuplicatesFile;
  /** Per embedded item, the decision on every theme (for audits and threshold tuning). */
  evidence: Map<string, ThemeEvidence[]>;
  discovery: DiscoveryResult;
  /** The clusters as a draft codebook (codebook.draft.json), or null when nothing was clustered. */
  draft: CodebookFile | null;
  warnings: string[];
}

const CHUNK = 1000;

export const OUTLIER_RULE =
  'distance (1 − cosine to the nearest centre) above Q3 + 1.5 × IQR of all distances (Tukey fence), or a cluster left with fewer than 2 members';

export async function themeItems(items: readonly Item[], opts: ThemesOptions): Promise<ThemesResult> {
  const { codebook } = opts;
  const warnings: string[] = [];
  const embedder = withCache(opts.embedder, { dir: opts.cacheDir ?? DEFAULT_CACHE_DIR, enabled: opts.cache ?? true });
  if (codebook && !embedder.inner.id.startsWith(codebook.scoring.calibrated_for)) {
    warnings.push(
      `${codebook.file}: similarity thresholds were calibrated for the "${codebook.scoring.calibrated_for}" embedder, ` +
        `not ${embedder.inner.id}; re-check them (npx tsx scripts/eval-themes.ts) before trusting similarity-only themes`,
    );
  }

  const embedded = await embedItems(items, embedder, { field: 'comment', kind: 'passage', quiet: opts.quiet, cache: opts.cache, cacheDir: opts.cacheDir });
  const vectorOf = new Map(embedded.ids.map((id, i) => [id, embedded.vectors[i]]));
  const seeds = codebook ? await embedder.embed(codebook.themes.map((t) => seedText(codebook, t)), 'query') : [];
  // Kept with the comments' vectors, so a rerun finds every vector on disk and never fits lsa again.
  embedder.flush();

  const present = items.filter((i) => vectorOf.has(i.id));
  const vectors = present.map((i) => vectorOf.get(i.id)!);
  // Mass submissions repeat a few texts thousands of times: tokenize and assign each distinct comment once (same
  // text, same vector, so the same decision) and hand every copy the first one's result.
  const firstOf = new Map<string, number>();
  const distinct: number[] = [];
  const slotOf = new Int32Array(present.length);
  present.forEach((item, i) => {
    let slot = firstOf.get(item.comment);
    if (slot === undefined) {
      slot = distinct.length;
      firstOf.set(item.comment, slot);
      distinct.push(i);
    }
    slotOf[i] = slot;
  });
  const distinctItems = distinct.map((i) => present[i]);
  const similarity = similarityMatrix(distinct.map((i) => vectors[i]), seeds);
  // Tokens are only needed per comment: chunks keep 20,000 comments' token objects from piling up in memory.
  const distinctRecords: ThemeRecord[] = [];
  const distinctEvidence: ThemeEvidence[][] = [];
  const distinctWords: string[][] = [];
  for (let start = 0; start < distinctItems.length; start += CHUNK) {
    const chunk = distinctItems.slice(start, start + CHUNK);
    const tokens = tokenizeItems(chunk, opts.tokenizer, 'comment');
    if (codebook) {
      const part = assignThemes(
        chunk.map((i) => i.id),
        tokens.map((t) => ruleDocument(t.text, t.tokens)),
        similarity.slice(start, start + CHUNK),
        codebook,
      );
      pushAll(distinctRecords, part.records);
      pushAll(distinctEvidence, part.evidence);
    } else {
      for (const i of chunk) {
        distinctRecords.push({ id: i.id, themes: [] });
        distinctEvidence.push([]);
      }
    }
    // Keywords name clusters, so they are nouns (compounds and domain terms kept): 冷房設備, not 進める.
    for (const t of tokens) {
      const content = new Set(t.content_words);
      distinctWords.push(t.tokens.filter((x) => x.pos === '名詞' && content.has(x.base)).map((x) => x.base));
    }
  }
  const assigned: ThemeRecord[] = present.map((item, i) => ({ id: item.id, themes: distinctRecords[slotOf[i]].themes }));
  const evidence: ThemeEvidence[][] = present.map((_, i) => distinctEvidence[slotOf[i]]);
  const contentWords: string[][] = present.map((_, i) => distinctWords[slotOf[i]]);

  // One comment, or every comment the same (a mass submission): the embedder had no space to build, every vector
  // is zero, and there is exactly one group to report.
  // Read from the vectors themselves, so a rerun that takes them from the cache decides the same way.
  const degenerate = vectors.length > 0 && vectors.every((v) => v.every((x) => x === 0));
  if (degenerate) {
    const distinct = new Set(present.map((i) => normalize(i.comment))).size;
    warnings.push(
      `${embedder.inner.id.split(':')[0]}: no similarity space (${present.length} comment${present.length === 1 ? '' : 's'}, ${distinct} distinct): ` +
        `themes come from ${codebook ? 'the coding rules only' : 'nowhere (no codebook applies)'}, and discovery reports every comment as one cluster`,
    );
  }
  // The one group is a cluster even when it holds a single comment: there is nothing for it to be an outlier from.
  const discoveryOpts = { ...opts.discovery, ...(degenerate ? { k: 1, minClusterSize: 1 } : {}) };
  const discovery = discoverClusters(
    present.map((i) => i.id),
    vectors,
    contentWords,
    assigned,
    discoveryOpts,
  );
  const wordsOf = new Map(present.map((item, i) => [item.id, new Set(contentWords[i])]));
  if (!codebook) {
    // Without a codebook the themes are the discovered clusters, named by their keywords; outliers stay unthemed.
    const clusterOf = new Map(discovery.assignments.map((a) => [a.id, a]));
    const keywordsOf = new Map(discovery.clusters.map((c) => [c.id, c.keywords.map((k) => k.term)]));
    assigned.forEach((r) => {
      const a = clusterOf.get(r.id);
      if (!a || a.cluster === OUTLIER_ID) return;
      const words = wordsOf.get(r.id)!;
      r.themes = [{ theme: a.cluster, score: Math.round((1 - a.distance) * 1e4) / 1e4, source: 'cluster', hits: keywordsOf.get(a.cluster)!.filter((k) => words.has(k)) }];
    });
  }
  const byId = new Map(assigned.map((r) => [r.id, r]));
  const records: ThemeRecord[] = items.map((i) => byId.get(i.id) ?? { id: i.id, themes: [] });
  const kept = discovery.clusters.filter((c) => !c.outlier);
  const memberWords = (c: { members: string[] }) => c.members.map((id) => [...(wordsOf.get(id) ?? [])]);
  const candidates = cTfIdf([...kept.map(memberWords), memberWords(discovery.clusters.find((c) => c.outlier) ?? { members: [] })], DRAFT_DEFAULTS.candidates);
  const draft = draftCodebook({
    clusters: kept.map((c, i) => ({ ...c, candidates: candidates[i].map((k) => k.term) })),
    words: wordsOf,
    comments: new Map(present.map((i) => [i.id, i.comment])),
  });
  const clusters: ClustersFile = {
    format: CLUSTERS_FORMAT,
    embedder: embedder.inner.id,
    seed: discoveryOpts.seed ?? DISCOVER_DEFAULTS.seed,
    k: discovery.k,
    k_selection: discovery.kSelection,
    silhouette: discovery.silhouette,
    silhouette_embedding: discovery.silhouetteEmbedding,
    dimensions: discovery.dimensions,
    outlier_threshold: discovery.outlierThreshold,
    outlier_rule: OUTLIER_RULE.replace('1.5', String(discoveryOpts.outlierFence ?? DISCOVER_DEFAULTS.outlierFence)).replace(
      'fewer than 2',
      `fewer than ${discoveryOpts.minClusterSize ?? DISCOVER_DEFAULTS.minClusterSize}`,
    ),
    layout: 'first two principal components of the comment embeddings (exact eigen-decomposition, signs fixed)',
    clusters: discovery.clusters,
    items: discovery.assignments,
    skipped: embedded.skipped.map((s) => ({ id: s.id, reason: s.reason })),
  };

  const dupOpts = { ...DUPLICATE_DEFAULTS, ...opts.duplicates };
  const groups = findDuplicateComments(items, dupOpts);
  const templateJaccard = opts.templateJaccard ?? TEMPLATE_JACCARD;
  const templates = findResponseTemplates(items, { ...dupOpts, jaccard: templateJaccard });
  const nonEmptyComments = items.filter((i) => i.comment.trim()).length;
  const inGroups = groups.reduce((s, g) => s + g.count, 0);
  const duplicates: DuplicatesFile = {
    format: DUPLICATES_FORMAT,
    method: {
      key: 'NFKC, lower case, whitespace/punctuation/symbols removed; exact = same key, near = Jaccard of character shingles ≥ threshold (MinHash LSH candidates, every pair verified)',
      shingle: dupOpts.shingle,
      jaccard: dupOpts.jaccard,
      template_jaccard: templateJaccard,
      bands: dupOpts.bands,
      rows: dupOpts.rows,
    },
    comments: { items: nonEmptyComments, in_groups: inGroups, distinct_after_grouping: nonEmptyComments - inGroups + groups.length, groups },
    responses: {
      items: items.filter((i) => i.response.trim()).length,
      in_templates: templates.reduce((s, g) => s + g.count, 0),
      templates,
    },
  };

  return {
    records,
    clusters,
    duplicates,
    evidence: new Map(present.map((item, i) => [item.id, evidence[i]])),
    discovery,
    draft,
    warnings,
  };
}
