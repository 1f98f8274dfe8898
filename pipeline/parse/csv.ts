// CSV (and tab-separated "Unicode text") exports of result tables, in UTF-8 (with or without BOM),
// CP932 or UTF-16; quoted cells may span lines.
import { parse } from 'csv-parse/sync';
import { InputError } from '../core/errors.ts';
import { decodeText } from './detect.ts';
import { tableToDocument, textCell, type Table } from './tabular.ts';
import type { FormatReader } from './types.ts';

/** Tab when the first lines hold more tabs than commas (Excel's "Unicode text" export), else comma. */
function guessDelimiter(text: string): string {
  const head = text.split(/\r?\n/, 10).join('\n');
  const tabs = head.split('\t').length;
  const commas = head.split(',').length;
  return tabs > commas ? '\t' : ',';
}

export function csvTable(text: string, file: string): Table {
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: guessDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(file, `malformed CSV: ${err.message.replace(/^Invalid [^:]*: /, '')}`, err.lines ? `line ${err.lines}` : undefined);
  }
  return { rows: records.map((cells, i) => ({ index: i + 1, cells: cells.map(textCell) })) };
}

export const readCsv: FormatReader = async (input, opts) => {
  const { text } = decodeText(opts.file, input);
  return tableToDocument(csvTable(text, opts.file), opts);
};
