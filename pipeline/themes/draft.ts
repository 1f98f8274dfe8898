// discover → codify → rerun (KH Coder's way of working): the discovered clusters written as a draft codebook
// (codebook.draft.json in the run folder), one theme per cluster with a coding rule made of its keywords. A
// researcher edits it (renames, merges, tightens rules) and passes it back with `--codebook`.
import type { CodebookFile } from './codebook.ts';
import type { ClusterSummary } from './discover.ts';

/** Keywords considered for a cluster's rule (c-TF-IDF order) and the most a rule takes. */
export const DRAFT_DEFAULTS = { candidates: 30, maxTerms: 8, outsidePenalty: 0.5, descriptionChars: 60 } as const;

/** A keyword as a rule operand: a bare term when it is one word of letters/digits, else a quoted phrase. */
export function ruleOperand(term: string): string {
  if (/^[\p{L}\p{N}ー々〆ヶ]+$/u.test(term) && !/^(and|or|not|near|seq)$/i.test(term)) return term;
  return `"${term.replace(/"/g, '')}"`;
}

export interface DraftInput {
  /** Non-outlier clusters, in id order, with c-TF-IDF keywords over `words` (DRAFT_DEFAULTS.candidates of them). */
  clusters: readonly (ClusterSummary & { candidates: string[] })[];
  /** Per item id: the content nouns of its comment (what the keywords were counted over); copies may share one Set. */
  words: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per item id: the comment (the description quotes the representatives). */
  comments: ReadonlyMap<string, string>;
}

/**
 * The items as units: items whose words are the same Set object (copies of one comment share it) form one unit,
 * so a mass round's 150,000 copies of a campaign text count as one unit of weight 150,000. `index` lists, per
 * term, the units whose words hold it.
 */
export interface WordUnits {
  unitOf: Map<string, number>;
  size: number[];
  index: Map<string, number[]>;
}

export function wordUnits(words: DraftInput['words'], terms: Iterable<string>): WordUnits {
  const byWords = new Map<ReadonlySet<string>, number>();
  const unitOf = new Map<string, number>();
  const size: number[] = [];
  const index = new Map<string, number[]>();
  for (const t of terms) index.set(t, []);
  for (const [id, w] of words) {
    let u = byWords.get(w);
    if (u === undefined) {
      u = size.length;
      byWords.set(w, u);
      size.push(0);
      for (const t of w) index.get(t)?.push(u);
    }
    unitOf.set(id, u);
    size[u]++;
  }
  return { unitOf, size, index };
}

/**
 * Chooses each cluster's rule terms greedily from its keywords: the term that newly covers the most members, less
 * half a point per comment outside the cluster it also hits, until no term gains or DRAFT_DEFAULTS.maxTerms are
 * taken (the top keyword always). Deterministic: ties go to the higher c-TF-IDF rank. Counted over word units
 * (above), which gives exactly the counts item by item would, without rescanning every copy per term and round.
 */
export function chooseRuleTerms(
  members: readonly string[],
  candidates: readonly string[],
  words: DraftInput['words'],
  units: WordUnits = wordUnits(words, candidates),
): string[] {
  const inside = new Float64Array(units.size.length);
  for (const id of members) {
    const u = units.unitOf.get(id);
    if (u !== undefined) inside[u]++;
  }
  const covered = new Uint8Array(units.size.length);
  const chosen: string[] = [];
  while (chosen.length < DRAFT_DEFAULTS.maxTerms) {
    let best: { term: string; gain: number } | null = null;
    for (const term of candidates) {
      if (chosen.includes(term)) continue;
      let newly = 0;
      let outside = 0;
      for (const u of units.index.get(term) ?? []) {
        if (!covered[u]) newly += inside[u];
        outside += units.size[u] - inside[u];
      }
      const gain = newly - DRAFT_DEFAULTS.outsidePenalty * outside;
      if (!best || gain > best.gain) best = { term, gain };
    }
    if (!best || (chosen.length > 0 && best.gain <= 0)) break;
    chosen.push(best.term);
    for (const u of units.index.get(best.term) ?? []) if (inside[u] > 0) covered[u] = 1;
  }
  return chosen;
}

export function draftCodebook({ clusters, words, comments }: DraftInput): CodebookFile | null {
  const units = wordUnits(words, clusters.flatMap((c) => c.candidates));
  const themes = clusters
    .filter((c) => !c.outlier && c.keywords.length > 0)
    .map((c) => {
      const terms = chooseRuleTerms(c.members, c.candidates, words, units);
      const quotes = c.representatives
        .map((id) => Array.from(comments.get(id) ?? '').slice(0, DRAFT_DEFAULTS.descriptionChars).join(''))
        .filter(Boolean);
      return {
        id: c.id,
        label: { ja: c.name, en: `discovered cluster ${c.id}` },
        description: `${c.name}に関する意見（発見されたクラスタ ${c.id}、${c.size} 件）。代表的な意見: ${quotes.join(' / ')}`,
        keywords: c.keywords.slice(0, 10).map((k) => k.term),
        rule: terms.map(ruleOperand).join(' or '),
        thresholds: { rule: 0, similarity: 1, combined: 1 },
        rationale:
          `Draft: cluster ${c.id} (${c.size} comments) found by k-means over the comment embeddings; the rule is its ` +
          `c-TF-IDF keywords chosen to cover its members and few others. Edit the label, merge themes, tighten the rule, then rerun with --codebook.`,
      };
    });
  if (!themes.length) return null;
  return {
    domain: 'draft',
    version: '0.1.0-draft',
    description:
      'Draft codebook written by pubcom run from the discovered clusters: one theme per cluster, its keywords as the coding rule. ' +
      'Not a validated codebook: read the rules, rename and merge themes, and pass the edited file back with --codebook.',
    scoring: { rule_weight: 0.5, max_themes: 0, seed_prefix: '', fallback_similarity: 0.05, calibrated_for: 'lsa' },
    themes,
  };
}
