// CSV that opens cleanly in Excel: UTF-8 with BOM (else Excel guesses Shift_JIS and shows mojibake), CRLF
// line ends, RFC 4180 quoting, and a guard against formula injection from comment text.
import { formatNumber, type Cell, type Column, type Table } from './table.ts';

const BOM = '\uFEFF';

/**
 * A text cell that Excel would read as a formula (=, +, -, @, or a leading tab/CR that Excel strips first) gets
 * a leading apostrophe, as OWASP recommends. Numbers are written as numbers and need no guard.
 */
export function guardFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function csvCell(cell: Cell, column?: Column): string {
  if (cell === null) return '';
  const s = typeof cell === 'number' ? formatNumber(cell, column?.kind) : guardFormula(cell);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(table: Pick<Table, 'columns' | 'rows'>): string {
  const lines = [table.columns.map((c) => csvCell(c.key)), ...table.rows.map((r) => r.map((c, i) => csvCell(c, table.columns[i])))];
  return BOM + lines.map((cells) => cells.join(',')).join('\r\n') + '\r\n';
}
