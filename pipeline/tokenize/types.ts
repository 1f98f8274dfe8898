import type { Token } from '../core/schema.ts';

export interface Tokenizer {
  /** Tokens of the normalised text (callers pass normalize(text)); offsets index into that string. */
  tokenize(text: string): Token[];
  /** Content words (after the POS/stop-word filter of models/tokenize/filter.json), base forms, compounds kept. */
  contentWords(text: string): string[];
  /** The content-word filter on one token, when the tokenizer has one (so callers holding tokens need not analyse again). */
  isContent?(t: Token): boolean;
}
