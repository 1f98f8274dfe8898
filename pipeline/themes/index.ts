// themes stage: items → codebook + seeded-similarity themes per item, discovered clusters, duplicate comments and
// reused responses. Pure over its inputs: the same items, codebook, embedder and seed give the same bytes.
import type { Item, ThemeRecord } from '../core/schema.ts';
import type { Embedder } from '../embed/types.ts';
import { DEFAULT_CACHE_DIR, embedItems, withCache } from '../embed/index.ts';
import type { Tokenizer } from '../tokenize/index.ts';
import type { Embeddings } from '../embed/output.ts';
import { InputError } from '../core/errors.ts';
import { PreparedComments } from './prepare.ts';
import { assignThemes, similarityMatrix, type ThemeEvidence } from './assign.ts';
import { seedText, type Codebook, type CodebookFile } from './codebook.ts';
import { draftCodebook, DRAFT_DEFAULTS } from './draft.ts';
import { cTfIdf } from './discover.ts';
import { DISCOVER_DEFAULTS, discoverClusters, OUTLIER_ID, type DiscoverOptions, type DiscoveryResult } from './discover.ts';
import { DUPLICATE_DEFAULTS, findDuplicateComments, findResponseTemplates, TEMPLATE_JACCARD, type DuplicateOptions } from './duplicates.ts';
import { CLUSTERS_FORMAT, DUPLICATES_FORMAT, type ClustersFile, type DuplicatesFile } from './schema.ts';
import { normalize } from '../core/text.ts';
import { distinctSlots } from '../core/arrays.ts';

export { loadCodebook, checkCodebook, DEFAULT_CODEBOOK, type Codebook, type CodebookFile } from './codebook.ts';
export { parseRule, evaluateRule, ruleDocument, RuleSyntaxError } from './rule-lang.ts';
export { discoverClusters, OUTLIER_ID } from './discover.ts';
export { chooseCodebook, measureFit, FIT_DEFAULTS, type CodebookChoice, type CodebookFit } from './fit.ts';
export { draftCodebook } from './draft.ts';
export { findDuplicateComments, findResponseTemplates, groupTexts } from './duplicates.ts';
export { evaluateThemes } from './eval.ts';
export { PreparedComments, type PreparedComment } from './prepare.ts';
export { ClustersFile, DuplicatesFile } from './schema.ts';

export interface ThemesOptions {
  /** null: no codebook; each comment's theme is then its discovered cluster (source "cluster"). */
  codebook: Codebook | null;
  tokenizer: Tokenizer;
  /** The comments already analysed with `tokenizer` for this codebook (the run's tokenize stage); else analysed here. */
  prepared?: PreparedComments;
  /** The comments' vectors already computed (the run's embed stage, or `pubcom themes --vectors`); else embedded here. */
  embeddings?: Embeddings;
  /** Names the vectors in messages (a file name). */
  embeddingsSource?: string;
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

  // The run hands over the comments' vectors from its embed stage and their analyses from its tokenize stage;
  // a standalone call (pubcom themes) computes what it was not given, the same way.
  const embedded = opts.embeddings ?? (await embedItems(items, embedder, { field: 'comment', kind: 'passage', quiet: opts.quiet, cache: opts.cache, cacheDir: opts.cacheDir }));
  const vectorOf = new Map(embedded.ids.map((id, i) => [id, embedded.vectors[i]]));
  if (opts.embeddings) checkEmbeddings(items, opts.embeddings, opts.embeddingsSource ?? 'embeddings');
  // Seeds are embedded in the comments' space: a corpus-fitted embedder (lsa) is fitted on the same comments
  // (the run's embed stage already did, and the same corpus keeps its space).
  if (codebook && opts.embeddings) await embedder.fit(items.map((i) => i.comment).filter((c) => c.trim() !== ''));
  const seeds = codebook ? await embedder.embed(codebook.themes.map((t) => seedText(codebook, t)), 'query') : [];
  // Kept with the comments' vectors, so a rerun finds every vector on disk and never fits lsa again.
  embedder.flush();
  const prepared = opts.prepared ?? new PreparedComments(opts.tokenizer, codebook);
  if (prepared.codebook !== codebook) throw new Error('themeItems: the prepared comments were analysed for another codebook');

