// Text layers that read a table row by row but print every line back to back (pdftotext -raw of a ruled table
// printed by a browser): each row is its number (with the comment's first line after it, or alone), the comment's
// hard-wrapped lines, then the answer's lines, then the next number; no blank line anywhere, page furniture
// (running title, 「- N -」, the column headings again) between the pages, section headings between rows.
// A row cut by a page break prints the piece of each column that fits on the page, then the rest of both on the
// next page: comment, answer, furniture, comment (rest), answer (rest).
// Each row's lines are cut once per page piece, between its comment lines and its answer lines, at the border the
// line-end evidence of pdf-serial-cut.ts likes best (sentence ends, short lines, answer openers, the voice of
// answers vs comments); a row whose lines all read as the comment has no answer. Borders that another reading
// scores almost as well are named in a warning.
import { normalize } from '../core/text.ts';
import { isSectionHeading, lineLabel, matchRole, parseNumber } from './columns.ts';
import { finishDrafts, followsNumber, furnitureOf, runningTitles, type Draft, type Fate } from './pdf-serial.ts';
import { ANSWER_VOICE as POLITE, COMMENT_VOICE, scorer, widthMetric, type CutLine } from './pdf-serial-cut.ts';
import type { LayoutLine } from './pdf-text.ts';
import type { ParseOptions, ParsedDocument } from './types.ts';

// A row's number at the start of a line: alone, or followed by a space and the comment's first line.
// Plain (12), compound (3-1) or bracketed ((4), ①) numbers.
const ROW_START = /^((?:No\.?\s*)?[0-9０-９]{1,4}(?:[-‐－][0-9０-９]{1,3})?|[（(][0-9０-９]{1,3}[)）]|[①-⑳㉑-㉟㊱-㊿])(?:[ \u3000]+(\S.*))?$/;
const NO_START = /^[、。，．,.）)」』】]/;
const COUNTER = /^(?:年度|年(?:[間後前]|から|まで|に|の|を|は)|か月|ヶ月|カ月|点目|箇所|か所|[%％]|割|倍|回目|件(?:の|を|が|に))/;
// What a row read with no answer costs: most rows have one, so the answer-side evidence must be poor.
const NO_ANSWER = 3;
// A 該当箇所 value as printed: 第2章, P.12, 3-1, 2(1)ア, 12ページ, 全体… (one space-separated token of it).
const LOCATION_TOKEN =
  /^(?:第[0-9一二三四五六七八九十]+[章節部編款項](?:[0-9一二三四五六七八九十]+[節項])?|[(]?[Pp][.]?[0-9]+(?:[-~～][0-9]+)?[)]?|[0-9]+(?:ページ|頁)|全体|全般|総論|その他|はじめに|おわりに|別[紙表][0-9]*|[0-9]+(?:[-.][0-9]+)+|[0-9]+[(][0-9]+[)][ア-ン]?)$/;
// What a row read with no comment costs: rarer still (a comment cell left empty, or printed once for two rows).
const NO_COMMENT = 4;
// A column going on across a page break is the one that filled the page: a reading against that costs this much.
const PAGE_FILL = 3;
// Score units by which the chosen border must beat the best other one, else the row is named in a warning.
const UNSURE = 1.5;
const VOICE = 0.75;
const MAX_PREAMBLE = 8;
const MID_WORD = /^[\u3041-\u3096ー]/;
const KANA_OPENER = /^(?:ご|お|また|なお|この|その|これ|それ|いただ|ただし|さらに|しかし|まず|ぜひ|すべて|いわゆる|ここ)/;
// Beyond what the scorer already charges for a cell starting mid-word.
const MID_ANSWER = 2.5;
const LIST_MARK = /^(?:[・●○■□◆◇※＊*－-]|[①-⑳])/;
const LIST_ANSWER = 1;
const ANSWER_VOICE = /(?:ます|です|ません|ました|まいります|ございます)/;
// A line split in two at a space (two cells on one baseline) must beat the reading of whole lines by this much.
const SPLIT = 2;

interface Start {
  pos: number;
  number: string;
  /** The comment's first line printed after the number, if any. */
  rest: string;
}

