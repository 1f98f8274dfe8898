// Joins what each stage produced about the items into one RunItem per item, in document order. A stage
// result that misses an item is a bug, not something to paper over: it throws naming the item.
import type { Item, LabelRecord, ThemeRecord } from '../core/schema.ts';
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

export function enrich(items: readonly Item[], classifiers: readonly ClassifierOutput[], themes: ThemesOutput): RunItem[] {
  const labelMaps = classifiers.map((c) => ({ c, byId: new Map(c.labels.map((l) => [l.id, l])) }));
  const themeById = new Map(themes.themes.map((t) => [t.id, t.themes]));
  return items.map((item) => ({
    ...item,
    labels: labelMaps.map(({ c, byId }) => {
      const l = byId.get(item.id);
      if (!l) throw new Error(`classifier ${c.name} returned no label for item ${item.id}`);
      return { classifier: c.name, version: c.version, label: l.label, also: l.also, confidence: l.confidence, evidence: l.evidence };
    }),
    themes: themeById.get(item.id) ?? [],
    duplicate_group: themes.duplicateGroup.get(item.id) ?? null,
    response_template: themes.responseTemplate.get(item.id) ?? null,
    cluster: themes.cluster.get(item.id) ?? null,
    map: themes.layout.get(item.id) ?? null,
  }));
}
