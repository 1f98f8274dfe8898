// kuromoji's analysis (lattice, Viterbi, unknown words) redone over the same loaded dictionary with typed arrays.
// kuromoji builds a ViterbiNode object, a sliced tail string and a SurrogateAwareString per character and per
// dictionary match; that allocation and its garbage were most of its time. This file keeps the lattice in reused
// typed arrays and computes each node's best predecessor when the node is made, and reproduces kuromoji's
// behaviour exactly, quirks included (each is named where it is reproduced). test/lattice.test.ts compares every
// token field against kuromoji on many texts.
import type kuromoji from 'kuromoji';

type Features = kuromoji.IpadicFeatures;

/** The parts of kuromoji's loaded tokenizer this file reads (kuromoji 0.1.2's layout). */
export interface KuromojiInternals {
  token_info_dictionary: { dictionary: { buffer: Uint8Array }; getFeatures(id: string | number): string };
  unknown_dictionary: {
    dictionary: { buffer: Uint8Array };
    target_map: Record<number, number[] | undefined>;
    getFeatures(id: string | number): string;
    character_definition: {
      character_category_map: Uint8Array;
      invoke_definition_map: { map: { class_name: string; is_always_invoke: number | boolean; is_grouping: number | boolean }[]; lookup(name: string): number | null };
    };
  };
  viterbi_builder: { trie: { bc: { getBaseBuffer(): Int32Array; getCheckBuffer(): Int32Array } } };
  viterbi_searcher: { connection_costs: { buffer: Int16Array } };
  tokenizeForSentence(sentence: string, tokens: Features[]): Features[];
}

/** tid_map.dat (trie id → word ids) as it lies in the file: `ints[listAt[trieId]]` values follow at `+1…`. */
export interface TargetMap {
  ints: Int32Array;
  listAt: Int32Array;
}

const KNOWN = 0;
const UNKNOWN = 1;
// kuromoji starts every node at Number.MAX_VALUE; MAX_VALUE plus any cost rounds back to MAX_VALUE, so a node
// reached only through unreachable nodes is never chosen. The same constant keeps the comparisons identical.
const UNREACHABLE = Number.MAX_VALUE;

export class Lattice {
  private readonly base: Int32Array;
  private readonly check: Int32Array;
  private readonly wordInfo: Int16Array; // left id, right id, cost at word id / 2 (word ids are byte offsets)
  private readonly unkInfo: Int16Array;
  private readonly costs: Int16Array;
  private readonly backwardSize: number;
  private readonly charClass: Uint8Array;
  private readonly defaultClass: number;
  private readonly invoke: Uint8Array;
  private readonly group: Uint8Array;
  private readonly sameName: Int32Array; // class id → first class id of the same name (kuromoji compares names)
  private readonly unkIds: Int32Array[];
  private readonly known = new Map<number, string[]>();
  private readonly unknown = new Map<number, string[]>();
  /** Sentences handed to kuromoji itself because its own result there comes from its unreachable-node quirk. */
  fallbacks = 0;

  // Per-sentence scratch, grown on demand and reused.
  private cap = 0;
  private offset = new Int32Array(0); // code point → UTF-16 offset (kuromoji's positions count code points)
  private cls = new Uint8Array(0);
  private runEnd = new Int32Array(0);
  private head = new Int32Array(0); // end position → first node ending there (kuromoji's nodes_end_at)
  private tail = new Int32Array(0);
  private nodes = 0;
  private nodeCap = 0;
  private nStart = new Int32Array(0);
  private nTo = new Int32Array(0); // UTF-16 end of the surface
  private nRight = new Int32Array(0);
  private nWord = new Int32Array(0);
  private nType = new Uint8Array(0);
  private nNext = new Int32Array(0);
  private nPrev = new Int32Array(0);
  private nTotal = new Float64Array(0);

