// Comment stance (GUIDELINE.md §2): cue rules over the normalised comment, resolved as models/labels/STANCE.md says.
import { normalize } from '../core/text.ts';
import type { Stance, StanceEvidence, StanceRecord } from '../core/schema.ts';
import { loadStanceRules, type LoadedStanceRules } from './rules-schema.ts';
import { minOf } from '../core/arrays.ts';

export interface StanceResult {
  stance: Stance | null;
  confidence: number;
  evidence: StanceEvidence[];
}

/** One match of one rule: offsets into the normalised comment. */
export interface StanceHit {
  rule: string;
  stance: Stance;
  weight: number;
  start: number;
  end: number;
}

interface CompiledRule {
  id: string;
  stance: Stance;
  weight: number;
  keepQuoted: boolean;
  /** The rule's patterns as one alternation (one scan per rule is markedly faster than one per pattern). */
  pattern: RegExp;
  unless: RegExp[];
}

interface CompiledStanceRules {
  rules: CompiledRule[];
  contrast: RegExp;
  /** Char codes ending a sentence. */
  terminators: Set<number>;
  splitOnSpace: boolean;
  /** Opening quote char code → closing char code. */
  quotes: Map<number, number>;
  /** Any opening quote; any quote character (global); any sentence break candidate (global). */
  opening: RegExp;
  quoteChars: RegExp;
  breakChars: RegExp;
  /** Position of each stance in resolution.overlap_priority (lower keeps overlapping characters). */
  rank: Record<Stance, number>;
  loaded: LoadedStanceRules;
}

/** A regular expression matching any one of the given characters (scanning with it is far faster than a char loop). */
function charClass(chars: readonly string[], flags: string): RegExp {
  return new RegExp(`[${chars.map((ch) => ch.replace(/[\\\]^-]/g, '\\$&')).join('')}]`, flags);
}

const compiledCache = new WeakMap<LoadedStanceRules, CompiledStanceRules>();

function compile(loaded: LoadedStanceRules): CompiledStanceRules {
  const hit = compiledCache.get(loaded);
  if (hit) return hit;
  const set = loaded.rules;
  // 'm': ^ and $ match at sentence breaks, which are written as '\n' in the matching copy of the text.
  const g = (src: string) => new RegExp(src, 'gmu');
  const compiled: CompiledStanceRules = {
    rules: set.rules.map((r) => ({
      id: r.id,
      stance: r.stance,
      weight: r.weight,
      keepQuoted: r.quoted === 'keep',
      pattern: g(r.patterns.map((p) => `(?:${p})`).join('|')),
      unless: r.unless.map((u) => new RegExp(u, 'mu')),
    })),
    contrast: g(set.resolution.contrast.patterns.map((p) => `(?:${p})`).join('|')),
    terminators: new Set(Array.from(set.sentences.terminators, (t) => t.charCodeAt(0))),
    splitOnSpace: set.sentences.split_on_space,
    quotes: new Map(set.quotes.map(([open, close]) => [open.charCodeAt(0), close.charCodeAt(0)])),
    opening: charClass(set.quotes.map(([open]) => open), 'u'),
    quoteChars: charClass(set.quotes.flat(), 'gu'),
    breakChars: charClass([...Array.from(set.sentences.terminators), ' '], 'gu'),
    rank: Object.fromEntries(set.resolution.overlap_priority.map((st, i) => [st, i])) as Record<Stance, number>,
    loaded,
  };
  compiledCache.set(loaded, compiled);
  return compiled;
}

const MASK = '\u3013'; // 〓: never part of a pattern

/** The same text with the contents of balanced quotes replaced by a filler of the same length (offsets hold). */
function maskQuotes(text: string, c: CompiledStanceRules): string {
  if (!c.opening.test(text)) return text;
  const ranges: [number, number][] = [];
  const stack: { close: number; at: number }[] = [];
  const re = c.quoteChars;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const i = m.index;
    const code = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (top && code === top.close) {
      stack.pop();
      if (stack.length === 0 && i > top.at + 1) ranges.push([top.at + 1, i]);
    } else {
      const close = c.quotes.get(code);
      if (close !== undefined) stack.push({ close, at: i });
    }
  }
  if (ranges.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [from, to] of ranges) {
    out += text.slice(at, from) + MASK.repeat(to - from);
    at = to;
  }
  return out + text.slice(at);
}

const isAscii = (code: number) => !Number.isNaN(code) && code < 0x80;

interface Sentences {
  /** The matching copy: sentence-breaking spaces replaced by '\n' (same length). */
  lined: string;
  starts: number[];
  ends: number[];
}

function splitSentences(text: string, c: CompiledStanceRules): Sentences {
  const starts: number[] = [];
  const ends: number[] = [];
  let lined = '';
  let copied = 0;
  let start = 0;
  const close = (end: number, next: number) => {
    if (end > start) {
      starts.push(start);
      ends.push(end);
    }
    start = next;
  };
  const re = c.breakChars;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const i = m.index;
    const code = text.charCodeAt(i);
    if (code === 0x20 && c.splitOnSpace && !(isAscii(text.charCodeAt(i - 1)) && isAscii(text.charCodeAt(i + 1)))) {
      lined += text.slice(copied, i) + '\n';
      copied = i + 1;
      close(i, i + 1);
    } else if (c.terminators.has(code)) {
      close(i + 1, i + 1);
    }
  }
  close(text.length, text.length);
  return { lined: lined + text.slice(copied), starts, ends };
}

function sentenceAt(s: Sentences, pos: number): number {
  let lo = 0;
  let hi = s.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function forEachMatch(re: RegExp, text: string, fn: (start: number, end: number) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    fn(m.index, m.index + m[0].length);
  }
}

