// kuromoji's analysis (lattice, Viterbi, unknown words) redone over the same loaded dictionary with typed arrays.
// kuromoji builds a ViterbiNode object, a sliced tail string and a SurrogateAwareString per character and per
// dictionary match; that allocation and its garbage were most of its time. This file keeps the lattice in reused
// typed arrays and computes each node's best predecessor when the node is made, and reproduces kuromoji's
// behaviour exactly, quirks included (each is named where it is reproduced). test/lattice.test.ts compares every
// token field against kuromoji on many texts.
import type kuromoji from 'kuromoji';

type Features = kuromoji.IpadicFeatures;
/** The fields of a token the pipeline keeps. */
export type LeanToken = Pick<Features, 'surface_form' | 'basic_form' | 'pos' | 'pos_detail_1'>;

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

/** The tables the constructor derives from the dictionary, for keeping beside its inflated copy. */
export interface LatticeTables {
  trie: Int32Array;
  firstNode: Int32Array;
  words: Int32Array;
}

export class Lattice {
  // The double-array trie with base and check side by side (base of node i at 2i, check at 2i+1): a step reads
  // one cache line instead of two, and the trie (2 × 8 MB) is where the walk waits on memory.
  private readonly trie: Int32Array;
  private readonly trieSize: number;
  private readonly firstNode: Int32Array; // BMP code unit → trie node after its UTF-8 bytes from the root, or -1
  // tid_map and the word entries packed by trie id: words[at] = count, then per word: id, left id, right id, cost.
  private readonly words: Int32Array;
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
  private readonly leanKnown = new Map<number, LeanToken>();
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
  private nTo = new Int32Array(0); // UTF-16 end of the surface
  private nRight = new Int32Array(0);
  private nWord = new Int32Array(0);
  private nType = new Uint8Array(0);
  private nNext = new Int32Array(0);
  private nPrev = new Int32Array(0);
  private nTotal = new Float64Array(0);
  private nStart = new Int32Array(0);
  // The predecessors of the nodes starting at the current position (gather) and the best one per left id.
  private prevCount = 0;
  private start = 0;
  private pIdx = new Int32Array(0);
  private pTotal = new Float64Array(0);
  private pRow = new Int32Array(0);
  private stamp = 0;
  private memoStamp: Int32Array;
  private memoPrev: Int32Array;
  private memoCost: Float64Array;

  /**
   * `prebuilt`: the trie, firstNode and words tables a previous construction over the same dictionary exported
   * (`tables()`), which spares building them (0.2 s of every run's start).
   */
  constructor(
    private readonly kuromoji: KuromojiInternals,
    targets: TargetMap,
    prebuilt?: LatticeTables | null,
  ) {
    if (prebuilt) {
      this.trie = prebuilt.trie;
      this.trieSize = prebuilt.trie.length >> 1;
      this.firstNode = prebuilt.firstNode;
      this.words = prebuilt.words;
    } else {
      const bc = kuromoji.viterbi_builder.trie.bc;
      const base = bc.getBaseBuffer();
      const check = bc.getCheckBuffer();
      this.trieSize = Math.max(base.length, check.length);
      this.trie = new Int32Array(2 * this.trieSize).fill(-1); // a check of -1 matches no parent
      for (let i = 0; i < base.length; i++) this.trie[2 * i] = base[i];
      for (let i = 0; i < check.length; i++) this.trie[2 * i + 1] = check[i];
      this.firstNode = new Int32Array(65536).fill(-1);
      for (let c = 0; c < 65536; c++) if (c < 0xd800 || c > 0xdfff) this.firstNode[c] = this.walk(0, c);
      const [words, wordsAt] = packWords(targets, int16View(kuromoji.token_info_dictionary.dictionary.buffer));
      this.words = words;
      // A leaf (the child of a node by the terminal byte 0) holds -(trie id) - 1 as its base; in this copy it holds
      // -(where its words start in `words`) instead, which spares one lookup per match.
      for (let i = 0; i < check.length; i++) {
        const parent = check[i];
        // Sequential tests first: only ~400,000 of the 2 million slots need the random read of the parent's base.
        if (parent < 0 || base[i] > 0 || parent >= base.length || base[parent] !== i) continue;
        const trieId = -base[i] - 1;
        this.trie[2 * i] = trieId >= 0 && trieId < wordsAt.length ? -wordsAt[trieId] : 0; // 0: words[0], no words
      }
    }
    const unk = kuromoji.unknown_dictionary;
    this.unkInfo = int16View(unk.dictionary.buffer);
    this.costs = kuromoji.viterbi_searcher.connection_costs.buffer;
    this.backwardSize = this.costs[1];
    const def = unk.character_definition;
    this.charClass = def.character_category_map;
    // unk_invoke.dat is padded: kuromoji reads thousands of empty-named classes after the real ones. Only the
    // first 256 can be named by the (byte-valued) character map.
    const classes = def.invoke_definition_map.map.slice(0, 256);
    this.defaultClass = def.invoke_definition_map.lookup('DEFAULT') ?? 0;
    if (this.defaultClass >= classes.length) throw new Error('kuromoji dictionary: DEFAULT character class out of range');
    // kuromoji tests `=== 1` on the bytes read from unk_invoke.dat.
    this.invoke = Uint8Array.from(classes, (c) => (c.is_always_invoke === 1 ? 1 : 0));
    this.group = Uint8Array.from(classes, (c) => (c.is_grouping === 1 ? 1 : 0));
    const firstOfName = new Map<string, number>();
    classes.forEach((c, id) => firstOfName.has(c.class_name) || firstOfName.set(c.class_name, id));
    this.sameName = Int32Array.from(classes, (c) => firstOfName.get(c.class_name) ?? 0);
    const none = new Int32Array(0);
    this.unkIds = classes.map((_, id) => (unk.target_map[id] ? Int32Array.from(unk.target_map[id]) : none));
    this.growNodes();
    this.memoStamp = new Int32Array(this.backwardSize);
    this.memoPrev = new Int32Array(this.backwardSize);
    this.memoCost = new Float64Array(this.backwardSize);
  }