interface Piece {
  page: number;
  lines: number[];
  texts: string[];
}


function isHeadingRow(raw: string): boolean {
  const parts = normalize(raw).split(' ').filter(Boolean);
  const roles = parts.map((p) => {
    const m = matchRole(p);
    // A loose match (御意見の要旨) counts when it reads like a heading: short, no punctuation.
    return m && (m.rank < 1000 || ([...p].length <= 12 && !/[。、]/.test(p))) ? m.role : null;
  });
  return parts.length >= 2 && roles.every(Boolean) && (roles.includes('comment') || roles.includes('response'));
}

function rowStart(text: string, last: string | null, afterHeading: boolean): Start | null {
  const m = ROW_START.exec(text.trim());
  if (!m) return null;
  const n = parseNumber(m[1]);
  const rest = m[2] ?? '';
  if (!n || NO_START.test(rest)) return null;
  // The next number (1 again under a new section heading), or a small jump (a row deleted from the table) when
  // the number stands alone.
  const first = Number.parseInt(n, 10);
  if (last === null ? !(first >= 1 && first <= 50) : !followsNumber(last, n, afterHeading, rest ? 1 : 5)) return null;
  return { pos: -1, number: n, rest };
}

/**
 * Items, or null when the text is not a row-order table without blank lines (the caller tries the other readings).
 */
