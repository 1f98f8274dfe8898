// A table is plain data; csv.ts, markdown.ts, xlsx.ts and html.ts each render the same Table.
import type { Item } from '../schema.ts';

export type Cell = string | number | null;

export interface Column {
  /** Machine-readable header, used in CSV files. */
  key: string;
  /** Japanese header, used in Markdown, XLSX and HTML. */
  title: string;
  /** `pct` values are percentages rounded to 0.1; `ratio` values are rounded to 0.001. */
  kind: 'text' | 'int' | 'pct' | 'ratio';
}

export interface Table {
  /** File stem and sheet name, e.g. "dispositions_by_section". */
  name: string;
  title: string;
  /** One or two sentences saying what the numbers mean; printed under the title. */
  note: string;
  columns: Column[];
  rows: Cell[][];
}

export const text = (key: string, title: string): Column => ({ key, title, kind: 'text' });
export const int = (key: string, title: string): Column => ({ key, title, kind: 'int' });
export const pctCol = (key: string, title: string): Column => ({ key, title, kind: 'pct' });
export const ratio = (key: string, title: string): Column => ({ key, title, kind: 'ratio' });

/** Percentage with one decimal; null when the denominator is zero, so an empty row never reads as 0 %. */
export function pct(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;
}

export function round3(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000;
}

/** Percentages always with one decimal and ratios with three, so columns line up and never read "100" vs "99.5". */
export function formatNumber(x: number, kind: Column['kind'] = 'int'): string {
  if (kind === 'pct') return x.toFixed(1);
  if (kind === 'ratio') return x.toFixed(3);
  return String(x);
}

/** The number a reader sees: printed, else inferred, else the item id. */
export function displayNumber(item: Pick<Item, 'number' | 'inferred_number' | 'id'>): string {
  return item.number ?? item.inferred_number ?? item.id;
}

/** First n characters (code points), with an ellipsis when cut. */
export function head(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length <= n ? s : chars.slice(0, n).join('') + '…';
}
