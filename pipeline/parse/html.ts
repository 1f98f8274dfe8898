// HTML result pages: every <table> row in document order, with rowspan/colspan laid out on a grid,
// plus <h1>–<h6> and <caption> as one-cell rows (section titles between tables). Cells keep their inner
// HTML so <u> edits survive for the item builder. Row numbers count these rows in document order.
// A page with no result table that prints each comment and answer under labels (【意見】 … 【市の考え方】 …, or
// <dt>ご意見</dt><dd>…</dd>) is read as the text it shows, one line per block element, by the PDF-text reader's
// one-column mode.
import { parse, serialize, type DefaultTreeAdapterMap } from 'parse5';
import { nonWhitespaceLength, stripHtml } from '../core/text.ts';
import { decodeText, isLabelled } from './detect.ts';
import { readPdfText } from './pdf-text.ts';
import { matchRole } from './columns.ts';
import { spanHeadingRows, tableToDocument, type Table, type TableCell } from './tabular.ts';
import type { FormatReader, ParsedDocument, ParseOptions } from './types.ts';
import { pushAll } from '../core/arrays.ts';
import { InputError } from '../core/errors.ts';
import { maxDepth } from '../core/depth.ts';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

interface RawCell {
  html: string;
  rowspan: number;
  colspan: number;
}

/** A table's rows, or a heading outside tables (one cell spanning the width). */
type Block = { kind: 'table'; rows: RawCell[][] } | { kind: 'heading'; html: string };

const isElement = (n: Node): n is Element => 'tagName' in n;
const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;
const span = (el: Element, name: string) => Math.max(1, Math.min(1000, Number.parseInt(attr(el, name) ?? '1', 10) || 1));

function tableRows(table: Element): RawCell[][] {
  const rows: RawCell[][] = [];
  const visit = (el: Element) => {
    for (const child of el.childNodes) {
      if (!isElement(child)) continue;
      if (child.tagName === 'tr') {
        rows.push(
          child.childNodes
            .filter(isElement)
            .filter((c) => c.tagName === 'td' || c.tagName === 'th')
            .map((c) => ({ html: serialize(c).trim(), rowspan: span(c, 'rowspan'), colspan: span(c, 'colspan') })),
        );
      } else if (['thead', 'tbody', 'tfoot'].includes(child.tagName)) {
        visit(child);
      }
    }
  };
  visit(table);
  return rows;
}

/** Collects tables and headings in document order; counts the characters of text found outside them. */
function collectBlocks(node: Node, out: Block[], outside: { chars: number }): void {
  if (node.nodeName === '#text') outside.chars += nonWhitespaceLength((node as DefaultTreeAdapterMap['textNode']).value);
  if (isElement(node)) {
    if (node.tagName === 'table') {
      const caption = node.childNodes.find((c) => isElement(c) && c.tagName === 'caption') as Element | undefined;
      if (caption) out.push({ kind: 'heading', html: serialize(caption).trim() });
      out.push({ kind: 'table', rows: tableRows(node) });
      return;
    }
    if (/^h[1-6]$/.test(node.tagName)) {
      out.push({ kind: 'heading', html: serialize(node).trim() });
      return;
    }
    if (['script', 'style', 'template'].includes(node.tagName)) return;
  }
  if ('childNodes' in node) for (const child of node.childNodes) collectBlocks(child, out, outside);
}

const htmlChars = (html: string) => nonWhitespaceLength(stripHtml(html));

/** Lays a table's cells on a grid: positions covered by a rowspan/colspan refer to the cell's top-left. */
function layOut(rows: RawCell[][], offset: number): TableCell[][] {
  const grid: TableCell[][] = rows.map(() => []);
  rows.forEach((cells, r) => {
    let col = 0;
    for (const cell of cells) {
      while (grid[r][col]) col++;
      const rowspan = Math.min(cell.rowspan, rows.length - r);
      for (let dr = 0; dr < rowspan; dr++) {
        for (let dc = 0; dc < cell.colspan; dc++) {
          grid[r + dr][col + dc] =
            dr === 0 && dc === 0
              ? { text: cell.html, chars: htmlChars(cell.html) }
              : { text: cell.html, chars: 0, copyOf: { row: offset + r, col } };
        }
      }
      col += cell.colspan;
    }
  });
  return grid;
}

/**
 * Elements nested deeper than this stop the parse with a clear message: the walkers below recurse once per level,
 * and no result page nests anywhere near this deep (the seed's pages: under 20).
 */
export const MAX_HTML_DEPTH = 1000;

/** The deepest nesting of the tree. */
const treeDepth = (root: Node): number => maxDepth<Node>(root, (node) => ('childNodes' in node ? node.childNodes : []));