export function rowOrderToDocument(lines: LayoutLine[], opts: ParseOptions, inputChars: number): ParsedDocument | null {
  const byPage = new Map<number, LayoutLine[]>();
  for (const l of lines) byPage.set(l.page, [...(byPage.get(l.page) ?? []), l]);
  const titles = runningTitles([...byPage.values()]);
  const fates = new Map<number, Fate>();
  for (const l of lines) {
    const f = furnitureOf(l, titles);
    if (f) fates.set(l.index, f);
  }
  // A bare number ending its page, equal to the page's number, is the page number (a row starts with its cells).
  const lastOfPage = new Map<number, LayoutLine>();
  for (const l of lines) if (!fates.has(l.index)) lastOfPage.set(l.page, l);
  for (const l of lastOfPage.values()) if (/^\d+$/.test(l.raw.trim()) && Number(l.raw.trim()) === l.page) fates.set(l.index, { fate: 'header', reason: 'page number' });
  const content = lines.filter((l) => !fates.has(l.index));
  if (content.length < 6) return null;
  // A result table prints its column headings (番号 意見の概要 意見に対する考え方) at least once; numbered prose
  // (minutes: 1 開会, 2 議事…) does not, and is not taken for rows.
  if (!lines.some((l) => isHeadingRow(l.raw))) return null;
  // Columns side by side (-layout) or one-column labelled text are other readers' business.
  if (content.filter((l) => l.segments.length > 1).length > 0.1 * content.length) return null;
  if (content.some((l) => lineLabel(normalize(l.raw).trim())?.role === 'response')) return null;
  const starts: Start[] = [];
  let last: string | null = null;
  let afterHeading = false;
  content.forEach((l, pos) => {
    const s = rowStart(l.raw, last, afterHeading);
    if (!s) {
      if (isSectionHeading(l.raw)) afterHeading = true;
      return;
    }
    // 「令和 / 7 年度から」「3 点目」: a number wrapped to a line start with its counter, mid-sentence, is text.
    if (pos > 0 && COUNTER.test(s.rest) && !/[。．！？!?」）)]$/.test(content[pos - 1].raw.trim())) return;
    starts.push({ ...s, pos });
    last = s.number;
    afterHeading = false;
  });
  if (starts.length < 3) return null;
  // A run of bare numbers is a number column printed on its own (column-serialised text), not rows.
  const bareRuns = starts.filter((s, k) => !s.rest && k > 0 && starts[k - 1].pos === s.pos - 1).length;
  if (bareRuns > 0.2 * starts.length) return null;
  // Blank lines between cells: the paragraph reading handles those.
  const blanks = lines.filter((l, i) => !l.raw.trim() && i > 0 && i < lines.length - 1 && lines[i - 1].raw.trim() && lines[i + 1].raw.trim() && lines[i - 1].page === lines[i + 1].page).length;
  if (blanks > 0.1 * starts.length) return null;
  const rowLines = content.length - starts[0].pos;
  if (rowLines < 2 * starts.length) return null;

  const warnings: string[] = [];
  const headingOf = new Map<number, string>();
  // Before the first row: section headings, else a title or preamble of a few lines.
  let section: string | null = null;
  const before = content.slice(0, starts[0].pos);
  if (before.length > MAX_PREAMBLE) return null;
  for (const l of before) {
    if (isSectionHeading(l.raw)) headingOf.set(l.index, (section = normalize(l.raw)));
    else fates.set(l.index, { fate: 'skipped', reason: 'text before the first numbered row (title or preamble)' });
  }
  if (before.some((l) => !headingOf.has(l.index))) warnings.push(`line ${before[0].index}: ${before.filter((l) => !headingOf.has(l.index)).length} line(s) before the first numbered row taken for a title or preamble and skipped`);

  // A 該当箇所 column: its cell sits on the row's first line between the number and the comment's first line.
  const located = lines.some((l) => isHeadingRow(l.raw) && normalize(l.raw).split(' ').some((x) => matchRole(x)?.role === 'location'));
  const locationOf = new Map<Start, string>();
  if (located) {
    for (const st of starts) {
      const tokens = st.rest.split(/[ \u3000]+/);
      let n = 0;
      while (n < tokens.length - 1 && LOCATION_TOKEN.test(normalize(tokens[n]))) n++;
      if (!n) continue;
      locationOf.set(st, tokens.slice(0, n).join(' '));
      st.rest = tokens.slice(n).join(' ');
    }
  }
  const all = content.map((l) => l.raw.trim());
  starts.forEach((s) => {
    if (s.rest) all[s.pos] = s.rest;
  });
  const metric = widthMetric(all.filter(Boolean));
  const drafts: Draft[] = [];
  starts.forEach((s, k) => {
    let end = k + 1 < starts.length ? starts[k + 1].pos : content.length;
    const d: Draft = { number: s.number, section, location: locationOf.get(s), comment: [], response: [], lines: [content[s.pos].index], pages: new Set([content[s.pos].page]) };
    // A section heading printed between this row and the next closes this row.
    while (end - 1 > s.pos && k + 1 < starts.length && isSectionHeading(content[end - 1].raw)) {
      end--;
      headingOf.set(content[end].index, normalize(content[end].raw));
    }
    const headings = [...headingOf.keys()].filter((i) => i > content[s.pos].index && i < (content[starts[k + 1]?.pos]?.index ?? Infinity));
    if (headings.length) section = headingOf.get(headings[headings.length - 1])!;
    const pieces: Piece[] = [];
    for (let p = s.pos; p < end; p++) {
      const l = content[p];
      const text = p === s.pos ? s.rest : l.raw.trim();
      if (p !== s.pos && !text) continue;
      if (!pieces.length || pieces[pieces.length - 1].page !== l.page) pieces.push({ page: l.page, lines: [], texts: [] });
      if (p === s.pos && !text) continue;
      pieces[pieces.length - 1].lines.push(l.index);
      pieces[pieces.length - 1].texts.push(text);
    }
    const live = pieces.filter((x) => x.lines.length);
    const whole = cutRow(live, metric);
    let cut = whole;
    let bestSplit = -Infinity;
    // A one-line comment shares its baseline with the answer's first line, and pdftotext -raw may print both as one
    // line: "130 反対。国会でとりあげてほしい。 サイバーセキュリティ戦略は、…". Split at a space after a sentence end.
    const first = live[0]?.texts[0] ?? '';
    let split: [string, string] | null = null;
    for (const m of first.matchAll(/[。．！？!?]」?[ \u3000]+(?=\S)/g)) {
      const left = first.slice(0, m.index! + m[0].trimEnd().length);
      const right = first.slice(m.index! + m[0].length);
      const pieces2 = [{ ...live[0], texts: [left, right, ...live[0].texts.slice(1)] }, ...live.slice(1)];
      const c2 = cutRow(pieces2, metric, 1);
      bestSplit = Math.max(bestSplit, c2.score - SPLIT);
      if (c2.score - SPLIT > cut.score) (cut = { ...c2, borders: c2.borders.map((b, j) => (j === 0 ? 0 : b)) }), (split = [left, right]);
    }
    // Split or not is one more choice of border: its margin counts too.
    const margin = Math.min(cut.margin, split ? cut.score - whole.score : whole.score - bestSplit);
    live.forEach((x, j) => {
      if (j === 0 && split) {
        d.comment.push(split[0]);
        d.response.push(split[1], ...x.texts.slice(1));
      } else {
        d.comment.push(...x.texts.slice(0, cut.borders[j]));
        d.response.push(...x.texts.slice(cut.borders[j]));
      }
      d.lines.push(...x.lines);
      d.pages.add(x.page);
    });
    if (margin < UNSURE) warnings.push(`No.${s.number}: the border between comment and answer is unsure (no blank lines between cells; another cut scores within ${margin.toFixed(1)}), check No.${s.number}`);
    drafts.push(d);
  });
  // An office's answer nearly always has a polite sentence (〜ます, 〜です); a text taken for the answer without one
  // may be the end of the comment (a list the comment closes with) in a row whose answer cell is empty.
  const plain = drafts.filter((d) => d.response.length && !d.response.some((t) => ANSWER_VOICE.test(t))).map((d) => `No.${d.number}`);
  if (plain.length) warnings.push(`rows read in order without blank lines: the text taken for the answer of ${plain.join(', ')} has no polite (〜ます/〜です) sentence; it may be the end of the comment, check ${plain.join(', ')}`);
  const noComment = drafts.filter((d) => !d.comment.length && d.response.length).map((d) => `No.${d.number}`);
  if (noComment.length) warnings.push(`rows read in order without blank lines: ${noComment.join(', ')} read as an answer with no comment (its first line reads as an answer's), check ${noComment.join(', ')}`);
  const noAnswer = drafts.filter((d) => !d.response.length).map((d) => `No.${d.number}`);
  if (noAnswer.length) warnings.push(`rows read in order without blank lines: ${noAnswer.join(', ')} read as a comment with no answer (every line reads as the comment)`);
  return finishDrafts(drafts, lines, fates, headingOf, opts, inputChars, warnings, located, 'text outside the numbered rows');
}

