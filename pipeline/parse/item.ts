// Builds an Item from raw cells: every reader goes through here so clean text, edits, ids and flags agree.
import { z } from 'zod';
import { readModel } from '../core/models.ts';
import type { Item, ItemFlag, SourceRef } from '../core/schema.ts';
import { cleanText, isHtml, nonWhitespaceLength } from '../core/text.ts';

export interface RawItem {
  slug: string;
  /** The id as given (a mapped id column); otherwise slug#number, or slug#fallbackKey without a number. */
  id?: string;
  number: string | null;
  inferredNumber?: string | null;
  /** Used for the id when there is no number: the first source line ("L12") or row ("r12"). */
  fallbackKey: string;
  section: string | null;
  location?: string | null;
  category?: string | null;
  /** As found; several parts (cells of merged rows) are joined by "\n" in comment_raw. */
  commentRaw: string | readonly string[];
  responseRaw: string | readonly string[];
  responseGroup?: string | null;
  source: SourceRef;
  flags?: ItemFlag[];
}

const ItemsModel = z.object({
  about: z.string(),
  repeated_text: z.object({ rationale: z.string(), min_chars: z.number().int().positive() }),
});
const repeatedTextMinChars = (): number => readModel('parse/items.json', ItemsModel).repeated_text.min_chars;

// Brackets around 修正後 / 修正前 markers as printed: （修正後） 【修正後】 〔修正後〕 [修正後] ＜修正後＞ <修正後>.
const OPEN = '[（(【〔\\[［＜<]';
const CLOSE = '[）)】〕\\]］＞>]';
const EDIT_PATTERNS: RegExp[] = [
  // Underlined inserted text; <ins> and underline spans are the same mark in other exports.
  /<u>([\s\S]*?)<\/u>/gi,
  /<ins\b[^>]*>([\s\S]*?)<\/ins>/gi,
  /<span[^>]*text-decoration:\s*underline[^>]*>([\s\S]*?)<\/span>/gi,
  // The revised wording of a before/after pair; it ends where the old wording or another 【…】 block starts.
  new RegExp(`${OPEN}\\s*修正後\\s*${CLOSE}\\s*([\\s\\S]*?)(?=${OPEN}\\s*修正前\\s*${CLOSE}|【|$)`, 'g'),
  // 【計画案の修正】【修正内容】… blocks announce the new text that follows; 【修正前】 is the old text, not an edit.
  /【(?![^】]*修正前)[^】]*修正[^】]*】\s*([\s\S]*?)(?=【|$)/g,
];

export function extractEdits(raw: string): string[] {
  const out: string[] = [];
  for (const re of EDIT_PATTERNS) {
    for (const m of raw.matchAll(re)) {
      const text = cleanText(m[1] ?? '');
      if (text && !out.includes(text)) out.push(text);
    }
  }
  return out;
}

function parts(raw: string | readonly string[]): string[] {
  return (typeof raw === 'string' ? [raw] : [...raw]).filter((p) => p.trim() !== '');
}

/**
 * The analysis copy of several raw parts. A later part already contained in the text before it is a merged cell
 * printed twice: it is left out of the clean text (raw keeps it) and reported.
 */
export function cleanParts(raw: readonly string[]): { text: string; repeated: boolean } {
  const kept: string[] = [];
  let repeated = false;
  for (const part of raw) {
    const clean = cleanText(part);
    if (!clean) continue;
    const sofar = kept.join(' ');
    if (kept.length && nonWhitespaceLength(clean) >= repeatedTextMinChars() && sofar.includes(clean)) {
      repeated = true;
      continue;
    }
    kept.push(clean);
  }
  return { text: kept.join(' '), repeated };
}

export function buildItem(raw: RawItem): Item {
  const flags = new Set<ItemFlag>(raw.flags ?? []);
  const commentParts = parts(raw.commentRaw);
  const responseParts = parts(raw.responseRaw);
  const commentRaw = commentParts.join('\n');
  const responseRaw = responseParts.join('\n');
  const comment = cleanParts(commentParts);
  const response = cleanParts(responseParts);
  if (comment.repeated || response.repeated) flags.add('repeated_text');
  if (!response.text) flags.add('missing_response');
  if (isHtml(commentRaw) || isHtml(responseRaw)) flags.add('html_stripped');
  const inferred = raw.number ? null : (raw.inferredNumber ?? null);
  const number = raw.number ?? inferred;
  if (inferred) flags.add('number_inferred');
  if (!number) flags.add('number_missing');
  const edits = extractEdits(responseRaw);
  if (edits.length) flags.add('has_edits');
  if (raw.responseGroup) flags.add('shared_response');
  return {
    id: raw.id ?? `${raw.slug}#${number ?? raw.fallbackKey}`,
    number: raw.number,
    inferred_number: inferred,
    section: raw.section,
    ...(raw.location !== undefined ? { location: raw.location } : {}),
    ...(raw.category !== undefined ? { category: raw.category } : {}),
    comment: comment.text,
    response: response.text,
    comment_raw: commentRaw,
    response_raw: responseRaw,
    response_group: raw.responseGroup ?? null,
    edits,
    source: raw.source,
    flags: [...flags].sort(),
  };
}
