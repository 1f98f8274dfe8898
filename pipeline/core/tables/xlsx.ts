// One workbook, one sheet per table, with Japanese headers, frozen header rows and filters, so it is usable in
// Excel without any formatting by hand. Cells are written as values, never formulas, so comment text that
// starts with "=" stays text.
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { Table } from './table.ts';
import { sheetRows, sheetStyles } from './xlsx-rows.ts';
import { repackZipSpliced, type Splice } from './zip.ts';

/** Excel's limit per cell; longer text is cut with a marker rather than making Excel refuse the file. */
const MAX_CELL = 32767;
/**
 * Wrapping text in every cell of a 20,000-row items sheet costs exceljs seconds and makes rows very tall;
 * larger tables are left unwrapped (Excel shows the full text in the formula bar and on widening a column).
 */
const WRAP_MAX_ROWS = 2000;
const cutCell = (v: string) => (v.length > MAX_CELL ? v.slice(0, MAX_CELL - 1) + '…' : v);

/** exceljs Cell._mergeStyle of an empty row style and the column's: the column's style keys, in this order. */
function cellStyle(column: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['numFmt', 'font', 'alignment', 'border', 'fill', 'protection']) if (column?.[k]) out[k] = column[k];
  return out;
}

/** Fixed document dates: the workbook must not change between runs on the same input. */
const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

function width(table: Table, col: number): number {
  const c = table.columns[col];
  if (c.kind !== 'text') return Math.max(8, Math.min(14, c.title.length * 2 + 2));
  let longest = c.title.length * 2;
  for (const row of table.rows.slice(0, 200)) {
    const v = row[col];
    if (typeof v === 'string') longest = Math.max(longest, Math.min(v.length * 2, 120));
  }
  return Math.max(10, Math.min(60, longest));
}

interface StyleRegistry {
  addStyleModel(model: object | undefined, cellType?: number): number;
}

/**
 * exceljs gives every cell a fresh style object and looks its id up by rendering that style to XML, per cell:
 * half of the workbook's time on a 60,000-row sheet. The id is a function of the style's content and the cell's
 * type (styles are deduplicated by their XML), so it is remembered by those. (exceljs also memoises by object,
 * which can only matter for an object it sees twice; exceljs 4.4.0, pinned, builds a new one per cell and row.)
 */
