// Does a codebook fit a document? `pubcom run --codebook auto` applies a codebook only when it does, so a
// cybersecurity codebook never codes a city's bus plan. Two measures over the document's non-empty comments:
//   rule share        comments on which at least one of the codebook's coding rules fires;
//   vocabulary share  comments containing at least one term of the domain's vocabulary (models/terms/<domain>.json,
//                     or the codebook's keywords when the domain has no term list).
// A codebook fits when both reach its `fit` thresholds (FIT_DEFAULTS unless the codebook sets its own). Rules alone
// are not enough: generic words in a rule (計画, 体制) fire on any document; vocabulary alone is not enough either:
// a transport plan may mention サイバー once. Measured figures: pipeline/themes/README.md.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { modelPath } from '../core/models.ts';
import type { Item } from '../core/schema.ts';
import { normalize } from '../core/text.ts';
import { publicPath } from '../core/paths.ts';
import { domainTermFiles, getTokenizer, loadTermList, type Tokenizer } from '../tokenize/index.ts';
import { PreparedComments } from './prepare.ts';
import { TermMatcher } from '../tokenize/terms.ts';
import { loadCodebook, type Codebook } from './codebook.ts';

export const FIT_DEFAULTS = { min_rule_share: 0.5, min_vocabulary_share: 0.3 } as const;

export const THEMES_DIR = modelPath('themes');