  constructor(
    private readonly kuromoji: KuromojiInternals,
    private readonly targets: TargetMap,
  ) {
    const trie = kuromoji.viterbi_builder.trie.bc;
    this.base = trie.getBaseBuffer();
    this.check = trie.getCheckBuffer();
    this.wordInfo = int16View(kuromoji.token_info_dictionary.dictionary.buffer);
    const unk = kuromoji.unknown_dictionary;
    this.unkInfo = int16View(unk.dictionary.buffer);
    this.costs = kuromoji.viterbi_searcher.connection_costs.buffer;
    this.backwardSize = this.costs[1];
    const def = unk.character_definition;
    this.charClass = def.character_category_map;
    const classes = def.invoke_definition_map.map;
    this.defaultClass = def.invoke_definition_map.lookup('DEFAULT') ?? 0;
    // kuromoji tests `=== 1` on the bytes read from unk_invoke.dat.
    this.invoke = Uint8Array.from(classes, (c) => (c.is_always_invoke === 1 ? 1 : 0));
    this.group = Uint8Array.from(classes, (c) => (c.is_grouping === 1 ? 1 : 0));
    this.sameName = Int32Array.from(classes, (c) => classes.findIndex((d) => d.class_name === c.class_name));
    this.unkIds = classes.map((_, id) => Int32Array.from(unk.target_map[id] ?? []));
    this.growNodes();
  }

  /** kuromoji's `tokenize(text)`: the same token objects, field for field. */
  tokenize(text: string): Features[] {
    const tokens: Features[] = [];
    for (const sentence of splitByPunctuation(text)) this.tokenizeSentence(sentence, tokens);
    return tokens;
  }

  /** kuromoji's tokenizeForSentence: appends the sentence's tokens to `tokens`. */
  tokenizeSentence(sentence: string, tokens: Features[]): void {
    const last = this.bestPath(sentence);
    if (last === -2) {
      this.fallbacks++;
      this.kuromoji.tokenizeForSentence(sentence, tokens);
      return;
    }
    // kuromoji's quirk: a token's word_position adds the previous token's word_position (not its end) to the
    // node's 1-based start, so positions drift after the first sentence of a text.
    const lastPos = tokens.length > 0 ? tokens[tokens.length - 1].word_position : 0;
    const path: number[] = [];
    for (let n = last; n > 0; n = this.nPrev[n]) path.push(n);
    for (let k = path.length - 1; k >= 0; k--) tokens.push(this.token(path[k], sentence, lastPos));
  }

  private token(n: number, sentence: string, lastPos: number): Features {
    const id = this.nWord[n];
    const position = lastPos + this.nStart[n] + 1;
    if (this.nType[n] === KNOWN) {
      const f = this.features(this.known, id, this.kuromoji.token_info_dictionary);
      return {
        word_id: id, word_type: 'KNOWN', word_position: position, surface_form: f[0], pos: f[1], pos_detail_1: f[2],
        pos_detail_2: f[3], pos_detail_3: f[4], conjugated_type: f[5], conjugated_form: f[6], basic_form: f[7],
        reading: f[8], pronunciation: f[9],
      };
    }
    const f = this.features(this.unknown, id, this.kuromoji.unknown_dictionary);
    // kuromoji's formatUnknownEntry sets no reading or pronunciation: the object has no such keys.
    return {
      word_id: id, word_type: 'UNKNOWN', word_position: position,
      surface_form: sentence.slice(this.offset[this.nStart[n]], this.nTo[n]), pos: f[1], pos_detail_1: f[2],
      pos_detail_2: f[3], pos_detail_3: f[4], conjugated_type: f[5], conjugated_form: f[6], basic_form: f[7],
    } as Features;
  }

  /** A word's feature fields, decoded from the dictionary bytes once per word id. */
  private features(memo: Map<number, string[]>, id: number, dict: { getFeatures(id: string | number): string }): string[] {
    let f = memo.get(id);
    if (f === undefined) memo.set(id, (f = dict.getFeatures(id).split(',')));
    return f;
  }

