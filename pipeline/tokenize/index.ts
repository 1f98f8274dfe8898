// Tokenize stage: kuromoji tokens with domain terms whole and noun compounds joined, plus the content-word filter.
import type { Item, Token } from '../core/schema.ts';
import { normalize } from '../core/text.ts';
import {
  domainTermFiles,
  loadCompoundRules,
  loadContentFilter,
  loadTermList,
  type CompoundRules,
  type ContentFilter,
} from './config.ts';
import { CachedKuromoji, loadLattice } from './kuromoji.ts';
import { alignToTerms, joinCompounds, mergeTerms } from './merge.ts';
import { TermMatcher } from './terms.ts';
import type { Tokenizer } from './types.ts';
import { pushAll } from '../core/arrays.ts';

export type { Tokenizer } from './types.ts';
export { loadUserTerms, domainTermFiles, loadTermList } from './config.ts';

export interface TokenizerOptions {
  /** Extra terms kept whole (e.g. from `--terms file`), on top of models/terms/*.json. */
  terms?: string[];
  /**
   * Built-in term lists of models/terms/: true = every list (the default), false = none, or the domains whose
   * lists apply (e.g. ["cybersecurity"], the domain of the codebook a run applies). A term list belongs to its
   * domain: `pubcom run` passes only the chosen codebook's domain.
   */
  domainTerms?: boolean | readonly string[];
  /** Join runs of nouns into compounds (default true). */
  compounds?: boolean;
  /**
   * Reuse the analysis of repeated sentence pieces across the process (default true). Output is identical either
   * way; benchmarks turn it off to measure the analysis itself.
   */
  segmentCache?: boolean;
}

let sharedKuromoji: Promise<CachedKuromoji> | null = null;

/** The process-wide kuromoji with its segment cache (exported for benchmarks: hit counts, clearing). */
export function sharedAnalyser(): Promise<CachedKuromoji> {
  sharedKuromoji ??= loadLattice().then((k) => new CachedKuromoji(k));
  return sharedKuromoji;
}

const LETTER = /[\p{L}]/u;

class KuromojiTokenizer implements Tokenizer {
  private readonly keep: Map<string, Set<string>>;
  private readonly stopWords: Set<string>;

  constructor(
    private readonly kuromoji: CachedKuromoji,
    readonly matcher: TermMatcher,
    private readonly compoundRules: CompoundRules | null,
    private readonly filter: ContentFilter,
  ) {
    this.keep = new Map(filter.keep.map((k) => [k.pos, new Set(k.pos_detail)]));
    this.stopWords = new Set(filter.stop_words.flatMap((g) => g.words.map((w) => normalize(w))));
  }

  tokenize(text: string): Token[] {
    const plain = this.kuromoji.tokenize(text);
    const matches = this.matcher.find(text);
    const aligned = alignToTerms(plain, matches, text, (piece, origin) => this.kuromoji.tokenize(piece, origin));
    const tokens = mergeTerms(aligned, matches, text);
    return this.compoundRules ? joinCompounds(tokens, this.compoundRules) : tokens;
  }

  contentWords(text: string): string[] {
    const out: string[] = [];
    for (const t of this.tokenize(normalize(text))) if (this.isContent(t)) out.push(t.base);
    return out;
  }

  isContent(t: Token): boolean {
    if (this.stopWords.has(t.base)) return false;
    if (t.merged) return true;
    if (t.base.length < this.filter.min_length) return false;
    if (this.filter.require_letter && !LETTER.test(t.base)) return false;
    return this.keep.get(t.pos)?.has(t.pos_detail) ?? false;
  }
}

/**
 * A tokenizer over the shared kuromoji dictionary (loaded once per process). Cheap to call repeatedly: only the
 * term matcher is built per call.
 */
export async function getTokenizer(opts: TokenizerOptions = {}): Promise<Tokenizer & { matcher: TermMatcher }> {
  const terms: string[] = [];
  const domainTerms = opts.domainTerms ?? true;
  if (domainTerms !== false) for (const file of domainTermFiles(domainTerms === true ? undefined : domainTerms)) pushAll(terms, loadTermList(file));
  pushAll(terms, opts.terms ?? []);
  const analyser = (opts.segmentCache ?? true) ? await sharedAnalyser() : new CachedKuromoji(await loadLattice(), 0);
  return new KuromojiTokenizer(
    analyser,
    new TermMatcher(terms),
    (opts.compounds ?? true) ? loadCompoundRules() : null,
    loadContentFilter(),
  );
}

/** One line of tokens.jsonl. */
export interface TokenRecord {
  id: string;
  field: 'comment' | 'response';
  text: string;
  tokens: Token[];
  content_words: string[];
}

/** The stage function: tokens of one text field of every item, in item order. */
export function tokenizeItems(items: readonly Item[], tokenizer: Tokenizer, field: 'comment' | 'response'): TokenRecord[] {
  return items.map((item) => {
    const text = normalize(item[field]);
    const tokens = tokenizer.tokenize(text);
    return { id: item.id, field, text, tokens, content_words: contentOf(tokenizer, tokens, text) };
  });
}

function contentOf(tokenizer: Tokenizer, tokens: Token[], text: string): string[] {
  // Reuse the tokens already computed when the tokenizer exposes its filter; otherwise analyse again.
  if (tokenizer instanceof KuromojiTokenizer) return tokens.filter((t) => tokenizer.isContent(t)).map((t) => t.base);
  return tokenizer.contentWords(text);
}
