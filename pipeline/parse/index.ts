// The parse stage: bytes of a result document in, checked Items and a report accounting for every line out.
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { Item, LineFate, ParseReport } from '../core/schema.ts';
import { nonWhitespaceLength } from '../core/text.ts';
import { checkBytes, decodeText, detectFormat, textKind, TEXT_FORMATS, type Format, type FormatChoice } from './detect.ts';
import { applyResponseGroups } from './groups.ts';
import { readTextString } from './text.ts';
import type { ColumnMap, FormatReader, ParsedDocument, ParseOptions } from './types.ts';

export { FORMATS, type Format, type FormatChoice } from './detect.ts';

export interface ParseDocumentOptions {
  format?: FormatChoice;
  map?: ColumnMap | string;
  records?: string;
  join?: string;
  /** Id prefix; defaults to the file name without its extension. */
  slug?: string;
  /**
   * How items' `source.file` and the report name the document (e.g. its file name, so outputs never carry the
   * user's folders); default the path as given. Messages still name the path.
   */
  sourceLabel?: string;
  /** XLSX: the sheets to read (default: every sheet holding a result table). */
  sheets?: string[];
}

export interface ParseResult {
  items: Item[];
  report: ParseReport;
}

const MAP_FIELDS = ['id', 'number', 'comment', 'response', 'section', 'location', 'category', 'group'] as const;

/** `--map id=…,number=…,comment=…,response=…,section=…,location=…,category=…,group=…` */
export function parseColumnMap(spec: string): ColumnMap {
  const map: ColumnMap = {};
  for (const pair of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq).trim();
    const value = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (!(MAP_FIELDS as readonly string[]).includes(key)) {
      throw new InputError('--map', `unknown field "${key}" in "${pair}" (expected ${MAP_FIELDS.join(', ')})`);
    }
    if (!value) throw new InputError('--map', `"${pair}" names no column (expected ${key}=<column or field path>)`);
    map[key as (typeof MAP_FIELDS)[number]] = value;
  }
  if (!Object.keys(map).length) throw new InputError('--map', `"${spec}" maps no field`);
  return map;
}

