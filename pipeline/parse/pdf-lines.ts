// The lines of a PDF page and the headings among them: runs on one baseline joined into lines, section heading
// lines (第1章 …, …に係る意見), and the column heading lines (番号 / 意見の概要 / 意見に対する考え方, also wrapped in
// narrow columns and repeated on every page) that pdf-table.ts takes its columns and roles from.
import { isHeadingStart, isSectionHeading, matchRole, parseNumber } from './columns.ts';
import type { Run } from './pdf-page.ts';

/** A visual line: runs sharing a baseline, left to right. */
export interface Line {
  page: number;
  y: number;
  size: number;
  runs: Run[];
  text: string;
}

/**
 * A section heading row (第1章 …) spanning the table: heading text set as one piece. Word and LibreOffice cut a
 * line's runs at every change of font (「第3部」 arrives as 第 / 3 / 部…), so one piece means runs that follow each
 * other without a column's gap, not a single run.
 */
export function isHeadingLine(l: Line): boolean {
  return isOnePiece(l) && isSectionHeading(l.text);
}

export function isOnePiece(l: Line): boolean {
  return l.runs.every((r, k) => k === 0 || r.x - (l.runs[k - 1].x + l.runs[k - 1].width) <= 0.6 * r.size);
}

/** Runs on one baseline become a line; the text joins them, a space only between Latin words. */
export function pageLines(runs: Run[], page: number): Line[] {
  const sorted = [...runs].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const run of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - run.y) <= 0.4 * Math.max(last.size, run.size)) last.runs.push(run);
    else lines.push({ page, y: run.y, size: run.size, runs: [run], text: '' });
  }
  for (const l of lines) {
    l.runs.sort((a, b) => a.x - b.x);
    l.text = joinRuns(l.runs);
  }
  return lines;
}

/** Kana, kanji, CJK punctuation and full-width forms. */
const CJK = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

export function joinRuns(runs: Run[]): string {
  let out = '';
  let right = -Infinity;
  for (const r of runs) {
    const t = r.text.trim();
    const gap = r.x - right;
    // Chromium and most writers split a line's text into runs at spaces: a gap is a space as written. Word and
    // LibreOffice also set a gap of about 0.2 em between Japanese and Latin letters or digits (autospace: 第 3 部,
    // 令和 8 年度; measured 0.200–0.214 em, a written space 0.257 em) and cut the runs there: typography, not a space.
    const autospace = out !== '' && t !== '' && (CJK.test(out[out.length - 1]) || CJK.test(t[0]));
    if (out && gap > (autospace ? 0.23 : 0.2) * r.size) out += ' ';
    out += t;
    right = r.x + r.width;
  }
  return out;
}

/**
 * A heading line: every run names a column role, and one of them is the comment or the response. A role named twice
 * needs one exact heading among them (意見に対する考え方 beside 対応区分): that keeps out a wrapped cell line whose
 * two halves merely contain a heading word (「…対応に必要な人材…」 beside 「…対応能力を支える…」, both 対応).
 */
export function headingRoles(line: Line): string[] | null {
  if (line.runs.length < 2) return null;
  const roles = line.runs.map((r) => matchRole(r.text.trim()));
  // A heading wrapped in a narrow column leaves its first part on this line (「N」 of 「No.」, 「通し番」 of 「通し番号」
  // at a large font size): it names no role yet; findHeading reads it together with its continuation below.
  const fragment = (k: number) => isHeadingStart(line.runs[k].text.trim());
  if (roles.some((m, k) => (!m && !fragment(k)) || (m && m.rank >= 1000 && /[。、]/.test(line.text)))) return null;
  if (roles.filter(Boolean).length < 2) return null;
  const names = roles.map((m) => m?.role ?? '');
  const onlyContained = (role: string) => roles.every((m) => m?.role !== role || m.rank >= 1000);
  if (names.some((role, k) => role && names.indexOf(role) !== k && onlyContained(role))) return null;
  return names.includes('comment') || names.includes('response') ? names : null;
}

/**
 * Column headings and the lines their wrapped headings continue on (意見番 / 号, 意見に対する考え / 方): at the
 * cell's line spacing right under a heading line, short runs, no number, each under a heading of the line above.
 */
export function headingLines(pages: Line[][]): Set<Line> {
  const out = new Set<Line>();
  for (const lines of pages) {
    lines.forEach((l, k) => {
      if (headingRoles(l)) out.add(l);
      else if (k > 0 && out.has(lines[k - 1]) && lines[k - 1].y - l.y <= 1.2 * l.size && continuesHeading(l, lines[k - 1])) out.add(l);
    });
  }
  return out;
}

function continuesHeading(l: Line, above: Line): boolean {
  return l.runs.every((r) => {
    const h = above.runs.find((x) => r.x >= x.x - r.size && r.x <= x.x + x.width + r.size);
    const text = r.text.trim();
    if (!h || [...text].length > 8 || parseNumber(text) !== null) return false;
    // A heading already whole (意見の概要) takes only a bracketed note under it; a cell's last words printed right
    // under the repeated headings (「べき。」) are the row's, not the heading's.
    const alone = matchRole(h.text.trim());
    if (alone && alone.rank < 1000) return /^[（(【［\[]/.test(text);
    return matchRole(h.text.trim() + text) !== null || isHeadingStart(h.text.trim() + text);
  });
}

export interface Found {
  heading: Line | null;
  roles: string[] | null;
}

/** The first column headings; each heading's role read with its wrapped continuation (意見番 + 号 = 意見番号). */
export function findHeading(pages: Line[][], heads: Set<Line>): Found {
  for (const lines of pages) {
    const k = lines.findIndex((l) => headingRoles(l));
    if (k < 0) continue;
    const heading = lines[k];
    const texts = heading.runs.map((r) => r.text.trim());
    for (let j = k + 1; j < lines.length && heads.has(lines[j]) && !headingRoles(lines[j]); j++) {
      for (const r of lines[j].runs) {
        const h = heading.runs.findIndex((x) => r.x >= x.x - r.size && r.x <= x.x + x.width + r.size);
        if (h >= 0) texts[h] += r.text.trim();
      }
    }
    const roles = texts.map((t) => matchRole(t)?.role ?? '');
    return { heading, roles: roles.every(Boolean) ? roles : headingRoles(heading) };
  }
  return { heading: null, roles: null };
}

/** The column headings repeated at the same places: the page has the columns of the first. */
export function sameHeading(a: Line, b: Line): boolean {
  return a.runs.length === b.runs.length && a.runs.every((r, k) => Math.abs(r.x - b.runs[k].x) <= 3);
}
