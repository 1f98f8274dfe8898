// Result tables extracted from PDF break lines inside words (「修\n正します」, 「原案のとお\nりとします」); normalize()
// turns each break into a space, and a space inside a phrase hides it from every cue rule. The rules therefore read
// a copy with such spaces removed, and every span they find is mapped back onto the normalised text, so that
// evidence offsets keep indexing the response as stored.

/** Kana, the prolonged sound mark, kanji and 々〆: the characters a line can break between inside a Japanese word. */
function isJapaneseWordChar(c: number): boolean {
  return (
    (c >= 0x3041 && c <= 0x3096) || // hiragana
    (c >= 0x30a1 && c <= 0x30fa) || // katakana
    c === 0x30fc ||
    c === 0x3005 ||
    c === 0x3006 ||
    (c >= 0x4e00 && c <= 0x9fff)
  );
}

export interface Unwrapped {
  /** The text without the spaces that split a Japanese phrase. */
  text: string;
  /** origin[i] is the index in the normalised text of text[i]; origin[text.length] is its length. */
  origin: Int32Array;
}

/**
 * Removes each single space between two Japanese word characters, except before a follow-up connective
 * (なお、 また、…), where a dropped 。 is the likelier story and the sentence splitter needs the space.
 * Returns null when there is nothing to remove, which is the common case.
 */
export function unwrapLines(text: string, followUps: readonly string[]): Unwrapped | null {
  const drop: number[] = [];
  for (let i = 1; i + 1 < text.length; i++) {
    if (text.charCodeAt(i) !== 0x20) continue;
    if (!isJapaneseWordChar(text.charCodeAt(i - 1)) || !isJapaneseWordChar(text.charCodeAt(i + 1))) continue;
    if (followUps.some((f) => text.startsWith(f, i + 1))) continue;
    drop.push(i);
  }
  if (drop.length === 0) return null;
  const origin = new Int32Array(text.length - drop.length + 1);
  let out = '';
  let at = 0;
  let k = 0;
  for (const d of drop) {
    for (let i = at; i < d; i++) origin[k++] = i;
    out += text.slice(at, d);
    at = d + 1;
  }
  for (let i = at; i < text.length; i++) origin[k++] = i;
  out += text.slice(at);
  origin[k] = text.length;
  return { text: out, origin };
}

/** Maps a span [start, end) of the unwrapped text onto the normalised text. */
export function originalSpan(u: Unwrapped, start: number, end: number): { start: number; end: number } {
  return { start: u.origin[start], end: end > start ? u.origin[end - 1] + 1 : u.origin[start] };
}
