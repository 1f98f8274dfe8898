// The document's own title, for the report's heading: result documents open with a line such as
// 「サイバーセキュリティ戦略（案）に関するパブリックコメントの主な結果一覧」 above the table, which the parse stage
// keeps in parse-report.json (a skipped line of a text input, or the `preamble` of a CSV or XLSX). A run folder's name (reports/r2) says nothing to a reader.
import type { ParseReport } from '../core/schema.ts';

/** Reasons the parse stage gives to lines above the table (text, PDF text and tabular readers). */
const ABOVE_TABLE = /title|preamble|above the column headings|above the table/;
/** Notes on how the comments were summarised, not a title. */
const NOT_A_TITLE = /^[※＊*注]|取りまとめ|要約して|掲載して|お寄せいただいた/;

/**
 * The first line above the table that reads as a title (2–120 characters, not a note on how the comments were
 * summarised), or null when the input has none (a CSV that starts with its header row).
 */
export function documentTitle(report: Pick<ParseReport, 'skipped' | 'preamble'>): string | null {
  // Tabular inputs keep the rows above their column headings; text inputs skip those lines, quoting them.
  const lines = [...(report.preamble ?? []), ...report.skipped.filter((s) => ABOVE_TABLE.test(s.reason)).map((s) => s.text)];
  for (const line of lines) {
    const text = line.replace(/\s+/g, ' ').trim();
    if (text.length < 2 || text.length > 120 || text.endsWith('…') || NOT_A_TITLE.test(text)) continue;
    return text;
  }
  return null;
}
