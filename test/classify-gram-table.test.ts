import { describe, expect, it } from 'vitest';
import { buildGramTable, GramMatches, matchGrams } from '../pipeline/classify/gram-table.ts';
import { mulberry32 } from '../pipeline/core/random.ts';

const isBreak = (c: number) => c === 0x20 || c === 0x3013;

/** The definition: every vocabulary n-gram of the text not crossing a break, at its first occurrence, in text order. */
function naive(text: string, vocab: string[], offset: number, min: number, max: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const seen = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    for (let n = 1; n <= max && i + n <= text.length; n++) {
      const piece = text.slice(i, i + n);
      if ([...piece].some((ch) => isBreak(ch.charCodeAt(0)))) break;
      const f = vocab.indexOf(piece);
      if (n >= min && f >= 0 && !seen.has(f)) {
        seen.add(f);
        out.push([offset + f, i, n]);
      }
    }
  }
  return out;
}

const triples = (m: GramMatches) => Array.from({ length: m.count }, (_, j): [number, number, number] => [m.feature[j], m.start[j], m.length[j]]);

describe('n-gram lookup table', () => {
  it('finds each vocabulary n-gram once, at its first occurrence, never across a break', () => {
    const vocab = ['措置', '措置を', 'を講じ', '講じ', '講じて', 'ます', 'ます。', '〓〓', 'x'];
    const table = buildGramTable(vocab, 10, 2, 4);
    const text = '必要な措置を講じてまいります。措置を講じます。 措〓置';
    expect(triples(matchGrams(text, table, isBreak, new GramMatches()))).toEqual(naive(text, vocab, 10, 2, 4));
    // A second text through the same buffer starts afresh.
    const out = new GramMatches();
    matchGrams(text, table, isBreak, out);
    expect(triples(matchGrams('講じます', table, isBreak, out))).toEqual([[13, 0, 2], [15, 2, 2]]);
  });

  it('agrees with the definition on random text over a small alphabet, past the buffer size', () => {
    const next = mulberry32(3);
    const letters = [...'あいうアイ漢字ー'];
    // Every 2- and 3-gram of eight letters (576), so a long text holds more matches than the buffer's first size.
    const vocab = letters.flatMap((a) => letters.flatMap((b) => [a + b, ...letters.map((c) => a + b + c)]));
    const alphabet = letters.join('') + ' 〓';
    const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const table = buildGramTable(vocab, 0, 2, 4);
    let most = 0;
    for (let t = 0; t < 20; t++) {
      const text = pick(4000);
      const got = matchGrams(text, table, isBreak, new GramMatches());
      most = Math.max(most, got.count);
      expect(triples(got)).toEqual(naive(text, vocab, 0, 2, 4));
    }
    expect(most).toBeGreaterThan(512);
  });
});