  /**
   * Builds the lattice of `sentence` and returns the last node of the best path (follow nPrev to node 0, BOS),
   * 0 when the path is empty, or -2 when kuromoji's result would come from its unreachable-node quirk.
   */
  private bestPath(s: string): number {
    const n = s.length;
    this.grow(n);
    // Code points as kuromoji's SurrogateAwareString counts them: a high surrogate always takes the next unit.
    let cps = 0;
    for (let i = 0; i < n; i++) {
      this.offset[cps] = i;
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        this.cls[cps++] = this.defaultClass; // CharacterDefinition.lookup: a surrogate pair is DEFAULT
        i++;
      } else this.cls[cps++] = this.charClass[c];
    }
    if (cps === 0) return 0;
    this.offset[cps] = n;
    // Where each unknown-word group ends: kuromoji groups the rest of the run of the same class name, unbounded.
    this.runEnd[cps - 1] = cps;
    for (let p = cps - 2; p >= 0; p--) {
      this.runEnd[p] = this.sameName[this.cls[p]] === this.sameName[this.cls[p + 1]] ? this.runEnd[p + 1] : p + 1;
    }
    this.head.fill(-1, 0, n + 2);
    this.nodes = 1; // node 0 is BOS, ending at position 0
    this.nRight[0] = 0;
    this.nTotal[0] = 0;
    this.nNext[0] = -1;
    this.head[0] = this.tail[0] = 0;
    let maxEnd = 1; // kuromoji's eos_pos starts at 1

    for (let p = 0; p < cps; p++) {
      const from = this.offset[p];
      let matches = 0;
      // Dictionary words: walk the double-array trie over the UTF-8 bytes of the rest of the sentence, as
      // doublearray's commonPrefixSearch does, reporting a word where a terminal follows a whole character.
      let node = 0;
      for (let i = from; i < n && node >= 0; ) {
        let cp = s.charCodeAt(i++);
        if (cp >= 0xd800 && cp <= 0xdbff) {
          const low = s.charCodeAt(i); // NaN past the end
          if (!(low >= 0xdc00 && low <= 0xdfff)) break; // doublearray finds nothing in a malformed pair
          cp = (cp - 0xd800) * 1024 + 0x10000 + (low - 0xdc00);
          i++;
        }
        if (cp < 0x80) node = this.step(node, cp);
        else if (cp < 0x800) {
          node = this.step(node, (cp >>> 6) | 0xc0);
          if (node >= 0) node = this.step(node, (cp & 0x3f) | 0x80);
        } else if (cp < 0x10000) {
          node = this.step(node, (cp >>> 12) | 0xe0);
          if (node >= 0) node = this.step(node, ((cp >> 6) & 0x3f) | 0x80);
          if (node >= 0) node = this.step(node, (cp & 0x3f) | 0x80);
        } else {
          node = this.step(node, (cp >>> 18) | 0xf0);
          if (node >= 0) node = this.step(node, ((cp >> 12) & 0x3f) | 0x80);
          if (node >= 0) node = this.step(node, ((cp >> 6) & 0x3f) | 0x80);
          if (node >= 0) node = this.step(node, (cp & 0x3f) | 0x80);
        }
        if (node < 0) break;
        const leaf = this.step(node, 0);
        if (leaf < 0) continue;
        matches++;
        const trieId = -this.base[leaf] - 1;
        const at = this.targets.listAt[trieId];
        const ints = this.targets.ints;
        // kuromoji: node length = the key's UTF-16 length, though positions count code points.
        const end = p + (i - from);
        for (let k = 0, count = ints[at]; k < count; k++) {
          const id = ints[at + 1 + k];
          const w = id >> 1;
          this.addNode(p, end, i, this.wordInfo[w], this.wordInfo[w + 1], this.wordInfo[w + 2], id, KNOWN);
        }
        if (end > maxEnd) maxEnd = end;
      }

      // Unknown words: where no dictionary word starts, or always for an "invoke" class (katakana, Latin, digits…).
      const c = this.cls[p];
      if (matches === 0 || this.invoke[c] === 1) {
        let end = p + 1;
        let to = this.offset[p + 1];
        const runEnd = this.runEnd[p];
        if (this.group[c] === 1 && runEnd - p > 1) {
          // kuromoji's quirk: a grouped key is a plain string, so its length counts UTF-16 units; a single
          // character stays a SurrogateAwareString of length 1.
          to = this.offset[runEnd];
          end = p + (to - from);
        }
        const ids = this.unkIds[c];
        for (let k = 0; k < ids.length; k++) {
          const w = ids[k] >> 1;
          this.addNode(p, end, to, this.unkInfo[w], this.unkInfo[w + 1], this.unkInfo[w + 2], ids[k], UNKNOWN);
        }
        if (end > maxEnd) maxEnd = end;
      }
    }

