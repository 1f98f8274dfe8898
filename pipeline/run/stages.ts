// The stage calls `pubcom run` makes, each a thin adapter from the run config to one stage's library API.
// Nothing here decides anything about the data; that stays in the stages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { stringPool } from '../core/text.ts';
import { sha256 } from '../core/hash.ts';
import type { Item, StanceRecord } from '../core/schema.ts';
import { projectRelative, publicPath } from '../core/paths.ts';
import { classify, loadRules, readModel, type ClassifierModel, type LoadedRules } from '../classify/index.ts';
import { progress } from '../core/progress.ts';
import { CachedEmbedder, createEmbedder, embedItems, withCache, type Embedder, type Embeddings } from '../embed/index.ts';
import { parseDocument, type ParseResult } from '../parse/index.ts';
import { loadStanceRules, stanceItems } from '../stance/index.ts';
import { chooseCodebook, loadCodebook, PreparedComments, themeItems, type CodebookChoice, type CodebookFile } from '../themes/index.ts';
import { getTokenizer } from '../tokenize/index.ts';
import type { ClusterInfo } from '../report/schema.ts';
import { configPath, isCodebookMode, type ResolvedConfig } from './config.ts';
import type { ClassifierOutput, ThemesOutput } from './enrich.ts';

/** `label` names the input in the outputs (items' source, parse report); messages name `input` as given. */
export async function parseStage(input: string, label: string, config: ResolvedConfig): Promise<ParseResult> {
  const p = config.parse;
  const parsed = await parseDocument(input, {
    sourceLabel: label,
    format: p.format,
    map: p.map ?? undefined,
    records: p.records ?? undefined,
    join: p.join ?? undefined,
    slug: p.slug ?? undefined,
    sheets: p.sheet ?? undefined,
  });
  shareTexts(parsed.items);
  return parsed;
}

/**
 * One string per distinct text. The reader gives every row its own copy of its texts, so a 300,000-row mass round
 * held 300,000 copies of 36 campaign texts (and their raw forms), about half a gigabyte; shared, every later
 * lookup of a text (analyses, report encodings) also finds its hash already computed. Values are unchanged.
 */
export function shareTexts(items: Item[]): void {
  const one = stringPool();
  for (const it of items) {
    it.comment = one(it.comment);
    it.comment_raw = one(it.comment_raw);
    it.response = one(it.response);
    it.response_raw = one(it.response_raw);
  }
}

/**
 * Loads the dictionary and analyses every distinct comment once (copies of a campaign text share the analysis):
 * the content words the lsa embedder builds its space from, the nouns that name clusters, and what the codebook's
 * coding rules find. The tokens themselves are not kept; the later stages read these.
 */
export async function tokenizeStage(items: readonly Item[], choice: CodebookChoice, quiet = false): Promise<PreparedComments> {
  const codebook = choice.codebook;
  // A term list belongs to its domain: only the applied codebook's (none without a codebook).
  const domains = codebook ? [codebook.domain] : [];
  // Measuring the codebook's fit analysed the comments with this same tokenizer: those analyses are taken over.
  const taken = choice.prepared && choice.prepared.codebook === codebook ? choice.prepared : null;
  choice.prepared = null;
  const comments = taken ?? new PreparedComments(await getTokenizer({ domainTerms: domains }), codebook, `domains=${domains.join(',')}`);
  const firsts = new Map<string, Item>();
  for (const item of items) if (item.comment.trim() && !firsts.has(item.comment)) firsts.set(item.comment, item);
  // Progress in characters, so a round with a few very long comments still shows it moving.
  let chars = 0;
  for (const item of firsts.values()) chars += item.comment.length;
  const bar = progress('tokenize', chars, { quiet });
  for (const item of firsts.values()) {
    comments.get(item.comment);
    bar.tick(item.comment.length);
  }
  bar.done();
  return comments;
}

export interface EmbedResult {
  embedder: CachedEmbedder;
  embeddings: Embeddings;
  cache: { hits: number; computed: number };
}

/**
 * Fits the embedder on the comments and embeds them. lsa builds its space from the words the tokenize stage found
 * (same tokenizer, so `--terms` and the codebook's term lists shape it too); the themes stage reuses both the
 * vectors and the fitted embedder (for the codebook's seed texts).
 */
export async function embedStage(
  items: readonly Item[],
  comments: PreparedComments,
  config: ResolvedConfig,
  opts: { quiet: boolean; allowRemote?: boolean },
): Promise<EmbedResult> {
  const o = config.embedder_options;
  const inner: Embedder = await createEmbedder(config.embedder, {
    modelDir: o.model_dir ? configPath(o.model_dir) : undefined,
    batchSize: o.batch_size ?? undefined,
    dtype: o.dtype ?? undefined,
    allowRemote: opts.allowRemote,
    lsa: { tokenizer: comments.tokenizer, tokenizerKey: comments.tokenizerKey, words: (t) => comments.wordsOf(t) },
  });
  const embedder = withCache(inner, { dir: join(config.cache.dir, 'embeddings'), enabled: config.cache.enabled });
  const result = await embedItems(items, embedder, { field: 'comment', kind: 'passage', quiet: opts.quiet, cache: config.cache.enabled });
  return { embedder, embeddings: result, cache: { hits: result.cache.hits, computed: result.cache.computed } };
}

/** A named codebook file is read and checked before any stage runs, so a typo stops the run at once. */
export function checkRunCodebook(config: ResolvedConfig): void {
  if (config.codebook !== null && !isCodebookMode(config.codebook)) loadCodebook(configPath(config.codebook));
}

