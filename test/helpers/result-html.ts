// HTML result tables in the shapes ministries and municipalities print to PDF: ruled or borderless, 3 to 5
// columns, portrait or landscape, section heading rows spanning the table, a running title and 「- N -」 page
// numbers in the margins, and a footnote after the table. The PDF tests print them with Chromium.

export interface ResultRow {
  /** A section heading row spanning the table (第1章 …), instead of an item. */
  heading?: string;
  number?: string;
  /** One cell per column after the number (該当箇所, comment, response, …). */
  cells?: string[];
}

export interface ResultTable {
  title: string;
  /** Column headings, the number column first. */
  columns: string[];
  /** Relative widths of the columns. */
  widths: number[];
  rows: ResultRow[];
  ruled: boolean;
  footnote?: string;
  fontPt?: number;
  /** CSS appended to the table's style (vertical-align: middle, rules only between rows, …). */
  extraCss?: string;
  /** The column headings as an ordinary first row instead of a <thead> Chromium repeats on every page. */
  headingRowOnce?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function resultTableHtml(t: ResultTable): string {
  const border = t.ruled ? '0.75pt solid #000' : 'none';
  const total = t.widths.reduce((a, b) => a + b, 0);
  const cols = t.widths.map((w) => `<col style="width:${((100 * w) / total).toFixed(1)}%">`).join('');
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows
    .map((r) =>
      r.heading !== undefined
        ? `<tr><td colspan="${t.columns.length}" class="h">${esc(r.heading)}</td></tr>`
        : `<tr><td class="n">${esc(r.number ?? '')}</td>${(r.cells ?? []).map((c) => `<td>${esc(c).replace(/\n/g, '<br>')}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><style>
body { font-family: 'IPAGothic', sans-serif; font-size: ${t.fontPt ?? 9.5}pt; margin: 0; }
h1 { font-size: 13pt; text-align: center; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: ${border}; padding: 3pt 4pt; vertical-align: top; text-align: left; word-break: break-all; }
th { text-align: center; font-weight: normal; ${t.ruled ? 'background: #ddd;' : 'border-bottom: none;'} }
td.n { text-align: center; }
td.h { font-weight: bold; }
p.note { font-size: 8pt; }
${t.extraCss ?? ''}
</style></head><body><h1>${esc(t.title)}</h1>
<table><colgroup>${cols}</colgroup>${t.headingRowOnce ? `<tbody><tr>${head}</tr>` : `<thead><tr>${head}</tr></thead><tbody>`}
${body}
</tbody></table>${t.footnote ? `<p class="note">${esc(t.footnote)}</p>` : ''}</body></html>`;
}

/** Page furniture Chromium prints in the margins: the running title on top, 「- N -」 at the bottom. */
export function furniture(title: string): { headerTemplate: string; footerTemplate: string } {
  const style = 'font-size:8pt;font-family:IPAGothic;width:100%;text-align:center;';
  return {
    headerTemplate: `<div style="${style}">${esc(title)}</div>`,
    footerTemplate: `<div style="${style}">- <span class="pageNumber"></span> -</div>`,
  };
}

/** A parsed document's items as table rows, with a heading row wherever the section changes (the seed's shape). */
export function resultRows(items: readonly { section: string | null; number: string | null; inferred_number?: string | null; comment: string; response: string }[]): ResultRow[] {
  const rows: ResultRow[] = [];
  let section: string | null = null;
  for (const it of items) {
    if (it.section !== section && it.section) rows.push({ heading: it.section });
    section = it.section;
    rows.push({ number: it.number ?? it.inferred_number ?? '', cells: [it.comment, it.response] });
  }
  return rows;
}
