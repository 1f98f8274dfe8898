// What kind of file this is, and whether it is usable at all: the checks every format shares, before any reader.
import { isUtf8 } from 'node:buffer';
import { extname } from 'node:path';
import iconv from 'iconv-lite';
import { InputError } from '../core/errors.ts';
import { lineLabelRole, matchRole } from './columns.ts';

export const FORMATS = ['auto', 'text', 'pdf-text', 'csv', 'xlsx', 'json', 'html', 'markdown', 'pdf'] as const;
export type FormatChoice = (typeof FORMATS)[number];
export type Format = Exclude<FormatChoice, 'auto'>;

/** Formats whose bytes are text: they must decode, and must not look like binary. */
export const TEXT_FORMATS: readonly Format[] = ['text', 'pdf-text', 'csv', 'json', 'html', 'markdown'];

const BY_EXTENSION: Record<string, Format> = {
  '.txt': 'text',
  '.text': 'text',
  '.tsv': 'text',
  '.tab': 'text',
  '.csv': 'csv',
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx',
  '.json': 'json',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.pdf': 'pdf',
};

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  if (bytes.length < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

export function isPdf(bytes: Uint8Array): boolean {
  // The PDF header may follow a little junk; readers accept it anywhere in the first kilobyte.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  return head.includes('%PDF-');
}

export function isZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, 'PK\u0003\u0004');
}

export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'shift_jis';
}

/** Offset of the first byte that breaks UTF-8, and how many multi-byte sequences were valid / broken. */
function utf8Scan(bytes: Uint8Array): { firstBad: number; good: number; bad: number } {
  let firstBad = -1;
  let good = 0;
  let bad = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = len > 0 && i + len <= bytes.length;
    for (let k = 1; ok && k < len; k++) ok = (bytes[i + k] & 0xc0) === 0x80;
    if (ok) {
      good++;
      i += len;
    } else {
      bad++;
      if (firstBad < 0) firstBad = i;
      i++;
    }
  }
  return { firstBad, good, bad };
}

function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), or Shift_JIS/CP932. A file that is
 * mostly valid UTF-8 with a few broken bytes is corrupt UTF-8, not Shift_JIS: CP932 accepts almost any byte pair,
 * so decoding it that way would turn one bad byte into a page of mojibake instead of an error.
 */
export function decodeText(file: string, bytes: Uint8Array): DecodedText {
  // parseBytes decodes the input to count its characters and the CSV, HTML or JSON reader decodes the same bytes
  // again: a 240 MB round was turned into a string twice (1.5 s, and a second copy of the text in memory).
  let known = decoded.get(bytes);
  if (!known) decoded.set(bytes, (known = decodeUncached(file, bytes)));
  return known;
}

/** Decoded inputs by their bytes (the same bytes always decode to the same text; a failure is thrown, not kept). */
const decoded = new WeakMap<Uint8Array, DecodedText>();

