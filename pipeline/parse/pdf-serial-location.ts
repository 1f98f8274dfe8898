// The 該当箇所 column of a column-serialised table (pdf-serial.ts): when the column headings name one, each page
// prints its location cells between its numbers and its comments. They are taken off the page before the comments
// and answers are reassembled: one per number, wrapped by a narrow column, or fewer when some are empty.
import { normalize } from '../core/text.ts';
import { matchRole } from './columns.ts';
import type { Fate, PageParts } from './pdf-serial.ts';
import { MAX_MISSING as MAX_EMPTY, widthMetric } from './pdf-serial-cut.ts';
import type { LayoutLine } from './pdf-text.ts';

/** The column headings name a 該当箇所 column: the page prints its cells after the numbers, before the comments. */
export function hasLocationColumn(lines: LayoutLine[], fates: Map<number, Fate>): boolean {
  return lines.some((l) => fates.get(l.index)?.fate === 'header' && normalize(l.raw).split(' ').some((x) => matchRole(x)?.role === 'location'));
}

// A 該当箇所 cell (第2章 P.12, 3(2)ア, 全体): short, no sentence in it.
const LOCATION_CELL = /^[^。．！？!?]{1,24}$/;

/**
 * The 該当箇所 cells come between a page's numbers and its comments, one per number: the first k paragraphs when
 * blank lines separate the cells, else the first k lines (a location seldom wraps), taken only when each looks
 * like a location (short, no sentence), so a page that does not print them keeps its text for the comments. A
 * location column narrower than its longest cell wraps it: then the run of lines narrower than the text columns
 * after the numbers holds more than k lines, and is cut into k cells after its lines short of the column's width.
 */
export function peelLocations(parts: PageParts[], text: Map<number, string>, warnings: string[]): void {
  const metric = widthMetric(parts.flatMap((p) => p.paragraphs.flat().map((i) => text.get(i) ?? '')));
  const textWidth = Math.max(0, ...metric.full);
  const width = (i: number) => metric.width((text.get(i) ?? '').trim());
  for (const p of parts) {
    const k = p.numbers.length;
    if (!k) continue;
    const looks = (cell: number[]) => cell.length > 0 && LOCATION_CELL.test(normalize(cell.map((i) => text.get(i) ?? '').join('')));
    // Cells separated by blank lines: the leading paragraphs that read as locations, one per number, or fewer when
    // some rows have none (an empty cell prints nothing), as long as the comments and answers are left whole.
    let lead = 0;
    while (lead < k && lead < p.paragraphs.length && looks(p.paragraphs[lead])) lead++;
    if (lead && p.paragraphs.length >= 3 * k && lead === k) {
      p.locations = p.paragraphs.slice(0, k);
      p.paragraphs = p.paragraphs.slice(k);
      continue;
    }
    if (lead && lead < k && p.paragraphs.length - lead >= 2 * k && p.paragraphs.length - lead <= 2 * k + 2) {
      takeFewer(p, p.paragraphs.slice(0, lead), warnings);
      p.paragraphs = p.paragraphs.slice(lead);
      continue;
    }
    const flat = p.paragraphs.flat();
    let cells = flat.slice(0, k).map((i) => [i]);
    // The run of narrow lines after the numbers: longer than k when locations wrap, shorter when some are empty.
    let run = 0;
    // A short line with a sentence end is no location (the rest of a comment cut by the page break).
    while (textWidth && run < flat.length && width(flat[run]) <= 0.7 * textWidth && looks([flat[run]]) && run < 3 * k) run++;
    if (run > 0 && run !== k) {
      const full = Math.max(...flat.slice(0, run).map(width));
      const grouped: number[][] = [];
      for (const i of flat.slice(0, run)) {
        const open = grouped.at(-1);
        if (run > k && open && width(open.at(-1)!) >= full - metric.unit) open.push(i);
        else grouped.push([i]);
      }
      // More groups than numbers: short lines after the locations (the rest of a comment cut by the page break).
      if (grouped.length >= k) cells = grouped.slice(0, k);
      else if (grouped.every(looks) && flat.length - run >= 2 * k - MAX_EMPTY) {
        takeFewer(p, grouped, warnings);
        const taken = new Set(grouped.flat());
        p.paragraphs = p.paragraphs.map((x) => x.filter((i) => !taken.has(i))).filter((x) => x.length);
        continue;
      }
    }
    const used = cells.reduce((n, c) => n + c.length, 0);
    if (flat.length < 2 * k + used || !cells.every(looks)) continue;
    p.locations = cells;
    const taken = new Set(cells.flat());
    p.paragraphs = p.paragraphs.map((x) => x.filter((i) => !taken.has(i))).filter((x) => x.length);
  }
}

/** Fewer 該当箇所 cells than numbers: which rows have none cannot be told, so they go to the rows in order, said. */
function takeFewer(p: PageParts, cells: number[][], warnings: string[]): void {
  const k = p.numbers.length;
  p.locations = [...cells, ...Array.from({ length: k - cells.length }, () => [])];
  const range = `No.${p.numbers[0].number}–No.${p.numbers[k - 1].number}`;
  warnings.push(`page ${p.page}: ${k} numbers but ${cells.length} 該当箇所 cells (an empty one prints nothing); the locations were given to the rows in order, check the locations of ${range}`);
}
