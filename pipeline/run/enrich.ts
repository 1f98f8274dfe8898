// Joins what each stage produced about the items into one RunItem per item, in document order. A stage
// result that misses an item is a bug, not something to paper over: it throws naming the item.
import type { Item, LabelRecord, StanceRecord, ThemeRecord } from '../core/schema.ts';
import type { ClusterInfo, RunItem } from '../report/schema.ts';

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
  return items.map((item) => {
    const s = stanceById.get(item.id);
    if (!s) throw new Error(`the stance stage returned no record for item ${item.id}`);
    return {
      ...item,
      labels: labelMaps.map(({ c, byId }) => {
        const l = byId.get(item.id);
        if (!l) throw new Error(`classifier ${c.name} returned no label for item ${item.id}`);
        return {
          classifier: c.name,
          version: c.version,
          label: l.label,
          also: l.also,
          confidence: l.confidence,
          evidence: l.evidence,
          ...(l.needs_review !== undefined ? { needs_review: l.needs_review } : {}),
        };
      }),
      stance: s.stance,
      stance_confidence: s.confidence,
      stance_evidence: s.evidence,
      themes: themeById.get(item.id) ?? [],
      duplicate_group: themes.duplicateGroup.get(item.id) ?? null,
      response_template: themes.responseTemplate.get(item.id) ?? null,
      cluster: themes.cluster.get(item.id) ?? null,
      map: themes.layout.get(item.id) ?? null,
    };
  });
}
