// What the later stages need from a comment's tokens, computed once per distinct comment and kept instead of the
// tokens: 20,000 comments' token objects are hundreds of megabytes, these are a few words and flags each.
import { normalize, stringPool } from '../core/text.ts';
import type { Token } from '../core/schema.ts';
import type { Tokenizer } from '../tokenize/index.ts';
import { keywordNode, themeFacts, type ThemeFacts } from './assign.ts';
import type { Codebook } from './codebook.ts';
import type { PositionalNode } from './rule-lang.ts';
import { ruleDocument } from './rule-lang.ts';

export interface PreparedComment {
  /** Content words in text order (the lsa embedder's word features). */
  words: string[];
  /** The content words that are nouns (compounds and domain terms kept): cluster keywords, 冷房設備 not 進める. */
  nouns: string[];
  /** Per codebook theme, what its coding rule and keywords found (null without a codebook). */
  facts: ThemeFacts[] | null;
  /** Token count (for the stage line). */
  tokens: number;
}

/**
 * Distinct comments, each tokenized once with the run's tokenizer (the applied codebook's terms, or `--terms`).
 * Keyed by the exact text and by its normalised form, so copies that differ only in width or spacing share one
 * analysis, and the lsa embedder (which sees normalised text) finds its words here instead of tokenizing again.
 */
export class PreparedComments {
  private readonly byText = new Map<string, PreparedComment>();
  private readonly byNormalized = new Map<string, PreparedComment>();
  /**
   * One string per distinct word. Each token's base form is a fresh string of its own, so 100,000 comments kept
   * millions of copies of a few tens of thousands of words in their word and noun lists, live to the end of the
   * run (50,000 comments' word and noun lists with their maps: 75 MB, shared 57 MB); a larger long-lived heap makes
   * every young-generation collection slower, in every stage.
   */
  private readonly intern = stringPool();
  private readonly keywords: PositionalNode[];
  /** Tokens over the distinct normalised comments analysed. */
  tokens = 0;

  constructor(
    readonly tokenizer: Tokenizer,
    readonly codebook: Codebook | null,
    /** Names the tokenizer's term lists, for caches of what was built from these words (the lsa space). */
    readonly tokenizerKey?: string,
  ) {
    this.keywords = codebook ? codebook.themes.map(keywordNode) : [];
  }

  /** Distinct normalised comments analysed so far. */
  get size(): number {
    return this.byNormalized.size;
  }

  /** The analysis of a comment (raw text as in the item), computed on first request. */
  get(comment: string): PreparedComment {
    const known = this.byText.get(comment);
    if (known) return known;
    const text = normalize(comment);
    let p = this.byNormalized.get(text);
    if (!p) {
      p = this.analyse(text);
      this.byNormalized.set(text, p);
      this.tokens += p.tokens;
    }
    this.byText.set(comment, p);
    return p;
  }

  /** Content words of an already normalised text, when it was analysed here (the lsa embedder's lookup). */
  wordsOf(normalized: string): string[] | undefined {
    return this.byNormalized.get(normalized)?.words;
  }

  private analyse(text: string): PreparedComment {
    const tokens: Token[] = this.tokenizer.tokenize(text);
    const words = contentWords(this.tokenizer, tokens, text).map(this.intern);
    const content = new Set(words);
    return {
      words,
      nouns: tokens.filter((x) => x.pos === '名詞' && content.has(x.base)).map((x) => this.intern(x.base)),
      facts: this.codebook ? themeFacts(this.codebook, ruleDocument(text, tokens), this.keywords) : null,
      tokens: tokens.length,
    };
  }
}

function contentWords(tokenizer: Tokenizer, tokens: Token[], text: string): string[] {
  // The kuromoji tokenizer exposes its filter, so the tokens just computed serve; any other analyses again.
  return tokenizer.isContent ? tokens.filter((x) => tokenizer.isContent!(x)).map((x) => x.base) : tokenizer.contentWords(text);
}
