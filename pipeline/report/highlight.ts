// Cuts a response into plain and evidence segments from the classifiers' character offsets, so the report can
// mark exactly the words that decided each label.
import type { Disposition } from '../core/schema.ts';
import type { ItemLabel } from './schema.ts';

export interface Span {
  start: number;
  end: number;
  label: Disposition;
  /** "classifier:rule" for every span covering this stretch. */
  why: string;
  /** From the first (primary) classifier, whose labels drive the tables. */
  primary: boolean;
}

export interface Segment {
  text: string;
  /** Present when the segment lies inside evidence; the label of the first classifier's covering span. */
  label?: Disposition;
  why?: string;
  /** Inside evidence of the primary classifier (shown strongly), not only of the others (shown lightly). */
  primary?: boolean;
}

/**
 * Evidence offsets index the normalised response. If a span's offsets do not match its text (a classifier
 * that counted differently), fall back to the first occurrence of the text; a span found nowhere is left out
 * of the highlighting but still listed with the label.
 */
export function evidenceSpans(response: string, labels: readonly ItemLabel[]): Span[] {
  const spans: Span[] = [];
  labels.forEach((l, index) => {
    for (const e of l.evidence) {
      // Evidence inherited through a pointer (「No.3の回答のとおり」) quotes the target item's response.
      if (e.source_item) continue;
      let start = e.start;
      let end = e.end;
      if (response.slice(start, end) !== e.text) {
        start = e.text ? response.indexOf(e.text) : -1;
        end = start + e.text.length;
      }
      if (start < 0 || end <= start || end > response.length) continue;
      spans.push({ start, end, label: e.label ?? l.label, why: `${l.classifier}:${e.rule}`, primary: index === 0 });
    }
  });
  return spans;
}

export function segments(response: string, labels: readonly ItemLabel[]): Segment[] {
  const spans = evidenceSpans(response, labels);
  const cuts = new Set<number>([0, response.length]);
  for (const s of spans) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = spans.filter((s) => s.start <= a && s.end >= b);
    const seg: Segment = { text: response.slice(a, b) };
    if (covering.length) {
      const lead = covering.find((s) => s.primary) ?? covering[0];
      seg.label = lead.label;
      seg.why = [...new Set(covering.map((s) => s.why))].join(', ');
      seg.primary = lead.primary;
    }
    const prev = out[out.length - 1];
    // Merge neighbours with identical marking so the DOM stays small.
    if (prev && prev.label === seg.label && prev.why === seg.why && prev.primary === seg.primary) prev.text += seg.text;
    else out.push(seg);
  }
  return out;
}

/** Where a phrase ends: punctuation and line breaks (not brackets: 「本戦略」において、 is one phrase). */
const PHRASE_END = /[。、，,．！？!?\n]/;
/** How far a quoted span is widened on either side, so a card stays short. */
const WIDEN = 24;

export interface PhraseRange {
  /** The phrase: response.slice(from, to); the span: response.slice(start, end). */
  from: number;
  start: number;
  end: number;
  to: number;
  /** The phrase was cut short (shown with …) before / after. */
  cutBefore: boolean;
  cutAfter: boolean;
}

/**
 * Where a span of evidence sits in its phrase: a supervised n-gram like 「いて、」 or 「ることと」 means nothing to a
 * reader until it is seen in its clause (「…について、」). The span is widened back to the previous punctuation and
 * on to the next (at most WIDEN characters each way, cut with …); the offsets and the span itself stay as the
 * classifier gave them. Null when the span is not in the response (evidence quoted from another item).
 */
export function evidencePhraseRange(response: string, e: { start: number; end: number; text: string }): PhraseRange | null {
  let start = e.start;
  let end = e.end;
  if (response.slice(start, end) !== e.text) {
    start = e.text ? response.indexOf(e.text) : -1;
    end = start + e.text.length;
  }
  if (start < 0 || end <= start || end > response.length) return null;
  let a = start;
  while (a > 0 && start - a < WIDEN && !PHRASE_END.test(response[a - 1])) a--;
  // A phrase does not start with the end of a quotation or with blanks (「…求められる。」と述べた上で).
  while (a < start && /[」』）)\s]/.test(response[a])) a++;
  let b = end;
  // A span that already ends at punctuation (「いて、」) is a whole phrase end.
  if (!PHRASE_END.test(response[end - 1])) {
    while (b < response.length && b - end < WIDEN && !PHRASE_END.test(response[b])) b++;
    if (b < response.length && /[。、，,．！？!?]/.test(response[b])) b++;
  }
  return {
    from: a,
    start,
    end,
    to: b,
    cutBefore: a > 0 && !PHRASE_END.test(response[a - 1]) && !/[」』）)\s]/.test(response[a - 1]),
    cutAfter: b < response.length && !PHRASE_END.test(response[b - 1]),
  };
}

/** The span with its phrase as [before, span, after] (… where the phrase was cut); the span alone if not found. */
export function evidencePhrase(response: string, e: { start: number; end: number; text: string }): [string, string, string] {
  const r = evidencePhraseRange(response, e);
  if (!r) return ['', e.text, ''];
  return [(r.cutBefore ? '…' : '') + response.slice(r.from, r.start), response.slice(r.start, r.end), response.slice(r.end, r.to) + (r.cutAfter ? '…' : '')];
}