  const present = items.filter((i) => vectorOf.has(i.id));
  const vectors = present.map((i) => vectorOf.get(i.id)!);
  const { assigned, evidence, contentWords } = assignPresent(present, vectors, seeds, prepared, codebook);

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
  const rows = clusterRows(present, vectors);
  const discovery = discoverClusters(
    present.map((i) => i.id),
    rows.first.map((i) => vectors[i]),
    rows.first.map((i) => contentWords[i]),
    rows.first.map((i) => assigned[i]),
    discoveryOpts,
    rows.rowOf,
  );
  const wordsOf = wordSets(present, contentWords);
  if (!codebook) themesFromClusters(assigned, discovery, wordsOf);
  const byId = new Map(assigned.map((r) => [r.id, r]));
  const records: ThemeRecord[] = items.map((i) => byId.get(i.id) ?? { id: i.id, themes: [] });
  const embedderId = opts.embeddingsSource && opts.embeddings ? opts.embeddings.embedder.split('|')[0] : embedder.inner.id;
  return {
    records,
    clusters: clustersFile(discovery, discoveryOpts, embedderId, embedded),
    duplicates: duplicatesFile(items, opts),
    evidence: new Map(present.map((item, i) => [item.id, evidence[i]])),
    discovery,
    draft: draftFromClusters(discovery, wordsOf, present),
    warnings,
  };
}

/**
 * The codebook's themes for every embedded comment, with their evidence and content words. Mass submissions repeat a
 * few texts thousands of times: each distinct comment is assigned once (same text, same vector, so the same
 * decision) and every copy gets the first one's result.
 */
function assignPresent(present: Item[], vectors: Float32Array[], seeds: Float32Array[], prepared: PreparedComments, codebook: Codebook | null) {
  const { first: distinct, slot: slotOf } = distinctSlots(present, (item) => item.comment);
  const distinctItems = distinct.map((i) => present[i]);
  const analyses = distinctItems.map((i) => prepared.get(i.comment));
  let distinctRecords: ThemeRecord[];
  let distinctEvidence: ThemeEvidence[][];
  if (codebook) {
    const similarity = similarityMatrix(distinct.map((i) => vectors[i]), seeds);
    ({ records: distinctRecords, evidence: distinctEvidence } = assignThemes(
      distinctItems.map((i) => i.id),
      analyses.map((a) => a.facts!),
      similarity,
      codebook,
    ));
  } else {
    distinctRecords = distinctItems.map((i) => ({ id: i.id, themes: [] }));
    distinctEvidence = distinctItems.map(() => []);
  }
  const distinctWords = analyses.map((a) => a.nouns);
  return {
    assigned: present.map((item, i): ThemeRecord => ({ id: item.id, themes: distinctRecords[slotOf[i]].themes })),
    evidence: present.map((_, i) => distinctEvidence[slotOf[i]]),
    contentWords: present.map((_, i) => distinctWords[slotOf[i]]),
  };
}

/**
 * Copies of a comment (same text, same vector) share one row of the clustering, weighted by their count: a mass
 * round is clustered over its distinct texts. A copy whose vector differs (a --vectors file may say so) keeps a row
 * of its own, so the weighted rows always stand for exactly the comments' own vectors.
 */
function clusterRows(present: Item[], vectors: Float32Array[]): { first: number[]; rowOf: Int32Array } {
  const rowOf = new Int32Array(present.length);
  const rowOfText = new Map<string, number>();
  const first: number[] = [];
  present.forEach((item, i) => {
    const r = rowOfText.get(item.comment);
    if (r !== undefined && sameVector(vectors[first[r]], vectors[i])) {
      rowOf[i] = r;
      return;
    }
    if (r === undefined) rowOfText.set(item.comment, first.length);
    rowOf[i] = first.length;
    first.push(i);
  });
  return { first, rowOf };
}

