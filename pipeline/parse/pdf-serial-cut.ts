// Column-serialised pages whose cells are NOT separated by blank lines (pdftotext without -layout or -raw, the pdfjs
// text order): each page is one run of hard-wrapped lines, the number run's k numbers saying that it holds k comment
// cells then k answer cells, plus one more at the head of either column when a row continues from the page before.
// Cutting at every short line fails (a cell whose text happens to end at full width merges with the next), so every
// gap between two lines gets a score, the log-odds-like evidence that a cell ends there, and the page is cut into
// exactly the cells its numbers call for at the best-scoring gaps (dynamic programming over cut positions):
// - a line ending a sentence (。」）) is likely a cell's last line, one ending in 、 is not;
// - a line shorter than the column's full width (the common widths of the document's lines, by characters or by
//   display width) likely ends a cell, a full one likely does not, unless the line-breaking rules explain it
//   (a 、。」 that may not start a line took the last character down with it);
// - a cell seldom starts mid-word (hiragana) or with a connective (また、); an answer often opens with a formula
//   (ご意見, 御意見, 本計画, 〜については);
// - answers speak in an office's polite voice (〜ます), comments ask (〜べき, 〜してほしい): the border between the
//   page's comments and its answers is weighed by the voice of the lines on either side;
// - a blank line, where there is one, is a cell border.
// Whether each column's first cell on a page continues the row cut by the page break, and whether its last cell is
// cut by the next break, is decided over the whole document at once (Viterbi over the pages, with the rule that the
// column going on fills the page), since the evidence for a cut row sits on both sides of the break. An empty
// answer cell prints nothing, so a page may also be read with fewer answers than numbers, at a price. Weak cuts and
// close page-break readings are returned for the caller to report.
/** One content line of a page: text, and whether a blank line came before it. */
export interface CutLine {
  text: string;
  blankBefore: boolean;
}

export interface CutPage {
  /** How many numbers the page's number run holds. */
  k: number;
  lines: CutLine[];
}

export interface PageCells {
  /** The page's cells as [first, last] line positions, in order: continued comment, comments, continued answer, answers. */
  cells: [number, number][];
  commentCont: boolean;
  answerCont: boolean;
  /** Cells (indices into `cells`) whose cut before them had weak evidence. */
  weakCuts: number[];
  /** How many of the page's numbers have no answer cell (an empty cell prints nothing). */
  missing: number;
  /** How many have no comment cell. */
  missingComments: number;
  /** How much better the page reads with these empty cells than with any other count of them. */
  emptyMargin: number;
}

type Role = 'comment' | 'comment-cont' | 'answer' | 'answer-cont';

