// Contract between the format readers (text, csv, xlsx, json, html, pdf) and the parse stage that wraps them.
import type { Item, LineAccount } from '../core/schema.ts';

/** Column (or JSON field path) for each Item field; from `--map id=…,number=…,comment=…,response=…,section=…,group=…`. */
export interface ColumnMap {
  id?: string;
  number?: string;
  comment?: string;
  response?: string;
  section?: string;
  /** 該当箇所: where in the draft the comment points; kept apart from the section heading. */
  location?: string;
  /** 対応区分: the document's own disposition code per comment (反映, 記載済, 参考…), kept verbatim. */
  category?: string;
  group?: string;
}

export interface ParseOptions {
  /** Path as the user gave it: used in messages and Item.source.file. */
  file: string;
  /** Document slug used as the id prefix (file name without extension, unless given). */
  slug: string;
  map?: ColumnMap;
  /** JSON: dotted path to the array of records. */
  records?: string;
  /** JSON: `path.to.array:key` attaches a second array by a shared key. */
  join?: string;
  /** XLSX: the sheets to read (default: every sheet holding a result table). */
  sheets?: string[];
}

/**
 * What a format reader returns. `accounts` has one entry per input line (text formats) or row (tabular
 * formats), in input order, so the parse report can prove that every non-whitespace character went somewhere.
 */
export interface ParsedDocument {
  items: Item[];
  accounts: LineAccount[];
  warnings: string[];
  /** Non-whitespace characters of the whole input as the reader saw it (decoded text, all cells). */
  inputChars: number;
  /** Text of the rows above the column headings (the document's title, notes), for tabular inputs. */
  preamble?: string[];
}

export type FormatReader = (input: Uint8Array, opts: ParseOptions) => Promise<ParsedDocument>;
