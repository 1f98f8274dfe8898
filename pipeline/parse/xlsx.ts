// Excel workbooks: the first sheet with recognisable headings. Merged cells keep their text on the
// top-left cell only; a response merged over several items' rows is one shared response.
import ExcelJS from 'exceljs';
import { InputError } from '../core/errors.ts';
import { nonWhitespaceLength, normalize } from '../core/text.ts';
import { tableToDocument, type Table, type TableCell } from './tabular.ts';
import type { FormatReader, ParsedDocument, ParseOptions } from './types.ts';

type RichRun = { text: string; font?: { underline?: boolean | string } };

/**
 * Cell value as text; underlined runs of rich text become <u>…</u> so edits marked by underline survive (unless
 * `marks` is false: a label sheet's cells are names and labels, not edited text).
 */
export function cellText(value: ExcelJS.CellValue, marks = true): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) {
      return (value.richText as RichRun[])
        .map((r) => (marks && r.font?.underline && r.text.trim() ? `<u>${r.text}</u>` : r.text))
        .join('');
    }
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null, marks);
    if ('hyperlink' in value) return cellText((value as { text: ExcelJS.CellValue }).text, marks);
    if ('error' in value) return String((value as { error: string }).error);
  }
  return String(value);
}

/**
 * The last row and column holding a cell: formatting alone can stretch a sheet's dimensions (rowCount,
 * columnCount) far past its data, to a million empty rows, so every reader reads up to the last filled cell.
 */
export function filledExtent(ws: ExcelJS.Worksheet): { lastRow: number; width: number } {
  let lastRow = 0;
  let width = 0;
  ws.eachRow({ includeEmpty: false }, (row, r) => {
    row.eachCell({ includeEmpty: false }, (_cell, c) => {
      lastRow = Math.max(lastRow, r);
      width = Math.max(width, c);
    });
  });
  return { lastRow, width };
}

/** Opens a workbook; bytes that are not one are an InputError naming the file. */
export async function loadWorkbook(bytes: Uint8Array, file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (e) {
    throw new InputError(file, `not a readable .xlsx workbook (${(e as Error).message})`);
  }
  return wb;
}

function sheetTable(ws: ExcelJS.Worksheet): Table {
  const rows: Table['rows'] = [];
  const { lastRow, width } = filledExtent(ws);
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

interface SheetResult {
  name: string;
  doc?: ParsedDocument;
  /** Why the sheet was not read. */
  skipped?: string;
}

/** A count as a summary sheet prints it (12, 1,234, 12件, 3人). */
const COUNT_RE = /^[0-9][0-9,.]*(?:件|人|名|通)?$/;

/** One sheet as a result table, or the reason it is not one. */
function readSheet(ws: ExcelJS.Worksheet, opts: ParseOptions, slug: string): SheetResult {
  if (!ws.actualRowCount) return { name: ws.name, skipped: 'empty' };
  try {
    const doc = tableToDocument(sheetTable(ws), { ...opts, slug });
    if (!doc.items.length) return { name: ws.name, skipped: 'no items below the column headings' };
    // A summary sheet before the results (意見の内訳: 項目 | 意見件数) heads its counts with a name holding 意見 and a
    // topic column: it looks like a table, and its counts came out as comments ("2", under section 計画全体).
    // No comment is a bare number, so a sheet whose every comment is one is not a result table.
    if (doc.items.every((it) => COUNT_RE.test(normalize(it.comment).replace(/\s/g, '')))) {
      return { name: ws.name, skipped: 'a summary, not a result table: its comment column holds only numbers (counts)' };
    }
    return { name: ws.name, doc };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { name: ws.name, skipped: `no result table (${e.message.slice(e.message.indexOf(': ', opts.file.length) + 2)})` };
  }
}

function namedSheets(wb: ExcelJS.Workbook, opts: ParseOptions): ExcelJS.Worksheet[] {
  if (!opts.sheets?.length) return wb.worksheets;
  const names = wb.worksheets.map((w) => w.name);
  for (const want of opts.sheets) {
    if (!names.includes(want)) {
      throw new InputError(opts.file, `--sheet ${want}: no such sheet; sheets: ${names.map((n) => `"${n}"`).join(', ') || '(none)'}`);
    }
  }
  return wb.worksheets.filter((w) => opts.sheets!.includes(w.name));
}

/**
 * Every sheet that holds a result table (or the ones --sheet names) is read; each item carries its sheet, and
 * when several sheets are read the ids say which (slug/sheet#number). The sheets left out are listed with why.
 */
export const readXlsx: FormatReader = async (input, opts) => {
  const wb = await loadWorkbook(input, opts.file);
  const chosen = namedSheets(wb, opts);
  const probe = chosen.map((ws) => readSheet(ws, opts, opts.slug));
  const tables = probe.filter((r) => r.doc);
  const results = tables.length > 1 ? chosen.map((ws) => readSheet(ws, opts, `${opts.slug}/${ws.name}`)) : probe;
  const read = results.filter((r) => r.doc);
  if (!read.length) {
    const names = wb.worksheets.map((w) => `"${w.name}"`).join(', ') || '(none)';
    throw new InputError(opts.file, `no sheet has a recognisable table (sheets: ${names}); ${results.map((r) => `"${r.name}": ${r.skipped}`).join('; ') || 'empty'}`);
  }
  const skipped = [
    ...results.filter((r) => !r.doc).map((r) => `"${r.name}" (${r.skipped})`),
    ...wb.worksheets.filter((w) => !chosen.includes(w)).map((w) => `"${w.name}" (not named by --sheet)`),
  ];
  const doc: ParsedDocument = {
    items: read.flatMap((r) => r.doc!.items.map((it) => ({ ...it, sheet: r.name }))),
    accounts: read.flatMap((r) => r.doc!.accounts),
    warnings: read.flatMap((r) => r.doc!.warnings.map((w) => (read.length > 1 ? `sheet "${r.name}": ${w}` : w))),
    inputChars: read.reduce((n, r) => n + r.doc!.inputChars, 0),
  };
  if (skipped.length) doc.warnings.push(`sheets not read: ${skipped.join(', ')}`);
  return doc;
};
