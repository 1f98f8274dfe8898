import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../pipeline/core/random.ts';
import type { Item } from '../pipeline/core/schema.ts';
import { createEmbedder } from '../pipeline/embed/index.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { getTokenizer, type Tokenizer } from '../pipeline/tokenize/index.ts';
import { DEFAULT_CODEBOOK, loadCodebook } from '../pipeline/themes/codebook.ts';
import { chooseK, cTfIdf, discoverClusters, kmeans, OUTLIER_ID } from '../pipeline/themes/discover.ts';
import { themeItems, type ThemesResult } from '../pipeline/themes/index.ts';
import { nmi, silhouette, toMatrix } from '../pipeline/themes/metrics.ts';
import { l2normalize } from '../pipeline/themes/vectors.ts';

const SEED = fileURLToPath(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url));

/** Three tight, well separated groups of unit vectors in 12 dimensions (and optionally one far point). */
function blobs(perGroup: number, withOutlier: boolean): { vectors: Float32Array[]; truth: number[] } {
  const rnd = mulberry32(3);
  const vectors: Float32Array[] = [];
  const truth: number[] = [];
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < perGroup; i++) {
      const v = Float32Array.from({ length: 12 }, () => (rnd() - 0.5) * 0.2);
      v[g * 3] += 1;
      vectors.push(l2normalize(v));
      truth.push(g);
    }
  }
  if (withOutlier) {
    const v = new Float32Array(12);
    v[11] = 1;
    v[10] = 0.3;
    vectors.push(l2normalize(v));
    truth.push(3);
  }
  return { vectors, truth };
}