function parsePage(html: string, file: string): Node {
  const tree = parse(html);
  const depth = treeDepth(tree);
  if (depth > MAX_HTML_DEPTH) throw new InputError(file, `elements nested ${depth} deep; the limit is ${MAX_HTML_DEPTH} (is this a result page?)`);
  return tree;
}

const BLOCK_TAGS = new Set([
  'address', 'article', 'blockquote', 'br', 'caption', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'main', 'ol', 'p', 'pre', 'section', 'table', 'tr', 'ul',
]);

/** A page's furniture: navigation, site header and footer (お問い合わせ…) would be read as the last answer's text. */
const CHROME_TAGS = new Set(['nav', 'header', 'footer', 'aside']);

/**
 * The text a browser shows, one line per block element (p, div, li, br…); scripts, styles and the page's furniture
 * (CHROME_TAGS, whose characters are counted in `chromeChars`) left out.
 */
export function pageText(tree: Node): { text: string; chromeChars: number } {
  const parts: string[] = [];
  let chromeChars = 0;
  const visit = (node: Node) => {
    if (node.nodeName === '#text') parts.push((node as DefaultTreeAdapterMap['textNode']).value.replace(/\s+/g, ' '));
    if (!isElement(node) && !('childNodes' in node)) return;
    if (isElement(node) && ['script', 'style', 'template', 'head'].includes(node.tagName)) return;
    if (isElement(node) && CHROME_TAGS.has(node.tagName)) {
      chromeChars += htmlChars(serialize(node));
      return;
    }
    const block = isElement(node) && BLOCK_TAGS.has(node.tagName);
    if (block) parts.push('\n');
    // Cells of a row stay on its line, apart.
    if (isElement(node) && (node.tagName === 'td' || node.tagName === 'th')) parts.push(' ');
    // A definition list's terms are its labels (<dt>ご意見</dt><dd>…</dd><dt>市の考え方</dt><dd>…</dd>): written as
    // the bracketed labels the one-column reader knows.
    if (isElement(node) && node.tagName === 'dt') {
      const term = stripHtml(serialize(node)).replace(/\s+/g, ' ').trim();
      const role = matchRole(term)?.role;
      if (role === 'comment' || role === 'response') {
        parts.push(`\n【${term}】\n`);
        return;
      }
    }
    if ('childNodes' in node) for (const child of node.childNodes) visit(child);
    if (block) parts.push('\n');
  };
  visit(tree);
  const text = parts
    .join('')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
  return { text, chromeChars };
}

export function htmlTable(html: string, file = 'html', tree = parsePage(html, file)): Table & { outsideChars: number; tables: number } {
  const blocks: Block[] = [];
  const outside = { chars: 0 };
  collectBlocks(tree, blocks, outside);
  const grid: TableCell[][] = [];
  const headingRows: number[] = [];
  for (const block of blocks) {
    if (block.kind === 'heading') {
      headingRows.push(grid.length);
      grid.push([{ text: block.html, chars: htmlChars(block.html) }]);
    } else {
      pushAll(grid, layOut(block.rows, grid.length));
    }
  }
  spanHeadingRows(grid, (r) => headingRows.includes(r));
  return { rows: grid.map((cells, r) => ({ index: r + 1, cells })), outsideChars: outside.chars, tables: blocks.filter((b) => b.kind === 'table').length };
}

export const readHtml: FormatReader = async (input, opts) => {
  const { text } = decodeText(opts.file, input);
  const tree = parsePage(text, opts.file);
  const table = htmlTable(text, opts.file, tree);
  let doc: ParsedDocument;
  try {
    doc = tableToDocument(table, opts);
  } catch (e) {
    // A page's only tables may be no result table (募集期間 and 意見件数 set out in a small table above the results).
    if (!(e instanceof InputError)) throw e;
    return labelledPage(tree, table.tables, opts, e);
  }
  // The accounting covers table cells and headings; say how much other page text (navigation, notes) there was.
  if (table.outsideChars) {
    doc.warnings.push(`${table.outsideChars} characters of text outside the tables and headings (page title, notes, navigation) were not read`);
  }
  return doc;
};

/** The page's text read under its labels, or, where it has none, the error that no table was a result table. */
async function labelledPage(tree: Node, tables: number, opts: ParseOptions, noResultTable: InputError): Promise<ParsedDocument> {
  const shown = pageText(tree);
  if (!isLabelled(shown.text.split('\n'))) throw noResultTable;
  const doc = await readPdfText(Buffer.from(shown.text), opts);
  const where = tables ? `no result table among the page's ${tables} table(s)` : 'no <table> on the page';
  const chrome = shown.chromeChars ? `; ${shown.chromeChars} characters of navigation, site header and footer were not read` : '';
  doc.warnings.unshift(
    `${where}: its text was read one line per block element (p, div, li…), each comment and answer under its label; line numbers count those lines, not the lines of the HTML source${chrome}`,
  );
  return doc;
}
