// Joins what each stage produced about the items into one RunItem per item, in document order. A stage
// result that misses an item is a bug, not something to paper over: it throws naming the item.
import type { Item, LabelRecord, StanceRecord, ThemeRecord } from '../core/schema.ts';
import type { ClusterInfo, ItemLabel, RunItem } from '../report/schema.ts';

export interface ClassifierOutput {
  name: string;
  version: string;
  labels: readonly LabelRecord[];
}

export interface ThemesOutput {
  themes: readonly ThemeRecord[];
  /** Item id → duplicate group id, for items that have a duplicate. */
  duplicateGroup: ReadonlyMap<string, string>;
  /** Item id → response template id, for items whose response is reused. */
  responseTemplate: ReadonlyMap<string, string>;
  /** Item id → cluster id (outliers included), for items that were clustered. */
  cluster: ReadonlyMap<string, string>;
  layout: ReadonlyMap<string, { x: number; y: number }>;
  clusters: ClusterInfo[];
}

export function enrich(
  items: readonly Item[],
  classifiers: readonly ClassifierOutput[],
  stances: readonly StanceRecord[],
  themes: ThemesOutput,
): RunItem[] {
  const labelMaps = classifiers.map((c) => ({ c, byId: new Map(c.labels.map((l) => [l.id, l])) }));
  const stanceById = new Map(stances.map((s) => [s.id, s]));
  const themeById = new Map(themes.themes.map((t) => [t.id, t.themes]));
  const shared = new SharedLabels();
  return items.map((item) => {
    const s = stanceById.get(item.id);
    if (!s) throw new Error(`the stance stage returned no record for item ${item.id}`);
    // The item's fields, then the run's, in this order (the order of items.jsonl's keys). Object.assign and plain
    // assignments, not an object spread: V8 makes `{ ...item, labels, … }` ten times slower (seconds on a
    // 200,000-row round).
    const out = Object.assign({}, item) as RunItem;
    out.labels = shared.list(
      labelMaps.map(({ c, byId }) => {
        const l = byId.get(item.id);
        if (!l) throw new Error(`classifier ${c.name} returned no label for item ${item.id}`);
        return shared.label(c, l);
      }),
    );
    out.stance = s.stance;
    out.stance_confidence = s.confidence;
    out.stance_evidence = s.evidence;
    out.themes = themeById.get(item.id) ?? [];
    out.duplicate_group = themes.duplicateGroup.get(item.id) ?? null;
    out.response_template = themes.responseTemplate.get(item.id) ?? null;
    out.cluster = themes.cluster.get(item.id) ?? null;
    out.map = themes.layout.get(item.id) ?? null;
    return out;
  });
}

/**
 * One label object (and one list of them) for every copy of a campaign text: the classifiers give copies the
 * same evidence list, so a label equal in every field to one already made is that one. The report then
 * serialises each distinct label list once (core/bytes.ts SharedValues, items.csv's evidence cache) instead of
 * once per row, and a 200,000-row mass round holds a few thousand label objects instead of 400,000. The values
 * are unchanged: only equal labels are shared, and nothing downstream mutates them.
 */
const PROBE = 2000;

class SharedLabels {
  /** By evidence list (the classifiers share it between copies): the labels made with it. */
  private readonly byEvidence = new Map<object, ItemLabel[]>();
  /** By first label: the lists that start with it. */
  private readonly lists = new Map<ItemLabel, ItemLabel[][]>();
  private seen = 0;
  private hits = 0;

  label(c: ClassifierOutput, l: LabelRecord): ItemLabel {
    // A round whose labels never recur in the first PROBE (distinct comments and answers) stops looking, so that
    // it does not hold a map entry per label for nothing.
    const probing = this.hits > 0 || this.seen < PROBE;
    this.seen++;
    const made = probing ? this.byEvidence.get(l.evidence) : undefined;
    if (made) {
      for (const m of made) {
        if (
          m.classifier === c.name &&
          m.version === c.version &&
          m.label === l.label &&
          m.confidence === l.confidence &&
          m.needs_review === l.needs_review &&
          sameStrings(m.also, l.also)
        ) {
          this.hits++;
          return m;
        }
      }
    }
    const fresh: ItemLabel = {
      classifier: c.name,
      version: c.version,
      label: l.label,
      also: l.also,
      confidence: l.confidence,
      evidence: l.evidence,
      ...(l.needs_review !== undefined ? { needs_review: l.needs_review } : {}),
    };
    if (made) made.push(fresh);
    else if (probing) this.byEvidence.set(l.evidence, [fresh]);
    return fresh;
  }

  list(labels: ItemLabel[]): ItemLabel[] {
    if (!labels.length || (this.hits === 0 && this.seen >= PROBE)) return labels;
    const known = this.lists.get(labels[0]);
    if (known) {
      for (const k of known) if (k.length === labels.length && k.every((x, i) => x === labels[i])) return k;
      known.push(labels);
    } else this.lists.set(labels[0], [labels]);
    return labels;
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}
