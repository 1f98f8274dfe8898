// Domain terms kept whole by merging kuromoji's tokens after analysis. Why not a rebuilt dictionary (measured in
// pipeline/tokenize/README.md): merging needs no 7 s / 0.7 GB rebuild per term list, keeps every occurrence
// whole, and leaves the tokens around a term exactly as plain kuromoji gives them.
import { normalize } from '../core/text.ts';

interface TrieNode {
  next: Map<string, TrieNode>;
  /** The term ending here, if any. */
  term: string | null;
}

export interface TermMatch {
  start: number;
  end: number;
  term: string;
}

type Script = 'latin' | 'katakana' | 'other';

function scriptOf(ch: string | undefined): Script {
  if (ch === undefined) return 'other';
  if (/[A-Za-z0-9]/.test(ch)) return 'latin';
  // U+30FB (・) separates words, so it is no part of a katakana word.
  if (/[\u30A1-\u30FA\u30FC-\u30FF]/.test(ch)) return 'katakana';
  return 'other';
}

/**
 * Longest-match term finder over normalised text. A term that begins or ends in Latin letters or katakana matches
 * only at a word edge of that script, so AI does not fire inside SAID and 量子コンピュータ not inside 量子コンピューター.
 */
export class TermMatcher {
  private readonly root: TrieNode = { next: new Map(), term: null };
  /** First UTF-16 unit of every term: most positions of a text start no term and are skipped on this test. */
  private readonly firstUnits = new Set<number>();
  readonly terms: readonly string[];

  constructor(terms: Iterable<string>) {
    const unique = new Set<string>();
    for (const raw of terms) {
      const t = normalize(raw);
      if (t) unique.add(t);
    }
    this.terms = [...unique].sort();
    for (const t of this.terms) {
      this.firstUnits.add(t.charCodeAt(0));
      let node = this.root;
      for (const ch of t) {
        let child = node.next.get(ch);
        if (!child) {
          child = { next: new Map(), term: null };
          node.next.set(ch, child);
        }
        node = child;
      }
      node.term = t;
    }
  }

  get size(): number {
    return this.terms.length;
  }

  /** Non-overlapping matches, scanned left to right, longest term first at each position. */
  find(text: string): TermMatch[] {
    const out: TermMatch[] = [];
    if (this.terms.length === 0) return out;
    let i = 0;
    while (i < text.length) {
      if (!this.firstUnits.has(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const m = this.longestAt(text, i);
      if (m) {
        out.push(m);
        i = m.end;
      } else i++;
    }
    return out;
  }

  private longestAt(text: string, start: number): TermMatch | null {
    let node: TrieNode | undefined = this.root;
    let best: TermMatch | null = null;
    // Walk UTF-16 units; terms were inserted per code point, so walk code points the same way.
    let i = start;
    while (i < text.length) {
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      node = node.next.get(ch);
      if (!node) break;
      i += ch.length;
      if (node.term && this.atEdges(text, start, i, node.term)) best = { start, end: i, term: node.term };
    }
    return best;
  }

  private atEdges(text: string, start: number, end: number, term: string): boolean {
    const first = scriptOf(term[0]);
    if (first !== 'other' && scriptOf(text[start - 1]) === first) return false;
    const last = scriptOf(term[term.length - 1]);
    if (last !== 'other' && scriptOf(text[end]) === last) return false;
    return true;
  }
}
