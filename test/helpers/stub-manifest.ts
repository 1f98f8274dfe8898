// A manifest.json that passes the Manifest schema and lists `files` as a previous run's: for tests of what
// `pubcom run` trusts in an --out folder.
export function stubManifest(files: Record<string, string> = {}) {
  return {
    tool: 'pubcom-lens',
    version: '0.0.0',
    input: { file: 'x.txt', format: 'text', bytes: 0, sha256: 'x' },
    config: {},
    config_sha256: 'x',
    models: { classifiers: [], embedder: 'lsa', codebook: { file: 'x', sha256: 'x', version: null } },
    counts: { items: 0, skipped_rows: 0, no_response: 0, with_theme: 0, clusters: 0, response_templates: 0, duplicate_groups: 0 },
    seeds: {},
    files,
    timings_ms: {},
    peak_rss_mb: {},
  };
}
