// `pubcom run` flags laid over the config file, checked by the same schema, so the manifest records the config
// as applied.
import { InputError } from '../core/errors.ts';
import { isCodebookMode, resolvePath, RunConfig, withDefaults, type ResolvedConfig } from './config.ts';

export interface RunFlags {
  out: string;
  config?: string;
  format?: string;
  map?: string;
  records?: string;
  join?: string;
  slug?: string;
  sheet?: string;
  classifiers?: string;
  model?: string;
  embedder?: string;
  codebook?: string;
  rules?: string;
  k?: string;
  cache: boolean;
  allowRemote?: boolean;
  quiet?: boolean;
  force?: boolean;
  sourceLabel?: string;
  strict?: boolean;
}

function parseList(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

/** Command-line flags on top of the config file, checked by the same schema. */
export function applyFlags(base: ResolvedConfig, f: RunFlags): ResolvedConfig {
  const parseOverrides = {
    ...(f.format !== undefined ? { format: f.format } : {}),
    ...(f.map !== undefined ? { map: parseMap(f.map) } : {}),
    ...(f.records !== undefined ? { records: f.records } : {}),
    ...(f.join !== undefined ? { join: f.join } : {}),
    ...(f.slug !== undefined ? { slug: f.slug } : {}),
    ...(f.sheet !== undefined ? { sheet: parseList(f.sheet) } : {}),
  };
  const { classifiers: _c, model: _m, ...rest } = base;
  const merged = {
    ...rest,
    classifiers: base.classifiers,
    parse: { ...base.parse, ...parseOverrides },
    ...(f.classifiers !== undefined ? { classifiers: parseList(f.classifiers) } : {}),
    ...(f.embedder !== undefined ? { embedder: f.embedder } : {}),
    // Files named on the command line are where the user's shell is, not where the project is.
    ...(f.codebook !== undefined ? { codebook: isCodebookMode(f.codebook) ? f.codebook : resolvePath(f.codebook, process.cwd()) } : {}),
    ...(f.rules !== undefined ? { rules: resolvePath(f.rules, process.cwd()) } : {}),
    ...(f.k !== undefined ? { clusters: { k: Number(f.k) } } : {}),
    cache: { ...base.cache, enabled: base.cache.enabled && f.cache },
  };
  const checked = RunConfig.safeParse(merged);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new InputError('flags', `${issue.path.join('.')}: ${issue.message}`);
  }
  return withDefaults(checked.data, f.model ?? base.model ?? undefined);
}

/** `number=番号,comment=意見` → {number: '番号', comment: '意見'}; the parse stage checks the field names. */
function parseMap(spec: string): Record<string, string> {
  return Object.fromEntries(
    spec
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) throw new InputError('--map', `"${pair}": expected field=column`);
        return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      }),
  );
}
