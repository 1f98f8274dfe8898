// The `rules` classifier: cue rules from models/labels/rules.json applied per sentence, strongest label wins.
import type { Disposition, Evidence, LabelRecord } from '../core/schema.ts';
import { normalize } from '../core/text.ts';
import type { AnsweredLabel, CueRule, LoadedRules, PointerRule } from './rules-schema.ts';
import { loadRules } from './rules-schema.ts';
import { maskQuoted, quotedSpans, splitSentences, type Span } from './sentences.ts';
import type { ClassifyInput } from './types.ts';

export interface RuleHit {
  rule: string;
  label: AnsweredLabel;
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

/** Everything the rules saw in one response, before pointers are resolved across items. */
export interface RuleAnalysis {
  text: string;
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

/** Applies every cue and pointer rule to one response (normalised here; offsets index the normalised text). */
export function analyzeResponse(response: string, compiled: CompiledRules): RuleAnalysis {
  const text = normalize(response);
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
      if (unless.some((r) => r.test(subject))) continue;
      const start = s.start + m.index;
      const end = start + m[0].length;
      hits.push({ rule: rule.id, label: rule.label, weight: rule.weight, start, end, text: text.slice(start, end) });
    }
  }
  hits.sort((a, b) => a.start - b.start || a.end - b.end || a.rule.localeCompare(b.rule));
  return { text, sentences, hits, pointers };
}

/** Noisy-OR of the distinct rules supporting each label. */
export function labelScores(hits: readonly RuleHit[]): Map<AnsweredLabel, number> {
  const best = new Map<string, RuleHit>();
  for (const h of hits) if (!best.has(h.rule)) best.set(h.rule, h);
  const miss = new Map<AnsweredLabel, number>();
  for (const h of best.values()) miss.set(h.label, (miss.get(h.label) ?? 1) * (1 - h.weight));
  return new Map([...miss].map(([label, m]) => [label, 1 - m]));
}

interface Decision {
  label: Disposition;
  also: Disposition[];
  confidence: number;
  evidence: Evidence[];
}

function decideOwn(a: RuleAnalysis, compiled: CompiledRules): Decision | null {
  if (a.hits.length === 0) return null;
  const scores = labelScores(a.hits);
  const fired = compiled.priority.filter((l) => scores.has(l));
  const label = fired[0];
  return {
    label,
    also: fired.slice(1),
    confidence: round(scores.get(label)!),
    evidence: a.hits.filter((h) => h.label === label).map((h) => evidenceOf(h)),
  };
}

function evidenceOf(h: RuleHit): Evidence {
  return { start: h.start, end: h.end, text: h.text, rule: h.rule, label: h.label };
}

export function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function firstSentenceEvidence(a: RuleAnalysis, rule: string, label: Disposition): Evidence {
  const s = a.sentences[0] ?? { start: 0, end: a.text.length };
  return { start: s.start, end: s.end, text: a.text.slice(s.start, s.end), rule, label };
}

function docSlug(id: string): string {
  const at = id.lastIndexOf('#');
  return at > 0 ? id.slice(0, at) : '';
}

