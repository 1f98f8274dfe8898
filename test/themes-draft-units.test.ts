// The draft codebook's rule terms are chosen over word units (copies of a comment share one Set of words and
// count as one unit with their number of copies): the choice must be exactly the item-by-item greedy choice.
import { describe, expect, it } from 'vitest';
import { chooseRuleTerms, DRAFT_DEFAULTS } from '../pipeline/themes/draft.ts';
import { mulberry32 } from '../pipeline/core/random.ts';

/** The greedy choice item by item, as the draft codebook defined it before word units. */
function reference(members: readonly string[], candidates: readonly string[], words: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const memberSet = new Set(members);
  const covered = new Set<string>();
  const chosen: string[] = [];
  const hits = new Map(candidates.map((t) => [t, [...words].filter(([, w]) => w.has(t)).map(([id]) => id)]));
  while (chosen.length < DRAFT_DEFAULTS.maxTerms) {
    let best: { term: string; gain: number } | null = null;
    for (const term of candidates) {
      if (chosen.includes(term)) continue;
      const h = hits.get(term)!;
      const gain = h.filter((id) => memberSet.has(id) && !covered.has(id)).length - DRAFT_DEFAULTS.outsidePenalty * h.filter((id) => !memberSet.has(id)).length;
      if (!best || gain > best.gain) best = { term, gain };
    }
    if (!best || (chosen.length > 0 && best.gain <= 0)) break;
    chosen.push(best.term);
    for (const id of hits.get(best.term)!) if (memberSet.has(id)) covered.add(id);
  }
  return chosen;
}

describe('draft rule terms over word units', () => {
  it('choose what the item-by-item count chooses, on a round of distinct comments and copies of campaign texts', () => {
    const vocab = ['冷房', '体育館', '熱中症', '予算', '避難所', '学校', '設備', '電気代', '地域', '安全'];
    const next = mulberry32(7);
    const words = new Map<string, ReadonlySet<string>>();
    const campaigns = Array.from({ length: 4 }, () => new Set(vocab.filter(() => next() < 0.4)));
    for (let i = 0; i < 600; i++) {
      // Two thirds are copies (one shared Set per campaign text), the rest distinct, some with equal words but their own Set.
      words.set(`i${i}`, i % 3 ? campaigns[i % 4] : new Set(vocab.filter(() => next() < 0.3)));
    }
    const ids = [...words.keys()];
    for (let c = 0; c < 5; c++) {
      const members = ids.filter((id, i) => (i * 7 + c) % 5 === 0 || words.get(id) === campaigns[c % 4]);
      const candidates = vocab.slice(c, c + 6).concat(vocab.slice(0, c));
      expect(chooseRuleTerms(members, candidates, words)).toEqual(reference(members, candidates, words));
      expect(chooseRuleTerms(members, candidates, words).length).toBeGreaterThan(0);
    }
  });
});
