// Sentence spans and quote masking over the normalised response; offsets always index the unmasked text.

export interface Span {
  start: number;
  end: number;
}

/** Replaces the content of quotes with this, so draft text the response quotes cannot fire cue rules. */
export const MASK_CHAR = '〓';

/** closer[opener's code] = the closer's code, else 0; one table per quotes list (this runs over every character). */
const closerTables = new WeakMap<readonly (readonly [string, string])[], Uint16Array>();
function closerTable(quotes: readonly (readonly [string, string])[]): Uint16Array {
  let t = closerTables.get(quotes);
  if (!t) {
    t = new Uint16Array(65536);
    for (const [o, c] of quotes) t[o.charCodeAt(0)] = c.charCodeAt(0);
    closerTables.set(quotes, t);
  }
  return t;
}

/** Spans strictly inside matched quote pairs (brackets excluded). Unclosed openers are treated as plain text. */
export function quotedSpans(text: string, quotes: readonly (readonly [string, string])[]): Span[] {
  const closerOf = closerTable(quotes);
  const stack: { closer: number; at: number }[] = [];
  const spans: Span[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (top && ch === top.closer) {
      stack.pop();
      // Only outermost pairs are recorded: they cover the nested ones.
      if (stack.length === 0) spans.push({ start: top.at + 1, end: i });
      continue;
    }
    const closer = closerOf[ch];
    if (closer !== 0) stack.push({ closer, at: i });
  }
  if (stack.length > 0) {
    // An unclosed opener is plain text: redo the part after it so the pairs that did close there still count.
    const first = stack[0].at;
    const before = spans.filter((s) => s.end < first);
    const rest = quotedSpans(text.slice(first + 1), quotes).map((s) => ({ start: s.start + first + 1, end: s.end + first + 1 }));
    return [...before, ...rest];
  }
  return spans;
}

export function maskQuoted(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + MASK_CHAR.repeat(s.end - s.start);
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * Sentences of a normalised response: split after a terminator or a line break outside quotes, and before a
 * follow-up connective (なお、 また、…) that follows whitespace, since published tables often drop the 。 there.
 * Leading/trailing whitespace is trimmed from each span; empty spans are dropped.
 */
export function splitSentences(
  text: string,
  quoted: readonly Span[],
  terminators: string,
  followUps: readonly string[],
): Span[] {
  const inQuote = new Uint8Array(text.length);
  for (const s of quoted) inQuote.fill(1, s.start, s.end);
  const isTerminator = new Set(Array.from(terminators, (c) => c.charCodeAt(0)));
  const followUpStarts = new Set(followUps.map((f) => f.charCodeAt(0)));
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (e > s) spans.push({ start: s, end: e });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    if (inQuote[i]) continue;
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) {
      push(i + 1);
      continue;
    }
    if (isTerminator.has(ch)) {
      // Keep runs like 。」 or !? together.
      let j = i + 1;
      while (j < text.length && isTerminator.has(text.charCodeAt(j))) j++;
      push(j);
      i = j - 1;
      continue;
    }
    if (i > start && followUpStarts.has(ch) && isSpace(text.charCodeAt(i - 1)) && followUps.some((f) => text.startsWith(f, i))) push(i);
  }
  push(text.length);
  return spans;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 0x3000 || code === 0xa0;
}
