// What pdfjs-dist gives for each page of a PDF: the text runs with their positions, and the ruling lines
// (thin filled rectangles, stroked segments and the edges of stroked rectangles) from the operator list, all
// in PDF user space (points, origin bottom left). pdf-table.ts builds tables from these.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../core/errors.ts';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

export interface Run {
  x: number;
  /** Baseline. */
  y: number;
  width: number;
  size: number;
  text: string;
}

/** A horizontal (y fixed, from a to b in x) or vertical (x fixed, from a to b in y) ruling line. */
export interface Rule {
  at: number;
  a: number;
  b: number;
}

export interface PdfPage {
  page: number;
  width: number;
  height: number;
  runs: Run[];
  hRules: Rule[];
  vRules: Rule[];
}

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function multiply(m: Matrix, n: Matrix): Matrix {
  // m applied after n's space: the result maps n-space points through m (PDF's "cm" concatenation order).
  return [
    n[0] * m[0] + n[1] * m[2],
    n[0] * m[1] + n[1] * m[3],
    n[2] * m[0] + n[3] * m[2],
    n[2] * m[1] + n[3] * m[3],
    n[4] * m[0] + n[5] * m[2] + m[4],
    n[4] * m[1] + n[5] * m[3] + m[5],
  ];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** A line is at most this thick (points); anything thicker is a filled area (a shaded cell), not a rule. */
const MAX_RULE = 2.5;
/** …and at least this long, so underlines of single characters and bullets are not rules. */
const MIN_RULE = 8;

function addBox(x0: number, y0: number, x1: number, y1: number, page: Pick<PdfPage, 'hRules' | 'vRules'>, stroked: boolean): void {
  const [l, r] = [Math.min(x0, x1), Math.max(x0, x1)];
  const [b, t] = [Math.min(y0, y1), Math.max(y0, y1)];
  const w = r - l;
  const h = t - b;
  if (h <= MAX_RULE && w >= MIN_RULE) page.hRules.push({ at: (b + t) / 2, a: l, b: r });
  else if (w <= MAX_RULE && h >= MIN_RULE) page.vRules.push({ at: (l + r) / 2, a: b, b: t });
  else if (stroked && w >= MIN_RULE && h >= MIN_RULE) {
    // A stroked rectangle: its four edges are rules.
    page.hRules.push({ at: b, a: l, b: r }, { at: t, a: l, b: r });
    page.vRules.push({ at: l, a: b, b: t }, { at: r, a: b, b: t });
  }
}

/** Sub-paths of pdfjs's DrawOPS-encoded path data, each as its points in user space. */
function subPaths(data: ArrayLike<number>, m: Matrix): [number, number][][] {
  const out: [number, number][][] = [];
  let cur: [number, number][] = [];
  for (let i = 0; i < data.length; ) {
    const op = data[i++];
    if (op === 0) {
      if (cur.length) out.push(cur);
      cur = [apply(m, data[i], data[i + 1])];
      i += 2;
    } else if (op === 1) {
      cur.push(apply(m, data[i], data[i + 1]));
      i += 2;
    } else if (op === 2) {
      cur.push(apply(m, data[i + 4], data[i + 5]));
      i += 6;
    } else if (op === 3) {
      cur.push(apply(m, data[i + 2], data[i + 3]));
      i += 4;
    } else i++; // closePath
  }
  if (cur.length) out.push(cur);
  return out;
}

interface PdfjsOps {
  fnArray: number[];
  argsArray: unknown[];
}

/** Rules from one page's operator list; the CTM is followed through save/restore/transform and form XObjects. */
export function pageRules(ops: PdfjsOps, OPS: Record<string, number>): Pick<PdfPage, 'hRules' | 'vRules'> {
  const rules = { hRules: [] as Rule[], vRules: [] as Rule[] };
  const stack: Matrix[] = [];
  let ctm: Matrix = IDENTITY;
  const stroking = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const filling = new Set([OPS.fill, OPS.eoFill, ...stroking]);
  ops.fnArray.forEach((fn, i) => {
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? IDENTITY;
    else if (fn === OPS.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      const m = args?.[0] as Matrix | null;
      if (m) ctm = multiply(ctm, m);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? IDENTITY;
    else if (fn === OPS.constructPath) {
      const [paint, [data]] = args as [number, [ArrayLike<number> | null]];
      if (!data || !filling.has(paint)) return;
      const stroked = stroking.has(paint);
      for (const pts of subPaths(data, ctm)) {
        if (stroked) {
          // Each straight horizontal or vertical segment is a rule.
          for (let k = 1; k < pts.length; k++) addBox(pts[k - 1][0], pts[k - 1][1], pts[k][0], pts[k][1], rules, false);
        }
        const xs = pts.map((p) => p[0]);
        const ys = pts.map((p) => p[1]);
        addBox(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), rules, stroked && pts.length >= 4);
      }
    }
  });
  return rules;
}

/** Every page's runs and rules. Japanese PDFs mostly reference non-embedded CID fonts through predefined CMaps;
 *  without cMapUrl pdfjs extracts them as "". */
export async function readPdfPages(input: Uint8Array, file: string): Promise<PdfPage[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await pdfjs.getDocument({
      data: new Uint8Array(input),
      cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
      cMapPacked: true,
      standardFontDataUrl: join(pdfjsRoot, 'standard_fonts') + '/',
      isEvalSupported: false,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (e) {
    throw new InputError(file, `not a readable PDF (${(e as Error).message})`);
  }
  try {
    const pages: PdfPage[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const runs: Run[] = [];
      for (const item of content.items) {
        if (!('str' in item) || !item.str.trim()) continue;
        const [a, b, , , x, y] = item.transform as number[];
        runs.push({ x, y, width: item.width, size: Math.hypot(a, b) || item.height || 10, text: item.str });
      }
      const rules = pageRules(await page.getOperatorList(), pdfjs.OPS as unknown as Record<string, number>);
      const [x0, y0, x1, y1] = page.view;
      pages.push({ page: p, width: x1 - x0, height: y1 - y0, runs, ...rules });
      page.cleanup();
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}
