// pubcom.config.json: everything a run depends on besides its input, checked by zod and recorded whole in the
// run's manifest.json, so a published figure can be reproduced from the manifest alone.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { PACKAGE_ROOT } from '../core/models.ts';
import { CLASSIFIER_NAMES, type ClassifierName } from '../classify/types.ts';
import { Dtype } from '../embed/transformers.ts';
import { FORMATS } from '../parse/detect.ts';
import { DUPLICATE_DEFAULTS, TEMPLATE_JACCARD } from '../themes/duplicates.ts';

/** The project root: default model paths are relative to it, so `pubcom run` works from any directory. */
export { PACKAGE_ROOT };
import { projectRelative, publicPath } from '../core/paths.ts';

const ColumnMapConfig = z
  .object({
    id: z.string().optional(),
    number: z.string().optional(),
    comment: z.string().optional(),
    response: z.string().optional(),
    section: z.string().optional(),
    location: z.string().optional(),
    category: z.string().optional(),
    group: z.string().optional(),
  })
  .strict();

export const RunConfig = z
  .object({
    parse: z
      .object({
        format: z.enum(FORMATS).default('auto'),
        map: ColumnMapConfig.nullable().default(null),
        records: z.string().nullable().default(null),
        join: z.string().nullable().default(null),
        slug: z.string().min(1).nullable().default(null),
        sheet: z.array(z.string().min(1)).min(1).nullable().default(null),
      })
      .strict()
      .default({ format: 'auto', map: null, records: null, join: null, slug: null, sheet: null }),
    classifiers: z.array(z.enum(CLASSIFIER_NAMES)).min(1).optional(),
    model: z.string().min(1).nullable().optional(),
    embedder: z.string().min(1).default('lsa'),
    embedder_options: z
      .object({
        model_dir: z.string().nullable().default(null),
        batch_size: z.number().int().min(1).nullable().default(null),
        dtype: Dtype.nullable().default(null),
      })
      .strict()
      .default({ model_dir: null, batch_size: null, dtype: null }),
    /** Cue rules file for the classifiers (an edited copy of models/labels/rules.json); null = the shipped rules. */
    rules: z.string().min(1).nullable().default(null),
    /** A codebook file, "auto" (apply a models/themes/ codebook only when it fits the document), or "none"/null. */
    codebook: z.string().min(1).nullable().default('auto'),
    thresholds: z
      .object({
        near_duplicate: z.number().min(0).max(1).nullable().default(null),
        response_template: z.number().min(0).max(1).nullable().default(null),
      })
      .strict()
      .default({ near_duplicate: null, response_template: null }),
    clusters: z
      .object({ k: z.number().int().min(2).nullable().default(null) })
      .strict()
      .default({ k: null }),
    seed: z.number().int().min(0).default(42),
    cache: z
      .object({ enabled: z.boolean().default(true), dir: z.string().default('.cache') })
      .strict()
      .default({ enabled: true, dir: '.cache' }),
  })
  .strict();
/** A config with every default filled in and every path resolved. */
export type ResolvedConfig = Omit<z.output<typeof RunConfig>, 'classifiers' | 'model'> & {
  classifiers: ClassifierName[];
  model: string | null;
};

/** The trained model a run uses unless told otherwise; when it exists, "ensemble" joins the default classifiers. */
export const DEFAULT_MODEL = 'models/classifiers/default.json';