const TERMINAL = /[。．.！？!?」』）)]$/;
const COMMA = /[、，,]$/;
const NO_START = /^[、。，．,.）)」』】]/;
const KINSOKU_START = /^[、。，．,.）)」』】・ーぁぃぅぇぉっゃゅょァィゥェォッャュョ]/;
const OPENING = /^[「『（(【〔［]/;
const ANSWER_OPENER = /^(?:ご意見|御意見|ご指摘|御指摘|ご提案|御提案|ご要望|御要望|いただいた|頂いた|本計画|本戦略|本案|本方針|賛同|貴重な)/;
const TOPIC_OPENER = /^[^。、]{1,20}(?:については|につきましては)[、，]/;
// A line that starts with hiragana is mostly the rest of a word or sentence wrapped from the line before; a cell
// starts with hiragana only with a few opening words.
const MID_WORD = /^[\u3041-\u3096ー]/;
const KANA_OPENER = /^(?:ご|お|また|なお|この|その|これ|それ|あの|いただ|ただし|さらに|しかし|まず|ぜひ|すべて|いわゆる|もし|なぜ|どの|よって|したがって|つまり|ここ)/;
// A sentence inside a cell often opens with a connective; a cell seldom does.
const CONNECTIVE = /^(?:また|なお|さらに|しかし|ただし|一方|そのため|このため|したがって|よって|加えて|あわせて|併せて)[、，]/;
// Answers are written in the polite form of an office (〜ます, 〜です); comments ask (〜べき, 〜してほしい).
// Lines in either voice tell on which side of the comment→answer border they lie.
export const ANSWER_VOICE = /(?:ます|です|ません|ました|まいります|ございます|考えております)/;
export const COMMENT_VOICE = /(?:べき|ほしい|欲しい|である|ではないか|お願い|求め|要望|したい|望む|思う|思います|頂きたい|いただきたい)/;
const VOICE = 0.75;
const BLANK_CUT = 20;
// What reading a page's answer column with one cell fewer than its numbers costs: an empty answer cell is rare,
// so it must save a cut at least this bad. At most this many per page.
const EMPTY_CELL = 1.5;
// An empty comment cell is rarer still (a comment printed once for two rows, a row holding only an answer).
const EMPTY_COMMENT = 2;
export const MAX_MISSING = 4;
// The rule that the column going on across a page break is the one that filled the page (segment()), where the page
// reads with an answer cell missing: the comment cut by the break may be of a row with no answer, whose answer piece
// is then empty and the page's last answer another row's, so the rule is only a weak hint.
const LOOSE_FILL = 1;
// Per unit of wording an answer shares with its comment (a share of bigrams, 0–1): a reading that pairs the
// page's comments with answers that take up their terms is likelier than one that shifts them by a cell.
const PAIRING = 2;
const MAX_PAGE_LINES = 2000;
const WEAK = 1;

/** Line width, by characters or by display width (full-width 2), whichever makes more lines exactly full. */
export function widthMetric(texts: string[]): { width: (s: string) => number; unit: number; full: number[] } {
  const chars = (s: string) => [...s].length;
  const display = (s: string) => [...s].reduce((n, ch) => n + (/[\u0000-\u00ff\uff61-\uff9f]/.test(ch) ? 1 : 2), 0);
  const fullWidths = (f: (s: string) => number) => {
    const counts = new Map<number, number>();
    for (const t of texts) counts.set(f(t), (counts.get(f(t)) ?? 0) + 1);
    const need = Math.max(3, 0.1 * texts.length);
    const common = [...counts].filter(([w, n]) => n >= need && w > 4).map(([w]) => w).sort((a, b) => a - b);
    const hits = common.reduce((n, w) => n + (counts.get(w) ?? 0), 0);
    // Common widths a unit apart are one column's full width (a line with a half-width character in it may
    // stop a unit short, with no room for one more full-width character): keep the widest of each group.
    const full = common;
    return { full, hits };
  };
  const c = fullWidths(chars);
  const d = fullWidths(display);
  return d.hits > c.hits ? { width: display, unit: 2, full: d.full } : { width: chars, unit: 1, full: c.full };
}

export function scorer(lines: CutLine[], metric: ReturnType<typeof widthMetric>, k = Infinity) {
  // One full-width character, in the metric's units.
  const char = metric.unit;
  /** Evidence that a cell ends with line i. */
  const end = (i: number): number => {
    const t = lines[i].text.trim();
    if (COMMA.test(t)) return -4;
    const terminal = TERMINAL.test(t);
    // Width as printed: a space that ended or started the line took its room too.
    const w = metric.width(lines[i].text);
    const f = metric.full.find((x) => x >= w);
    let short = f === undefined ? 0 : f - w;
    // The line-breaking rules moved this line's last character down: with a 、。」・ that may not start a line,
    // or an opening bracket that may not end one. Full, for all that shows.
    const next = [...(lines[i + 1]?.text.trim() ?? '')];
    if (short <= 2 * char && next.length > 1 && KINSOKU_START.test(next[1])) short = 0;
    if (short <= 2 * char && OPENING.test(next[0] ?? '') && !terminal) short = 0;
    if (/[A-Za-z0-9]$/.test(t) && /^[A-Za-z0-9]/.test(next[0] ?? '')) short = 0;
    // A sentence that happens to end at full width ends a cell about as often as it goes on inside one.
    if (short <= 0) return terminal ? -0.5 : -4;
    // Less than a full-width character short: full, but for a half-width character that did not fit.
    if (short < (char === 2 ? 3 : 1)) return terminal ? 1 : -2;
    return terminal ? 6 : 2;
  };
  /** Evidence that a cell in this role starts with this line. */
  const start = (t: string, role: Role): number => {
    // The rest of a cell cut by the page break starts anywhere in a sentence.
    if (role.endsWith('-cont')) return 0;
    if (NO_START.test(t)) return -5;
    let s = (MID_WORD.test(t) && !KANA_OPENER.test(t)) || CONNECTIVE.test(t) ? -1.5 : 0;
    if (role === 'answer') s += ANSWER_OPENER.test(t) ? 2 : TOPIC_OPENER.test(t) ? 1 : 0;
    return s;
  };
  const ends = lines.map((_, i) => end(i));
  // The page's last line, short with no sentence end, by display width: a cell that ends without 。, or the
  // breaking rules moving a bracket or word onto the next page, where this page cannot see it. No evidence.
  const last = lines.length - 1;
  const lastEnd = char === 2 && ends[last] === 2 ? 0 : ends[last];
  // voice[b]: the sum over lines before b of +1 for an answer's voice, −1 for a comment's.
  const voice = [0];
  for (const l of lines) voice.push(voice[voice.length - 1] + (ANSWER_VOICE.test(l.text) ? 1 : 0) - (COMMENT_VOICE.test(l.text) ? 1 : 0));
  /** A cut before line i (i ≥ 1) that starts a cell in `role`. `cutRow`: the cell before it was cut by the page
   *  break: its last line should look like the middle of a cell (full, no sentence end), not like an end. */
  // A page whose cells are separated by blank lines (at least as many as its numbers): a border without one is no
  // border (the page reads with an empty cell rather than cut a cell at a sentence end inside it).
  const blankBorders = lines.filter((l) => l.blankBefore).length >= Math.max(2, k);
  const cut = (i: number, role: Role, cutRow: boolean): number =>
    (lines[i].blankBefore ? BLANK_CUT : blankBorders ? -BLANK_CUT : 0) + (cutRow ? Math.min(0, -ends[i - 1]) : ends[i - 1]) + start(lines[i].text.trim(), role);
  return { ends, cut, start, voice, lastEnd };
}

interface Segmentation {
  score: number;
  starts: number[];
}

/**
 * The best cut of a page's n lines into its comment cells then its answer cells (each at least one line), or
 * null when there are too few lines. `cutC`/`cutA`: the last comment / answer cell is cut by the page break.
 * Every position of the comment→answer border is tried: the best comment cells before it (a DP forward) and the
 * best answer cells after it (a DP backward), so that the border can be weighed on its own evidence, including the
 * rule of a row cut by the page break: the column that goes on to the next page is the one that fills the page, so
 * its piece is at least as long as the other column's piece of that row.
 */
export function segment(
  n: number,
  commentRoles: Role[],
  answerRoles: Role[],
  cut: (i: number, role: Role, cutRow: boolean) => number,
  cutC: boolean,
  cutA: boolean,
  voice: number[],
  emptyAnswers = 0,
): Segmentation | null {
  const mc = commentRoles.length;
  const ma = answerRoles.length;
  // A "page" of thousands of lines is not a printed page: not worth the quadratic memory.
  if (mc + ma === 0 || mc + ma > n || n > MAX_PAGE_LINES) return null;
  // fwd[j][i]: comment cells 0..j placed, cell j starting at line i; fwdFrom: where cell j−1 started.
  const fwd: number[][] = [];
  const fwdFrom: number[][] = [];
  for (let j = 0; j < mc; j++) {
    const row = Array<number>(n).fill(-Infinity);
    const back = Array<number>(n).fill(-1);
    if (j === 0) row[0] = 0;
    else {
      let runMax = -Infinity;
      let runArg = -1;
      for (let i = j; i < n; i++) {
        if (fwd[j - 1][i - 1] > runMax) (runMax = fwd[j - 1][i - 1]), (runArg = i - 1);
        if (runMax === -Infinity) continue;
        row[i] = runMax + cut(i, commentRoles[j], false);
        back[i] = runArg;
      }
    }
    fwd.push(row);
    fwdFrom.push(back);
  }
  // bwd[j][i]: answer cells j..ma−1 placed in lines i..n−1, cell j starting at i (the cut before it not counted).
  const bwd: number[][] = Array.from({ length: ma }, () => Array<number>(n).fill(-Infinity));
  const bwdTo: number[][] = Array.from({ length: ma }, () => Array<number>(n).fill(-1));
  for (let j = ma - 1; j >= 0; j--) {
    if (j === ma - 1) {
      for (let i = 0; i < n; i++) bwd[j][i] = 0;
      continue;
    }
    let runMax = -Infinity;
    let runArg = -1;
    for (let i = n - 2; i >= 0; i--) {
      const v = bwd[j + 1][i + 1] + cut(i + 1, answerRoles[j + 1], false);
      if (v > runMax) (runMax = v), (runArg = i + 1);
      bwd[j][i] = runMax;
      bwdTo[j][i] = runArg;
    }
  }
  // lastAnswer[j][i]: where the last answer cell starts when cell j starts at i (for the row-piece rule).
  const lastAnswer: number[][] = Array.from({ length: ma }, () => Array<number>(n).fill(-1));
  for (let j = ma - 1; j >= 0; j--) {
    for (let i = 0; i < n; i++) lastAnswer[j][i] = j === ma - 1 ? i : bwdTo[j][i] >= 0 ? lastAnswer[j + 1][bwdTo[j][i]] : -1;
  }
  let best: { score: number; a: number; b: number } | null = null;
  // The comment cells before b: the last one starts at the best a < b (a running maximum as b grows).
  let lastMax = -Infinity;
  let lastArg = -1;
  for (let b = mc === 0 ? 0 : 1; b <= (ma === 0 ? n : n - 1); b++) {
    if (mc > 0 && fwd[mc - 1][b - 1] > lastMax) (lastMax = fwd[mc - 1][b - 1]), (lastArg = b - 1);
    if ((mc === 0 && b !== 0) || (ma === 0 && b !== n)) continue;
    let score = 0;
    const a = lastArg;
    if (mc > 0) {
      if (lastMax === -Infinity) continue;
      score += lastMax;
    }
    if (ma > 0) {
      if (bwd[0][b] === -Infinity) continue;
      score += bwd[0][b];
      if (mc > 0) score += cut(b, answerRoles[0], cutC);
    }
    // Comment-voiced lines before the border and answer-voiced ones after it: −2·(voice sum before b), up to a constant.
    score -= 2 * VOICE * voice[b];
    if (mc > 0 && ma > 0 && (cutC || cutA)) {
      const lenC = b - a;
      const lenA = n - lastAnswer[0][b];
      const fits = cutC && cutA ? lenC === lenA : cutC ? lenC >= lenA : lenA >= lenC;
      if (!fits) score -= emptyAnswers > 0 && cutC && !cutA ? LOOSE_FILL : 3;
    }
    if (!best || score > best.score) best = { score, a, b };
  }
  if (!best) return null;
  const starts: number[] = [];
  if (mc > 0) for (let i = best.a, j = mc - 1; j >= 0; i = fwdFrom[j][i], j--) starts.unshift(i);
  if (ma > 0) for (let i = best.b, j = 0; j < ma; i = bwdTo[j][i], j++) starts.push(i);
  return { score: best.score, starts };
}

/**
 * Every page cut into cells, or null for a page whose lines cannot hold its cells. Pages are read in order and
 * the continuation states chosen for the whole document (Viterbi); `breakMargin[p]` says how much worse the best
 * reading with another state at the break after page p is (small: the continuation there is a guess).
 */
export function cutPages(pages: CutPage[]): { pages: (PageCells | null)[]; breakMargin: number[] } {
  const metric = widthMetric(pages.flatMap((p) => p.lines.map((l) => l.text)));
  // State at a page break: bit 1, the comment column's last cell goes on; bit 2, the answer column's.
  const STATES = [0, 1, 2, 3];
  const cutC = (s: number) => (s & 1) === 1;
  const cutA = (s: number) => (s & 2) === 2;
  type Option = { score: number; seg: Segmentation; roles: Role[]; missing: number; missingComments: number; otherEmpty: number };
  // options[p][into][out]: the page read with these states at its two breaks.
  const options: (Option | null)[][][] = pages.map((page, p) => {
    const { lastEnd, cut, start, voice } = scorer(page.lines, metric, page.k);
    const n = page.lines.length;
    const cache: PairCache = { sets: new Map(), sims: new Map() };
    return STATES.map((into) => {
      return STATES.map((out) => {
        if (p === 0 && into !== 0) return null;
        if (p === pages.length - 1 && out !== 0) return null;
        let best: Option | null = null;
        // A cell left empty prints nothing: the page may hold fewer answer (or comment) cells than numbers.
        for (let missingComments = 0; missingComments <= Math.min(page.k, MAX_MISSING); missingComments++)
        for (let missing = 0; missing <= Math.min(page.k, MAX_MISSING - missingComments); missing++) {
          const commentRoles: Role[] = [...(cutC(into) ? ['comment-cont' as const] : []), ...Array<Role>(page.k - missingComments).fill('comment')];
          const answerRoles: Role[] = [...(cutA(into) ? ['answer-cont' as const] : []), ...Array<Role>(page.k - missing).fill('answer')];
          const roles = [...commentRoles, ...answerRoles];
          const hasC = commentRoles.length > 0;
          const hasA = answerRoles.length > 0;
          if ((cutC(out) && !hasC) || (cutA(out) && !hasA)) continue;
          const seg = segment(n, commentRoles, answerRoles, cut, cutC(out), cutA(out), voice, missing);
          if (!seg) continue;
          // The page's last line ends its last cell, or, cut by the break, should look like the middle of one.
          // The page's first line is weighed as the start of a new cell, or as the rest of the row cut by the break.
          const lastCut = hasA ? cutA(out) : cutC(out);
          const score =
            seg.score +
            (lastCut ? Math.min(0, -lastEnd) : lastEnd) +
            start(page.lines[0].text.trim(), roles[0]) -
            EMPTY_CELL * missing -
            EMPTY_COMMENT * missingComments +
            PAIRING * pairing(page.lines, seg.starts, roles, cache);
          const empties = missing + missingComments;
          if (!best || score > best.score) {
            // The best reading so far with another count of empty cells is the runner-up's or the old best's.
            const other: number = best && best.missing + best.missingComments !== empties ? best.score : best?.otherEmpty ?? -Infinity;
            best = { score, seg, roles, missing, missingComments, otherEmpty: other };
          } else if (best.missing + best.missingComments !== empties) best.otherEmpty = Math.max(best.otherEmpty, score);
        }
        return best;
      });
    });
  });
  // Forward (best score of pages 0..p ending in state s) and backward (best score of pages p+1.. from state s).
  // A page that no reading fits is reported by the caller; the pages on either side of it start afresh.
  const fitted = options.map((o) => o.some((row) => row.some((x) => x)));
  const fwd: number[][] = [];
  const from: number[][] = [];
  pages.forEach((_, p) => {
    const before = p === 0 || !fitted[p - 1] ? STATES.map((s) => (s === 0 ? 0 : -Infinity)) : fwd[p - 1];
    fwd.push(STATES.map(() => -Infinity));
    from.push(STATES.map(() => -1));
    for (const into of STATES) {
      for (const out of STATES) {
        const o = options[p][into][out];
        if (!o || before[into] === -Infinity) continue;
        if (before[into] + o.score > fwd[p][out]) (fwd[p][out] = before[into] + o.score), (from[p][out] = into);
      }
    }
  });
  const bwd: number[][] = pages.map(() => STATES.map(() => -Infinity));
  for (let p = pages.length - 1; p >= 0; p--) {
    for (const s of STATES) {
      if (p === pages.length - 1 || !fitted[p + 1]) bwd[p][s] = s === 0 ? 0 : -Infinity;
      else for (const out of STATES) {
        const o = options[p + 1][s][out];
        if (o && bwd[p + 1][out] > -Infinity) bwd[p][s] = Math.max(bwd[p][s], o.score + bwd[p + 1][out]);
      }
    }
  }
  const out: (PageCells | null)[] = Array(pages.length).fill(null);
  const breakMargin: number[] = pages.map(() => Infinity);
  let state = 0;
  for (let p = pages.length - 1; p >= 0; p--) {
    if (!fitted[p]) {
      state = p > 0 ? STATES.reduce((b, s) => (fwd[p - 1][s] > fwd[p - 1][b] ? s : b), 0) : 0;
      continue;
    }
    if (from[p][state] < 0) state = STATES.reduce((b, s) => (fwd[p][s] > fwd[p][b] ? s : b), 0);
    const totals = STATES.map((s) => fwd[p][s] + bwd[p][s]);
    const others = totals.filter((x, s) => s !== state && x > -Infinity);
    breakMargin[p] = others.length ? totals[state] - Math.max(...others) : Infinity;
    const into = from[p][state];
    const o = options[p][into][state]!;
    const n = pages[p].lines.length;
    const { seg, roles } = o;
    const { cut } = scorer(pages[p].lines, metric, pages[p].k);
    const boundary = roles.findIndex((r) => r.startsWith('answer'));
    const cells = seg.starts.map((x, j) => [x, (seg.starts[j + 1] ?? n) - 1] as [number, number]);
    const weakCuts = seg.starts
      .map((x, j) => ({ x, j }))
      .filter(({ x, j }) => j > 0 && cut(x, roles[j], j === boundary && cutC(state)) < WEAK)
      .map(({ j }) => j);
    out[p] = { cells, commentCont: roles[0] === 'comment-cont', answerCont: roles.includes('answer-cont'), weakCuts, missing: o.missing, missingComments: o.missingComments, emptyMargin: o.score - o.otherEmpty };
    state = into;
  }
  return { pages: out, breakMargin };
}

/** Bigram sets of a page's cells and their shared wording, kept while the page's readings are scored. */
type PairCache = { sets: Map<string, Set<string>>; sims: Map<string, number> };

/** The wording the page's comment and answer cells share, paired in order (an empty cell pairs with none). */
function pairing(lines: CutLine[], starts: number[], roles: Role[], cache: PairCache): number {
  if (!PAIRING) return 0;
  const cells = (role: Role) =>
    starts.flatMap((x, j) => {
      if (roles[j] !== role) return [];
      const key = `${x}:${starts[j + 1] ?? lines.length}`;
      if (!cache.sets.has(key)) cache.sets.set(key, bigrams(lines.slice(x, starts[j + 1] ?? lines.length).map((l) => l.text).join('')));
      return [key];
    });
  const comments = cells('comment');
  const answers = cells('answer');
  const sim = (a: string, b: string) => {
    const key = `${a}|${b}`;
    let v = cache.sims.get(key);
    if (v === undefined) {
      const x = cache.sets.get(a)!;
      const y = cache.sets.get(b)!;
      let shared = 0;
      for (const g of y) if (x.has(g)) shared++;
      v = shared / Math.max(1, Math.min(x.size, y.size));
      cache.sims.set(key, v);
    }
    return v;
  };
  const [long, short] = comments.length >= answers.length ? [comments, answers] : [answers, comments];
  const { total } = bestPairing(long.length, short.length, (j, i) => sim(long[j], short[i]));
  return total === -Infinity ? 0 : total;
}

function bigrams(s: string): Set<string> {
  const t = [...s.normalize('NFKC').replace(/[\s、。，．・「」（）()]/g, '')];
  return new Set(t.slice(1).map((c, i) => t[i] + c));
}

/**
 * For each comment, the index of its answer or null: the answers keep their order, and go to the comments whose
 * wording they share most (an answer usually takes up the comment's terms), the comments left over having none.
 */
export function alignAnswers(comments: string[], answers: string[]): (number | null)[] {
  return alignment(comments, answers).out;
}

/** The best order-keeping pairing of comments with answers (each at most once) and its total shared wording. */
export function alignment(comments: string[], answers: string[]): { out: (number | null)[]; total: number } {
  const cb = comments.map(bigrams);
  const ab = answers.map(bigrams);
  return bestPairing(comments.length, answers.length, (j, i) => {
    let shared = 0;
    for (const g of ab[i]) if (cb[j].has(g)) shared++;
    return shared / Math.max(1, Math.min(ab[i].size, cb[j].size));
  });
}

/** k cells paired in order with m ≤ k others, each at most once, for the largest total sim. */
function bestPairing(k: number, m: number, sim: (j: number, i: number) => number): { out: (number | null)[]; total: number } {
  // f[j][i]: best total for the first j comments having taken the first i answers.
  const f = Array.from({ length: k + 1 }, () => Array<number>(m + 1).fill(-Infinity));
  f[0][0] = 0;
  for (let j = 1; j <= k; j++) {
    for (let i = 0; i <= Math.min(j, m); i++) {
      const skip = f[j - 1][i];
      const take = i > 0 ? f[j - 1][i - 1] + sim(j - 1, i - 1) : -Infinity;
      f[j][i] = Math.max(skip, take);
    }
  }
  const out: (number | null)[] = Array(k).fill(null);
  for (let j = k, i = m; j > 0; j--) {
    if (i > 0 && f[j][i] === f[j - 1][i - 1] + sim(j - 1, i - 1)) out[j - 1] = --i;
  }
  return { out, total: f[k][m] };
}
