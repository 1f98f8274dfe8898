// CSV that opens cleanly in Excel: UTF-8 with BOM (else Excel guesses Shift_JIS and shows mojibake), CRLF
// line ends, RFC 4180 quoting, and a guard against formula injection from comment text.
import { ByteChunks, LONG_TEXT, RecurringText } from '../bytes.ts';
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

/**
 * toCsv's bytes, built into parts of about `chunk` bytes as they are asked for: items.csv of a large round is
 * hundreds of megabytes, and a mass round's recurring texts are quoted and encoded once (core/bytes.ts).
 * `recycle` (ByteChunks): each part is valid only until the next is asked for.
 */
export function* csvBytes(table: Pick<Table, 'columns' | 'rows'>, chunk = 1 << 24, recycle = false): Generator<Buffer> {
  const out = new ByteChunks(chunk, recycle);
  // A text cell's CSV form does not depend on its column (only numbers are formatted by kind).
  const texts = new RecurringText((s) => csvCell(s));
  const cols = table.columns;
  out.text(BOM + cols.map((c) => csvCell(c.key)).join(',') + '\r\n');
  for (const row of table.rows) {
    let pending = '';
    for (let i = 0; i < row.length; i++) {
      const c = row[i];
      if (i > 0) pending += ',';
      if (typeof c === 'string' && c.length >= LONG_TEXT) {
        out.text(pending);
        pending = '';
        texts.put(c, out);
      } else pending += csvCell(c, cols[i]);
    }
    out.text(pending + '\r\n');
    yield* out.take();
  }
  yield* out.end();
}