/** What each setting means: printed by `pubcom config --explain`; keep in step with RunConfig. */
export const CONFIG_DOCS: [string, string][] = [
  ['parse.format', 'Input format; "auto" decides from the extension and content.'],
  ['parse.map', 'Column (or JSON field) for each Item field, e.g. {"number":"番号","comment":"意見の概要","response":"考え方"}; null = detect the usual headers.'],
  ['parse.records', 'JSON input: dotted path to the array of records, e.g. "data.opinions".'],
  ['parse.join', 'JSON input: "path.to.array:key" attaches a second array by a shared key.'],
  ['parse.sheet', 'XLSX input: the sheets to read, e.g. ["意見と市の考え方"]; null = every sheet that holds a result table.'],
  ['parse.slug', 'Prefix of item ids ("<slug>#<number>"); null = the input file name without extension.'],
  ['classifiers', 'Classifiers to run, in order (rules, supervised, similarity, ensemble); the first one drives the disposition tables. Default ["rules"], or ["rules", "ensemble"] when the default trained model exists.'],
  ['model', `Trained classifier file from \`pubcom train\`, needed by supervised, similarity and ensemble; default ${DEFAULT_MODEL} when it exists, else null.`],
  ['embedder', 'lsa (offline default) | lsa:dim=N,seed=S | transformers:<model id or folder>.'],
  ['embedder_options.model_dir', 'Folder holding transformers model folders <org>/<name>/; null = models/embedders.'],
  ['embedder_options.batch_size', 'Texts per transformers forward pass; null = the model\'s setting in models/embedders.json.'],
  ['embedder_options.dtype', 'transformers weights dtype (e.g. fp32, q8); null = the model\'s setting.'],
  ['rules', 'Cue rules file the classifiers use (an edited copy of models/labels/rules.json, same schema; models/labels/README.md); null (default) = the shipped rules. Relative paths are resolved against the config file (with --rules, against the current directory). The classifiers\' versions carry its hash.'],
  ['codebook', '"auto" (default): apply a codebook of models/themes/ only when it fits the document (its rules hit ≥ fit.min_rule_share of the comments and its domain vocabulary occurs in ≥ fit.min_vocabulary_share; pipeline/themes/README.md), else none; "none" or null: no codebook, themes are the discovered clusters; or a codebook file (e.g. a run\'s codebook.draft.json, edited), applied as asked. Relative paths are resolved against the config file.'],
  ['thresholds.near_duplicate', `Jaccard similarity of character ${DUPLICATE_DEFAULTS.shingle}-gram sets at or above which two comments count as near-duplicates; null = the themes stage default (${DUPLICATE_DEFAULTS.jaccard}).`],
  ['thresholds.response_template', `The same for two responses to count as one reused answer (response template), in items.csv and duplicates.json alike; null = the themes stage default (${TEMPLATE_JACCARD}: answers that differ by one word differ in meaning).`],
  ['clusters.k', 'Number of discovered clusters; null = chosen by silhouette (or the cube-root default).'],
  ['seed', 'Seed of the cluster discovery and the 2-D layout (the lsa embedder\'s own seed is in models/lsa.json, or lsa:seed=S).'],
  ['cache.enabled', 'Reuse embeddings computed by earlier runs (keyed by backend, model and text hash).'],
  ['cache.dir', 'Cache folder; relative paths are resolved against the current directory.'],
];


function defaultModel(): string | null {
  return existsSync(resolve(PACKAGE_ROOT, DEFAULT_MODEL)) ? DEFAULT_MODEL : null;
}

/** Unset classifiers and model get their defaults; a model is looked for only when a classifier needs one. */
export function withDefaults(c: z.output<typeof RunConfig>, modelPath: string | null | undefined): ResolvedConfig {
  const model = modelPath === undefined ? defaultModel() : modelPath;
  const classifiers = c.classifiers ?? (model ? (['rules', 'ensemble'] as ClassifierName[]) : (['rules'] as ClassifierName[]));
  const { parse, classifiers: _c, model: _m, ...rest } = c;
  return { parse, classifiers, model: classifiers.some((n) => n !== 'rules') ? model : null, ...rest };
}

export function defaultConfig(): ResolvedConfig {
  return withDefaults(RunConfig.parse({}), undefined);
}

/** "auto" and "none" choose; anything else names a codebook file. */
export function isCodebookMode(value: string): value is 'auto' | 'none' {
  return value === 'auto' || value === 'none';
}

/** Paths stay as written when they are inside the project (so manifests do not depend on the checkout path). */
export function resolvePath(p: string, base: string): string {
  return projectRelative(isAbsolute(p) ? p : resolve(base, p));
}

export function checkConfig(value: unknown, file: string, base: string): ResolvedConfig {
  const parsed = RunConfig.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(file, `${issue.path.join('.') || 'config'}: ${issue.message}`);
  }
  const c = parsed.data;
  const given = (key: string) => value !== null && typeof value === 'object' && key in value;
  const model = c.model === undefined || c.model === null ? c.model : resolvePath(c.model, base);
  const codebook = c.codebook === null ? 'none' : given('codebook') && !isCodebookMode(c.codebook) ? resolvePath(c.codebook, base) : c.codebook;
  const rules = c.rules === null ? null : resolvePath(c.rules, base);
  return withDefaults({ ...c, codebook, rules }, model);
}

/** Reads a config file, or returns the defaults when no file is named. */
export function loadConfig(file?: string): ResolvedConfig {
  if (!file) return defaultConfig();
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(file, e instanceof SyntaxError ? `invalid JSON: ${e.message}` : 'cannot read config file');
  }
  return checkConfig(value, file, dirname(resolve(file)));
}

/**
 * The config as a run records it (run.json, manifest.json): file paths by publicPath, so a shared run folder does
 * not reveal where the user keeps their files.
 */
export function publicConfig(c: ResolvedConfig): ResolvedConfig {
  const shown = (p: string | null | undefined) => (p ? publicPath(p) : p);
  return {
    ...c,
    model: shown(c.model) ?? null,
    rules: shown(c.rules) ?? null,
    codebook: c.codebook === null || isCodebookMode(c.codebook) ? c.codebook : publicPath(c.codebook),
    embedder_options: { ...c.embedder_options, model_dir: shown(c.embedder_options.model_dir) ?? null },
    cache: { ...c.cache, dir: publicPath(c.cache.dir) },
  };
}

/** An absolute path for a config path (project-relative ones are resolved against the project). */
export function configPath(p: string): string {
  return isAbsolute(p) ? p : resolve(PACKAGE_ROOT, p);
}