/**
 * `codebook`: a file, "auto" or "none" (pipeline/themes/fit.ts). The applied codebook keeps a path the run can read
 * again (project-relative inside the project); what is recorded goes through publicPath.
 */
export async function codebookStage(items: readonly Item[], config: ResolvedConfig): Promise<CodebookChoice> {
  const choice = await chooseCodebook(config.codebook ?? 'none', items, { resolve: configPath });
  for (const f of choice.fits) f.file = publicPath(f.file);
  if (choice.codebook) choice.codebook.file = projectRelative(choice.codebook.file);
  return choice;
}

/** The trained model the configured classifiers need, read and checked before any stage runs. */
export function loadRunModel(config: ResolvedConfig): { model: ClassifierModel; file: string; sha256: string } | null {
  const needs = config.classifiers.filter((n) => n !== 'rules');
  if (!needs.length) return null;
  if (!config.model) {
    throw new InputError('config', `classifiers ${needs.join(', ')} need a trained model: run \`pubcom train\` and set "model" (or --model)`);
  }
  const path = configPath(config.model);
  return { model: readModel(path), file: config.model, sha256: sha256(readFileSync(path)) };
}

/** The cue rules the run's classifiers use: `rules` from the config (--rules), else the shipped ones. */
export function loadRunRules(config: ResolvedConfig): LoadedRules | undefined {
  return config.rules ? loadRules(configPath(config.rules)) : undefined;
}

export async function classifyStage(items: readonly Item[], config: ResolvedConfig, model: ClassifierModel | null): Promise<ClassifierOutput[]> {
  const out: ClassifierOutput[] = [];
  const rules = loadRunRules(config);
  // The classifiers share one analysis of the responses, remembered per inputs array (classify/base.ts). Keyed by
  // the run's own items, it lived as long as they do, to the end of the run: 100 MB at 50,000 rows that every later
  // collection had to walk. A copy of the array is the key instead, so the analysis goes when this stage ends.
  const inputs = items.slice();
  for (const name of config.classifiers) {
    const labels = await classify(inputs, {
      classifier: name,
      model: model ?? undefined,
      rules,
      // Similarity searches the model's own labelled responses, in the space of the embedder it was trained with.
      embedderFactory: (spec) => createEmbedder(spec),
    });
    out.push({ name, version: labels[0]?.classifier.version ?? 'unknown', labels });
  }
  return out;
}

export interface StanceStageResult {
  records: StanceRecord[];
  /** The cue rules used, for the manifest (file relative to the project when inside it). */
  rules: { file: string; sha256: string; version: string };
}

/** The comments' stances (support / oppose / request / question), with the spans of each comment that decided them. */
export function stanceStage(items: readonly Item[]): StanceStageResult {
  const rules = loadStanceRules();
  return {
    records: stanceItems(items, rules),
    rules: { file: publicPath(rules.path), sha256: sha256(readFileSync(rules.path)), version: rules.version },
  };
}

export interface ThemesStageResult extends ThemesOutput {
  /** Why themes or clusters are weaker than usual (e.g. one distinct comment: no similarity space). */
  warnings: string[];
  /** The stage's own clusters.json and duplicates.json, as written to the run folder's themes/. */
  clustersJson: string;
  duplicatesJson: string;
  /** codebook.draft.json: the clusters as a codebook to edit and pass back (null when nothing was clustered). */
  draft: CodebookFile | null;
  /** The embedder that made the vectors (manifest.json), as the themes stage recorded it. */
  embedderId: string;
}

export async function themesStage(
  items: readonly Item[],
  config: ResolvedConfig,
  comments: PreparedComments,
  embedded: EmbedResult,
  quiet: boolean,
): Promise<ThemesStageResult> {
  const jaccard = config.thresholds.near_duplicate ?? undefined;
  const templateJaccard = config.thresholds.response_template ?? undefined;
  const raw = await themeItems(items, {
    codebook: comments.codebook,
    tokenizer: comments.tokenizer,
    prepared: comments,
    embedder: embedded.embedder,
    embeddings: embedded.embeddings,
    discovery: { seed: config.seed, ...(config.clusters.k !== null ? { k: config.clusters.k } : {}) },
    duplicates: jaccard !== undefined ? { jaccard } : {},
    // One threshold for duplicates.json and items.csv: the stage computes the templates both read.
    ...(templateJaccard !== undefined ? { templateJaccard } : {}),
    cache: config.cache.enabled,
    cacheDir: join(config.cache.dir, 'embeddings'),
    quiet,
  });
  const templates = raw.duplicates.responses.templates;
  const byItem = (groups: readonly { id: string; items: string[] }[]) =>
    new Map(groups.flatMap((g) => g.items.map((id) => [id, g.id] as const)));
  const clusters: ClusterInfo[] = raw.clusters.clusters.map((c) => ({
    id: c.id,
    name: c.name,
    size: c.size,
    keywords: c.keywords.map((k) => k.term),
    representatives: c.representatives,
    outlier: c.outlier,
  }));
  return {
    warnings: raw.warnings,
    clustersJson: JSON.stringify(raw.clusters, null, 2) + '\n',
    duplicatesJson: JSON.stringify(raw.duplicates, null, 2) + '\n',
    draft: raw.draft,
    embedderId: embedded.embedder.inner.id,
    themes: raw.records,
    duplicateGroup: byItem(raw.duplicates.comments.groups),
    responseTemplate: byItem(templates),
    cluster: new Map(raw.clusters.items.map((a) => [a.id, a.cluster])),
    layout: new Map(raw.clusters.items.map((a) => [a.id, { x: a.x, y: a.y }])),
    clusters,
  };
}
