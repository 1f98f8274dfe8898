// Charts drawn as inline SVG on the server, so report.html needs no chart library and renders offline.
import type { Disposition } from '../core/schema.ts';
import { esc } from './escape.ts';
import { DISPOSITIONS, DISPOSITION_COLOR, DISPOSITION_JA } from './labels.ts';
import type { MapLayout } from './map.ts';

const FONT = `font-family="'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',Meiryo,sans-serif"`;

/** Rough rendered width in em: full-width characters are 1, others about 0.55. */
function emWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u0000-\u00ff\uff61-\uff9f]/.test(ch) ? 0.55 : 1;
  return w;
}

function fit(s: string, maxEm: number): string {
  if (emWidth(s) <= maxEm) return s;
  let out = '';
  for (const ch of s) {
    if (emWidth(out + ch) > maxEm - 1) break;
    out += ch;
  }
  return out + '…';
}

const f1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

export interface BarRow {
  label: string;
  counts: Record<Disposition, number>;
}

function legend(x: number, y: number): string {
  let out = '';
  let cx = x;
  for (const d of DISPOSITIONS) {
    out += `<rect x="${cx}" y="${y}" width="12" height="12" rx="2" fill="${DISPOSITION_COLOR[d]}"/>`;
    out += `<text x="${cx + 17}" y="${y + 10.5}" font-size="12" fill="#333">${esc(DISPOSITION_JA[d])}</text>`;
    cx += 17 + emWidth(DISPOSITION_JA[d]) * 12 + 18;
  }
  return out;
}

/** 100 % stacked horizontal bars, one per row, with each row's item count at the right. */
export function stackedBars(rows: readonly BarRow[], title: string): string {
  const labelW = 250;
  const barW = 560;
  const rowH = 26;
  const top = 52;
  const width = labelW + barW + 70;
  const height = top + rows.length * rowH + 12;
  let body = `<text x="0" y="16" font-size="14" font-weight="600" fill="#222">${esc(title)}</text>`;
  body += legend(0, 28);
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const n = DISPOSITIONS.reduce((s, d) => s + row.counts[d], 0);
    body += `<g><title>${esc(row.label)}（${n} 件）</title>`;
    body += `<text x="${labelW - 8}" y="${y + 16}" font-size="12" text-anchor="end" fill="#333">${esc(fit(row.label, 19))}</text>`;
    let x = labelW;
    for (const d of DISPOSITIONS) {
      const c = row.counts[d];
      if (!c) continue;
      const w = (barW * c) / n;
      body += `<rect x="${f1(x)}" y="${y + 3}" width="${f1(w)}" height="${rowH - 6}" fill="${DISPOSITION_COLOR[d]}"><title>${esc(`${row.label} — ${DISPOSITION_JA[d]}: ${c} 件 (${f1((100 * c) / n)}%)`)}</title></rect>`;
      if (w >= 22) body += `<text x="${f1(x + w / 2)}" y="${y + 17}" font-size="11" text-anchor="middle" fill="#fff" pointer-events="none">${c}</text>`;
      x += w;
    }
    body += `<text x="${labelW + barW + 8}" y="${y + 17}" font-size="12" fill="#555">${n}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" role="img" aria-label="${esc(title)}" class="chart" ${FONT}>${body}</svg>`;
}

export interface HeatRow {
  label: string;
  counts: Record<Disposition, number>;
}

