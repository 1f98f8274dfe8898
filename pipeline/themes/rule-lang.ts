// The codebook's coding-rule language, in the spirit of KH Coder's `*code` + Boolean expression:
//   term   phrase "…"   and   or   not   ( … )   near(a, b[, …][, N])   seq(a, b[, …][, N])
// Rules are parsed once when the codebook loads and evaluated per comment over its normalised text and tokens.
// Syntax and semantics for researchers: pipeline/themes/README.md.

/** A syntax error with the 0-based character offset into the rule source, for InputError messages. */
export class RuleSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly offset: number,
  ) {
    super(`${detail} at column ${offset + 1}`);
    this.name = 'RuleSyntaxError';
  }
}

/** Something whose occurrences have positions in the comment: a term, a phrase, or an `or` of them. */
export type PositionalNode =
  | { type: 'term'; value: string; exact: boolean; source: string; offset: number }
  | { type: 'phrase'; value: string; source: string; offset: number }
  | { type: 'any'; options: PositionalNode[] };

export type RuleNode =
  | PositionalNode
  | { type: 'and'; left: RuleNode; right: RuleNode }
  | { type: 'or'; left: RuleNode; right: RuleNode }
  | { type: 'not'; operand: RuleNode }
  | { type: 'near'; ordered: boolean; args: PositionalNode[]; window: number; source: string };

/** Default window of near()/seq() when the rule gives none: about one clause of Japanese text. */
export const DEFAULT_NEAR_WINDOW = 10;

type LexKind = 'lparen' | 'rparen' | 'comma' | 'phrase' | 'word' | 'end';
interface Lexeme {
  kind: LexKind;
  text: string;
  offset: number;
}

const PUNCT: Record<string, LexKind> = { '(': 'lparen', '（': 'lparen', ')': 'rparen', '）': 'rparen', ',': 'comma', '，': 'comma', '、': 'comma' };
const QUOTES: Record<string, string> = { '"': '"', '“': '”', '”': '”', '＂': '＂' };

function lex(src: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (PUNCT[c]) {
      out.push({ kind: PUNCT[c], text: c, offset: i });
      i++;
      continue;
    }
    if (QUOTES[c]) {
      const close = QUOTES[c];
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== close) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        text += src[j];
        j++;
      }
      if (j >= src.length) throw new RuleSyntaxError(`unterminated phrase (missing closing ${close})`, i);
      if (!text.trim()) throw new RuleSyntaxError('empty phrase ""', i);
      out.push({ kind: 'phrase', text, offset: i });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < src.length && !/\s/.test(src[j]) && !PUNCT[src[j]] && !QUOTES[src[j]]) j++;
    out.push({ kind: 'word', text: src.slice(i, j), offset: i });
    i = j;
  }
  out.push({ kind: 'end', text: '', offset: src.length });
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not']);
const isOp = (l: Lexeme, op: string): boolean => l.kind === 'word' && l.text.toLowerCase() === op;

