// Builds an Item from raw cells: every reader goes through here so clean text, edits and flags agree.
import type { Item, ItemFlag, SourceRef } from '../core/schema.ts';
import { cleanText } from '../core/text.ts';

export interface RawItem {
  slug: string;
  number: string | null;
  inferredNumber?: string | null;
  /** Used for the id when there is no number: the first source line/row. */
  fallbackKey: string;
  section: string | null;
  commentRaw: string;
  responseRaw: string;
  responseGroup?: string | null;
  source: SourceRef;
  flags?: ItemFlag[];
}

const EDIT_PATTERNS: RegExp[] = [
  /<u>([\s\S]*?)<\/u>/gi,
  /（修正後）\s*([\s\S]*?)(?=（修正前）|$)/g,
  /【[^】]*修正[^】]*】\s*([\s\S]*?)(?=【|$)/g,
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

export function buildItem(raw: RawItem): Item {
  const flags = new Set<ItemFlag>(raw.flags ?? []);
  const response = cleanText(raw.responseRaw);
  if (!response) flags.add('missing_response');
  if (/<[a-z/][^>]*>/i.test(raw.commentRaw + raw.responseRaw)) flags.add('html_stripped');
  const number = raw.number ?? raw.inferredNumber ?? null;
  if (!raw.number && raw.inferredNumber) flags.add('number_inferred');
  if (!number) flags.add('number_missing');
  const edits = extractEdits(raw.responseRaw);
  if (edits.length) flags.add('has_edits');
  if (raw.responseGroup) flags.add('shared_response');
  return {
    id: `${raw.slug}#${number ?? raw.fallbackKey}`,
    number: raw.number,
    inferred_number: raw.number ? null : (raw.inferredNumber ?? null),
    section: raw.section,
    comment: cleanText(raw.commentRaw),
    response,
    comment_raw: raw.commentRaw,
    response_raw: raw.responseRaw,
    response_group: raw.responseGroup ?? null,
    edits,
    source: raw.source,
    flags: [...flags].sort(),
  };
}
