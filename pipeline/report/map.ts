// The comment map's marks: one dot per comment on a small round; on a large one the dots are aggregated into a
// grid, one mark per cell and primary theme, sized by how many comments it stands for (100,000 dots would make
// report.html hundreds of megabytes and draw as one blot).

/** Above this many comments the map aggregates. */
export const MAP_POINTS_MAX = 2000;
/** Cells per side of the aggregation grid. */
export const MAP_GRID = 48;

export interface MapInput {
  x: number;
  y: number;
  id: string;
  /** Primary theme: marks aggregate per theme, so colours never mix inside a mark. */
  theme: string;
  color: string;
  title: string;
}

export interface MapMark {
  /** Position in the plot, 0..1 from the left and from the top. */
  tx: number;
  ty: number;
  color: string;
  /** How many comments the mark stands for. */
  count: number;
  /** Beyond the 2nd–98th percentile range on an axis: drawn on the frame, as a ring. */
  outside: boolean;
  title: string;
  /** The item, for a mark standing for one comment on a small round. */
  id?: string;
}

export interface MapLayout {
  marks: MapMark[];
  /** Item id → index of its mark, when aggregated (a click on a mark lists its items). */
  markOf: Map<string, number>;
  aggregated: boolean;
  /** Comments drawn on the frame because they lie beyond the 2nd–98th percentiles. */
  outside: number;
}

/** The 2nd and 98th percentiles (the full range for small sets, where every point matters). */
function range(values: readonly number[]): [number, number] {
  const v = Float64Array.from(values).sort();
  if (v.length < 50) return [v[0], v[v.length - 1]];
  const q = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))];
  return [q(0.02), q(0.98)];
}

const clamp = (t: number) => Math.min(1, Math.max(0, t));

export function mapLayout(points: readonly MapInput[], label: (theme: string) => string, max = MAP_POINTS_MAX): MapLayout {
  if (!points.length) return { marks: [], markOf: new Map(), aggregated: false, outside: 0 };
  // A few far-out comments would squeeze everyone else into a corner: the axes span the 2nd–98th percentiles.
  const [x0, x1] = range(points.map((p) => p.x));
  const [y0, y1] = range(points.map((p) => p.y));
  const placed = points.map((p) => {
    const tx = x1 > x0 ? (p.x - x0) / (x1 - x0) : 0.5;
    const ty = y1 > y0 ? (y1 - p.y) / (y1 - y0) : 0.5;
    return { p, tx: clamp(tx), ty: clamp(ty), outside: tx !== clamp(tx) || ty !== clamp(ty) };
  });
  const outside = placed.filter((q) => q.outside).length;
  if (points.length <= max) {
    const marks = placed.map((q) => ({ tx: q.tx, ty: q.ty, color: q.p.color, count: 1, outside: q.outside, title: q.p.title, id: q.p.id }));
    return { marks, markOf: new Map(), aggregated: false, outside };
  }
  // Points on the frame get cells of their own, so a ring never stands for comments inside the range.
  const cells = new Map<string, { members: typeof placed; sx: number; sy: number }>();
  for (const q of placed) {
    const cx = Math.min(MAP_GRID - 1, Math.floor(q.tx * MAP_GRID));
    const cy = Math.min(MAP_GRID - 1, Math.floor(q.ty * MAP_GRID));
    const key = `${cx},${cy},${q.outside ? 1 : 0},${q.p.theme}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { members: [], sx: 0, sy: 0 }));
    c.members.push(q);
    c.sx += q.tx;
    c.sy += q.ty;
  }
  const marks: MapMark[] = [];
  const markOf = new Map<string, number>();
  for (const c of cells.values()) {
    const first = c.members[0];
    const n = c.members.length;
    for (const q of c.members) markOf.set(q.p.id, marks.length);
    marks.push({
      tx: c.sx / n,
      ty: c.sy / n,
      color: first.p.color,
      count: n,
      outside: first.outside,
      // Short, as there are thousands of marks: a click lists the comments themselves.
      title: `${n} 件【${label(first.p.theme)}】`,
    });
  }
  return { marks, markOf, aggregated: true, outside };
}