describe('discovery on constructed data', () => {
  it('recovers separated groups, choosing k by silhouette', () => {
    const { vectors, truth } = blobs(20, false);
    const ids = vectors.map((_, i) => `v${i}`);
    const words = vectors.map((_, i) => [`w${truth[i]}`, 'common']);
    const r = discoverClusters(ids, vectors, words, [], { dimensions: 0, kRange: [2, 6] });
    expect(r.kSelection.method).toBe('silhouette');
    expect(r.k).toBe(3);
    expect(nmi(Array.from(r.labels), truth)).toBeCloseTo(1, 6);
    expect(r.silhouette).toBeGreaterThan(0.5);
    // c-TF-IDF puts each group's own word first, not the word every group shares.
    for (const c of r.clusters.filter((c) => !c.outlier)) expect(c.keywords[0].term).toMatch(/^w\d$/);
  });

  it('on rounds above fitRows, fits k-means on a seeded sample and gives every comment its nearest centre', () => {
    const { vectors, truth } = blobs(60, false);
    const ids = vectors.map((_, i) => `v${i}`);
    const words = vectors.map((_, i) => [`w${truth[i]}`]);
    const whole = discoverClusters(ids, vectors, words, [], { dimensions: 0, k: 3 });
    const sampled = discoverClusters(ids, vectors, words, [], { dimensions: 0, k: 3, fitRows: 30 });
    // 30 of 180 rows fix the centres; the other 150 are labelled by distance alone, and the groups still come out.
    expect(nmi(Array.from(sampled.labels), truth)).toBeCloseTo(1, 6);
    expect(Array.from(sampled.labels)).toEqual(Array.from(whole.labels));
    expect(sampled.assignments).toHaveLength(180);
    // The sample is seeded: the same round gives the same bytes.
    expect(JSON.stringify(discoverClusters(ids, vectors, words, [], { dimensions: 0, k: 3, fitRows: 30 }))).toBe(JSON.stringify(sampled));
    // A different sample (another seed) is a different fit: the option is not ignored.
    const a = discoverClusters(ids, vectors, words, [], { dimensions: 0, k: 5, fitRows: 30 });
    const b = discoverClusters(ids, vectors, words, [], { dimensions: 0, k: 5 });
    expect(JSON.stringify(a.clusters.map((c) => c.members))).not.toBe(JSON.stringify(b.clusters.map((c) => c.members)));
  });

  it('ends k-means with every row on its nearest centre, though bounds skip most distance computations', () => {
    // Overlapping uniform data takes many iterations, so the bounds are moved many times; a fifth of the rows are
    // copies. Once k-means stops, each label must be the row's nearest returned centre (lowest index on a tie)
    // and the inertia the sum of those squared distances, as recomputing every row every iteration gives.
    const m = overlapping();
    const k = 9;
    const { labels, centres, inertia } = kmeans(m, k, 5);
    const exact = nearestCentres(m, centres, k);
    expect(Array.from(labels)).toEqual(exact.labels);
    expect(inertia).toBeCloseTo(exact.inertia, 9);
  });

  it('assigns every row to its nearest centre in every iteration, not only the last', () => {
    // kmeans(…, T) stops after T assignments; its T-th assignment was made against the centres kmeans(…, T − 1)
    // returns. A bound lowered by less than the centres moved skips a row whose nearest centre changed, and a
    // later iteration can hide that: so each iteration is checked.
    const m = overlapping();
    const k = 9;
    let before = kmeans(m, k, 5, 0);
    let iterations = 0;
    for (let t = 1; t <= 100; t++) {
      const after = kmeans(m, k, 5, t);
      expect(Array.from(after.labels)).toEqual(nearestCentres(m, before.centres, k).labels);
      iterations = t;
      if (Array.from(after.centres).every((v, j) => v === before.centres[j])) break;
      before = after;
    }
    expect(iterations).toBeGreaterThan(10);
  });

  it('puts a comment far from every centre in the outlier group', () => {
    const { vectors } = blobs(20, true);
    const ids = vectors.map((_, i) => `v${i}`);
    const r = discoverClusters(ids, vectors, ids.map(() => []), [], { dimensions: 0, k: 3 });
    const outliers = r.clusters.find((c) => c.id === OUTLIER_ID)!;
    expect(outliers.members).toEqual([`v${vectors.length - 1}`]);
    expect(r.assignments[vectors.length - 1].cluster).toBe(OUTLIER_ID);
    expect(r.assignments[vectors.length - 1].distance).toBeGreaterThan(r.outlierThreshold);
  });

  it('clusters copies as one weighted row exactly as it clusters the expanded copies', () => {
    // 61 distinct points (three groups and a far one), each occurring 1–7 times, copies interleaved in input order.
    const { vectors: distinct, truth } = blobs(20, true);
    const rnd = mulberry32(5);
    const copies = distinct.map(() => 1 + Math.floor(rnd() * 7));
    const order: number[] = [];
    for (let round = 0; round < 7; round++) distinct.forEach((_, r) => copies[r] > round && order.push(r));
    const ids = order.map((r, i) => `v${r}-${i}`);
    const words = (r: number) => [`w${truth[r]}`, r % 2 ? 'odd' : 'even'];
    const themes = (r: number) => ({ id: `v${r}`, themes: truth[r] === 1 || r % 5 === 0 ? [{ theme: r % 5 === 0 ? 't5' : 't1', score: 1, source: 'rule' as const, hits: [] }] : [] });
    const opts = { dimensions: 5, kRange: [2, 6] as [number, number] };
    const expanded = discoverClusters(ids, order.map((r) => Float32Array.from(distinct[r])), order.map(words), order.map(themes), opts);
    // Rows numbered in the order of their first comment, as the themes stage numbers them.
    const rowOfPoint = new Map<number, number>();
    const firsts: number[] = [];
    const rowOf = Int32Array.from(order, (r) => {
      if (!rowOfPoint.has(r)) rowOfPoint.set(r, firsts.push(r) - 1);
      return rowOfPoint.get(r)!;
    });
    const weighted = discoverClusters(ids, firsts.map((r) => distinct[r]), firsts.map(words), firsts.map(themes), opts, rowOf);
    expect(order.length).toBeGreaterThan(150);
    expect(weighted.k).toBe(expanded.k);
    expect(weighted.kSelection.scores.map((s) => s.k)).toEqual(expanded.kSelection.scores.map((s) => s.k));
    // Seeding draws from the same distribution but walks rows instead of copies, so a k that splits a group may
    // land in another local optimum; the chosen k separates the groups, and there both agree.
    expect(weighted.k).toBe(3);
    expect(weighted.silhouette).toBeCloseTo(expanded.silhouette, 3);
    expect(weighted.silhouetteEmbedding).toBeCloseTo(expanded.silhouetteEmbedding, 3);
    expect(weighted.outlierThreshold).toBeCloseTo(expanded.outlierThreshold, 3);
    // The far point and its copies are outliers in both; every cluster has the same members, size, keywords and
    // theme counts (a copy counts as often as it occurs).
    const farCopies = ids.filter((id) => id.startsWith('v60-'));
    expect(farCopies).toHaveLength(copies[60]);
    expect(expanded.clusters.find((c) => c.outlier)!.members).toEqual(expect.arrayContaining(farCopies));
    const strip = (r: typeof expanded) => r.clusters.map(({ keywords, themes, ...c }) => ({ ...c, keywords: keywords.map((k) => k.term), themes }));
    expect(strip(weighted)).toEqual(strip(expanded));
    weighted.clusters.forEach((c, i) => c.keywords.forEach((k, j) => expect(k.weight).toBeCloseTo(expanded.clusters[i].keywords[j].weight, 4)));
    expect(Array.from(weighted.labels)).toEqual(Array.from(expanded.labels));
    weighted.assignments.forEach((a, i) => {
      const e = expanded.assignments[i];
      expect([a.id, a.cluster]).toEqual([e.id, e.cluster]);
      expect(a.distance).toBeCloseTo(e.distance, 3);
      // The map's axes are eigenvectors, defined up to sign; both fix it the same way.
      expect(a.x).toBeCloseTo(e.x, 3);
      expect(a.y).toBeCloseTo(e.y, 3);
    });
  });

  it('computes a weighted silhouette equal to the silhouette of the expanded points', () => {
    const pts = [Float32Array.of(0, 0), Float32Array.of(0, 1), Float32Array.of(10, 0), Float32Array.of(10, 1), Float32Array.of(5, 5)];
    const w = [3, 1, 2, 4, 1];
    const labels = [0, 0, 1, 1, 1];
    const expanded = pts.flatMap((p, i) => Array.from({ length: w[i] }, () => p));
    const expandedLabels = Int32Array.from(labels.flatMap((l, i) => Array.from({ length: w[i] }, () => l)));
    const s = silhouette(toMatrix(pts), Int32Array.from(labels), 2000, 1009, Float64Array.from(w));
    expect(s).toBeCloseTo(silhouette(toMatrix(expanded), expandedLabels), 10);
    // Sampled (sample smaller than the points): the same sample of the same expanded points.
    expect(silhouette(toMatrix(pts), Int32Array.from(labels), 6, 1009, Float64Array.from(w))).toBeCloseTo(silhouette(toMatrix(expanded), expandedLabels, 6), 10);
  });

  it('uses the cube-root default on large rounds', () => {
    const { vectors } = blobs(20, false);
    expect(chooseK(toMatrix(vectors), { silhouetteMaxN: 10 })).toMatchObject({ k: 4, method: 'cube_root' });
  });

  it('scores c-TF-IDF by class frequency against overall frequency', () => {
    const [a, b] = cTfIdf([[['量子', '暗号', '移行'], ['量子', '暗号']], [['人材', '育成', '暗号']]], 2);
    expect(a.map((x) => x.term)).toEqual(['量子', '暗号']);
    expect(b[0].term).toBe('人材');
  });

  it('computes NMI and silhouette as defined', () => {
    expect(nmi(['a', 'a', 'b', 'b'], [1, 1, 2, 2])).toBeCloseTo(1, 10);
    expect(nmi(['a', 'b', 'a', 'b'], [1, 1, 2, 2])).toBeCloseTo(0, 10);
    const m = toMatrix([Float32Array.of(0, 0), Float32Array.of(0, 1), Float32Array.of(10, 0), Float32Array.of(10, 1)]);
    // Point 0: a = 1, b = (10 + √101) / 2 → s = 1 − a/b.
    const b0 = (10 + Math.sqrt(101)) / 2;
    expect(silhouette(m, Int32Array.of(0, 0, 1, 1))).toBeCloseTo(1 - 1 / b0, 5);
  });
});