export interface CodebookFit {
  file: string;
  domain: string;
  /** Non-empty comments measured. */
  comments: number;
  rule_hits: number;
  rule_share: number;
  /** Where the vocabulary came from: the domain's term list, or the codebook's keywords. */
  vocabulary: string;
  vocabulary_hits: number;
  vocabulary_share: number;
  min_rule_share: number;
  min_vocabulary_share: number;
  fits: boolean;
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** The domain vocabulary of a codebook: its domain's term list when there is one, else its keywords. */
export function domainVocabulary(codebook: Codebook): { source: string; terms: string[] } {
  const [file] = domainTermFiles([codebook.domain]);
  if (file) return { source: `models/terms/${codebook.domain}.json`, terms: loadTermList(file) };
  return { source: `${codebook.file} keywords`, terms: codebook.themes.flatMap((t) => t.keywords) };
}

/** Both measures for one codebook; `tokenizer` should keep the codebook's domain terms whole (as the run will). */
/**
 * `prepared` holds the comments' analyses with this codebook (made here when not given): the rule share reads their
 * coding-rule findings, and `pubcom run` hands the chosen codebook's analyses on to its tokenize stage, so each
 * distinct comment is tokenized once per run, not once to choose the codebook and again to apply it.
 */
export function measureFit(codebook: Codebook, items: readonly Item[], tokenizer: Tokenizer, prepared = new PreparedComments(tokenizer, codebook)): CodebookFit {
  const present = items.filter((i) => i.comment.trim());
  const vocab = domainVocabulary(codebook);
  const matcher = new TermMatcher(vocab.terms);
  // Every copy of a campaign text counts, but each distinct text is tokenized and matched once.
  const copies = new Map<string, { item: Item; count: number }>();
  for (const item of present) {
    const known = copies.get(item.comment);
    if (known) known.count++;
    else copies.set(item.comment, { item, count: 1 });
  }
  let ruleHits = 0;
  let vocabHits = 0;
  for (const { item, count } of copies.values()) {
    if (prepared.get(item.comment).facts!.some((f) => f.ruleFired)) ruleHits += count;
    if (matcher.find(normalize(item.comment)).length > 0) vocabHits += count;
  }
  const n = present.length;
  const min = codebook.fit ?? FIT_DEFAULTS;
  const rule_share = n ? r4(ruleHits / n) : 0;
  const vocabulary_share = n ? r4(vocabHits / n) : 0;
  return {
    file: codebook.file,
    domain: codebook.domain,
    comments: n,
    rule_hits: ruleHits,
    rule_share,
    vocabulary: vocab.source,
    vocabulary_hits: vocabHits,
    vocabulary_share,
    min_rule_share: min.min_rule_share,
    min_vocabulary_share: min.min_vocabulary_share,
    fits: n > 0 && rule_share >= min.min_rule_share && vocabulary_share >= min.min_vocabulary_share,
  };
}

/** What a run decided about its codebook, recorded in the manifest, the summary and the report. */
export interface CodebookChoice {
  /** As asked: a file, "none" or "auto". */
  requested: string;
  /** The codebook applied, or null (themes are then the discovered clusters). */
  codebook: Codebook | null;
  /**
   * The comments analysed with the chosen codebook while measuring its fit (tokenizer with its domain's term
   * lists, as `pubcom run` tokenizes): the run's tokenize stage takes them over (and sets this to null).
   */
  prepared?: PreparedComments | null;
  /** Fit of every candidate measured (auto: every models/themes/*.json; a named file: that file). */
  fits: CodebookFit[];
  /** One sentence a reader can quote. */
  reason: string;
}

function describe(f: CodebookFit): string {
  return (
    `${f.domain}: rules hit ${f.rule_hits} of ${f.comments} comments (${(f.rule_share * 100).toFixed(0)} %, needs ${(f.min_rule_share * 100).toFixed(0)} %), ` +
    `domain vocabulary in ${f.vocabulary_hits} (${(f.vocabulary_share * 100).toFixed(0)} %, needs ${(f.min_vocabulary_share * 100).toFixed(0)} %)`
  );
}

/** The codebooks `auto` considers: every models/themes/*.json (or `dir`), in file-name order. */
export function candidateCodebooks(dir: string = THEMES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * `--codebook <file|none|auto>`. A named file is applied as asked (its fit is still measured and reported);
 * `none` applies none; `auto` applies the fitting candidate with the highest rule share, or none.
 */
export async function chooseCodebook(requested: string, items: readonly Item[], opts: { candidates?: string[]; resolve?: (p: string) => string } = {}): Promise<CodebookChoice> {
  if (requested === 'none') return { requested, codebook: null, fits: [], reason: 'no codebook (--codebook none): themes are the discovered clusters' };
  const analyses = new Map<Codebook, PreparedComments>();
  const measure = async (codebook: Codebook) => {
    const prepared = new PreparedComments(await getTokenizer({ domainTerms: [codebook.domain] }), codebook, `domains=${codebook.domain}`);
    analyses.set(codebook, prepared);
    return measureFit(codebook, items, prepared.tokenizer, prepared);
  };
  if (requested !== 'auto') {
    const codebook = loadCodebook(opts.resolve ? opts.resolve(requested) : requested);
    const fit = await measure(codebook);
    codebook.file = requested;
    fit.file = requested;
    const shown = publicPath(requested);
    return {
      requested: shown,
      codebook,
      prepared: analyses.get(codebook),
      fits: [fit],
      reason: `codebook ${shown} applied as asked${fit.fits ? '' : ` although it does not fit this document (${describe(fit)})`}`,
    };
  }
  const fits: { codebook: Codebook; fit: CodebookFit }[] = [];
  for (const file of opts.candidates ?? candidateCodebooks()) {
    const codebook = loadCodebook(file);
    fits.push({ codebook, fit: await measure(codebook) });
  }
  const best = fits.filter((f) => f.fit.fits).sort((a, b) => b.fit.rule_share - a.fit.rule_share || (a.fit.file < b.fit.file ? -1 : 1))[0];
  if (best) {
    return { requested, codebook: best.codebook, prepared: analyses.get(best.codebook), fits: fits.map((f) => f.fit), reason: `codebook ${best.codebook.domain} chosen (auto): ${describe(best.fit)}` };
  }
  const why = fits.length ? fits.map((f) => describe(f.fit)).join('; ') : 'no codebook in models/themes/';
  return { requested, codebook: null, fits: fits.map((f) => f.fit), reason: `no codebook fits this document (auto; ${why}): themes are the discovered clusters` };
}