export function defaultSlug(file: string): string {
  const slug = basename(file, extname(file)).replace(/[\s#]+/g, '_');
  return slug || 'doc';
}

// The other formats' readers load on demand: a text run never pays for exceljs or pdfjs. Literal import()s, so
// tsc checks each reader's export and the bundle (scripts/build-bin.mjs) includes it.
const READERS: Record<Exclude<Format, 'text'>, () => Promise<FormatReader>> = {
  'pdf-text': async () => (await import('./pdf-text.ts')).readPdfText,
  csv: async () => (await import('./csv.ts')).readCsv,
  xlsx: async () => (await import('./xlsx.ts')).readXlsx,
  json: async () => (await import('./json.ts')).readJson,
  html: async () => (await import('./html.ts')).readHtml,
  markdown: async () => (await import('./markdown.ts')).readMarkdown,
  pdf: async () => (await import('./pdf.ts')).readPdf,
};

const loadReader = (format: Exclude<Format, 'text'>): Promise<FormatReader> => READERS[format]();

/** Read and parse one document. Bad input → InputError naming the file; a broken accounting → Error (a bug). */
export async function parseDocument(path: string, opts: ParseDocumentOptions = {}): Promise<ParseResult> {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new InputError(path, 'is a directory, expected a result document');
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const label = opts.sourceLabel;
  if (label === undefined || label === path) return parseBytes(bytes, path, opts);
  // Format and slug come from the real file name; only what the outputs record changes.
  try {
    return await parseBytes(bytes, label, { ...opts, slug: opts.slug ?? defaultSlug(path) }, path);
  } catch (e) {
    if (e instanceof InputError && e.file === label) throw new InputError(path, e.message.slice(label.length + 2 + (e.where ? e.where.length + 1 : 0)), e.where);
    throw e;
  }
}

/** The stage function over bytes already in memory; `file` names the input in ids' sources and messages. */
export async function parseBytes(bytes: Uint8Array, file: string, opts: ParseDocumentOptions = {}, formatFrom = file): Promise<ParseResult> {
  let format: Format = !opts.format || opts.format === 'auto' ? detectFormat(formatFrom, bytes) : opts.format;
  checkBytes(file, bytes, format);
  const parseOpts: ParseOptions = {
    file,
    slug: opts.slug ?? defaultSlug(file),
    map: typeof opts.map === 'string' ? parseColumnMap(opts.map) : opts.map,
    records: opts.records,
    join: opts.join,
    sheets: opts.sheets,
  };
  let encoding: string | undefined;
  let decodedChars: number | undefined;
  let decodedText: string | undefined;
  let doc: ParsedDocument;
  if (TEXT_FORMATS.includes(format)) {
    const decoded = decodeText(file, bytes);
    encoding = decoded.encoding;
    decodedChars = nonWhitespaceLength(decoded.text);
    decodedText = decoded.text;
    if (format === 'text') {
      // An explicit --format text still covers PDF-extracted text; only auto turns a comma-separated .txt into CSV.
      const kind = textKind(decoded.text);
      if (kind === 'pdf-text' || ((kind === 'csv' || kind === 'markdown') && (!opts.format || opts.format === 'auto'))) format = kind;
    }
    doc = format === 'text' ? readTextString(decoded.text, parseOpts) : await (await loadReader(format))(bytes, parseOpts);
  } else {
    doc = await (await loadReader(format as Exclude<Format, 'text'>))(bytes, parseOpts);
  }
  if (!doc.items.length) {
    throw new InputError(file, `not a result table: no items found (read as ${format}); expected rows of 意見の概要 and 意見に対する考え方`);
  }
  checkCellLengths(file, doc.items);
  const notes: string[] = [];
  if (opts.records && format !== 'json') notes.push(`--records applies to JSON input only; ignored for ${format}`);
  if (opts.join && format !== 'json') notes.push(`--join applies to JSON input only; ignored for ${format}`);
  if (opts.sheets?.length && format !== 'xlsx') notes.push(`--sheet applies to XLSX input only; ignored for ${format}`);
  if (parseOpts.map && (format === 'text' || format === 'pdf-text')) {
    notes.push(`--map names columns of tabular input (CSV, XLSX, JSON, HTML); the ${format} reader finds its columns itself and ignored it`);
  }

  const unique = uniqueIds(doc);
  const grouped = applyResponseGroups(unique.items);
  const items = checkItems(grouped.items);
  const report = buildReport({
    file,
    format,
    encoding,
    bytes,
    doc: { ...doc, items, accounts: unique.accounts },
    decodedChars,
    decodedText,
    warnings: [...notes, ...doc.warnings, ...unique.warnings, ...grouped.warnings],
  });
  return { items, report };
}

/**
 * Ids must be unique for every later join. Numbering that restarts per section, or a number printed for two
 * comments, gives the later items "<id>@L<line>" / "<id>@r<row>" and the flag duplicate_number.
 */
function uniqueIds(doc: ParsedDocument): { items: Item[]; accounts: ParsedDocument['accounts']; warnings: string[] } {
  const seen = new Set<string>();
  const sectionOf = new Map<string, string | null>();
  const renamed = new Map<string, Map<number, string>>();
  const warnings: string[] = [];
  // Numbers printed again under another section heading: numbering that starts again per section, said once.
  const restarted: { section: string; first: string; count: number }[] = [];
  const items = doc.items.map((it) => {
    if (!seen.has(it.id)) {
      seen.add(it.id);
      sectionOf.set(it.id, it.section);
      return it;
    }
    const where = it.source.lines?.[0] !== undefined ? `L${it.source.lines[0]}` : `r${it.source.rows?.[0] ?? seen.size}`;
    let id = `${it.id}@${where}`;
    for (let k = 2; seen.has(id); k++) id = `${it.id}@${where}-${k}`;
    seen.add(id);
    const indexes = it.source.lines ?? it.source.rows ?? [];
    const byIndex = renamed.get(it.id) ?? new Map<number, string>();
    for (const i of indexes) byIndex.set(i, id);
    renamed.set(it.id, byIndex);
    if (it.section && it.section !== sectionOf.get(it.id)) {
      const last = restarted[restarted.length - 1];
      if (last?.section === it.section) last.count++;
      else restarted.push({ section: it.section, first: id, count: 1 });
    } else warnings.push(`${it.id} is printed again at ${where}; that item is ${id}`);
    return { ...it, id, flags: [...new Set([...it.flags, 'duplicate_number' as const])].sort() };
  });
  if (restarted.length) {
    const count = restarted.reduce((n, r) => n + r.count, 0);
    const under = restarted.map((r) => `${r.section} (${r.count}, from ${r.first})`).join('; ');
    warnings.push(`numbering starts again under ${restarted.length} section heading(s): ${count} item(s) whose number was printed before carry the id <number>@<line or row>: ${under}`);
  }
  if (!renamed.size) return { items, accounts: doc.accounts, warnings };
  const accounts = doc.accounts.map((a) => {
    const to = a.ref !== undefined ? renamed.get(a.ref)?.get(a.index) : undefined;
    if (!to) return a;
    return { ...a, ref: to, parts: a.parts?.map((p) => (p.fate === 'item' && p.ref === a.ref ? { ...p, ref: to } : p)) };
  });
  return { items, accounts, warnings };
}

/**
 * The longest comment or response accepted, in characters. Real comments run to a few thousand characters; past
 * this, a cell is a whole document pasted in or a file that is not a result table, and every later stage (the
 * tokenizer, the character n-grams of the embedder, the duplicate shingles) would spend minutes on it.
 */
export const MAX_CELL_CHARS = 100_000;

function checkCellLengths(file: string, items: readonly ParsedDocument['items'][number][]): void {
  for (const item of items) {
    for (const field of ['comment', 'response'] as const) {
      const length = item[field].length;
      if (length <= MAX_CELL_CHARS) continue;
      const src = item.source;
      const where = src.lines?.length ? `line ${src.lines[0]}` : src.rows?.length ? `row ${src.rows[0]}` : undefined;
      throw new InputError(
        file,
        `the ${field} of item ${item.number ?? item.id} is ${length.toLocaleString('en-US')} characters long; the limit is ` +
          `${MAX_CELL_CHARS.toLocaleString('en-US')} per cell (a whole document pasted into one cell, or not a result table?)`,
        where,
      );
    }
  }
}

function checkItems(items: Item[]): Item[] {
  const parsed = z.array(Item).safeParse(items);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`parse produced an invalid item at ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

interface ReportInput {
  file: string;
  format: Format;
  encoding?: string;
  bytes: Uint8Array;
  doc: ParsedDocument;
  decodedChars?: number;
  /** The decoded input, for text formats: skipped lines are quoted from it. */
  decodedText?: string;
  warnings: string[];
}

/**
 * The accounting: every non-whitespace character of the input went to an item, a heading, a header or a skipped
 * line. A mismatch is a bug in a reader, never the user's problem, so it throws instead of writing a report
 * that does not add up.
 */
export function buildReport({ file, format, encoding, bytes, doc, decodedChars, decodedText, warnings }: ReportInput): ParseReport {
  const bug = (what: string) => new Error(`parse accounting does not add up for ${file} (${format}): ${what}`);
  if (decodedChars !== undefined && format === 'text' && decodedChars !== doc.inputChars) {
    throw bug(`reader saw ${doc.inputChars} characters, the file has ${decodedChars}`);
  }
  const byFate: Record<z.infer<typeof LineFate>, number> = { item: 0, heading: 0, header: 0, skipped: 0 };
  const lines: Record<z.infer<typeof LineFate>, number> = { item: 0, heading: 0, header: 0, skipped: 0 };
  const itemText = new Map<string, number>();
  const ids = new Set(doc.items.map((it) => it.id));
  const seen = new Set<string>();
  for (const a of doc.accounts) {
    // Rows may repeat their numbers across the sheets of a workbook; lines of one text never do.
    if (a.unit === 'line') {
      const key = `${a.page ?? ''}:${a.index}`;
      if (seen.has(key)) throw bug(`line ${a.index} is accounted twice`);
      seen.add(key);
    }
    lines[a.fate]++;
    if (a.fate === 'item' && (a.ref === undefined || !ids.has(a.ref))) throw bug(`${a.unit} ${a.index} refers to no item (${a.ref})`);
    if (!a.parts) {
      byFate[a.fate] += a.chars;
      continue;
    }
    const sum = a.parts.reduce((s, p) => s + p.chars, 0);
    if (sum !== a.chars) throw bug(`${a.unit} ${a.index} has ${a.chars} characters but its parts add up to ${sum}`);
    for (const p of a.parts) {
      byFate[p.fate] += p.chars;
      if (p.fate === 'item' && (p.role === 'comment' || p.role === 'response')) {
        itemText.set(p.ref ?? '', (itemText.get(p.ref ?? '') ?? 0) + p.chars);
      }
    }
  }
  // Where a reader says which characters became comment and response text, the items must hold exactly those.
  for (const it of doc.items) {
    const claimed = itemText.get(it.id);
    if (claimed === undefined) continue;
    const held = nonWhitespaceLength(it.comment_raw) + nonWhitespaceLength(it.response_raw);
    if (claimed !== held) throw bug(`${it.id} holds ${held} characters of comment and response, its lines gave ${claimed}`);
  }
  const total = byFate.item + byFate.heading + byFate.header + byFate.skipped;
  if (total !== doc.inputChars) {
    throw bug(`input has ${doc.inputChars} characters; items ${byFate.item} + headings ${byFate.heading} + headers ${byFate.header} + skipped ${byFate.skipped} = ${total}`);
  }
  const skipped: ParseReport['skipped'] = [];
  const textLines = decodedText?.split(/\r\n|\n|\r/);
  for (const a of doc.accounts) {
    if (a.fate !== 'skipped' || a.chars === 0) continue;
    const text = a.unit === 'line' && !a.page ? (textLines?.[a.index - 1] ?? '') : '';
    skipped.push({ index: a.index, reason: a.reason ?? 'skipped', text: text.length > 200 ? `${text.slice(0, 200)}…` : text });
  }
  const report: ParseReport = {
    file,
    format,
    ...(encoding ? { encoding } : {}),
    sha256: sha256(bytes),
    items: doc.items.length,
    accounts: doc.accounts,
    totals: {
      input_chars: doc.inputChars,
      item_chars: byFate.item,
      heading_chars: byFate.heading,
      header_chars: byFate.header,
      skipped_chars: byFate.skipped,
      lines,
    },
    skipped,
    ...(doc.preamble?.length ? { preamble: doc.preamble } : {}),
    warnings,
  };
  const parsed = ParseReport.safeParse(report);
  if (!parsed.success) throw bug(`report invalid at ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}