function sameVector(a: Float32Array, b: Float32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) if (!Object.is(a[j], b[j])) return false;
  return true;
}

/** One Set per distinct comment, shared by its copies (the draft codebook counts copies as one weighted unit). */
function wordSets(present: Item[], contentWords: string[][]): Map<string, Set<string>> {
  const setOf = new Map<string[], Set<string>>();
  const wordSet = (words: string[]) => {
    let set = setOf.get(words);
    if (!set) setOf.set(words, (set = new Set(words)));
    return set;
  };
  return new Map(present.map((item, i) => [item.id, wordSet(contentWords[i])]));
}

/** Without a codebook the themes are the discovered clusters, named by their keywords; outliers stay unthemed. */
function themesFromClusters(assigned: ThemeRecord[], discovery: DiscoveryResult, wordsOf: Map<string, Set<string>>): void {
  const clusterOf = new Map(discovery.assignments.map((a) => [a.id, a]));
  const keywordsOf = new Map(discovery.clusters.map((c) => [c.id, c.keywords.map((k) => k.term)]));
  assigned.forEach((r) => {
    const a = clusterOf.get(r.id);
    if (!a || a.cluster === OUTLIER_ID) return;
    const words = wordsOf.get(r.id)!;
    r.themes = [{ theme: a.cluster, score: Math.round((1 - a.distance) * 1e4) / 1e4, source: 'cluster', hits: keywordsOf.get(a.cluster)!.filter((k) => words.has(k)) }];
  });
}

/** The kept clusters as a draft codebook, their candidate keywords weighed against every other cluster's. */
function draftFromClusters(discovery: DiscoveryResult, wordsOf: Map<string, Set<string>>, present: Item[]): CodebookFile | null {
  const kept = discovery.clusters.filter((c) => !c.outlier);
  const memberWords = (c: { members: string[] }) => c.members.map((id) => [...(wordsOf.get(id) ?? [])]);
  const candidates = cTfIdf([...kept.map(memberWords), memberWords(discovery.clusters.find((c) => c.outlier) ?? { members: [] })], DRAFT_DEFAULTS.candidates);
  return draftCodebook({
    clusters: kept.map((c, i) => ({ ...c, candidates: candidates[i].map((k) => k.term) })),
    words: wordsOf,
    comments: new Map(present.map((i) => [i.id, i.comment])),
  });
}

function clustersFile(discovery: DiscoveryResult, discoveryOpts: Partial<DiscoverOptions>, embedder: string, embedded: Embeddings): ClustersFile {
  return {
    format: CLUSTERS_FORMAT,
    embedder,
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
}

/** Repeated comments (exact and near copies) and the response templates a ministry reuses. */
function duplicatesFile(items: readonly Item[], opts: ThemesOptions): DuplicatesFile {
  const dupOpts = { ...DUPLICATE_DEFAULTS, ...opts.duplicates };
  const groups = findDuplicateComments(items, dupOpts);
  const templateJaccard = opts.templateJaccard ?? TEMPLATE_JACCARD;
  const templates = findResponseTemplates(items, { ...dupOpts, jaccard: templateJaccard });
  const nonEmptyComments = items.filter((i) => i.comment.trim()).length;
  const inGroups = groups.reduce((s, g) => s + g.count, 0);
  return {
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
}

/** Precomputed vectors must cover exactly the items with a comment: a vectors file of another items file is an error. */
function checkEmbeddings(items: readonly Item[], e: Embeddings, source: string): void {
  const have = new Set(e.ids);
  for (const item of items) {
    if (item.comment.trim() && !have.has(item.id)) throw new InputError(source, `no vector for item "${item.id}" (were the vectors computed from these items' comments?)`);
  }
  const known = new Set(items.map((i) => i.id));
  for (const id of e.ids) if (!known.has(id)) throw new InputError(source, `a vector for "${id}", which is not among the items`);
}