interface Analysis {
  text: string;
  sentences: Sentences;
  /** Every match of every rule that passed its `unless` guards, before overlaps are resolved. */
  hits: StanceHit[];
  /** Where contrast connectives (しかし, その上で, 〜が、) start and end. */
  contrasts: { start: number; end: number }[];
}

function analyze(text: string, c: CompiledStanceRules): Analysis {
  const masked = maskQuotes(text, c);
  const sentences = splitSentences(masked, c);
  let plain: Sentences | undefined = masked === text ? sentences : undefined;
  const hits: StanceHit[] = [];
  for (const rule of c.rules) {
    const s = rule.keepQuoted ? (plain ??= splitSentences(text, c)) : sentences;
    /** Per sentence: does one of the rule's `unless` guards match there? */
    let guarded: Map<number, boolean> | undefined;
    forEachMatch(rule.pattern, s.lined, (start, end) => {
      const k = sentenceAt(s, start);
      if (end > s.ends[k]) return; // crosses a sentence break
      if (rule.unless.length) {
        guarded ??= new Map();
        let stop = guarded.get(k);
        if (stop === undefined) {
          const sentence = s.lined.slice(s.starts[k], s.ends[k]);
          stop = rule.unless.some((u) => u.test(sentence));
          guarded.set(k, stop);
        }
        if (stop) return;
      }
      hits.push({ rule: rule.id, stance: rule.stance, weight: rule.weight, start, end });
    });
  }
  const contrasts: { start: number; end: number }[] = [];
  forEachMatch(c.contrast, sentences.lined, (start, end) => contrasts.push({ start, end }));
  return { text, sentences, hits, contrasts };
}

/** Every rule match in a comment (after `unless` guards, before overlap and conflict resolution): for tests and review. */
export function stanceHits(comment: string, rules: LoadedStanceRules = loadStanceRules()): StanceHit[] {
  return analyze(normalize(comment), compile(rules)).hits;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const byPosition = (a: StanceHit, b: StanceHit) => a.start - b.start || a.end - b.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);

/** The stance of one comment with the rule matches that decided it (offsets into `normalize(comment)`). */
export function stanceOf(comment: string, rules: LoadedStanceRules = loadStanceRules()): StanceResult {
  const text = normalize(comment ?? '');
  if (text === '') return { stance: null, confidence: 1, evidence: [] };
  const c = compile(rules);
  const res = rules.rules.resolution;
  const a = analyze(text, c);

  // 1. Overlapping matches of different stances: the more specific stance keeps the characters.
  const rank = c.rank;
  const hits = a.hits.filter((h) => {
    const r = rank[h.stance];
    return !a.hits.some((o) => rank[o.stance] < r && o.start < h.end && h.start < o.end);
  });

  // 2. Scores: the strongest rule per stance; noisy-OR over distinct rules for the confidence.
  const best = new Map<Stance, number>();
  const perRule = new Map<string, { stance: Stance; weight: number }>();
  for (const h of hits) {
    best.set(h.stance, Math.max(best.get(h.stance) ?? 0, h.weight));
    perRule.set(h.rule, { stance: h.stance, weight: h.weight });
  }
  const score = new Map(best);

  // 3. Agreement followed by a contrast connective and then a request or objection is a preface.
  const support = hits.filter((h) => h.stance === 'support');
  if (support.length) {
    const firstSupportEnd = minOf(support.map((h) => h.end));
    const asked = hits.filter((h) => (h.stance === 'request' || h.stance === 'oppose') && h.weight >= res.contrast.min_weight);
    const turned = a.contrasts.some((ct) => ct.start >= firstSupportEnd && asked.some((h) => h.start >= ct.end));
    if (turned) score.set('support', score.get('support')! * res.contrast.support_factor);
  }

  // 4. Decide.
  let stance: Stance | null = null;
  if ((best.get('oppose') ?? 0) >= res.oppose_precedence) {
    stance = 'oppose';
  } else {
    let top = 0;
    for (const s of res.order) {
      const v = score.get(s) ?? 0;
      if (v > top) {
        top = v;
        stance = s;
      }
    }
  }

  if (stance === null) {
    const start = a.sentences.starts[0] ?? 0;
    const end = a.sentences.ends[0] ?? text.length;
    return {
      stance: res.fallback.stance,
      confidence: res.fallback.confidence,
      evidence: [{ start, end, text: text.slice(start, end), rule: 'fallback', stance: res.fallback.stance }],
    };
  }

  const own = [...perRule.values()].filter((r) => r.stance === stance);
  const noisyOr = 1 - own.reduce((p, r) => p * (1 - r.weight), 1);
  let rival = 0;
  for (const [s, v] of score) if (s !== stance) rival = Math.max(rival, v);
  const confidence = round3(noisyOr * (1 - rival / 2));

  const win = hits.filter((h) => h.stance === stance).sort(byPosition);
  const rest = hits.filter((h) => h.stance !== stance).sort(byPosition);
  const evidence = [...win, ...rest].map((h) => ({ start: h.start, end: h.end, text: text.slice(h.start, h.end), rule: h.rule, stance: h.stance }));
  return { stance, confidence, evidence };
}

/** One StanceRecord per item, in input order. */
export function stanceItems(
  items: readonly { id: string; comment?: string }[],
  rules: LoadedStanceRules = loadStanceRules(),
): StanceRecord[] {
  // Copies of a campaign text are judged once (keyed by the text as given: normalising every comment twice would
  // cost a round of distinct comments more than the copies save).
  const byText = new Map<string, StanceResult>();
  return items.map((item) => {
    const text = item.comment ?? '';
    let result = byText.get(text);
    if (!result) {
      result = stanceOf(text, rules);
      byText.set(text, result);
    }
    return { id: item.id, ...result };
  });
}
