// `pubcom themes`: codebook themes per item, discovered clusters and duplicates, from items.jsonl.
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { readJsonl, writeAtomic, writeJsonl } from '../core/io.ts';
import type { ThemeRecord } from '../core/schema.ts';
import { EMBEDDER_SPEC_HELP } from '../embed/spec.ts';
import { DEFAULT_CODEBOOK } from './defaults.ts';
import { DUPLICATE_DEFAULTS, TEMPLATE_JACCARD } from './duplicates.ts';
import type { ClustersFile, DuplicatesFile } from './schema.ts';

interface ThemesFlags {
  out: string;
  codebook: string;
  embedder: string;
  modelDir?: string;
  allowRemote?: boolean;
  k?: string;
  seed: string;
  jaccard: string;
  templateJaccard: string;
  clusters?: string;
  duplicates?: string;
  terms?: string[];
  vectors?: string;
  cache: boolean;
  cacheDir?: string;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InputError(flag, `expected a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function unitInterval(flag: string, value: string): number {
  const x = Number(value);
  if (!(x > 0 && x <= 1)) throw new InputError(flag, `expected a number in (0, 1], got "${value}"`);
  return x;
}

const HELP_AFTER = `
Outputs:
  --out themes.jsonl      one line per item, in input order:
                          {"id","themes":[{"theme","score","source":"rule"|"similarity"|"both","hits":[…]}]}
                          primary theme first; hits name the rule's terms/phrases/near() that matched
                          (or, for similarity, the theme keywords present). Empty comments get "themes":[].
  --clusters clusters.json  discovered clusters: keywords (c-TF-IDF), representative items, size, overlap with
                          the codebook themes, the outlier group, silhouette, and x/y map positions per item.
  --duplicates duplicates.json  exact and near-duplicate comments (groups with counts) and response templates
                          (answers reused across items, with the items sharing each).

How themes are assigned (thresholds per theme in the codebook):
  rule fires                         → theme (source "rule", or "both" when similarity ≥ thresholds.similarity)
  no rule hit, similarity high       → theme (source "similarity", similarity ≥ thresholds.similarity)
  no rule hit, a keyword occurs and similarity ≥ thresholds.combined → theme (source "similarity")
  nothing assigned                   → the most similar theme if ≥ scoring.fallback_similarity
  Coding-rule syntax: pipeline/themes/README.md.

Examples:
  pubcom themes reports/seed/items.jsonl --out reports/seed/themes.jsonl \\
      --clusters reports/seed/clusters.json --duplicates reports/seed/duplicates.json
  pubcom themes items.jsonl --codebook models/themes/my-round.json --k 12 --out themes.jsonl
  pubcom embed items.jsonl --out vectors.f32 && pubcom themes items.jsonl --vectors vectors.f32 --out themes.jsonl
  pubcom themes items.jsonl --embedder transformers:Xenova/multilingual-e5-small --out themes.jsonl --quiet
`;

export function themesCommand(program: Command): void {
  program
    .command('themes <items>')
    .description('assign codebook themes to every comment, discover clusters, find duplicates and reused answers')
    .requiredOption('--out <file>', 'themes.jsonl: one ThemeRecord per item')
    .option('--codebook <file|none|auto>', `codebook JSON (themes, coding rules, thresholds), "none" (themes = discovered clusters) or "auto" (a models/themes/ codebook only when it fits the document, e.g. ${DEFAULT_CODEBOOK} on the seed)`, 'auto')
    .option('--embedder <spec>', EMBEDDER_SPEC_HELP, 'lsa')
    .option('--model-dir <dir>', 'folder holding transformers model folders <org>/<name>/ (default: models/embedders/ of the package)')
    .option('--allow-remote', 'let transformers.js download a model missing locally from the Hugging Face hub')
    .option('--k <n>', 'number of discovered clusters (default: best silhouette for k in 2…⌈2∛n⌉, or ⌈∛n⌉ above 3,000 comments)')
    .option('--seed <n>', 'seed of k-means++ and the map layout', '42')
    .option('--jaccard <x>', 'near-duplicate threshold on the Jaccard similarity of character 3-gram sets', String(DUPLICATE_DEFAULTS.jaccard))
    .option('--template-jaccard <x>', 'the same threshold for response templates (reused answers)', String(TEMPLATE_JACCARD))
    .option('--clusters <file>', 'write discovered clusters (clusters.json)')
    .option('--duplicates <file>', 'write duplicate groups and response templates (duplicates.json)')
    .option('--terms <file>', 'extra terms kept whole by the tokenizer (coding rules, cluster keywords and the lsa space), one per line; repeatable', collect)
    .option('--vectors <file>', 'the comments\' vectors from `pubcom embed` (.jsonl or .f32), used instead of embedding again; --embedder must name the same embedder (it embeds the codebook\'s seed texts)')
    .option('--cache-dir <dir>', 'embedding cache folder')
    .option('--no-cache', 'neither read nor write the embedding cache')
    .option('--quiet', 'no progress bar or summary on stderr')
    .addHelpText('after', HELP_AFTER)
    .action(async (itemsPath: string, flags: ThemesFlags) => {
      const k = flags.k === undefined ? undefined : wholeNumber('--k', flags.k, 1);
      const seed = wholeNumber('--seed', flags.seed, 0);
      const jaccard = unitInterval('--jaccard', flags.jaccard);
      const templateJaccard = unitInterval('--template-jaccard', flags.templateJaccard);
      const { Item, ThemeRecord } = await import('../core/schema.ts');
      const { createEmbedder, readEmbeddings } = await import('../embed/index.ts');
      const { sha256 } = await import('../core/hash.ts');
      const { getTokenizer, loadUserTerms } = await import('../tokenize/index.ts');
      const { chooseCodebook, themeItems } = await import('./index.ts');
      const { ClustersFile, DuplicatesFile } = await import('./schema.ts');
      const items = readJsonl(itemsPath, Item);
      if (items.length === 0) throw new InputError(itemsPath, 'no items');
      const choice = await chooseCodebook(flags.codebook, items);
      const codebook = choice.codebook;
      const terms = (flags.terms ?? []).flatMap((f) => loadUserTerms(f));
      // A term list belongs to its domain: only the applied codebook's, as in `pubcom run`.
      const tokenizer = await getTokenizer({ terms, domainTerms: codebook ? [codebook.domain] : [] });
      // The lsa space is built with the same tokenizer as the coding rules, so --terms shapes both.
      const domainKey = `domains=${codebook ? codebook.domain : ''};terms=${sha256(terms.join('\n')).slice(0, 16)}`;
      const embedder = await createEmbedder(flags.embedder, { modelDir: flags.modelDir, allowRemote: flags.allowRemote, lsa: { tokenizer, tokenizerKey: domainKey } });
      const embeddings = flags.vectors ? readEmbeddings(flags.vectors) : undefined;
      if (embeddings && !embeddings.embedder.startsWith(flags.embedder)) {
        throw new InputError(flags.vectors!, `vectors made by ${embeddings.embedder.split('|')[0]}, but --embedder is ${flags.embedder}: pass the embedder that made them`);
      }
      const result = await themeItems(items, {
        codebook,
        tokenizer,
        embedder,
        ...(embeddings ? { embeddings, embeddingsSource: flags.vectors } : {}),
        discovery: { k, seed },
        duplicates: { jaccard },
        templateJaccard,
        cache: flags.cache,
        cacheDir: flags.cacheDir,
        quiet: flags.quiet,
      });
      // Checked against the published schemas before anything is written.
      const records = result.records.map((r) => ThemeRecord.parse(r));
      const clusters = ClustersFile.parse(result.clusters);
      const duplicates = DuplicatesFile.parse(result.duplicates);
      writeJsonl(flags.out, records);
      if (flags.clusters) writeAtomic(flags.clusters, JSON.stringify(clusters, null, 1) + '\n');
      if (flags.duplicates) writeAtomic(flags.duplicates, JSON.stringify(duplicates, null, 1) + '\n');
      for (const w of result.warnings) process.stderr.write(`pubcom themes: warning: ${w}\n`);
      if (!flags.quiet) process.stderr.write(`codebook: ${choice.reason}\n` + summary(records, clusters, duplicates));
    });
}

function summary(records: ThemeRecord[], clusters: ClustersFile, duplicates: DuplicatesFile): string {
  const perTheme = new Map<string, number>();
  for (const r of records) for (const t of r.themes) perTheme.set(t.theme, (perTheme.get(t.theme) ?? 0) + 1);
  const unthemed = records.filter((r) => r.themes.length === 0).length;
  const outliers = clusters.clusters.find((c) => c.outlier)?.size ?? 0;
  const kept = clusters.clusters.filter((c) => !c.outlier).length;
  const lines = [
    `themes: ${records.length} items; ${records.length - unthemed} with a theme, ${unthemed} without`,
    `  ${[...perTheme].map(([t, n]) => `${t} ${n}`).join(', ')}`,
    `clusters: ${kept} clusters + ${outliers} outliers (k=${clusters.k} by ${clusters.k_selection.method}` +
      `${clusters.k > kept ? `; ${clusters.k - kept} too small, dissolved into the outliers` : ''}), silhouette ${clusters.silhouette}` +
      (clusters.skipped.length ? `, ${clusters.skipped.length} items not clustered (empty comment)` : ''),
    `duplicates: ${duplicates.comments.groups.length} groups covering ${duplicates.comments.in_groups} comments; ` +
      `${duplicates.responses.templates.length} response templates covering ${duplicates.responses.in_templates} items`,
  ];
  return lines.join('\n') + '\n';
}
