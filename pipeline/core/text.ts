// The one normalisation every stage agrees on; raw text is kept beside it, never replaced.

// Tags of the markup result pages and their exports actually carry; only these are ever removed.
const TAG_NAMES = 'p|br|u|ins|del|s|span|div|ul|ol|li|b|i|strong|em|a|font|sup|sub|small|table|tbody|thead|tr|td|th|hr';
const TAG = new RegExp(`<\\/?(?:${TAG_NAMES})(?:\\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\\s*=\\s*(?:"[^"]*"|'[^']*'|[^\\s"'=<>\`]+))?)*\\s*\\/?>`, 'gi');
const HTML_EVIDENCE = new RegExp(`<\\/(?:${TAG_NAMES})\\s*>|<br\\s*\\/?>|<(?:p|li|ul|ol|div|table|tr|td)(?:\\s[^<>]*)?>`, 'i');

/**
 * Whether a text is demonstrably HTML: a closing tag, <br>, or a block tag (<p>, <li>…). ASCII < and > in prose
 * (基準値を a<b かつ c>d) are text, not markup.
 */
export function isHtml(s: string): boolean {
  return HTML_EVIDENCE.test(s);
}

/** Markup removed only from demonstrably HTML text, and then only the tags result pages use; entities decoded. */
export function stripHtml(s: string): string {
  const text = isHtml(s)
    ? s
        .replace(/<br\s*\/?>/gi, ' ')
        .replace(/<\/?(p|li|ul|ol|div|tr|td|th|table)\b[^<>]*>/gi, ' ')
        .replace(TAG, '')
    : s;
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * A pool that hands back one string object per distinct value: equal strings made separately (cells of a table,
 * tokens' base forms) are each a copy of their own, and many copies kept for long fill the heap.
 */
export function stringPool(): (s: string) => string {
  const pool = new Map<string, string>();
  return (s) => {
    const known = pool.get(s);
    if (known !== undefined) return known;
    pool.set(s, s);
    return s;
  };
}

/** NFKC and collapsed whitespace: the analysis copy of a text. */
export function normalize(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

export function cleanText(raw: string): string {
  // Mass rounds repeat a few texts in thousands of cells: each distinct cell is cleaned once. Bounded, so a
  // long-lived process does not keep every cell it ever read.
  let clean = cleanMemo.get(raw);
  if (clean === undefined) {
    if (cleanMemo.size >= 50_000) cleanMemo.clear();
    clean = normalize(stripHtml(raw));
    cleanMemo.set(raw, clean);
  }
  return clean;
}
const cleanMemo = new Map<string, string>();

/** The gold file's alignment key: first 30 characters of the cleaned comment. */
export function commentHead(comment: string, n = 30): string {
  return Array.from(cleanText(comment)).slice(0, n).join('');
}

export function nonWhitespaceLength(s: string): number {
  return s.replace(/\s+/g, '').length;
}

/** The first `limit` values joined by ", ", and ", …" when there are more: how a note names the places it counts. */
export function listFirst(values: readonly (string | number)[], limit: number): string {
  return values.slice(0, limit).join(', ') + (values.length > limit ? ', …' : '');
}