/** Rows × dispositions; colour by row percentage, each cell showing the count and the percentage. */
export function heatmap(rows: readonly HeatRow[], title: string): string {
  const labelW = 236;
  const cellW = 104;
  const cellH = 30;
  const top = 58;
  const width = labelW + cellW * DISPOSITIONS.length + 60;
  const height = top + rows.length * cellH + 10;
  let body = `<text x="0" y="16" font-size="14" font-weight="600" fill="#222">${esc(title)}</text>`;
  DISPOSITIONS.forEach((d, j) => {
    body += `<text x="${labelW + j * cellW + cellW / 2}" y="${top - 10}" font-size="12" text-anchor="middle" fill="#333">${esc(DISPOSITION_JA[d])}</text>`;
  });
  body += `<text x="${labelW + DISPOSITIONS.length * cellW + 8}" y="${top - 10}" font-size="12" fill="#333">件数</text>`;
  rows.forEach((row, i) => {
    const y = top + i * cellH;
    const n = DISPOSITIONS.reduce((s, d) => s + row.counts[d], 0);
    body += `<text x="${labelW - 8}" y="${y + 19}" font-size="12" text-anchor="end" fill="#333"><title>${esc(row.label)}</title>${esc(fit(row.label, 18))}</text>`;
    DISPOSITIONS.forEach((d, j) => {
      const c = row.counts[d];
      const share = n ? c / n : 0;
      // Sequential blue ramp from near-white; text flips to white on dark cells.
      const light = Math.round(97 - share * 62);
      const fill = `hsl(210, 70%, ${light}%)`;
      const ink = light < 60 ? '#fff' : '#1a1a1a';
      const x = labelW + j * cellW;
      body += `<rect x="${x}" y="${y}" width="${cellW - 2}" height="${cellH - 2}" fill="${fill}"><title>${esc(`${row.label} — ${DISPOSITION_JA[d]}: ${c} 件 (${f1(100 * share)}%)`)}</title></rect>`;
      body += `<text x="${x + cellW / 2 - 1}" y="${y + 19}" font-size="12" text-anchor="middle" fill="${ink}" pointer-events="none">${c ? `${c} (${f1(100 * share)}%)` : '–'}</text>`;
    });
    body += `<text x="${labelW + DISPOSITIONS.length * cellW + 8}" y="${y + 19}" font-size="12" fill="#555">${n}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" role="img" aria-label="${esc(title)}" class="chart" ${FONT}>${body}</svg>`;
}

/** The 2-D comment map: its marks (pipeline/report/map.ts) coloured by primary theme, legend at the right. */
export function scatter(layout: MapLayout, legendItems: readonly { label: string; color: string; count: number }[], title: string): string {
  const plot = 560;
  const pad = 14;
  const top = 28;
  const legendX = plot + 2 * pad + 20;
  const width = legendX + 270;
  const height = Math.max(top + plot + 2 * pad, top + legendItems.length * 20 + 10);
  let body = `<text x="0" y="16" font-size="14" font-weight="600" fill="#222">${esc(title)}</text>`;
  body += `<rect x="0.5" y="${top + 0.5}" width="${plot + 2 * pad}" height="${plot + 2 * pad}" fill="#fafbfc" stroke="#d0d7de"/>`;
  const n = layout.marks.length;
  const dot = n > 3000 ? 1.6 : n > 500 ? 2.6 : 4;
  layout.marks.forEach((m, i) => {
    // An aggregated mark's area grows with the comments it stands for.
    const r = layout.aggregated ? Math.min(12, 1.8 + 1.1 * Math.sqrt(m.count)) : dot;
    // Comments beyond the plotted range sit on the frame, drawn as rings so the clamping is visible.
    const paint = m.outside ? `fill="#fff" stroke="${m.color}" stroke-width="1.5"` : `fill="${m.color}" fill-opacity="${layout.aggregated ? 0.7 : 0.8}"`;
    const target = m.id !== undefined ? `data-id="${esc(m.id)}"` : `data-mark="${i}"`;
    body += `<circle cx="${f1(pad + m.tx * plot)}" cy="${f1(top + pad + m.ty * plot)}" r="${f1(r)}" ${paint} ${target}><title>${esc(m.title + (m.outside ? '（図の範囲外: 枠上に表示）' : ''))}</title></circle>`;
  });
  legendItems.forEach((l, i) => {
    const y = top + i * 20;
    body += `<circle cx="${legendX + 6}" cy="${y + 8}" r="5" fill="${l.color}"/>`;
    body += `<text x="${legendX + 16}" y="${y + 12}" font-size="12" fill="#333">${esc(fit(l.label, 17))} (${l.count})</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" role="img" aria-label="${esc(title)}" class="chart" ${FONT}>${body}</svg>`;
}