function decodeUncached(file: string, bytes: Uint8Array): DecodedText {
  if (startsWith(bytes, '\xef\xbb\xbf')) {
    return { text: strictUtf8(file, bytes.subarray(3), 3), encoding: 'utf-8-bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  if (isUtf8(bytes)) return { text: validUtf8(bytes), encoding: 'utf-8' };
  const scan = utf8Scan(bytes);
  if (scan.bad === 0) return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  if (scan.good > 0 && scan.good >= 4 * scan.bad) strictUtf8(file, bytes, 0);
  const sjis = iconv.decode(Buffer.from(bytes), 'cp932');
  if (!sjis.includes('\ufffd')) return { text: sjis, encoding: 'shift_jis' };
  const b = bytes[scan.firstBad];
  throw new InputError(
    file,
    `undecodable bytes: not UTF-8 (byte 0x${b.toString(16).padStart(2, '0')} at offset ${scan.firstBad}) and not Shift_JIS either; save the file as UTF-8`,
    `line ${lineOf(bytes, scan.firstBad)}`,
  );
}

/**
 * TextDecoder('utf-8')'s result for bytes known to be valid UTF-8 (its leading BOM dropped, as TextDecoder drops
 * it), by Buffer's decoder: the same string, in a third less time on a 240 MB round.
 */
function validUtf8(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.toString('utf8', startsWith(bytes, '\xef\xbb\xbf') ? 3 : 0);
}

function strictUtf8(file: string, bytes: Uint8Array, base: number): string {
  // Node's native validator answers the usual case (valid UTF-8) at memory speed; the scan finds the bad byte.
  if (isUtf8(bytes)) return validUtf8(bytes);
  const scan = utf8Scan(bytes);
  if (scan.bad === 0) return new TextDecoder('utf-8').decode(bytes);
  const b = bytes[scan.firstBad];
  throw new InputError(
    file,
    `undecodable bytes: invalid UTF-8 byte 0x${b.toString(16).padStart(2, '0')} at offset ${base + scan.firstBad} (${scan.bad} broken sequence${scan.bad > 1 ? 's' : ''} in a UTF-8 file)`,
    `line ${lineOf(bytes, scan.firstBad)}`,
  );
}

const BLANK = /^[\s\ufeff]*$/;

/**
 * Only whitespace (and BOMs). The first 4 KB decide for any file with text in it; only a file that starts blank is
 * decoded whole (a 240 MB round was decoded a second time just for this check).
 */
function isBlank(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096)).toString('utf8');
  // A character cut at the 4 KB boundary decodes as U+FFFD: not evidence of text.
  if (!BLANK.test(bytes.length > 4096 ? head.replace(/\ufffd+$/, '') : head)) return false;
  return BLANK.test(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
}

/** Empty files, and binary data handed to a text reader. */
export function checkBytes(file: string, bytes: Uint8Array, format: Format): void {
  if (bytes.length === 0 || (TEXT_FORMATS.includes(format) && isBlank(bytes))) {
    throw new InputError(file, 'the file is empty');
  }
  if (format === 'pdf' && !isPdf(bytes)) throw new InputError(file, 'not a PDF file (no %PDF- header)');
  if (format === 'xlsx' && !isZip(bytes)) {
    throw new InputError(file, 'not an XLSX workbook (no ZIP signature); old .xls files must be saved as .xlsx');
  }
  if (!TEXT_FORMATS.includes(format)) return;
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) return;
  const sample = bytes.subarray(0, 65536);
  let nul = -1;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b === 0 && nul < 0) nul = i;
    // Tab, LF, FF (page breaks in pdftotext output), CR and ESC-free text: anything else below 0x20 is binary.
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f) control++;
  }
  if (nul >= 0 || control / sample.length > 0.01) {
    throw new InputError(
      file,
      `binary data, not text (${nul >= 0 ? `NUL byte at offset ${nul}` : `${control} control bytes in the first ${sample.length}`}); expected a text, CSV, JSON or HTML export of the results table`,
    );
  }
}

/**
 * --format auto: PDF and ZIP signatures first (they cannot lie), then the extension; content decides only when
 * the extension says nothing (a .txt that starts with 「[別紙]」 is not JSON).
 */
export function detectFormat(file: string, bytes: Uint8Array): Format {
  if (startsWith(bytes, '%PDF-')) return 'pdf';
  if (isZip(bytes)) return 'xlsx';
  const byExt = BY_EXTENSION[extname(file).toLowerCase()];
  if (byExt) return byExt;
  const head = Buffer.from(bytes.subarray(0, 8192)).toString('utf8').replace(/^\ufeff/, '').trimStart();
  if (/^[[{]/.test(head)) {
    try {
      JSON.parse(Buffer.from(bytes).toString('utf8').replace(/^\ufeff/, ''));
      return 'json';
    } catch {
      // not JSON after all: fall through to the text shapes
    }
  }
  if (/^<(?:!doctype|html|table|body|head|meta)\b/i.test(head) || /<table\b/i.test(head)) return 'html';
  if (hasPipeTable(head)) return 'markdown';
  return looksLikeCsv(head) ? 'csv' : 'text';
}

// Markdown pipe tables (the markdown reader): found here, where every text file's kind is decided.
/** The row under a table's header: cells of dashes, each with an optional alignment colon. */
const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** A line that can be a table row: it holds a pipe that is not escaped (\|). */
export const hasPipe = (line: string): boolean => /(^|[^\\])\|/.test(line);

/**
 * The line indexes (0-based) where a pipe table starts: a row with pipes directly above a delimiter row that has a
 * pipe too (a bare --- under a line is a heading underline or a rule, not a table).
 */
export function pipeTableStarts(lines: readonly string[]): Set<number> {
  const starts = new Set<number>();
  for (let i = 0; i + 1 < lines.length; i++) {
    if (hasPipe(lines[i]) && !DELIMITER_ROW.test(lines[i]) && DELIMITER_ROW.test(lines[i + 1]) && hasPipe(lines[i + 1])) starts.add(i);
  }
  return starts;
}

/** True when the text holds at least one pipe table (a header row, its delimiter row and one row below). */
export function hasPipeTable(text: string): boolean {
  const lines = text.split(/\r\n|\n|\r/, 400);
  for (const i of pipeTableStarts(lines)) if (i + 2 < lines.length && hasPipe(lines[i + 2])) return true;
  return false;
}

/** Comma-separated lines and no tab-separated ones. */
function looksLikeCsv(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim()).slice(0, 20);
  if (lines.some((l) => l.split('\t').filter((c) => c.trim()).length >= 2)) return false;
  const rows = lines.filter((l) => /^(?:"[^"]*"|[^,"]*)(?:,(?:"[^"]*"|[^,"]*))+$/.test(l));
  // Prose with ASCII commas (…言えますが,基本計画の…) splits too; a table's text has a header naming its columns.
  const namesColumns = rows.some((l) => l.split(',').some((f) => matchRole(f.replace(/^\s*"|"\s*$/g, '').trim())));
  return rows.length >= 2 && namesColumns;
}

