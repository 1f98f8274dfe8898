// The `rules` classifier: cue rules from models/labels/rules.json applied per sentence, strongest label wins.
import { numberKey } from '../core/item-number.ts';
import type { Disposition, Evidence, LabelRecord } from '../core/schema.ts';
import { normalize } from '../core/text.ts';
import { originalSpan, unwrapLines } from './wraps.ts';
import { stanceOf } from '../stance/index.ts';
import { decideRow, decidingMoves, Move, type DecisionTrace } from './decision.ts';
import type { AnsweredLabel, CueRule, LoadedRules, PointerRule } from './rules-schema.ts';
import { loadRules } from './rules-schema.ts';
import { maskQuoted, quotedSpans, splitSentences, type Span } from './sentences.ts';
import type { ClassifyInput } from './types.ts';
import { maxOf, pushAll } from '../core/arrays.ts';

export interface RuleHit {
  rule: string;
  move: Move;
  /** The label the cue argues for on its own; null for a policy statement. */
  label: AnsweredLabel | null;
  weight: number;
  start: number;
  end: number;
  text: string;
}

export interface PointerHit {
  rule: string;
  target: 'number' | 'previous';
  /** Referenced item number (target "number"). */
  number?: string;
  start: number;
  end: number;
  text: string;
}

// A clause boundary inside a sentence: a change announced after 「…ですが、」 is judged on its own clause.
const CLAUSE_BOUNDARY = /(?:が|ものの|けれども|けれど|ながらも)、/gu;

function clauseStart(subject: string, at: number): number {
  let start = 0;
  for (const m of subject.matchAll(CLAUSE_BOUNDARY)) {
    const end = (m.index ?? 0) + m[0].length;
    if (end <= at) start = end;
    else break;
  }
  return start;
}

/** Everything the rules saw in one response, before pointers are resolved across items. */
export interface RuleAnalysis {
  text: string;
  /** `text` with quoted spans masked (same length): what the cue rules and the learned models read. */
  masked: string;
  sentences: Span[];
  hits: RuleHit[];
  pointers: PointerHit[];
}

interface CompiledCue {
  rule: CueRule;
  pattern: RegExp;
  requires: RegExp[];
  unless: RegExp[];
}

export interface CompiledRules {
  loaded: LoadedRules;
  cues: CompiledCue[];
  pointers: { rule: PointerRule; pattern: RegExp }[];
  priority: AnsweredLabel[];
}

const compiledCache = new WeakMap<LoadedRules, CompiledRules>();

export function compileRules(loaded: LoadedRules = loadRules()): CompiledRules {
  const cached = compiledCache.get(loaded);
  if (cached) return cached;
  const cues = loaded.rules.rules.map((rule) => ({
    rule,
    pattern: new RegExp(rule.patterns.map((p) => `(?:${p})`).join('|'), 'u'),
    requires: rule.requires.map((p) => new RegExp(p, 'u')),
    unless: rule.unless.map((p) => new RegExp(p, 'u')),
  }));
  const pointers = loaded.rules.pointers.map((rule) => ({ rule, pattern: new RegExp(rule.pattern, 'u') }));
  const compiled = { loaded, cues, pointers, priority: loaded.taxonomy.priority };
  compiledCache.set(loaded, compiled);
  return compiled;
}

/**
 * Applies every cue and pointer rule to one response (normalised here; offsets index the normalised text). The
 * rules read it with line-wrap spaces inside phrases removed (wraps.ts); spans are mapped back.
 */
export function analyzeResponse(response: string, compiled: CompiledRules): RuleAnalysis {
  const text = normalize(response);
  const u = unwrapLines(text, compiled.loaded.taxonomy.sentences.follow_ups);
  if (!u) return analyzeText(text, compiled);
  const a = analyzeText(u.text, compiled);
  const span = <T extends { start: number; end: number }>(x: T): T => ({ ...x, ...originalSpan(u, x.start, x.end) });
  // A matched span quotes the response as stored (with the wrap's space), like every other evidence span.
  const quoted = <T extends { start: number; end: number; text: string }>(x: T): T => {
    const m = span(x);
    return { ...m, text: text.slice(m.start, m.end) };
  };
  return {
    text,
    // The learned models read the masked text as stored, so that their n-grams do not depend on this repair.
    masked: maskQuoted(text, quotedSpans(text, compiled.loaded.taxonomy.quotes)),
    sentences: a.sentences.map(span),
    hits: a.hits.map(quoted),
    pointers: a.pointers.map(quoted),
  };
}

