// Recognising column headings, section headings and printed numbers; the vocabulary is data in
// models/parse/columns.json so a researcher can add a municipality's wording without touching code.
import { z } from 'zod';
import { deriveModel, type ModelFile } from '../core/models.ts';
import { normalize } from '../core/text.ts';

export const ROLES = ['number', 'category', 'response', 'comment', 'section', 'location', 'id', 'group'] as const;
export type Role = (typeof ROLES)[number];

const RoleVocabulary = z.object({
  rationale: z.string(),
  exact: z.array(z.string()),
  contains: z.array(z.string()),
});
const ColumnsModel = z.object({
  about: z.string(),
  roles: z.object(Object.fromEntries(ROLES.map((r) => [r, RoleVocabulary])) as Record<Role, typeof RoleVocabulary>),
  section_headings: z.object({
    rationale: z.string(),
    patterns: z.array(z.string()).min(1),
    number_prefix: z.string(),
    max_chars: z.number().int().positive(),
  }),
});
type ColumnsModel = z.infer<typeof ColumnsModel>;

interface Columns {
  model: ColumnsModel;
  headingRes: RegExp[];
  headingPrefix: RegExp;
  /** Heading key → role; the first role and position listing it wins. */
  exactKeys: Map<string, RoleMatch>;
  containsKeys: { role: Role; key: string }[];
}

function compile({ value: model }: ModelFile<ColumnsModel>): Columns {
  const exactKeys = new Map<string, RoleMatch>();
  for (const role of ROLES) {
    model.roles[role].exact.forEach((e, rank) => {
      const key = headingKey(e);
      if (!exactKeys.has(key)) exactKeys.set(key, { role, rank });
    });
  }
  return {
    model,
    headingRes: model.section_headings.patterns.map((p) => new RegExp(p)),
    headingPrefix: new RegExp(model.section_headings.number_prefix),
    exactKeys,
    containsKeys: ROLES.flatMap((role) => model.roles[role].contains.map((c) => ({ role, key: headingKey(c) }))),
  };
}

const load = (): Columns => deriveModel('parse/columns.json', ColumnsModel, compile);

/** How a heading cell is compared: NFKC, no spaces, no surrounding brackets or trailing colon, lower case. */
export function headingKey(s: string): string {
  return normalize(s)
    .replace(/\s+/g, '')
    .replace(/^[【\[［(（〔<＜]+|[】\]］)）〕>＞]+$/g, '')
    .replace(/[:：]$/, '')
    .toLowerCase();
}

export interface RoleMatch {
  role: Role;
  /** Lower is better: exact names by their list position, then contains matches. */
  rank: number;
}

/** The role a column heading names, or null. Headings longer than 24 characters are data, not headings. */
export function matchRole(heading: string): RoleMatch | null {
  if (heading.length > 40) return null;
  const { exactKeys, containsKeys } = load();
  const key = headingKey(heading);
  if (!key || key.length > 24) return null;
  const exact = exactKeys.get(key);
  if (exact) return exact;
  const contained = containsKeys.find((c) => key.includes(c.key));
  return contained ? { role: contained.role, rank: 1000 } : null;
}

/** Brackets a one-column layout puts around a label (【市の考え方】, [お寄せいただいた意見], （回答）). */
const LABEL_RE =
  /^(?:[【〔\[［（(<＜]\s*([^【】〔〕\[\]［］（）()<>＜＞\s:：、。]{1,24})\s*[】〕\]］）)>＞]|([^【】〔〕\[\]［］（）()<>＜＞\s:：、。]{1,12})\s*[:：])\s*/;

const BULLET_LABEL_RE = /^[■□●○◆◇◎▼▽]\s*([^\s:：、。]{1,24})\s*$/;

/**
 * A column name used as a label at the start of a line, as one-column result documents print each comment and
 * answer: bracketed (【市の考え方】, [お寄せいただいた意見]), before a colon (回答：, 意見の概要:) or after a bullet,
 * alone (■ご意見). Only the comment and response roles are labels. `length` covers the label and the spaces after it.
 */
