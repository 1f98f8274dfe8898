// The records that flow between stages. Every file a stage reads or writes is checked against these.
import { z } from 'zod';

export const SourceRef = z.object({
  file: z.string(),
  /** 1-based line numbers (text, PDF text) the item was built from. */
  lines: z.array(z.number().int().positive()).optional(),
  /** 1-based data row numbers (CSV/XLSX/HTML rows, JSON array index + 1). */
  rows: z.array(z.number().int().positive()).optional(),
  page: z.number().int().positive().optional(),
  sheet: z.string().optional(),
});
export type SourceRef = z.infer<typeof SourceRef>;

export const ItemFlag = z.enum([
  'missing_response',
  'merged_rows',
  'html_stripped',
  'number_inferred',
  'number_missing',
  'heading_glued',
  'number_on_later_row',
  'shared_response',
  'response_pointer',
  'has_edits',
  'joined_lines',
  'duplicate_number',
  /** A later row of a merged item repeats text already in it; the analysis copy keeps it once (raw keeps both). */
  'repeated_text',
  /**
   * Reading-order text with no blank line between cells: each of the item's lines was taken as one cell because
   * their count matched the columns. A wrapped cell beside an empty one counts the same, so check these items.
   */
  'cells_by_line',
]);
export type ItemFlag = z.infer<typeof ItemFlag>;

export const Item = z.object({
  /** Stable id: document slug + printed number, or slug + "r" + source row when unnumbered. */
  id: z.string().min(1),
  number: z.string().nullable(),
  /** Set when the number was not printed but the numbering makes it certain. */
  inferred_number: z.string().nullable(),
  section: z.string().nullable(),
  /** 該当箇所 as printed (第2章 P.12), when the table has such a column; the section stays the heading above. */
  location: z.string().nullable().optional(),
  /**
   * The document's own disposition code (対応区分: 反映, 記載済, 参考…) as printed, when the table has such a
   * column; null for an item whose cell is blank. Never a label: the report sets the labels beside it.
   */
  category: z.string().nullable().optional(),
  /** Analysis copy: HTML removed, NFKC, whitespace collapsed. */
  comment: z.string(),
  response: z.string(),
  /** As found in the source, cells of merged rows joined by "\n". */
  comment_raw: z.string(),
  response_raw: z.string(),
  /** Items answered by one shared response carry the same group id; null when the response is the item's own. */
  response_group: z.string().nullable(),
  /** Text the document marks as inserted or revised (<u>…</u>, （修正後）, 【…修正】). */
  edits: z.array(z.string()),
  source: SourceRef,
  flags: z.array(ItemFlag),
  /** XLSX: the sheet the item was read from (also in source.sheet). */
  sheet: z.string().optional(),
});
export type Item = z.infer<typeof Item>;

/** What became of one input line or row: the parse report's unit of accounting. */
export const LineFate = z.enum(['item', 'heading', 'header', 'skipped']);
/**
 * A piece of a line that went somewhere else than the line's main fate (a section heading glued to the first
 * comment), or the role of a piece inside an item line. When `parts` is present its chars add up to the line's.
 */
export const LinePart = z.object({
  fate: LineFate,
  role: z.enum(['heading', 'number', 'comment', 'response', 'other']),
  chars: z.number().int().nonnegative(),
  /** Item id for fate "item"; heading text for "heading". */
  ref: z.string().optional(),
  reason: z.string().optional(),
});
export type LinePart = z.infer<typeof LinePart>;
export const LineAccount = z.object({
  /** "line" for text inputs, "row" for tabular ones, "page" for PDF pages when lines are unknown. */
  unit: z.enum(['line', 'row']),
  index: z.number().int().positive(),
  page: z.number().int().positive().optional(),
  fate: LineFate,
  /** Item id for fate "item"; heading text for "heading". */
  ref: z.string().optional(),
  reason: z.string().optional(),
  /** Non-whitespace characters of the raw line/row. */
  chars: z.number().int().nonnegative(),
  parts: z.array(LinePart).optional(),
});
export type LineAccount = z.infer<typeof LineAccount>;

export const ParseReport = z.object({
  file: z.string(),
  format: z.string(),
  /** Text encoding the input was decoded with (utf-8, utf-8-bom, shift_jis), when it is text. */
  encoding: z.string().optional(),
  sha256: z.string(),
  items: z.number().int().nonnegative(),
  accounts: z.array(LineAccount),
  totals: z.object({
    input_chars: z.number().int().nonnegative(),
    item_chars: z.number().int().nonnegative(),
    heading_chars: z.number().int().nonnegative(),
    header_chars: z.number().int().nonnegative(),
    skipped_chars: z.number().int().nonnegative(),
    lines: z.record(LineFate, z.number().int().nonnegative()),
  }),
  skipped: z.array(z.object({ index: z.number().int(), reason: z.string(), text: z.string() })),
  /** Tabular inputs: the text of the rows above the column headings (title, notes), in order. */
  preamble: z.array(z.string()).optional(),
  warnings: z.array(z.string()),
});
export type ParseReport = z.infer<typeof ParseReport>;

