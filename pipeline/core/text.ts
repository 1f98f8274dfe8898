// The one normalisation every stage agrees on; raw text is kept beside it, never replaced.

export function stripHtml(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?(p|li|ul|ol|div|tr|td|th|table)\b[^>]*>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** NFKC and collapsed whitespace: the analysis copy of a text. */
export function normalize(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

export function cleanText(raw: string): string {
  return normalize(stripHtml(raw));
}

/** The gold file's alignment key: first 30 characters of the cleaned comment. */
export function commentHead(comment: string, n = 30): string {
  return Array.from(cleanText(comment)).slice(0, n).join('');
}

export function nonWhitespaceLength(s: string): number {
  return s.replace(/\s+/g, '').length;
}