function analyzeText(text: string, compiled: CompiledRules): RuleAnalysis {
  const { taxonomy } = compiled.loaded;
  const quoted = quotedSpans(text, taxonomy.quotes);
  const masked = maskQuoted(text, quoted);
  const sentences = splitSentences(text, quoted, taxonomy.sentences.terminators, taxonomy.sentences.follow_ups);
  const hits: RuleHit[] = [];
  const pointers: PointerHit[] = [];
  for (const s of sentences) {
    const raw = text.slice(s.start, s.end);
    let isPointer = false;
    for (const { rule, pattern } of compiled.pointers) {
      if (rule.whole_response && sentences.length > 1) continue;
      const m = pattern.exec(raw);
      if (!m) continue;
      isPointer = true;
      const start = s.start + m.index;
      pointers.push({
        rule: rule.id,
        target: rule.target,
        number: m.groups?.n,
        start,
        end: start + m[0].length,
        text: m[0],
      });
      break;
    }
    // A pointer sentence's own words (参照, とおり) say nothing about the disposition: the target's label does.
    if (isPointer) continue;
    const sentenceMasked = masked.slice(s.start, s.end);
    for (const { rule, pattern, requires, unless } of compiled.cues) {
      const subject = rule.quoted === 'mask' ? sentenceMasked : raw;
      const m = pattern.exec(subject);
      if (!m) continue;
      if (requires.some((r) => !r.test(subject))) continue;
      const guarded = rule.guard_scope === 'clause' ? subject.slice(clauseStart(subject, m.index)) : subject;
      if (unless.some((r) => r.test(guarded))) continue;
      const start = s.start + m.index;
      const end = start + m[0].length;
      hits.push({ rule: rule.id, move: rule.move, label: rule.label ?? null, weight: rule.weight, start, end, text: text.slice(start, end) });
    }
  }
  hits.sort((a, b) => a.start - b.start || a.end - b.end || a.rule.localeCompare(b.rule));
  return { text, masked, sentences, hits, pointers };
}

/** Noisy-OR of the distinct rules supporting each label. */
export function labelScores(hits: readonly RuleHit[]): Map<AnsweredLabel, number> {
  const best = new Map<string, RuleHit>();
  for (const h of hits) if (!best.has(h.rule)) best.set(h.rule, h);
  const miss = new Map<AnsweredLabel, number>();
  for (const h of best.values()) if (h.label) miss.set(h.label, (miss.get(h.label) ?? 1) * (1 - h.weight));
  return new Map([...miss].map(([label, m]) => [label, 1 - m]));
}

interface Decision {
  label: Disposition;
  also: Disposition[];
  confidence: number;
  evidence: Evidence[];
  /** The decision-table row, the comment's stance and the moves found: why the label is what it is. */
  decision?: DecisionTrace;
  needs_review?: boolean;
}

// A sentence that draws the conclusion of the one before it (…に記載しております。このため、原案のとおりとします。).
const THEREFORE = /^(?:このため|そのため|したがって|従って|よって|以上から|以上のことから|以上により|こうしたことから)、?/u;
const COVERED: ReadonlySet<Move> = new Set(['covered_text', 'covered_measure', 'covered_change']);

/**
 * keep_covered: the draft is kept *because* the point is covered (guideline §1a.1), which the response says by
 * giving the coverage in the same sentence as the keep, or in the sentence a このため／したがって sentence concludes
 * from, or anywhere when the keep is a marker standing alone as its sentence. A coverage stated elsewhere while the keep has its own reason (…煩瑣となりますので、原案の記述とします) does
 * not count. The keep and coverage spans are returned again under the derived move, as its evidence.
 */
