// Character similarity of two texts, for comparing a PDF parse with the text parse of the same table:
// 1 − edit distance / longer length, over NFKC text with whitespace removed.
export function similarity(a: string, b: string): number {
  const x = [...a.normalize('NFKC').replace(/\s+/g, '')];
  const y = [...b.normalize('NFKC').replace(/\s+/g, '')];
  if (!x.length && !y.length) return 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return 1 - prev[y.length] / Math.max(x.length, y.length);
}

/** Items matched by printed number; how many have both texts at ≥ 0.95 similarity, and the ones that do not. */
export function scoreItems(
  got: readonly { number: string | null; comment: string; response: string }[],
  want: readonly { number: string; comment: string; response: string }[],
): { right: number; wrong: string[] } {
  const wrong: string[] = [];
  for (const w of want) {
    const g = got.find((it) => it.number === w.number);
    const sc = g ? similarity(g.comment, w.comment) : 0;
    const sr = g ? similarity(g.response, w.response) : 0;
    if (sc < 0.95 || sr < 0.95) wrong.push(`No.${w.number}: comment ${sc.toFixed(2)}, response ${sr.toFixed(2)}`);
  }
  return { right: want.length - wrong.length, wrong };
}

/** Items matched by position, for tables whose numbers repeat (numbering that restarts under each heading): how
 *  many have the printed number (as parsed: ① and (1) read 1) and both texts at ≥ 0.95 similarity. */
export function scoreInOrder(
  got: readonly { number: string | null; comment: string; response: string }[],
  want: readonly { number: string; comment: string; response: string }[],
): { right: number; wrong: string[] } {
  const wrong: string[] = [];
  want.forEach((w, k) => {
    const g = got[k];
    const sc = g ? similarity(g.comment, w.comment) : 0;
    const sr = g ? similarity(g.response, w.response) : 0;
    if (g?.number !== w.number || sc < 0.95 || sr < 0.95) wrong.push(`#${k + 1} No.${w.number} (read ${g?.number ?? 'nothing'}): comment ${sc.toFixed(2)}, response ${sr.toFixed(2)}`);
  });
  return { right: want.length - wrong.length, wrong };
}
