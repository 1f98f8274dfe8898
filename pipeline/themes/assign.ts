// Codebook + seeded-similarity assignment: every theme whose rule fires or whose seed the comment resembles.
import type { ThemeRecord } from '../core/schema.ts';
import type { Codebook, LoadedTheme } from './codebook.ts';
import { evaluateRule, type PositionalNode, type RuleDocument } from './rule-lang.ts';
import { dot } from './vectors.ts';

export type ThemeSource = 'rule' | 'similarity' | 'both';

/** Everything that went into one (item, theme) decision, for auditing thresholds. */
export interface ThemeEvidence {
  theme: string;
  ruleFired: boolean;
  ruleHits: readonly string[];
  keywordHits: readonly string[];
  similarity: number;
  score: number;
  assigned: ThemeSource | null;
}

/** Scores rounded so that floating-point noise never changes the bytes of themes.jsonl. */
const round = (x: number): number => Math.round(x * 1e4) / 1e4;

function keywordNode(theme: LoadedTheme): PositionalNode {
  return {
    type: 'any',
    options: theme.keywordTerms.map((value, i) => ({ type: 'term' as const, value, exact: false, source: theme.keywords[i], offset: 0 })),
  };
}

/** What a comment's tokens say about one theme: whether its coding rule and its keywords fire, and on what. */
export interface ThemeFacts {
  ruleFired: boolean;
  ruleHits: readonly string[];
  keywordFired: boolean;
  keywordHits: readonly string[];
}

/**
 * Most themes find nothing in most comments. These facts are kept for every distinct comment until the themes
 * stage: one object and two empty arrays per theme and comment were 110 MB of long-lived heap at 100,000 comments
 * (heap after the codebook stage 502 → 390 MB), and every young-generation collection takes longer as that heap
 * grows. Frozen, so a reader that tried to add to it would throw rather than change every comment's facts.
 */
const NOTHING_FOUND: ThemeFacts = Object.freeze({
  ruleFired: false,
  ruleHits: Object.freeze([]),
  keywordFired: false,
  keywordHits: Object.freeze([]),
});

/**
 * The token side of every theme's decision for one comment. Computed once per distinct comment (by the run's
 * tokenize stage, or by themeItems), so the tokens need not be kept until the vectors exist.
 */
export function themeFacts(codebook: Codebook, doc: RuleDocument, keywords: readonly PositionalNode[] = codebook.themes.map(keywordNode)): ThemeFacts[] {
  return codebook.themes.map((theme, t) => factsOf(theme, keywords[t], doc));
}

function factsOf(theme: LoadedTheme, keywords: PositionalNode, doc: RuleDocument): ThemeFacts {
  // evaluateRule's hits are already distinct, and empty where it does not match.
  const rule = evaluateRule(theme.ast, doc);
  const kw = evaluateRule(keywords, doc);
  if (!rule.matched && !kw.matched) return NOTHING_FOUND;
  return { ruleFired: rule.matched, ruleHits: rule.hits, keywordFired: kw.matched, keywordHits: kw.hits };
}

export { keywordNode };

/**
 * Decides one theme for one comment.
 *   rule fired and similarity ≥ thresholds.rule              → "rule", or "both" when similarity ≥ thresholds.similarity
 *   rule silent and similarity ≥ thresholds.similarity      → "similarity"
 *   rule silent, a keyword occurs, similarity ≥ .combined   → "similarity" (hits name the keywords)
 * score = rule_weight × [rule fired] + (1 − rule_weight) × max(similarity, 0).
 * (A comment left with no theme may still get its most similar one: `scoring.fallback_similarity`, in assignThemes.)
 */
export function decideTheme(
  codebook: Codebook,
  theme: LoadedTheme,
  doc: RuleDocument,
  similarity: number,
  keywords: PositionalNode = keywordNode(theme),
): ThemeEvidence {
  return decideFromFacts(codebook, theme, factsOf(theme, keywords, doc), similarity);
}

/** decideTheme's thresholds over facts already computed. */
export function decideFromFacts(codebook: Codebook, theme: LoadedTheme, facts: ThemeFacts, similarity: number): ThemeEvidence {
  const t = theme.thresholds;
  const w = codebook.scoring.rule_weight;
  const sim = round(similarity);
  const fired = facts.ruleFired;
  let assigned: ThemeSource | null = null;
  if (fired && sim >= t.rule) assigned = sim >= t.similarity ? 'both' : 'rule';
  else if (!fired && sim >= t.similarity) assigned = 'similarity';
  else if (!fired && facts.keywordFired && sim >= t.combined) assigned = 'similarity';
  return {
    theme: theme.id,
    ruleFired: fired,
    ruleHits: facts.ruleHits,
    keywordHits: facts.keywordHits,
    similarity: sim,
    score: round(w * (fired ? 1 : 0) + (1 - w) * Math.max(sim, 0)),
    assigned,
  };
}

/**
 * One ThemeRecord per item, themes ordered by score (primary first), ties by codebook order.
 * `facts[i]` is item i's themeFacts; `similarity[i][t]` its cosine to theme t's seed.
 */
export function assignThemes(
  ids: readonly string[],
  facts: readonly (readonly ThemeFacts[])[],
  similarity: readonly Float32Array[],
  codebook: Codebook,
): { records: ThemeRecord[]; evidence: ThemeEvidence[][] } {
  const records: ThemeRecord[] = [];
  const evidence: ThemeEvidence[][] = [];
  ids.forEach((id, i) => {
    const decisions = codebook.themes.map((theme, t) => decideFromFacts(codebook, theme, facts[i][t], similarity[i][t]));
    evidence.push(decisions);
    let chosen = decisions
      .map((d, order) => ({ d, order }))
      .filter((x) => x.d.assigned !== null)
      .sort((a, b) => b.d.score - a.d.score || a.order - b.order);
    const fallback = codebook.scoring.fallback_similarity;
    if (chosen.length === 0 && fallback !== null && decisions.length > 0) {
      // Highest similarity, first theme in codebook order on ties.
      let best = 0;
      decisions.forEach((d, t) => {
        if (d.similarity > decisions[best].similarity) best = t;
      });
      if (decisions[best].similarity >= fallback) {
        decisions[best].assigned = 'similarity';
        chosen = [{ d: decisions[best], order: best }];
      }
    }
    if (codebook.scoring.max_themes > 0) chosen = chosen.slice(0, codebook.scoring.max_themes);
    records.push({
      id,
      themes: chosen.map(({ d }) => ({
        theme: d.theme,
        score: d.score,
        source: d.assigned as ThemeSource,
        hits: [...(d.ruleFired ? d.ruleHits : d.keywordHits)],
      })),
    });
  });
  return { records, evidence };
}

/** Cosine of every item vector with every theme seed vector (both L2-normalised by the Embedder contract). */
export function similarityMatrix(itemVectors: readonly Float32Array[], themeVectors: readonly Float32Array[]): Float32Array[] {
  return itemVectors.map((v) => Float32Array.from(themeVectors, (t) => dot(v, t)));
}