function linkKeepToCoverage(a: RuleAnalysis): RuleHit[] {
  const sentenceOf = (h: RuleHit) => a.sentences.findIndex((s) => h.start >= s.start && h.start < s.end);
  const out: RuleHit[] = [];
  for (const keep of a.hits.filter((h) => h.move === 'keep')) {
    const k = sentenceOf(keep);
    const sentence = a.text.slice(a.sentences[k].start, a.sentences[k].end).trim();
    const opensWithTherefore = k > 0 && THEREFORE.test(sentence);
    // A marker standing alone (【修正なし】, （原案どおり）) is the document's verdict on the whole answer: its reason
    // is whatever the rest of the answer says.
    const standsAlone = sentence.replace(/[。.\s]/gu, '') === keep.text.replace(/[。.\s]/gu, '');
    const reasons = a.hits.filter((h) => COVERED.has(h.move) && (standsAlone || sentenceOf(h) === k || (opensWithTherefore && sentenceOf(h) === k - 1)));
    if (reasons.length) pushAll(out, [...reasons, keep].map((h) => ({ ...h, move: 'keep_covered' as const, label: 'referred' as const })));
  }
  return out;
}

/**
 * The decision table's verdict on one response's own sentences, read with the comment's stance. Evidence is the
 * spans of the moves the deciding row names (for rows that decide on the stance or the length alone, the
 * response's first sentence under the row's id).
 */
function decideOwn(a: RuleAnalysis, compiled: CompiledRules, stance: StanceResult | null): Decision {
  const { decision: table } = compiled.loaded;
  const hits = [...a.hits, ...linkKeepToCoverage(a)];
  const moves = new Set(hits.map((h) => h.move));
  const commentCues = new Set(stance?.evidence.map((e) => e.rule) ?? []);
  const row = decideRow(table, { moves, stance: stance?.stance ?? null, commentCues, sentences: a.sentences.length });
  const deciding = decidingMoves(row);
  const used = hits.filter((h) => deciding.has(h.move));
  const evidence = used.length
    ? used.map((h) => ({ ...evidenceOf(h), label: row.label }))
    : [firstSentenceEvidence(a, row.id === 'fallback' ? 'fallback' : `decision.${row.id}`, row.label)];
  const strongest = maxOf(used.map((h) => h.weight), 1);
  const byStance = row.stance !== undefined && stance !== null;
  // A weak cue or an unsure stance lowers the row's confidence, but by at most half each: the row, not the cue's
  // weight alone, is what was checked against annotators.
  const confidence = round(row.confidence * (0.5 + 0.5 * strongest) * (byStance ? 0.5 + 0.5 * stance.confidence : 1));
  const argued = new Set<Disposition>(a.hits.flatMap((h) => (h.label ? [h.label] : [])));
  const also = compiled.priority.filter((l) => l !== row.label && argued.has(l));
  return {
    label: row.label,
    also,
    confidence,
    evidence,
    decision: {
      row: row.id,
      stance: stance?.stance ?? null,
      moves: MOVE_ORDER.filter((m) => moves.has(m)),
      ...(row.comment_cues ? { comment_cues: row.comment_cues.filter((c) => commentCues.has(c)) } : {}),
    },
    needs_review: row.review || confidence < table.review_below,
  };
}

function evidenceOf(h: RuleHit): Evidence {
  const e: Evidence = { start: h.start, end: h.end, text: h.text, rule: h.rule };
  if (h.label) e.label = h.label;
  return e;
}

export function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

const MOVE_ORDER = Move.options;

type StanceResult = ReturnType<typeof stanceOf>;

function firstSentenceEvidence(a: RuleAnalysis, rule: string, label: Disposition): Evidence {
  const s = a.sentences[0] ?? { start: 0, end: a.text.length };
  return { start: s.start, end: s.end, text: a.text.slice(s.start, s.end), rule, label };
}

function docSlug(id: string): string {
  const at = id.lastIndexOf('#');
  return at > 0 ? id.slice(0, at) : '';
}

/**
 * The printed (or inferred) number; for rows without one, the id when it is a number ("12", "No.12") or ends in one
 * after the document ("doc#12" → "12"): items handed to `classify` often carry only an id.
 */
function itemNumber(input: ClassifyInput): string | null {
  const fromId = /^(?:No\.?\s*)?(\d+)$|#(\d+)$/i.exec(input.id);
  return numberKey(input.number ?? input.inferred_number ?? fromId?.[1] ?? fromId?.[2] ?? null);
}