describe('discovery on the seed', () => {
  let items: Item[];
  let tokenizer: Tokenizer;
  let first: ThemesResult;
  let second: ThemesResult;

  beforeAll(async () => {
    items = (await parseDocument(SEED)).items;
    tokenizer = await getTokenizer();
    const run = async () =>
      themeItems(items, {
        codebook: loadCodebook(DEFAULT_CODEBOOK),
        tokenizer,
        embedder: await createEmbedder('lsa'),
        cache: false,
        quiet: true,
      });
    first = await run();
    second = await run();
  });

  it('gives byte-identical themes, clusters and duplicates on two runs', () => {
    expect(JSON.stringify(second.records)).toBe(JSON.stringify(first.records));
    expect(JSON.stringify(second.clusters)).toBe(JSON.stringify(first.clusters));
    expect(JSON.stringify(second.duplicates)).toBe(JSON.stringify(first.duplicates));
  });

  it('puts every item in exactly one cluster or the outlier group', () => {
    const c = first.clusters;
    const members = c.clusters.flatMap((x) => x.members);
    expect(members.length).toBe(items.length);
    expect(new Set(members)).toEqual(new Set(items.map((i) => i.id)));
    expect(c.items.map((a) => a.id)).toEqual(items.map((i) => i.id));
    for (const a of c.items) expect(c.clusters.find((x) => x.id === a.cluster)!.members).toContain(a.id);
    expect(c.clusters.filter((x) => x.outlier)).toHaveLength(1);
    expect(c.clusters.reduce((s, x) => s + x.size, 0)).toBe(items.length);
  });

  it('describes each cluster: keywords, representatives among its members, overlap with the codebook', () => {
    for (const cl of first.clusters.clusters.filter((x) => !x.outlier)) {
      expect(cl.size).toBeGreaterThanOrEqual(2);
      expect(cl.keywords.length).toBeGreaterThan(0);
      expect(cl.members).toEqual(expect.arrayContaining(cl.representatives));
      expect(cl.themes[0].count).toBeLessThanOrEqual(cl.size);
    }
    // The clusters carry the document's structure: they agree with its section headings better than chance.
    const sectionOf = new Map(items.map((i) => [i.id, i.section ?? '']));
    const ids = first.clusters.items.map((a) => a.id);
    const observed = nmi(first.clusters.items.map((a) => a.cluster), ids.map((id) => sectionOf.get(id)!));
    const rnd = mulberry32(11);
    const shuffled = ids.map((id) => sectionOf.get(id)!);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    expect(observed).toBeGreaterThan(nmi(first.clusters.items.map((a) => a.cluster), shuffled) + 0.05);
  });

  it('lays every item out on the map', () => {
    const xs = first.clusters.items.map((a) => a.x);
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(items.length / 2);
  });
});

/** 800 rows of overlapping uniform data in 8 dimensions, every fifth a copy of an earlier row. */
function overlapping() {
  const rnd = mulberry32(11);
  const vectors: Float32Array[] = [];
  for (let i = 0; i < 800; i++) vectors.push(i % 5 === 4 ? vectors[i - 3] : Float32Array.from({ length: 8 }, () => rnd()));
  return toMatrix(vectors);
}

/** Each row's nearest centre by brute force (lowest index on a tie) and the sum of the squared distances. */
function nearestCentres(m: ReturnType<typeof toMatrix>, centres: Float64Array, k: number): { labels: number[]; inertia: number } {
  const labels: number[] = [];
  let inertia = 0;
  for (let i = 0; i < m.n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < m.d; j++) {
        const x = m.data[i * m.d + j] - centres[c * m.d + j];
        s += x * x;
      }
      if (s < bestD) [best, bestD] = [c, s];
    }
    labels.push(best);
    inertia += bestD;
  }
  return { labels, inertia };
}