function cacheStyleIds(wb: ExcelJS.stream.xlsx.WorkbookWriter): void {
  const styles = (wb as unknown as { styles: StyleRegistry }).styles;
  const add = styles.addStyleModel.bind(styles);
  const ids = new Map<string, number>();
  styles.addStyleModel = (model, cellType) => {
    if (!model) return add(model, cellType);
    const key = `${cellType ?? ''}\u0000${styleKey(model as Record<string, unknown>)}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = add(model, cellType)));
    return id;
  };
}

/** The style's content as a key; a style with at most a number format (every cell of a large sheet) without JSON. */
function styleKey(model: Record<string, unknown>): string {
  let only: unknown = '';
  for (const k in model) {
    if (k !== 'numFmt' || typeof model[k] !== 'string') return JSON.stringify(model);
    only = model[k];
  }
  return `numFmt:${only as string}`;
}

const require = createRequire(import.meta.url);

/**
 * exceljs's streaming workbook writer, the only part of exceljs a workbook needs. Its package entry also loads the
 * in-memory workbook, the readers and unzipper: about 0.3 s of a 10-row run's 1.5 s. 4.4.0 is pinned, so the
 * file stays where it is; loaded on first use (most commands never write a workbook), or early by loadXlsxWriter.
 */
export function loadXlsxWriter(): typeof ExcelJS.stream.xlsx.WorkbookWriter {
  return require('exceljs/lib/stream/xlsx/workbook-writer.js') as typeof ExcelJS.stream.xlsx.WorkbookWriter;
}

export interface XlsxOptions {
  /**
   * Write data rows through exceljs's own Row and Cell objects instead of xlsx-rows.ts: slower, kept as the
   * reference the tests compare the direct rows with, byte for byte.
   */
  exceljsRows?: boolean;
}

export async function toXlsx(tables: readonly Table[], options: XlsxOptions = {}): Promise<Uint8Array> {
  const out = Buffer.concat(await toXlsxParts(tables, options));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** toXlsx's bytes in parts (a 200,000-row round's workbook is a hundred megabytes, never needed whole). */
export async function toXlsxParts(tables: readonly Table[], options: XlsxOptions = {}): Promise<Buffer[]> {
  // The streaming writer serialises each row as it is added: less than half the CPU of the in-memory
  // workbook on a 20,000-item sheet, and memory stays flat.
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const WorkbookWriter = loadXlsxWriter();
  const wb = new WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  wb.creator = 'pubcom-lens';
  wb.lastModifiedBy = 'pubcom-lens';
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  cacheStyleIds(wb);
  const splices = new Map<string, Splice>();
  for (const table of tables) {
    const ws = wb.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    const wrap = table.rows.length <= WRAP_MAX_ROWS;
    ws.columns = table.columns.map((c, i) => {
      const numFmt = c.kind === 'pct' ? '0.0' : c.kind === 'ratio' ? '0.000' : undefined;
      const style: Partial<ExcelJS.Style> = {
        ...(numFmt ? { numFmt } : {}),
        ...(wrap ? { alignment: c.kind === 'text' ? { wrapText: true, vertical: 'top' } : { vertical: 'top' } } : {}),
      };
      return { header: c.title, key: c.key, width: width(table, i), ...(Object.keys(style).length ? { style } : {}) };
    });
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    header.commit();
    if (table.rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
    if (options.exceljsRows) {
      for (const row of table.rows) ws.addRow(row.map((v) => (typeof v === 'string' ? cutCell(v) : v))).commit();
      ws.commit();
      continue;
    }
    // The data rows go straight into the sheet's stream as exceljs would write them (xlsx-rows.ts), with the
    // style ids exceljs gives a cell of each column and type: the column's style as exceljs merges it into a cell.
    const styles = (wb as unknown as { styles: StyleRegistry }).styles;
    const cellStyles = table.columns.map((_, i) => cellStyle(ws.getColumn(i + 1).style as Record<string, unknown>));
    const ids = new Map<number, number>();
    const styleId = (col: number, type: number) => {
      const key = col * 16 + type;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = styles.addStyleModel(cellStyles[col], type)));
      return id;
    };
    let rowStyle: number | undefined;
    // A new row's style is {} (its id is asked with no cell type, as exceljs does).
    const rowStyleId = () => (rowStyle ??= styles.addStyleModel({}, undefined));
    // exceljs would hold the sheet's whole XML until the zip is written (half a gigabyte for a 200,000-row items
    // sheet): the sheet gets a marker where its rows go, the styles its rows use are registered now, in the order
    // writing them would register them, and the rows are written into the zip entry in place of the marker.
    const stream = (ws as unknown as { stream: { write(b: Buffer): unknown } }).stream;
    const name = `xl/worksheets/sheet${(ws as unknown as { id: number }).id}.xml`;
    // NUL never occurs in a sheet's XML (xmlEncode drops it), so the marker cannot be met by chance.
    const marker = Buffer.from(`\u0000pubcom-rows:${name}\u0000`, 'utf8');
    sheetStyles(table.rows, styleId, rowStyleId);
    stream.write(marker);
    // Recycled parts: the zip copies each part before it asks for the next (zip.ts deflateParts).
    splices.set(name, { marker, parts: () => sheetRows(table.rows, 2, styleId, rowStyleId, cutCell, undefined, true) });
    ws.commit();
  }
  await wb.commit();
  return repackZipSpliced(new Uint8Array(Buffer.concat(chunks)), splices);
}