export interface RulesResult {
  records: LabelRecord[];
  analyses: RuleAnalysis[];
  /** Index of the item whose answer a pointer or an empty shared-group cell took its label from, else null. */
  targets: (number | null)[];
}

/**
 * Labels every input. Pointers (「No.3」の回答のとおり, 同上) and shared group replies are resolved across the
 * inputs: the label is the strongest of the target's label and whatever the item's own sentences support.
 */
export function classifyWithRules(inputs: readonly ClassifyInput[], loaded: LoadedRules = loadRules()): RulesResult {
  const compiled = compileRules(loaded);
  const classifier = { name: 'rules', version: loaded.version };
  const analyses = onceEach(inputs, (i) => i.response, (response) => analyzeResponse(response, compiled));
  const stances = onceEach(inputs, (i) => i.comment, (comment) => (comment ? stanceOf(comment) : null));
  const resolver = new PointerResolver(inputs, analyses, stances, compiled);
  const records: LabelRecord[] = inputs.map((inp, idx) => {
    const d = resolver.decide(idx);
    const rec: LabelRecord = { id: inp.id, label: d.label, also: d.also, confidence: d.confidence, evidence: d.evidence, classifier };
    if (d.decision) rec.decision = d.decision;
    if (d.label !== 'none') rec.needs_review = d.needs_review ?? false;
    return rec;
  });
  return { records, analyses, targets: resolver.targets };
}

/**
 * `compute` once per distinct key (a ministry reuses a few hundred answers; a mass round repeats a few comments).
 * The results are read-only from here on, so copies share one object.
 */
function onceEach<K, V>(inputs: readonly ClassifyInput[], keyOf: (i: ClassifyInput) => K, compute: (key: K) => V): V[] {
  const byKey = new Map<K, V>();
  return inputs.map((i) => {
    const key = keyOf(i);
    if (!byKey.has(key)) byKey.set(key, compute(key));
    return byKey.get(key)!;
  });
}

/**
 * Decides every item, following pointers (「No.3」の回答のとおり, 同上) and shared group replies to the item whose
 * answer they take; a cycle of pointers ends where it would revisit an item.
 */
class PointerResolver {
  readonly targets: (number | null)[];
  private readonly decided: (Decision | undefined)[];
  private readonly visiting = new Set<number>();
  private readonly byNumber = new Map<string, number>();
  private readonly groupMembers = new Map<string, number[]>();
  // The own-sentence verdict depends on the analysis and the comment's stance only: once per distinct pair.
  private readonly ownOf = new Map<RuleAnalysis, Map<StanceResult | null, Decision>>();

  constructor(
    private readonly inputs: readonly ClassifyInput[],
    private readonly analyses: readonly RuleAnalysis[],
    private readonly stances: readonly (StanceResult | null)[],
    private readonly compiled: CompiledRules,
  ) {
    this.targets = new Array<number | null>(inputs.length).fill(null);
    this.decided = new Array<Decision | undefined>(inputs.length);
    inputs.forEach((inp, idx) => {
      const n = itemNumber(inp);
      const key = `${docSlug(inp.id)}\u0000${n}`;
      if (n !== null && !this.byNumber.has(key)) this.byNumber.set(key, idx);
      if (inp.response_group) {
        const list = this.groupMembers.get(inp.response_group) ?? [];
        list.push(idx);
        this.groupMembers.set(inp.response_group, list);
      }
    });
  }

  decide(idx: number): Decision {
    const done = this.decided[idx];
    if (done) return done;
    const result = this.decideFresh(idx);
    this.decided[idx] = result;
    return result;
  }

  private decideFresh(idx: number): Decision {
    const a = this.analyses[idx];
    if (!a.text) {
      const t = this.groupTarget(idx);
      return t === null || this.visiting.has(t) ? { label: 'none', also: [], confidence: 1, evidence: [] } : this.inherit(null, idx, t, [], 'group');
    }
    const p = a.pointers[0];
    const t = p ? this.targetOf(idx, p) : null;
    // A pointer's own further sentences count only when they say something.
    if (p && t !== null && !this.visiting.has(t)) return this.inherit(a.hits.length ? this.decideOwn(idx) : null, idx, t, [pointerEvidence(p)], p.rule);
    if (p && a.hits.length === 0) return this.unresolvedPointer(idx, p);
    return this.decideOwn(idx);
  }