/** The printed (or inferred) number; for rows without one, a numeric id suffix ("doc#12" → "12"). */
function itemNumber(input: ClassifyInput): string | null {
  const n = input.number ?? input.inferred_number ?? /#(\d+)$/.exec(input.id)?.[1] ?? null;
  return n === null ? null : normalize(String(n)).replace(/^(No\.?|NO\.?)\s*/, '');
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
  const { taxonomy } = loaded;
  const classifier = { name: 'rules', version: loaded.version };
  const analyses = inputs.map((i) => analyzeResponse(i.response, compiled));

  const byNumber = new Map<string, number>();
  inputs.forEach((inp, idx) => {
    const n = itemNumber(inp);
    const key = `${docSlug(inp.id)}\u0000${n}`;
    if (n !== null && !byNumber.has(key)) byNumber.set(key, idx);
  });
  const groupMembers = new Map<string, number[]>();
  inputs.forEach((inp, idx) => {
    if (!inp.response_group) return;
    const list = groupMembers.get(inp.response_group) ?? [];
    list.push(idx);
    groupMembers.set(inp.response_group, list);
  });

  const decided = new Array<Decision | undefined>(inputs.length);
  const targets = new Array<number | null>(inputs.length).fill(null);
  const visiting = new Set<number>();

  const targetOf = (idx: number, p: PointerHit): number | null => {
    const slug = docSlug(inputs[idx].id);
    if (p.target === 'previous') {
      const prev = idx - 1;
      return prev >= 0 && docSlug(inputs[prev].id) === slug ? prev : null;
    }
    const hit = byNumber.get(`${slug}\u0000${p.number}`);
    if (hit !== undefined && hit !== idx) return hit;
    return groupTarget(idx);
  };
  // A member of the same response group whose answer is its own (not a pointer, not empty).
  const groupTarget = (idx: number): number | null => {
    const g = inputs[idx].response_group;
    if (!g) return null;
    for (const j of groupMembers.get(g) ?? []) {
      if (j !== idx && analyses[j].text && analyses[j].pointers.length === 0) return j;
    }
    return null;
  };

  const decide = (idx: number): Decision => {
    const done = decided[idx];
    if (done) return done;
    const a = analyses[idx];
    let result: Decision;
    if (!a.text) {
      const t = groupTarget(idx);
      result =
        t === null || visiting.has(t)
          ? { label: 'none', also: [], confidence: 1, evidence: [] }
          : inherit(null, idx, t, [], 'group');
    } else {
      const own = decideOwn(a, compiled);
      const p = a.pointers[0];
      const t = p ? targetOf(idx, p) : null;
      if (p && t !== null && !visiting.has(t)) {
        result = inherit(own, idx, t, [pointerEvidence(p)], p.rule);
      } else if (own) {
        result = own;
      } else {
        const fb = taxonomy.fallback;
        const evidence = p
          ? [{ start: p.start, end: p.end, text: p.text, rule: `${p.rule}:unresolved`, label: fb.label }]
          : [firstSentenceEvidence(a, 'fallback', fb.label)];
        result = { label: fb.label, also: [], confidence: fb.confidence, evidence };
      }
    }
    decided[idx] = result;
    return result;
  };

  const inherit = (own: Decision | null, idx: number, t: number, lead: Evidence[], via: string): Decision => {
    visiting.add(idx);
    targets[idx] = t;
    const target = decide(t);
    visiting.delete(idx);
    const targetId = inputs[t].id;
    const viaLabel = target.label;
    const labels = new Set<Disposition>([viaLabel, ...target.also]);
    if (own) for (const l of [own.label, ...own.also]) labels.add(l);
    labels.delete('none');
    const ordered = compiled.priority.filter((l) => labels.has(l));
    const label: Disposition = ordered[0] ?? 'none';
    const fromOwn = own !== null && own.label === label && viaLabel !== label;
    const confidence = fromOwn ? own!.confidence : round(target.confidence * taxonomy.pointer_confidence);
    const inherited = target.evidence
      .filter((e) => e.label === label)
      .map((e) => ({ ...e, source_item: e.source_item ?? targetId }));
    const ownEvidence = own && own.label === label ? own.evidence : [];
    const evidence = [...lead.map((e) => ({ ...e, label, rule: `${e.rule}>${targetId}` })), ...ownEvidence, ...(fromOwn ? [] : inherited)];
    if (via === 'group' && evidence.length === 0) evidence.push(...inherited);
    return { label, also: ordered.slice(1), confidence, evidence };
  };

  const records: LabelRecord[] = inputs.map((inp, idx) => {
    const d = decide(idx);
    return { id: inp.id, label: d.label, also: d.also, confidence: d.confidence, evidence: d.evidence, classifier };
  });
  return { records, analyses, targets };
}

function pointerEvidence(p: PointerHit): Evidence {
  return { start: p.start, end: p.end, text: p.text, rule: p.rule };
}
