// `pubcom run`: parse → tokenize → embed → classify → stance → themes → report, one stage call each, then the manifest.
// Keep this a short list of stage calls; anything a stage decides belongs in that stage.
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { StrictError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { VERSION } from '../core/version.ts';
import { emitReport } from '../report/index.ts';
import { documentTitle } from '../report/title.ts';
import type { RunSet } from '../report/schema.ts';
import type { ClassifierModel } from '../classify/index.ts';
import type { Item, StanceRecord } from '../core/schema.ts';
import type { Codebook } from '../themes/index.ts';
import { configPath, publicConfig, type ResolvedConfig } from './config.ts';
import { publicPath } from '../core/paths.ts';
import { enrich } from './enrich.ts';
import { buildManifest } from './manifest-build.ts';
import { checkRunCodebook, classifyStage, loadRunRules, codebookStage, embedStage, loadRunModel, parseStage, stanceStage, themesStage, tokenizeStage } from './stages.ts';
import { StageLog } from './stage-log.ts';
import { runSummary } from './summary.ts';
import { beginRun, fault } from './transaction.ts';

export { RunConfig, loadConfig, defaultConfig, CONFIG_DOCS, type ResolvedConfig } from './config.ts';
export { diffRuns, readRunFolder } from './diff.ts';
export { Manifest } from './manifest.ts';

export interface RunOptions {
  input: string;
  /** Run folder, e.g. reports/seed. */
  out: string;
  config: ResolvedConfig;
  quiet?: boolean;
  /** Let transformers.js download a model missing locally (never the default). */
  allowRemote?: boolean;
  /**
   * How the outputs name the input (items' `source.file`, run.json, parse-report.json, manifest.json, the report);
   * default the input's file name. Never the absolute path: shared reports must not reveal the user's folders.
   */
  sourceLabel?: string;
  /** Keep files in `out` that are no previous run's beside the new run instead of stopping (see transaction.ts). */
  force?: boolean;
  /** Stop with StrictError (exit 3, nothing written) when the parse stage has any note or warning. */
  strict?: boolean;
}

export interface RunResult {
  run: RunSet;
  files: string[];
  timings: Record<string, number>;
  peakRssMb: Record<string, number>;
  summary: string;
}

export async function runPipeline({ input, out, config, quiet = false, allowRemote = false, sourceLabel, force = false, strict = false }: RunOptions): Promise<RunResult> {
  const label = sourceLabel ?? basename(input);
  // The folder is checked and the temporary run folder created before any computing: a read-only or cluttered
  // --out fails in a second, not after the whole analysis.
  const tx = beginRun(out, { input, force });
  try {
    const result = await runInto(tx.write.bind(tx), { input, out, label, config, quiet, allowRemote, strict });
    tx.commit();
    if (!quiet) process.stderr.write(result.summary);
    return result;
  } catch (e) {
    tx.abort();
    throw e;
  }
}

interface RunIntoOptions {
  input: string;
  out: string;
  label: string;
  config: ResolvedConfig;
  quiet: boolean;
  allowRemote: boolean;
  strict: boolean;
}

async function runInto(write: (rel: string, content: string | Uint8Array) => void, { input, out, label, config, quiet, allowRemote, strict }: RunIntoOptions): Promise<RunResult> {
  const log = new StageLog(8, quiet, process.stderr, (name) => fault(`stage:${name}`));
  checkRunCodebook(config);
  loadRunRules(config); // a bad --rules file stops the run before any computing
  const model = loadRunModel(config);
  const parsed = await log.stage('parse', () => parseStage(input, label, config), (r) => `${r.items.length} items, ${r.report.skipped.length} skipped rows (${r.report.format})`);
  // --strict: any parse note stops the run before anything is written (the transaction is aborted).
  if (strict && parsed.report.warnings.length) throw new StrictError(input, parsed.report.warnings);
  const items = parsed.items;
  const choice = await log.stage('codebook', () => codebookStage(items, config), (c) => c.reason);
  const codebook = choice.codebook;
  const { labels, stances, themes, embedderId } = await analyse(items, { config, codebook, model: model?.model ?? null, log, quiet, allowRemote });
  for (const w of themes.warnings) log.line(`  warning: ${w}`);

  const run: RunSet = {
    info: {
      name: basename(resolve(out)),
      document: label,
      title: documentTitle(parsed.report),
      tool_version: VERSION,
      classifiers: labels.map((c) => ({ name: c.name, version: c.version })),
      // Without a codebook the themes are the discovered clusters, named by their keywords.
      themes: codebook
        ? codebook.themes.map((t) => ({ id: t.id, label_ja: t.label.ja, label_en: t.label.en }))
        : themes.clusters.filter((c) => !c.outlier).map((c) => ({ id: c.id, label_ja: c.name ?? c.id, label_en: `cluster ${c.id}` })),
      clusters: themes.clusters,
      codebook: { requested: choice.requested, applied: codebook ? publicPath(codebook.file) : null, reason: choice.reason },
      parse_notes: parsed.report.warnings,
      analysis_notes: themes.warnings,
    },
    items: enrich(items, labels, stances.records, themes),
  };
  const files = await log.stage('report', async () => {
    const written = new Map<string, string>();
    const emit = (rel: string, content: string | Uint8Array) => {
      write(rel, content);
      written.set(rel, sha256(content));
    };
    await emitReport(run, emit);
    emit('parse-report.json', JSON.stringify(parsed.report, null, 2) + '\n');
    emit('themes/clusters.json', themes.clustersJson);
    emit('themes/duplicates.json', themes.duplicatesJson);
    if (themes.draft) emit('codebook.draft.json', JSON.stringify(themes.draft, null, 2) + '\n');
    return written;
  }, (r) => `${r.size} files written to ${out}`);

  const timings = log.finish();
  const manifest = buildManifest({
    input: { file: label, format: parsed.report.format, bytes: statSync(input).size, sha256: parsed.report.sha256 },
    config: publicConfig(config),
    codebook: {
      file: codebook ? publicPath(codebook.file) : null,
      sha256: codebook ? sha256(readFileSync(configPath(codebook.file))) : null,
      version: codebook?.version ?? null,
      requested: choice.requested,
      reason: choice.reason,
      fits: choice.fits,
    },
    classifiers: labels.map((c) => ({ name: c.name, version: c.version, model: c.name !== 'rules' && model ? { file: model.file, sha256: model.sha256 } : null })),
    embedder: embedderId,
    stance: stances.rules,
    run,
    skippedRows: parsed.report.skipped.length,
    files,
    warnings: themes.warnings,
    timings,
    peakRssMb: log.peakRssMb,
  });
  write('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  const summary = runSummary(run, out, parsed.report.skipped.length, timings.total);
  return { run, files: [...files.keys(), 'manifest.json'], timings, peakRssMb: log.peakRssMb, summary };
}

interface AnalyseContext {
  config: ResolvedConfig;
  codebook: Codebook | null;
  model: ClassifierModel | null;
  log: StageLog;
  quiet: boolean;
  allowRemote: boolean;
}

/**
 * tokenize → embed → classify → stance → themes. A function of its own so that the tokens, the fitted embedder and
 * the themes stage's working data become garbage before the report is rendered: on a 20,000-comment round
 * they hold hundreds of megabytes.
 */
async function analyse(items: readonly Item[], { config, codebook, model, log, quiet, allowRemote }: AnalyseContext) {
  const tok = await log.stage('tokenize', () => tokenizeStage(items, codebook, quiet), (r) => `${r.tokens} tokens`);
  const emb = await log.stage('embed', () => embedStage(items, config, { quiet, allowRemote }), (r) => `${r.vectors} vectors, ${r.cache.hits} from cache (${r.embedder.inner.id})`);
  const labels = await log.stage('classify', () => classifyStage(items, config, model), (r) => r.map((c) => c.name).join(', '));
  const stances = await log.stage('stance', () => stanceStage(items), (r) => stanceCounts(r.records));
  const themes = await log.stage('themes', () => themesStage(items, config, codebook, tok.tokenizer, emb.embedder, quiet), (r) => `${clusterCount(r.clusters)}, ${new Set(r.responseTemplate.values()).size} response templates`);
  return { labels, stances, themes, embedderId: emb.embedder.inner.id };
}

/** "k clusters + n outliers": the same k `pubcom themes` prints, the outlier group counted apart. */
export function clusterCount(clusters: readonly { outlier: boolean; size: number }[]): string {
  const k = clusters.filter((c) => !c.outlier).length;
  const outliers = clusters.find((c) => c.outlier)?.size ?? 0;
  return `${k} clusters + ${outliers} outliers`;
}

function stanceCounts(records: readonly StanceRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.stance ?? 'none', (counts.get(r.stance ?? 'none') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ');
}