  private decideOwn(idx: number): Decision {
    const a = this.analyses[idx];
    const stance = this.stances[idx];
    let byStance = this.ownOf.get(a);
    if (!byStance) this.ownOf.set(a, (byStance = new Map()));
    let d = byStance.get(stance);
    if (!d) byStance.set(stance, (d = decideOwn(a, this.compiled, stance)));
    return d;
  }

  /** A pointer to no item says nothing of its own: the decision table's last row (the fallback) decides it. */
  private unresolvedPointer(idx: number, p: PointerHit): Decision {
    const rows = this.compiled.loaded.decision.rows;
    const fb = rows[rows.length - 1];
    const evidence = [{ start: p.start, end: p.end, text: p.text, rule: `${p.rule}:unresolved`, label: fb.label }];
    return { label: fb.label, also: [], confidence: fb.confidence, evidence, decision: { row: fb.id, stance: this.stances[idx]?.stance ?? null, moves: [] }, needs_review: true };
  }

  private targetOf(idx: number, p: PointerHit): number | null {
    const slug = docSlug(this.inputs[idx].id);
    if (p.target === 'previous') {
      const prev = idx - 1;
      return prev >= 0 && docSlug(this.inputs[prev].id) === slug ? prev : null;
    }
    const hit = this.byNumber.get(`${slug}\u0000${numberKey(p.number)}`);
    if (hit !== undefined && hit !== idx) return hit;
    return this.groupTarget(idx);
  }

  /** A member of the same response group whose answer is its own (not a pointer, not empty). */
  private groupTarget(idx: number): number | null {
    const g = this.inputs[idx].response_group;
    if (!g) return null;
    for (const j of this.groupMembers.get(g) ?? []) {
      if (j !== idx && this.analyses[j].text && this.analyses[j].pointers.length === 0) return j;
    }
    return null;
  }

  private inherit(own: Decision | null, idx: number, t: number, lead: Evidence[], via: string): Decision {
    this.visiting.add(idx);
    this.targets[idx] = t;
    const target = this.decide(t);
    this.visiting.delete(idx);
    return mergeVerdicts(own, target, this.inputs[t].id, lead, via, this.compiled);
  }
}

/** The stronger of the target's and the item's own verdict; the weaker cues go to `also`. */
function mergeVerdicts(own: Decision | null, target: Decision, targetId: string, lead: Evidence[], via: string, compiled: CompiledRules): Decision {
  const viaLabel = target.label;
  const verdicts = new Set<Disposition>([viaLabel, ...(own ? [own.label] : [])]);
  const label: Disposition = compiled.priority.find((l) => verdicts.has(l)) ?? 'none';
  const labels = new Set<Disposition>([label, ...target.also, ...(own?.also ?? []), ...verdicts]);
  labels.delete('none');
  const ordered = [label, ...compiled.priority.filter((l) => l !== label && labels.has(l))].filter((l) => l !== 'none');
  const fromOwn = own !== null && own.label === label && viaLabel !== label;
  const confidence = fromOwn ? own.confidence : round(target.confidence * compiled.loaded.taxonomy.pointer_confidence);
  const inherited = target.evidence.filter((e) => e.label === label).map((e) => ({ ...e, source_item: e.source_item ?? targetId }));
  const ownEvidence = own && own.label === label ? own.evidence : [];
  const evidence = [...lead.map((e) => ({ ...e, label, rule: `${e.rule}>${targetId}` })), ...ownEvidence, ...(fromOwn ? [] : inherited)];
  if (via === 'group' && evidence.length === 0) pushAll(evidence, inherited);
  const trace = fromOwn ? own.decision : target.decision;
  return { label, also: ordered.slice(1), confidence, evidence, decision: trace, needs_review: fromOwn ? own.needs_review : target.needs_review };
}

function pointerEvidence(p: PointerHit): Evidence {
  return { start: p.start, end: p.end, text: p.text, rule: p.rule };
}