  /**
   * kuromoji's `tokenize(text)`: the same token objects, field for field. Like kuromoji, it expects well-formed
   * UTF-16 (kuromoji throws on a lone surrogate; CachedKuromoji replaces them before analysing).
   */
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

  /**
   * The same tokens as `tokenize`, only the fields the pipeline keeps: the one allocation left per token is the
   * array slot (a known word's object is made once per word id and shared, so callers must not change it).
   */
  lean(text: string): LeanToken[] {
    const out: LeanToken[] = [];
    for (const sentence of splitByPunctuation(text)) {
      const last = this.bestPath(sentence);
      if (last === -2) {
        this.fallbacks++;
        for (const t of this.kuromoji.tokenizeForSentence(sentence, [])) out.push(t);
        continue;
      }
      const from = out.length;
      for (let n = last; n > 0; n = this.nPrev[n]) out.push(this.leanToken(n, sentence));
      for (let i = from, j = out.length - 1; i < j; i++, j--) [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  private leanToken(n: number, sentence: string): LeanToken {
    const id = this.nWord[n];
    if (this.nType[n] === KNOWN) {
      let t = this.leanKnown.get(id);
      if (t === undefined) {
        const f = this.features(this.known, id, this.kuromoji.token_info_dictionary);
        this.leanKnown.set(id, (t = Object.freeze({ surface_form: f[0], basic_form: f[7], pos: f[1], pos_detail_1: f[2] })));
      }
      return t;
    }
    const f = this.features(this.unknown, id, this.kuromoji.unknown_dictionary);
    return { surface_form: sentence.slice(this.offset[this.nStart[n]], this.nTo[n]), basic_form: f[7], pos: f[1], pos_detail_1: f[2] };
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
      this.gather(p);
      const from = this.offset[p];
      let matches = 0;
      // Dictionary words: walk the double-array trie over the UTF-8 bytes of the rest of the sentence, as
      // doublearray's commonPrefixSearch does, reporting a word where a terminal follows a whole character.
      let node = 0;
      for (let i = from; i < n; ) {
        let cp = s.charCodeAt(i++);
        if (node === 0 && (cp < 0xd800 || cp > 0xdfff)) node = this.firstNode[cp];
        else {
          if (cp >= 0xd800 && cp <= 0xdbff) {
            const low = s.charCodeAt(i); // NaN past the end
            if (!(low >= 0xdc00 && low <= 0xdfff)) break; // doublearray finds nothing in a malformed pair
            cp = (cp - 0xd800) * 1024 + 0x10000 + (low - 0xdc00);
            i++;
          }
          node = this.walk(node, cp);
        }
        if (node < 0) break;
        const leaf = this.step(node, 0);
        if (leaf < 0) continue;
        matches++;
        // kuromoji: node length = the key's UTF-16 length, though positions count code points.
        const end = p + (i - from);
        const words = this.words;
        const at = -this.trie[2 * leaf];
        for (let k = at + 1, last = at + 1 + 4 * words[at]; k < last; k += 4) {
          this.addNode(end, i, words[k + 1], words[k + 2], words[k + 3], words[k], KNOWN);
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
          this.addNode(end, to, this.unkInfo[w], this.unkInfo[w + 1], this.unkInfo[w + 2], ids[k], UNKNOWN);
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

  /**
   * The reachable nodes ending at `p`, in the order they were added, copied side by side so each new node's
   * predecessor search is one tight loop; and a fresh memo, since nodes with the same left id share their best
   * predecessor (the word cost is added to every candidate alike).
   */
  private gather(p: number): void {
    let m = 0;
    for (let q = this.head[p]; q >= 0; q = this.nNext[q]) {
      // An unreachable node (kuromoji's MAX_VALUE) never wins: MAX_VALUE plus a cost is not less than MAX_VALUE.
      if (this.nTotal[q] === UNREACHABLE) continue;
      if (m >= this.pIdx.length) this.growPrev();
      this.pIdx[m] = q;
      this.pTotal[m] = this.nTotal[q];
      this.pRow[m] = this.nRight[q] * this.backwardSize + 2;
      m++;
    }
    this.prevCount = m;
    this.start = p;
    if (++this.stamp === 0x3fffffff) {
      this.memoStamp.fill(0);
      this.stamp = 1;
    }
  }

  /** A lattice node from code point `start` to `end`; its best predecessor is among the nodes gathered at `start`. */
  private addNode(end: number, to: number, left: number, right: number, wordCost: number, id: number, type: number): void {
    const k = this.nodes++;
    if (k >= this.nodeCap) this.growNodes();
    let prev = -1;
    let cost = UNREACHABLE;
    if (this.memoStamp[left] === this.stamp) {
      prev = this.memoPrev[left];
      if (prev >= 0) cost = this.memoCost[left] + wordCost;
    } else {
      // kuromoji's order: the first predecessor of least cost, in the order the nodes were added.
      let best = UNREACHABLE;
      for (let j = 0, m = this.prevCount; j < m; j++) {
        const c = this.pTotal[j] + this.costs[this.pRow[j] + left];
        if (c < best) {
          best = c;
          prev = this.pIdx[j];
        }
      }
      this.memoStamp[left] = this.stamp;
      this.memoPrev[left] = prev;
      this.memoCost[left] = best;
      if (prev >= 0) cost = best + wordCost;
    }
    this.nStart[k] = this.start;
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

  private growPrev(): void {
    const size = Math.max(256, this.pIdx.length * 2);
    const idx = new Int32Array(size);
    idx.set(this.pIdx);
    const total = new Float64Array(size);
    total.set(this.pTotal);
    const row = new Int32Array(size);
    row.set(this.pRow);
    this.pIdx = idx;
    this.pTotal = total;
    this.pRow = row;
  }

  private step(parent: number, byte: number): number {
    const child = this.trie[2 * parent] + byte;
    return child >= 0 && child < this.trieSize && this.trie[2 * child + 1] === parent ? child : -1;
  }

  /** The trie node after the UTF-8 bytes of code point `cp` from `node`, or -1. */
  private walk(node: number, cp: number): number {
    if (cp < 0x80) return this.step(node, cp);
    if (cp < 0x800) {
      node = this.step(node, (cp >>> 6) | 0xc0);
      return node < 0 ? -1 : this.step(node, (cp & 0x3f) | 0x80);
    }
    if (cp < 0x10000) {
      node = this.step(node, (cp >>> 12) | 0xe0);
      if (node >= 0) node = this.step(node, ((cp >> 6) & 0x3f) | 0x80);
      return node < 0 ? -1 : this.step(node, (cp & 0x3f) | 0x80);
    }
    node = this.step(node, (cp >>> 18) | 0xf0);
    if (node >= 0) node = this.step(node, ((cp >> 12) & 0x3f) | 0x80);
    if (node >= 0) node = this.step(node, ((cp >> 6) & 0x3f) | 0x80);
    return node < 0 ? -1 : this.step(node, (cp & 0x3f) | 0x80);
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

  tables(): LatticeTables {
    return { trie: this.trie, firstNode: this.firstNode, words: this.words };
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

/**
 * Per trie id, its word ids with each word's left id, right id and cost (from tid.dat) side by side, so a match
 * reads one run of memory instead of the map and then each word's entry. Trie ids absent from the map get an
 * empty list (kuromoji would throw there; the trie holds no such leaf).
 */
function packWords({ ints, listAt }: TargetMap, info: Int16Array): [Int32Array, Int32Array] {
  let size = 1;
  for (let key = 0; key < listAt.length; key++) if (listAt[key] >= 0) size += 1 + 4 * ints[listAt[key]];
  const words = new Int32Array(size); // words[0] = 0: the empty list
  const wordsAt = new Int32Array(listAt.length);
  let at = 1;
  for (let key = 0; key < listAt.length; key++) {
    const from = listAt[key];
    if (from < 0) continue;
    wordsAt[key] = at;
    const count = ints[from];
    words[at++] = count;
    for (let k = 0; k < count; k++) {
      const id = ints[from + 1 + k];
      words[at++] = id;
      words[at++] = info[id >> 1];
      words[at++] = info[(id >> 1) + 1];
      words[at++] = info[(id >> 1) + 2];
    }
  }
  return [words, wordsAt];
}

/** The dictionary's little-endian shorts (left id, right id, cost) as an Int16Array over the same bytes. */
function int16View(bytes: Uint8Array): Int16Array {
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (!le || bytes.byteOffset % 2 !== 0) throw new Error('kuromoji dictionary: expected little-endian, 2-byte aligned word data');
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
}
