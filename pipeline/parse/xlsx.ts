// Excel workbooks: the first sheet with recognisable headings. Merged cells keep their text on the
// top-left cell only; a response merged over several items' rows is one shared response.
import ExcelJS from 'exceljs';
import { InputError } from '../core/errors.ts';
import { nonWhitespaceLength } from '../core/text.ts';
import { tableToDocument, type Table, type TableCell } from './tabular.ts';
import type { FormatReader, ParsedDocument } from './types.ts';

type RichRun = { text: string; font?: { underline?: boolean | string } };

/** Cell value as text; underlined runs of rich text become <u>…</u> so edits marked by underline survive. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) {
      return (value.richText as RichRun[])
        .map((r) => (r.font?.underline && r.text.trim() ? `<u>${r.text}</u>` : r.text))
        .join('');
    }
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('hyperlink' in value) return cellText((value as { text: ExcelJS.CellValue }).text);
    if ('error' in value) return String((value as { error: string }).error);
  }
  return String(value);
}

function sheetTable(ws: ExcelJS.Worksheet): Table {
  const rows: Table['rows'] = [];
  // Formatting alone can stretch a sheet's dimensions far past its data: read up to the last filled cell.
  let lastRow = 0;
  let width = 0;
  ws.eachRow({ includeEmpty: false }, (row, r) => {
    row.eachCell({ includeEmpty: false }, (_cell, c) => {
      lastRow = Math.max(lastRow, r);
      width = Math.max(width, c);
    });
  });
  for (let r = 1; r <= lastRow; r++) {
    const cells: TableCell[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = ws.getCell(r, c);
      if (cell.isMerged && cell.master.address !== cell.address) {
        cells.push({ text: cellText(cell.master.value), chars: 0, copyOf: { row: Number(cell.master.row) - 1, col: Number(cell.master.col) - 1 } });
      } else {
        const text = cellText(cell.value);
        cells.push({ text, chars: nonWhitespaceLength(text) });
      }
    }
    rows.push({ index: r, cells });
  }
  return { rows, sheet: ws.name };
}

export const readXlsx: FormatReader = async (input, opts) => {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(input.buffer, input.byteOffset, input.byteLength) as unknown as ArrayBuffer);
  } catch (e) {
    throw new InputError(opts.file, `not a readable .xlsx workbook (${(e as Error).message})`);
  }
  let firstError: InputError | undefined;
  let doc: ParsedDocument | undefined;
  const ignored: string[] = [];
  for (const ws of wb.worksheets) {
    if (doc) {
      if (ws.actualRowCount) ignored.push(ws.name);
      continue;
    }
    try {
      doc = tableToDocument(sheetTable(ws), opts);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      firstError ??= e;
      if (ws.actualRowCount) ignored.push(ws.name);
    }
  }
  if (!doc) {
    const names = wb.worksheets.map((w) => `"${w.name}"`).join(', ') || '(none)';
    const detail = firstError ? firstError.message.slice(firstError.message.indexOf(': ', opts.file.length) + 2) : 'empty';
    throw new InputError(opts.file, `no sheet has a recognisable table (sheets: ${names}); first sheet: ${detail}`);
  }
  if (ignored.length) doc.warnings.push(`sheets not read (no result table, or after the first one): ${ignored.map((n) => `"${n}"`).join(', ')}`);
  return doc;
};