/**
 * The border in each page piece of one row: piece j's lines before borders[j] are comment, the rest answer. The
 * first piece holds the start of both cells (no answer: border at its end); a later piece continues the columns
 * that did not fit, the one that filled the page above among them.
 */
/**
 * voice[b]: the sum over lines before b of +1 for an answer's voice, −1 for a comment's, each line read with the
 * first characters of the next, since the wrap often splits the ending (「してほし」「い。」).
 */
function voiceSums(texts: string[]): number[] {
  const sums = [0];
  const has = (re: RegExp, t: string, own: number) => {
    const g = new RegExp(re.source, 'g');
    for (const m of t.matchAll(g)) if (m.index! < own) return true;
    return false;
  };
  texts.forEach((t, i) => {
    const x = t + (texts[i + 1] ?? '').slice(0, 3);
    sums.push(sums[i] + (has(POLITE, x, t.length) ? 1 : 0) - (has(COMMENT_VOICE, x, t.length) ? 1 : 0));
  });
  return sums;
}

export function cutRow(pieces: { texts: string[] }[], metric: ReturnType<typeof widthMetric>, force?: number): { borders: number[]; margin: number; score: number } {
  if (!pieces.length) return { borders: [], margin: Infinity, score: 0 };
  const scored = pieces.map((p) => {
    const cl: CutLine[] = p.texts.map((text) => ({ text, blankBefore: false }));
    return { n: cl.length, sc: scorer(cl, metric), voice: voiceSums(p.texts) };
  });
  const m = pieces.length;
  // Evidence for the border b of piece j on its own: the answer's opening line and the voice on either side; and
  // in the last piece, the comment's last line ending a cell (in an earlier piece, step() weighs it, as the end of
  // a cell or as the middle of one going on over the page break).
  const own = (j: number, b: number): number => {
    const { n, sc, voice } = scored[j];
    let v = VOICE * (voice[n] - 2 * voice[b]);
    if (b > 0 && b < n) {
      const t = pieces[j].texts[b].trim();
      v += sc.start(t, 'answer') + (j === m - 1 ? sc.ends[b - 1] : 0);
      // In a row both cells start at its top: an answer never starts in the middle of a word, seldom with a list mark.
      if (MID_WORD.test(t) && !KANA_OPENER.test(t)) v -= MID_ANSWER;
      if (LIST_MARK.test(t)) v -= LIST_ANSWER;
    }
    if (j === 0 && b === n) v -= NO_ANSWER;
    // A row whose comment cell is empty prints its number, then the answer: its first line must read as an answer's.
    if (j === 0 && b === 0) {
      const t = pieces[0].texts[0].trim();
      v += sc.start(t, 'answer') - NO_COMMENT - (MID_WORD.test(t) && !KANA_OPENER.test(t) ? MID_ANSWER : 0);
    }
    return v;
  };
  // Going from piece j−1 cut at a to piece j cut at b.
  const step = (j: number, a: number, b: number): number => {
    const prev = scored[j - 1];
    const goesC = b > 0;
    const goesA = b < scored[j].n;
    const lenC = a;
    const lenA = prev.n - a;
    if ((goesC && lenC === 0 && j === 1) || (goesA && lenA === 0)) return -Infinity;
    let v = 0;
    // A column that goes on ends its piece mid-cell; one that does not ends it at a cell end.
    if (lenC > 0) v += goesC ? Math.min(0, -prev.sc.ends[a - 1]) : prev.sc.ends[a - 1];
    if (lenA > 0) v += goesA ? Math.min(0, -prev.sc.lastEnd) : prev.sc.lastEnd;
    const fits = goesC && goesA ? Math.abs(lenC - lenA) <= 1 : goesC ? lenC >= lenA : lenA >= lenC;
    return fits ? v : v - PAGE_FILL;
  };
  const fwd: number[][] = [];
  const from: number[][] = [];
  for (let j = 0; j < m; j++) {
    const n = scored[j].n;
    fwd.push(Array<number>(n + 1).fill(-Infinity));
    from.push(Array<number>(n + 1).fill(-1));
    for (let b = 0; b <= n; b++) {
      if (j === 0 && force !== undefined && b !== force) continue;
      if (j === 0) {
        fwd[j][b] = own(0, b);
        continue;
      }
      fwd[j - 1].forEach((f, a) => {
        const v = f + step(j, a, b) + own(j, b);
        if (v > fwd[j][b]) (fwd[j][b] = v), (from[j][b] = a);
      });
    }
  }
  const bwd: number[][] = scored.map((s) => Array<number>(s.n + 1).fill(-Infinity));
  for (let j = m - 1; j >= 0; j--) {
    for (let a = 0; a <= scored[j].n; a++) {
      if (j === m - 1) bwd[j][a] = 0;
      else for (let b = 0; b <= scored[j + 1].n; b++) bwd[j][a] = Math.max(bwd[j][a], step(j + 1, a, b) + own(j + 1, b) + bwd[j + 1][b]);
    }
  }
  const lastRow = fwd[m - 1];
  let b = lastRow.reduce((best, v, i) => (v > lastRow[best] ? i : best), 0);
  const score = lastRow[b];
  const borders: number[] = Array(m).fill(0);
  for (let j = m - 1; j >= 0; j--) {
    borders[j] = b;
    b = from[j][b];
  }
  // How much better the chosen border of each piece is than its best alternative, all else re-optimised.
  let margin = Infinity;
  for (let j = 0; j < m; j++) {
    const totals = fwd[j].map((f, x) => f + bwd[j][x]);
    const other = Math.max(...totals.filter((_, x) => x !== borders[j]));
    if (other > -Infinity) margin = Math.min(margin, totals[borders[j]] - other);
  }
  return { borders, margin, score };
}