    // EOS (left id 0) follows the nodes ending at the furthest end any node reached.
    let best = -1;
    let cost = UNREACHABLE;
    for (let k = this.head[maxEnd]; k >= 0; k = this.nNext[k]) {
      const c = this.nTotal[k] + this.costs[this.nRight[k] * this.backwardSize + 2];
      if (c < cost) {
        cost = c;
        best = k;
      }
    }
    // When no reachable node ends there, kuromoji follows a stale predecessor left over from an earlier node
    // (ViterbiSearcher.forward's `var shortest_prev_node` is not reset per node); kuromoji itself answers that case.
    return best < 0 ? -2 : best;
  }

  /** A lattice node from code point `start` to `end`, its best predecessor chosen now (all nodes ending at `start` exist). */
  private addNode(start: number, end: number, to: number, left: number, right: number, wordCost: number, id: number, type: number): void {
    const k = this.nodes++;
    if (k >= this.nodeCap) this.growNodes();
    let prev = -1;
    let cost = UNREACHABLE;
    // kuromoji's order: the first predecessor of least cost, in the order the nodes were added.
    for (let q = this.head[start]; q >= 0; q = this.nNext[q]) {
      const c = this.nTotal[q] + this.costs[this.nRight[q] * this.backwardSize + left + 2] + wordCost;
      if (c < cost) {
        cost = c;
        prev = q;
      }
    }
    this.nStart[k] = start;
    this.nTo[k] = to;
    this.nRight[k] = right;
    this.nWord[k] = id;
    this.nType[k] = type;
    this.nTotal[k] = cost;
    this.nPrev[k] = prev;
    this.nNext[k] = -1;
    if (this.head[end] < 0) this.head[end] = k;
    else this.nNext[this.tail[end]] = k;
    this.tail[end] = k;
  }

  private step(parent: number, byte: number): number {
    const child = this.base[parent] + byte;
    return child >= 0 && child < this.check.length && this.check[child] === parent ? child : -1;
  }

  private grow(n: number): void {
    if (n + 2 <= this.cap) return;
    this.cap = Math.max(n + 2, this.cap * 2, 256);
    this.offset = new Int32Array(this.cap);
    this.cls = new Uint8Array(this.cap);
    this.runEnd = new Int32Array(this.cap);
    this.head = new Int32Array(this.cap);
    this.tail = new Int32Array(this.cap);
  }

  private growNodes(): void {
    const size = Math.max(1024, this.nodeCap * 2);
    const more = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.nStart = more(this.nStart, (s) => new Int32Array(s));
    this.nTo = more(this.nTo, (s) => new Int32Array(s));
    this.nRight = more(this.nRight, (s) => new Int32Array(s));
    this.nWord = more(this.nWord, (s) => new Int32Array(s));
    this.nType = more(this.nType, (s) => new Uint8Array(s));
    this.nNext = more(this.nNext, (s) => new Int32Array(s));
    this.nPrev = more(this.nPrev, (s) => new Int32Array(s));
    this.nTotal = more(this.nTotal, (s) => new Float64Array(s));
    this.nodeCap = size;
  }
}

/** kuromoji's Tokenizer.splitByPunctuation: pieces ending after each 、 or 。. */
export function splitByPunctuation(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3001 || c === 0x3002) {
      out.push(text.slice(from, i + 1));
      from = i + 1;
    }
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/** The dictionary's little-endian shorts (left id, right id, cost) as an Int16Array over the same bytes. */
function int16View(bytes: Uint8Array): Int16Array {
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (!le || bytes.byteOffset % 2 !== 0) throw new Error('kuromoji dictionary: expected little-endian, 2-byte aligned word data');
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
}