export function lineLabel(text: string): { role: 'comment' | 'response'; length: number } | null {
  const m = LABEL_RE.exec(text);
  if (m) {
    const role = matchRole(m[1] ?? m[2])?.role;
    return role === 'comment' || role === 'response' ? { role, length: m[0].length } : null;
  }
  // A bullet before a label alone on its line (■ご意見, ●市の考え方): only a column's exact name, since a bullet also
  // starts headings that merely contain one (■意見募集の結果).
  const b = BULLET_LABEL_RE.exec(text);
  const match = b ? matchRole(b[1]) : null;
  return match && match.rank < 1000 && (match.role === 'comment' || match.role === 'response') ? { role: match.role, length: b![0].length } : null;
}

/** The printed number before a label, separated by a space ("1 意見：…", "2 [お寄せいただいた意見]"), or null. */
export function numberBeforeLabel(text: string): { number: string; rest: string } | null {
  const m = /^(\S+)[ \u3000]+(.+)$/.exec(text);
  const number = m ? parseNumber(m[1]) : null;
  return m && number && lineLabel(m[2]) ? { number, rest: m[2] } : null;
}

/** The role of the label a line starts with, after its printed number if it has one ("1 意見：…"), or undefined. */
export function lineLabelRole(text: string): 'comment' | 'response' | undefined {
  return lineLabel(numberBeforeLabel(text)?.rest ?? text)?.role;
}

/**
 * The first part of a column heading wrapped in a narrow column (「N」 of 「No.」, 「通し番」 of 「通し番号」): the
 * start of a known heading name, not the whole of one.
 */
export function isHeadingStart(text: string): boolean {
  const key = headingKey(text);
  if (!key) return false;
  for (const name of load().exactKeys.keys()) if (name.length > key.length && name.startsWith(key)) return true;
  return false;
}

/** Short text alone on a row/line that names a part of the draft (…に係る意見, 第2章, 【…】, その他). */
export function isSectionHeading(text: string): boolean {
  const { model: m, headingRes, headingPrefix } = load();
  const t = normalize(text);
  if (!t || [...t].length > m.section_headings.max_chars || /[。]$/.test(t)) return false;
  const body = t.replace(headingPrefix, '');
  return headingRes.some((re) => re.test(body) || re.test(t));
}

// Dashes typed between the parts of 1-1: the hyphen, its full-width form, the long-vowel mark ー and the minus sign.
// Three parts (2-1-1) only with short parts, so that a date (2025-01-01) is not read as a number.
const NUMBER_RE = /^(?:No\.?|NO\.?|no\.?|№|番号)?\s*([0-9]+(?:[-‐－ー−][0-9]+)?|[0-9]{1,3}(?:[-‐－ー−][0-9]{1,3}){2})[.．、]?$|^[（(]([0-9]+)[)）]$/;

/** The printed number in a number cell ("No.3", "３", "（12）", "3-1"), as NFKC digits; null if the cell is not one. */
export function parseNumber(text: string): string | null {
  // NFKC already turns ① into 1, № into No and full-width digits into ASCII.
  const t = normalize(text).replace(/\s+/g, '');
  const m = NUMBER_RE.exec(t);
  if (!m) return null;
  return (m[1] ?? m[2]).replace(/[‐－ー−]/g, '-');
}

/**
 * A table's number cell, which may hold several numbers when the document merged their rows into one (the 環境省
 * result table prints "56⏎57⏎58" beside one comment and one answer): those come back joined by commas, "56,57,58",
 * instead of run together as "565758".
 */
export function parseNumberCell(text: string): string | null {
  const parts = normalize(text).trim().split(/[\s,、・]+/);
  if (parts.length < 2) return parseNumber(text);
  const numbers = parts.map(parseNumber);
  return numbers.every((n) => n !== null) ? numbers.join(',') : parseNumber(text);
}
