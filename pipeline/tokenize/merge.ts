// Turns plain kuromoji tokens into analysis tokens: domain terms as one token, then noun runs as compounds.
import type { Token, TokenPart } from '../core/schema.ts';
import type { CompoundRules } from './config.ts';
import type { TermMatch } from './terms.ts';
import { pushAll } from '../core/arrays.ts';

const LETTER = /[\p{L}]/u;

/**
 * Cut tokens that straddle a term edge and re-analyse each piece, so that every term starts and ends on a token
 * boundary. Tokens that do not straddle an edge are returned untouched: text around terms splits as before.
 */
export function alignToTerms(
  tokens: TokenPart[],
  matches: TermMatch[],
  text: string,
  reanalyse: (piece: string, origin: number) => TokenPart[],
): TokenPart[] {
  if (matches.length === 0) return tokens;
  const edges: number[] = [];
  for (const m of matches) edges.push(m.start, m.end);
  const out: TokenPart[] = [];
  let e = 0;
  for (const t of tokens) {
    while (e < edges.length && edges[e] <= t.start) e++;
    if (e >= edges.length || edges[e] >= t.end) {
      out.push(t);
      continue;
    }
    let from = t.start;
    while (e < edges.length && edges[e] < t.end) {
      pushAll(out, reanalyse(text.slice(from, edges[e]), from));
      from = edges[e];
      e++;
    }
    pushAll(out, reanalyse(text.slice(from, t.end), from));
  }
  return out;
}

/** Replace the tokens inside each term match (already aligned) by one term token that keeps them as parts. */
export function mergeTerms(tokens: TokenPart[], matches: TermMatch[], text: string): Token[] {
  const out: Token[] = [];
  let m = 0;
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    while (m < matches.length && matches[m].end <= t.start) m++;
    const match = matches[m];
    if (match && match.start === t.start) {
      const parts: TokenPart[] = [];
      while (i < tokens.length && tokens[i].end <= match.end) parts.push(tokens[i++]);
      out.push({
        surface: text.slice(match.start, match.end),
        base: match.term,
        pos: '名詞',
        pos_detail: 'term',
        start: match.start,
        end: match.end,
        merged: 'term',
        parts,
      });
      continue;
    }
    out.push(t); // a fresh object per call already (CachedKuromoji.tokenize): no copy needed
    i++;
  }
  return out;
}

/** Join runs of nouns into compounds (KH Coder's 複合名詞), leaving terms and everything else as they are. */
export function joinCompounds(tokens: Token[], rules: CompoundRules): Token[] {
  const join = new Set(rules.join_pos_detail);
  const suffix = new Set(rules.suffix_pos_detail);
  const neverJoin = new Set(rules.suffix_never_join);
  const canStart = (t: Token) =>
    !t.merged && t.pos === '名詞' && join.has(t.pos_detail) && (!rules.require_letter || LETTER.test(t.surface));
  const canContinue = (t: Token) =>
    canStart(t) ||
    (!t.merged && t.pos === '名詞' && suffix.has(t.pos_detail) && !neverJoin.has(t.surface) &&
      (!rules.require_letter || LETTER.test(t.surface)));

  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (!canStart(tokens[i])) {
      out.push(tokens[i++]);
      continue;
    }
    let j = i + 1;
    while (j < tokens.length && canContinue(tokens[j])) j++;
    const run = tokens.slice(i, j);
    if (run.length >= 2 && run.length <= rules.max_parts) {
      const surface = run.map((t) => t.surface).join('');
      out.push({
        surface,
        base: surface,
        pos: '名詞',
        pos_detail: 'compound',
        start: run[0].start,
        end: run[run.length - 1].end,
        merged: 'compound',
        parts: run.map(({ surface, base, pos, pos_detail, start, end }) => ({ surface, base, pos, pos_detail, start, end })),
      });
    } else pushAll(out, run);
    i = j;
  }
  return out;
}
