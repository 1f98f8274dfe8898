// A sheet's data rows as the worksheet XML exceljs 4.4.0 (pinned) writes for them, byte for byte, without its
// per-cell objects: exceljs builds a Row, a Cell per value, a model and an XML node list for every cell, which was
// most of the workbook's time on a 60,000-row items sheet. Only what our tables hold is handled (strings, numbers,
// null); test/report-xlsx-rows.test.ts checks these bytes against exceljs's own on tricky content.
import { ByteChunks, LONG_TEXT, RecurringText } from '../bytes.ts';
import type { Cell } from './table.ts';

/** exceljs's cell value types (Enums.ValueType) for the values our tables hold. */
export const NULL_TYPE = 0;
export const NUMBER_TYPE = 2;
export const STRING_TYPE = 3;

/** exceljs utils.xmlEncode: the five entities, and the control characters XML 1.0 forbids dropped. */
const XML_SPECIAL = /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/;
export function xmlEncode(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let escape: string;
    if (c === 34) escape = '&quot;';
    else if (c === 38) escape = '&amp;';
    else if (c === 39) escape = '&apos;';
    else if (c === 60) escape = '&lt;';
    else if (c === 62) escape = '&gt;';
    else if (c === 127 || (c <= 31 && (c <= 8 || (c >= 11 && c !== 13)))) escape = '';
    else continue;
    if (last !== i) out += text.substring(last, i);
    last = i + 1;
    out += escape;
  }
  return last !== text.length ? out + text.substring(last) : out;
}

/** Column letters of columns 1..n (A, B, …, Z, AA, …). */
function columnLetters(n: number): string[] {
  const out: string[] = [];
  for (let c = 1; c <= n; c++) {
    let s = '';
    for (let x = c; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
    out.push(s);
  }
  return out;
}

/**
 * Asks `styleId` and `rowStyleId` exactly what sheetRows asks them, in the same order, without writing anything:
 * the workbook registers each style at its first use, so a sheet whose rows are written later (xlsx.ts splices
 * them into the zip after exceljs has written styles.xml) still gets the style ids it would have had.
 */
export function sheetStyles(
  rows: readonly (readonly (Cell | undefined)[])[],
  styleId: (col: number, type: number) => number,
  rowStyleId: () => number,
): void {
  for (const row of rows) {
    let values = false;
    for (let c = 0; c < row.length; c++) if (row[c] !== undefined && row[c] !== null) values = true;
    if (!values) continue;
    rowStyleId();
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (v === undefined) continue;
      styleId(c, v === null ? NULL_TYPE : typeof v === 'number' ? NUMBER_TYPE : STRING_TYPE);
    }
  }
}

/**
 * The <row> elements of `rows`, numbered from `firstRow`, in parts of about `chunk` bytes. `styleId(col, type)`
 * is the style id exceljs gives a cell of that column (0-based) and value type, and `rowStyleId()` a data row's
 * own; both are asked in exceljs's order (per row: the row, then its cells left to right), so styles are
 * registered in the same order. Undefined values are no cells at all, as in exceljs; a row without a non-null
 * value is not written. `cut` shortens a string as the caller would before handing it to exceljs. `recycle`
 * (core/bytes.ts ByteChunks): each part is valid only until the next is asked for.
 */
export function* sheetRows(
  rows: readonly (readonly (Cell | undefined)[])[],
  firstRow: number,
  styleId: (col: number, type: number) => number,
  rowStyleId: () => number,
  cut: (v: string) => string = (v) => v,
  chunk = 1 << 20,
  recycle = false,
): Generator<Buffer> {
  const out = new ByteChunks(chunk, recycle);
  const texts = new RecurringText(xmlEncode);
  const letters = columnLetters(rows.reduce((m, r) => Math.max(m, r.length), 0));
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    const r = firstRow + k;
    let min = 0;
    let max = 0;
    let values = false;
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (v === undefined) continue;
      if (!min) min = c + 1;
      max = c + 1;
      if (v !== null) values = true;
    }
    if (!values) continue;
    const rowStyle = rowStyleId();
    let pending = `<row r="${r}"${min > 0 ? ` spans="${min}:${max}"` : ''}${rowStyle ? ` s="${rowStyle}" customFormat="1"` : ''} x14ac:dyDescent="0.25">`;
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (cell === undefined) continue;
      const v = typeof cell === 'string' ? cut(cell) : cell;
      const type = v === null ? NULL_TYPE : typeof v === 'number' ? NUMBER_TYPE : STRING_TYPE;
      const s = styleId(c, type);
      const head = `<c r="${letters[c]}${r}"${s ? ` s="${s}"` : ''}`;
      if (v === null) {
        if (s) pending += head + '/>';
      } else if (typeof v === 'number') {
        pending += `${head}><v>${String(v)}</v></c>`;
      } else if (v.length >= LONG_TEXT) {
        out.text(pending + head + ' t="str"><v>');
        texts.put(v, out);
        pending = '</v></c>';
      } else {
        pending += `${head} t="str"><v>${xmlEncode(v)}</v></c>`;
      }
    }
    out.text(pending + '</row>');
    yield* out.take();
  }
  yield* out.end();
}