/**
 * A cell that opens with a quote at the start of a line or after a tab and closes with a quote on a later line, before
 * a tab or a line end: how Excel's tab-delimited and "Unicode text" exports write a cell holding line breaks. A quote
 * inside a cell's text (style="…" in a copied web page) opens no cell.
 */
const QUOTED_MULTILINE_CELL = /(?:^|\t)"(?:[^"]|"")*?[\r\n](?:[^"]|"")*"(?=\t|\r|\n|$)/m;

/** The head of the text searched for such a cell: an export writes one near the top, and a huge file is not scanned. */
const QUOTE_SCAN_CHARS = 65536;

/**
 * A plain-text file is a tab-separated table (the text reader), text taken from a PDF (pdftotext or pdfjs output:
 * no tabs, page breaks and page numbers; the PDF-text reader re-joins its wrapped lines), or a CSV saved as .txt
 * (comma-separated, or tab-separated with quoted cells spanning lines), or a Markdown pipe table saved as .txt.
 */
export function textKind(text: string): 'text' | 'pdf-text' | 'csv' | 'markdown' {
  if (hasPipeTable(text)) return 'markdown';
  const lines = text.split(/\r\n|\n|\r/);
  const tabRows = lines.filter((l) => l.split('\t').filter((c) => c.trim() !== '').length >= 2).length;
  // The text reader takes each line for a row, so a quoted cell spanning lines would be cut into rows and paired wrong;
  // the CSV reader reads the quotes (and guesses the tab delimiter).
  if (tabRows >= 2) return QUOTED_MULTILINE_CELL.test(text.slice(0, QUOTE_SCAN_CHARS)) ? 'csv' : 'text';
  const pageMarks = lines.filter((l) => /^\s*(?:[-－]\s*\d+\s*[-－]|\d+\s*[/／]\s*\d+|\d+\s*ページ)\s*$/.test(l)).length;
  if (text.includes('\f') || pageMarks >= 2 || isLabelled(lines) || namesBothColumns(lines)) return 'pdf-text';
  return looksLikeCsv(text) ? 'csv' : 'text';
}

/**
 * A line that is nothing but the comment column's name and one that is nothing but the answer column's
 * (寄せられた意見の要旨 ⏎ 県の考え方): a table printed in reading order, each heading on its own line, which the
 * PDF-text reader reads.
 */
function namesBothColumns(lines: readonly string[]): boolean {
  const roles = new Set<string>();
  for (const line of lines) {
    const text = line.trim();
    if (!text || /[、。]/.test(text)) continue;
    const role = matchRole(text)?.role;
    if (role === 'comment' || role === 'response') roles.add(role);
    if (roles.size === 2) return true;
  }
  return false;
}

/**
 * Comments and answers printed one after another under labels (1 意見：… ⏎ 回答：…, 【意見】 ⏎ … ⏎ 【市の考え方】),
 * as web pages and Word documents of municipalities give them: no table to find, which the PDF-text reader's
 * one-column mode reads.
 */
export function isLabelled(lines: readonly string[]): boolean {
  let comments = 0;
  let responses = 0;
  for (const line of lines) {
    const role = lineLabelRole(line.trim());
    if (role === 'comment') comments++;
    if (role === 'response') responses++;
  }
  // Answers alone may carry the label (1 ⏎ comment ⏎ 回答：…); one such line could be a sentence that happens to
  // start like a label, two make the layout.
  return responses >= 2 || (responses >= 1 && comments >= 1);
}