/** One kuromoji token inside a merged token (term or compound), offsets into the normalised text. */
export const TokenPart = z.object({
  surface: z.string(),
  base: z.string(),
  pos: z.string(),
  pos_detail: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type TokenPart = z.infer<typeof TokenPart>;

/** A token of the analysis: offsets into the normalised text; pos_detail is "compound"/"term" for merged tokens. */
export const Token = TokenPart.extend({
  /** "term" when a domain term list matched, "compound" when consecutive nouns were joined. */
  merged: z.enum(['term', 'compound']).optional(),
  /** The kuromoji tokens a merged token was built from (a part cut by a term boundary is re-analysed). */
  parts: z.array(TokenPart).optional(),
});
export type Token = z.infer<typeof Token>;

// The enum's own order is only that of its error messages; every table, chart and metric uses LABEL_ORDER.
export const Disposition = z.enum(['accepted', 'deferred', 'referred', 'declined', 'none']);
export type Disposition = z.infer<typeof Disposition>;

/**
 * The guideline's priority of the answered labels, strongest change first: the one definition of label order in
 * code (models/labels/taxonomy.json lists its labels and `priority` the same way; test/labels-vocabulary checks).
 */
export const ANSWERED_LABELS = ['accepted', 'declined', 'referred', 'deferred'] as const;
/** Display order of every label (tables, charts, metrics): the priority, then `none`. */
export const LABEL_ORDER = [...ANSWERED_LABELS, 'none'] as const satisfies readonly Disposition[];

export const Evidence = z.object({
  /** Character offsets into the item's normalised `response`. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
  rule: z.string(),
  label: Disposition.optional(),
  /**
   * Set when the span lies in another item's response (the target of a pointer such as 「No.3の回答のとおり」, or a
   * shared group reply): start/end/text then index that item's normalised response, not this one's.
   */
  source_item: z.string().optional(),
  /** Ids of labelled examples that support this span (similarity: the nearest neighbours). */
  examples: z.array(z.string()).optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const LabelRecord = z.object({
  id: z.string(),
  label: Disposition,
  also: z.array(Disposition),
  confidence: z.number().min(0).max(1),
  evidence: z.array(Evidence),
  classifier: z.object({ name: z.string(), version: z.string() }),
  /**
   * Set when no rule or model is sure of the label: the label is still the best guess, but a researcher should
   * read the response before quoting it. Never a silent `deferred`.
   */
  needs_review: z.boolean().optional(),
  /**
   * The rules classifier's reasoning: the decision-table row that decided (models/labels/decision.json), the
   * comment's stance it read, and the moves found in the response.
   */
  decision: z
    .object({
      row: z.string(),
      stance: z.enum(['support', 'oppose', 'request', 'question']).nullable(),
      moves: z.array(z.string()),
      /** Stance rules read in the comment by the deciding row (e.g. request.amend), when it reads any. */
      comment_cues: z.array(z.string()).optional(),
    })
    .optional(),
});
export type LabelRecord = z.infer<typeof LabelRecord>;

/** The comment's stance (guideline §2): what the commenter wants of the draft. */
export const Stance = z.enum(['support', 'oppose', 'request', 'question']);
export type Stance = z.infer<typeof Stance>;

/** A span of the item's normalised `comment` that decided its stance. */
export const StanceEvidence = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
  rule: z.string(),
  stance: Stance,
});
export type StanceEvidence = z.infer<typeof StanceEvidence>;

/** One comment's stance; `stance` is null when the comment is empty. */
export const StanceRecord = z.object({
  id: z.string(),
  stance: Stance.nullable(),
  confidence: z.number().min(0).max(1),
  evidence: z.array(StanceEvidence),
});
export type StanceRecord = z.infer<typeof StanceRecord>;

export const ThemeHit = z.object({
  theme: z.string(),
  score: z.number(),
  /** "cluster": no codebook was applied and the theme is the comment's discovered cluster (hits: its keywords present). */
  source: z.enum(['rule', 'similarity', 'both', 'cluster']),
  hits: z.array(z.string()),
});
export const ThemeRecord = z.object({ id: z.string(), themes: z.array(ThemeHit) });
export type ThemeRecord = z.infer<typeof ThemeRecord>;

/** One row of the development set (../shared/labels/seed.gold.jsonl) or of our own labelled sets. */
export const GoldRecord = z.object({
  id: z.string().optional(),
  number: z.string().nullable().optional(),
  section: z.string().optional(),
  comment_head: z.string().optional(),
  comment: z.string().optional(),
  response: z.string().optional(),
  disposition: Disposition,
  also: z.array(Disposition).default([]),
  cue: z.string().optional(),
  stance: z.string().optional(),
  themes: z.array(z.string()).optional(),
  reason: z.string().optional(),
});
export type GoldRecord = z.infer<typeof GoldRecord>;