/** The analysis form of terms and phrases: NFKC, ASCII lower-cased (length-preserving, so offsets still index the text). */
export function foldText(s: string): string {
  return s.normalize('NFKC').replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * Grammar (lowest precedence first; `not` binds tightest, as in KH Coder):
 *   expr := and ("or" and)* ;  and := unary ("and" unary)* ;  unary := "not" unary | primary
 *   primary := "(" expr ")" | near | seq | TERM | PHRASE
 *   near := ("near"|"seq") "(" pos ("," pos)+ ["," N] ")" ;  pos := patom ("or" patom)* ;  patom := TERM | PHRASE | "(" pos ")"
 */
export function parseRule(src: string): RuleNode {
  if (!src.trim()) throw new RuleSyntaxError('empty rule', 0);
  return new RuleParser(src).parse();
}

/** Recursive descent over the lexemes, one method per grammar rule above. */
class RuleParser {
  private readonly lexemes: Lexeme[];
  private p = 0;

  constructor(private readonly src: string) {
    this.lexemes = lex(src);
  }

  parse(): RuleNode {
    const tree = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== 'end') {
      throw new RuleSyntaxError(rest.kind === 'rparen' ? 'unbalanced ")"' : `unexpected ${describeLexeme(rest)}`, rest.offset);
    }
    return tree;
  }

  private peek(): Lexeme {
    return this.lexemes[this.p];
  }

  private next(): Lexeme {
    return this.lexemes[this.p++];
  }

  private expect(kind: LexKind, what: string): Lexeme {
    const l = this.peek();
    if (l.kind !== kind) throw new RuleSyntaxError(`expected ${what} but found ${describeLexeme(l)}`, l.offset);
    return this.next();
  }

  private parseOr(): RuleNode {
    let left = this.parseAnd();
    while (isOp(this.peek(), 'or')) {
      this.next();
      left = { type: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): RuleNode {
    let left = this.parseUnary();
    while (isOp(this.peek(), 'and')) {
      this.next();
      left = { type: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): RuleNode {
    if (isOp(this.peek(), 'not')) {
      this.next();
      return { type: 'not', operand: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): RuleNode {
    const l = this.peek();
    if (l.kind === 'lparen') {
      this.next();
      const inner = this.parseOr();
      this.expect('rparen', '")"');
      return this.afterOperand(inner);
    }
    if (l.kind === 'word' && /^(near|seq)$/i.test(l.text) && this.lexemes[this.p + 1].kind === 'lparen') {
      return this.afterOperand(this.parseNear());
    }
    if (l.kind === 'phrase') return this.afterOperand(leaf(this.next()));
    if (l.kind === 'word' && !KEYWORDS.has(l.text.toLowerCase())) return this.afterOperand(leaf(this.next()));
    if (l.kind === 'word') throw new RuleSyntaxError(`"${l.text}" needs a term or "(" before it`, l.offset);
    throw new RuleSyntaxError(`expected a term, "phrase", near(…) or "(" but found ${describeLexeme(l)}`, l.offset);
  }

  // Two operands side by side are the commonest mistake in hand-written rules: say which operator is missing.
  private afterOperand(node: RuleNode): RuleNode {
    const l = this.peek();
    if (l.kind === 'word' && !KEYWORDS.has(l.text.toLowerCase())) {
      throw new RuleSyntaxError(`expected "and", "or" or ")" before "${l.text}"`, l.offset);
    }
    if (l.kind === 'phrase' || l.kind === 'lparen') {
      throw new RuleSyntaxError(`expected "and", "or" or ")" before ${describeLexeme(l)}`, l.offset);
    }
    return node;
  }

  private parsePositional(): PositionalNode {
    const options: PositionalNode[] = [this.parsePosAtom()];
    while (isOp(this.peek(), 'or')) {
      this.next();
      options.push(this.parsePosAtom());
    }
    return options.length === 1 ? options[0] : { type: 'any', options };
  }

  private parsePosAtom(): PositionalNode {
    const l = this.peek();
    if (l.kind === 'lparen') {
      this.next();
      const inner = this.parsePositional();
      this.expect('rparen', '")"');
      return inner;
    }
    if (l.kind === 'phrase' || (l.kind === 'word' && !KEYWORDS.has(l.text.toLowerCase()))) {
      return leaf(this.next());
    }
    if (isOp(l, 'and') || isOp(l, 'not')) {
      throw new RuleSyntaxError(`"${l.text}" is not allowed inside near()/seq(); use "or" between alternatives`, l.offset);
    }
    throw new RuleSyntaxError(`expected a term or "phrase" but found ${describeLexeme(l)}`, l.offset);
  }

  private parseNear(): RuleNode {
    const start = this.next();
    const ordered = start.text.toLowerCase() === 'seq';
    this.next(); // "("
    const args: PositionalNode[] = [];
    let window = DEFAULT_NEAR_WINDOW;
    for (;;) {
      const l = this.peek();
      if (l.kind === 'word' && /^\d+$/.test(l.text) && this.lexemes[this.p + 1].kind === 'rparen' && args.length > 0) {
        window = nearWindow(start, l, args.length);
        this.next();
        break;
      }
      args.push(this.parsePositional());
      const sep = this.peek();
      if (sep.kind === 'comma') {
        this.next();
        continue;
      }
      if (sep.kind === 'rparen') break;
      if (isOp(sep, 'and') || isOp(sep, 'not')) {
        throw new RuleSyntaxError(`"${sep.text}" is not allowed inside ${start.text}(); use "or" between alternatives`, sep.offset);
      }
      throw new RuleSyntaxError(`expected "," or ")" in ${start.text}() but found ${describeLexeme(sep)}`, sep.offset);
    }
    const close = this.expect('rparen', `")" closing ${start.text}(`);
    if (args.length < 2) throw new RuleSyntaxError(`${start.text}() needs at least two terms`, start.offset);
    return { type: 'near', ordered, args, window, source: this.src.slice(start.offset, close.offset + 1) };
  }
}

const describeLexeme = (l: Lexeme): string => (l.kind === 'end' ? 'end of rule' : `"${l.text}"`);

/** The window of near(a, b, N): at least two terms before it, at least one token. */
function nearWindow(start: Lexeme, l: Lexeme, argCount: number): number {
  if (argCount < 2) throw new RuleSyntaxError(`${start.text}() needs at least two terms before the window`, l.offset);
  const window = Number(l.text);
  if (window < 1) throw new RuleSyntaxError(`${start.text}() window must be at least 1 token`, l.offset);
  return window;
}

/** A term or phrase as the rule names it: folded for matching, its source kept for evidence. */
function leaf(l: Lexeme): PositionalNode {
  if (l.kind === 'phrase') {
    return { type: 'phrase', value: foldText(l.text).replace(/\s+/g, ' ').trim(), source: `"${l.text}"`, offset: l.offset };
  }
  const exact = l.text.startsWith('=') || l.text.startsWith('＝');
  const value = foldText(exact ? l.text.slice(1) : l.text);
  if (!value) throw new RuleSyntaxError('"=" must be followed by a term, e.g. =地方', l.offset);
  return { type: 'term', value, exact, source: l.text, offset: l.offset };
}

/** The view of a comment a rule is evaluated on. Build it once per comment with `ruleDocument`. */
export interface RuleDocument {
  /** The normalised comment (NFKC, whitespace collapsed), ASCII lower-cased. */
  text: string;
  /** Token indices by folded base form, including the base forms of merged tokens' parts (plain term matches). */
  byBase: Map<string, number[]>;
  /** Token indices by a whole token's folded surface or base form (=exact matches). */
  byWhole: Map<string, number[]>;
  /** Character offset → index of the token covering it (or the next token), for positions. */
  tokenAt: Int32Array;
  /** 1 where a term may start or end: token edges, and part edges inside merged tokens. */
  boundary: Uint8Array;
  /** Occurrences (token indices) already looked up in this document, per term, =exact term and phrase. */
  termCache: Map<string, readonly number[]>;
  exactCache: Map<string, readonly number[]>;
  phraseCache: Map<string, readonly number[]>;
  /**
   * Where each pair of adjacent characters starts (key: the two UTF-16 codes), built on the first lookup by one
   * scan of the text: every term or phrase is then found from its first two characters' positions instead of an
   * indexOf over the whole comment per codebook term.
   */
  pairs?: Map<number, number[]>;
}

export interface RuleTokenInput {
  surface: string;
  base: string;
  start: number;
  end: number;
  merged?: 'term' | 'compound';
  /** The tokenizer's pieces of a merged token; without them any cut inside a merged token is a boundary. */
  parts?: { surface?: string; base: string; start: number; end: number }[];
}

/** ASCII lower case only: the text is already NFKC (normalize()), and this keeps every offset valid. */
const lowerAscii = (s: string): string => (/[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);

export function ruleDocument(normalisedText: string, tokens: readonly RuleTokenInput[]): RuleDocument {
  const text = lowerAscii(normalisedText);
  const tokenAt = new Int32Array(text.length + 1).fill(tokens.length);
  const boundary = new Uint8Array(text.length + 1);
  const byBase = new Map<string, number[]>();
  const byWhole = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (!list) map.set(key, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  let fill = 0;
  tokens.forEach((t, i) => {
    for (; fill < t.end && fill <= text.length; fill++) tokenAt[fill] = i;
    boundary[t.start] = 1;
    boundary[t.end] = 1;
    if (t.merged && t.parts?.length) for (const p of t.parts) boundary[p.start] = boundary[p.end] = 1;
    else if (t.merged) boundary.fill(1, t.start, t.end);
    // Base forms come from the dictionary and may differ from the text's form (NFKC them); surfaces are the text.
    const base = t.base === t.surface ? lowerAscii(t.base) : foldText(t.base);
    add(byBase, base, i);
    for (const p of t.parts ?? []) add(byBase, p.base === p.surface ? lowerAscii(p.base) : foldText(p.base), i);
    add(byWhole, base, i);
    add(byWhole, lowerAscii(t.surface), i);
  });
  return { text, byBase, byWhole, tokenAt, boundary, termCache: new Map(), exactCache: new Map(), phraseCache: new Map() };
}

const NONE: readonly number[] = Object.freeze([]);

function pairIndex(doc: RuleDocument): Map<number, number[]> {
  if (doc.pairs) return doc.pairs;
  const pairs = new Map<number, number[]>();
  const t = doc.text;
  for (let i = 0; i + 1 < t.length; i++) {
    const key = t.charCodeAt(i) * 65536 + t.charCodeAt(i + 1);
    const list = pairs.get(key);
    if (list) list.push(i);
    else pairs.set(key, [i]);
  }
  doc.pairs = pairs;
  return pairs;
}

/** Every offset where `needle` starts in the document's text, ascending (overlaps included, as repeated indexOf finds). */
function occurrences(doc: RuleDocument, needle: string): readonly number[] {
  if (needle.length < 2) {
    const out: number[] = [];
    if (needle.length === 0) return out;
    for (let at = doc.text.indexOf(needle); at >= 0; at = doc.text.indexOf(needle, at + 1)) out.push(at);
    return out;
  }
  const starts = pairIndex(doc).get(needle.charCodeAt(0) * 65536 + needle.charCodeAt(1));
  if (!starts) return NONE;
  if (needle.length === 2) return starts;
  return starts.filter((at) => doc.text.startsWith(needle, at));
}

/**
 * Token indices where a term occurs. A term matches text that starts and ends on word edges: the edges of
 * tokens and of the parts of merged tokens. So 中小企業 matches the compound 中小企業向け支援, 一次産業 matches
 * 一/次/産業者向け, but AI does not match inside the single token EMAIL. A token or part whose base form equals the
 * term also matches (監視する for 監視). `=term` (exact) matches only a whole token's surface or base.
 */
function termPositions(doc: RuleDocument, term: string, exact: boolean): readonly number[] {
  const cache = exact ? doc.exactCache : doc.termCache;
  const cached = cache.get(term);
  if (cached) return cached;
  const indexed = (exact ? doc.byWhole : doc.byBase).get(term);
  const starts = exact ? NONE : occurrences(doc, term);
  let out: readonly number[] = indexed ?? NONE;
  if (starts.length) {
    const found = new Set<number>(indexed);
    for (const at of starts) {
      if (doc.boundary[at] && doc.boundary[at + term.length]) found.add(doc.tokenAt[at]);
    }
    out = found.size ? [...found].sort((a, b) => a - b) : NONE;
  }
  cache.set(term, out);
  return out;
}

/** Token indices where a phrase occurs as plain text, word boundaries ignored. */
function phrasePositions(doc: RuleDocument, phrase: string): readonly number[] {
  const cached = doc.phraseCache.get(phrase);
  if (cached) return cached;
  const starts = occurrences(doc, phrase);
  let out: readonly number[] = NONE;
  if (starts.length) {
    const list: number[] = [];
    for (const at of starts) {
      const i = doc.tokenAt[at];
      if (list[list.length - 1] !== i) list.push(i);
    }
    out = list;
  }
  doc.phraseCache.set(phrase, out);
  return out;
}

/** Occurrences of a term, phrase or `or` of them; pushes the source text of each alternative found onto `hits`. */
function positional(doc: RuleDocument, node: PositionalNode, hits: string[] | null): readonly number[] {
  if (node.type === 'any') {
    let merged: readonly number[] = NONE;
    let many = false;
    for (const o of node.options) {
      const r = positional(doc, o, hits);
      if (!r.length) continue;
      if (!merged.length) merged = r;
      else {
        merged = [...merged, ...r];
        many = true;
      }
    }
    return many ? [...new Set(merged)].sort((a, b) => a - b) : merged;
  }
  const positions = node.type === 'term' ? termPositions(doc, node.value, node.exact) : phrasePositions(doc, node.value);
  if (positions.length && hits) hits.push(node.source);
  return positions;
}

/**
 * near: one occurrence of every argument inside a window of `window` tokens (start-to-start), any order.
 * seq: the same, with the arguments in the written order.
 */
function nearMatches(lists: readonly (readonly number[])[], window: number, ordered: boolean): boolean {
  if (ordered) {
    const walk = (k: number, prev: number, first: number): boolean => {
      if (k === lists.length) return true;
      return lists[k].some((p) => p > prev && p - first <= window && walk(k + 1, p, first));
    };
    return lists[0].some((p) => walk(1, p, p));
  }
  // Sweep the merged occurrences and keep the smallest window covering every argument.
  const events: [number, number][] = [];
  lists.forEach((l, k) => l.forEach((p) => events.push([p, k])));
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const count = new Array<number>(lists.length).fill(0);
  let covered = 0;
  let lo = 0;
  for (let hi = 0; hi < events.length; hi++) {
    if (count[events[hi][1]]++ === 0) covered++;
    while (covered === lists.length) {
      if (events[hi][0] - events[lo][0] <= window) return true;
      if (--count[events[lo][1]] === 0) covered--;
      lo++;
    }
  }
  return false;
}

export interface RuleResult {
  matched: boolean;
  /** The terms and phrases (as written in the rule) that made it true, in rule order; near(a|b, c) for near()/seq(). */
  hits: string[];
}

export function evaluateRule(node: RuleNode, doc: RuleDocument): RuleResult {
  const hits: string[] = [];
  const matched = evaluate(node, doc, hits);
  return { matched, hits: matched ? dedupe(hits) : [] };
}

/** True when the rule holds; pushes evidence onto `hits` (and takes back what a failed `and` branch pushed). */
function evaluate(node: RuleNode, doc: RuleDocument, hits: string[]): boolean {
  switch (node.type) {
    case 'term':
    case 'phrase':
    case 'any':
      return positional(doc, node, hits).length > 0;
    case 'and': {
      const mark = hits.length;
      if (evaluate(node.left, doc, hits) && evaluate(node.right, doc, hits)) return true;
      hits.length = mark;
      return false;
    }
    case 'or': {
      // Both sides are evaluated so that the evidence names every alternative present.
      const l = evaluate(node.left, doc, hits);
      const r = evaluate(node.right, doc, hits);
      return l || r;
    }
    case 'not':
      // A negated part contributes no evidence: the hit list only names what is present.
      return !evaluate(node.operand, doc, []);
    case 'near': {
      const found: string[][] = [];
      const lists: (readonly number[])[] = [];
      for (const a of node.args) {
        const argHits: string[] = [];
        const l = positional(doc, a, argHits);
        if (!l.length) return false;
        lists.push(l);
        found.push(argHits);
      }
      if (!nearMatches(lists, node.window, node.ordered)) return false;
      // Name the alternatives that occur, e.g. near(本戦略, 賛同): readable evidence, unlike the whole expression.
      hits.push(`${node.ordered ? 'seq' : 'near'}(${found.map((h) => dedupe(h).join('|')).join(', ')})`);
      return true;
    }
  }
}

export function dedupe(hits: readonly string[]): string[] {
  return [...new Set(hits)];
}
