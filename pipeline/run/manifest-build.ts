// Builds manifest.json from what the run used and produced. The input is recorded by its label (file name), hashes
// pin the bytes, and the measured timings and memory sit in their own fields so identity checks can drop them.
import { sha256 } from '../core/hash.ts';
import { VERSION } from '../core/version.ts';
import { loadLsaSettings } from '../embed/lsa.ts';
import type { RunSet } from '../report/schema.ts';
import { DUPLICATE_DEFAULTS } from '../themes/duplicates.ts';
import type { ResolvedConfig } from './config.ts';
import { Manifest } from './manifest.ts';

export interface ManifestInput {
  input: Manifest['input'];
  config: ResolvedConfig;
  codebook: Manifest['models']['codebook'];
  classifiers: Manifest['models']['classifiers'];
  embedder: string;
  stance: NonNullable<Manifest['models']['stance']>;
  run: RunSet;
  skippedRows: number;
  /** sha256 of every file written, by relative path. */
  files: ReadonlyMap<string, string>;
  /** What the run could not do as usual, and why (e.g. no similarity space for one distinct comment). */
  warnings: readonly string[];
  timings: Record<string, number>;
  peakRssMb: Record<string, number>;
}

/** Canonical JSON (sorted keys) so the config hash does not depend on key order in the user's file. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function buildManifest(m: ManifestInput): Manifest {
  const items = m.run.items;
  const manifest: Manifest = {
    tool: 'pubcom-lens',
    version: VERSION,
    input: m.input,
    config: m.config as unknown as Record<string, unknown>,
    config_sha256: sha256(canonical(m.config)),
    models: { classifiers: m.classifiers, embedder: m.embedder, codebook: m.codebook, stance: m.stance },
    counts: {
      items: items.length,
      skipped_rows: m.skippedRows,
      no_response: items.filter((it) => it.response === '').length,
      with_theme: items.filter((it) => it.themes.length > 0).length,
      clusters: m.run.info.clusters.filter((c) => !c.outlier).length,
      outliers: m.run.info.clusters.find((c) => c.outlier)?.size ?? 0,
      response_templates: new Set(items.map((it) => it.response_template).filter((t) => t !== null)).size,
      duplicate_groups: new Set(items.map((it) => it.duplicate_group).filter((t) => t !== null)).size,
    },
    parse_notes: m.run.info.parse_notes ?? [],
    seeds: {
      run: m.config.seed,
      discovery: m.config.seed,
      ...(m.embedder.startsWith('lsa') ? { lsa: loadLsaSettings().seed } : {}),
      duplicates_minhash: DUPLICATE_DEFAULTS.seed,
    },
    files: Object.fromEntries(m.files),
    ...(m.warnings.length ? { warnings: [...m.warnings] } : {}),
    timings_ms: m.timings,
    peak_rss_mb: m.peakRssMb,
  };
  return Manifest.parse(manifest);
}
