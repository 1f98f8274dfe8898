// Files the themes stage writes besides themes.jsonl (core ThemeRecord): clusters.json and duplicates.json.
import { z } from 'zod';

export const CLUSTERS_FORMAT = 'pubcom-clusters/1';
export const DUPLICATES_FORMAT = 'pubcom-duplicates/1';

export const Skipped = z.object({ id: z.string(), reason: z.string() });

export const ClusterRecord = z.object({
  /** "c01", "c02", … by descending size; "outliers" for the outlier group. */
  id: z.string(),
  /** Top c-TF-IDF keywords joined by ・ (e.g. 冷房設備・熱中症・体育館); 外れ値 for the outlier group. */
  name: z.string(),
  size: z.number().int().nonnegative(),
  outlier: z.boolean(),
  /** c-TF-IDF over content nouns (compounds kept), highest weight first. */
  keywords: z.array(z.object({ term: z.string(), weight: z.number() })),
  /** Item ids closest to the cluster centre first. */
  representatives: z.array(z.string()),
  /** Codebook themes among the members (any position in their theme list). */
  themes: z.array(z.object({ theme: z.string(), count: z.number().int().nonnegative(), share: z.number() })),
  members: z.array(z.string()),
});
export type ClusterRecord = z.infer<typeof ClusterRecord>;

export const ClusterAssignment = z.object({
  id: z.string(),
  cluster: z.string(),
  /** 1 − cosine similarity to the nearest cluster centre. */
  distance: z.number(),
  /** 2-D map position (first two principal components of the embeddings). */
  x: z.number(),
  y: z.number(),
});

export const ClustersFile = z.object({
  format: z.literal(CLUSTERS_FORMAT),
  embedder: z.string(),
  seed: z.number().int(),
  k: z.number().int().nonnegative(),
  k_selection: z.object({
    method: z.enum(['fixed', 'silhouette', 'cube_root']),
    scores: z.array(z.object({ k: z.number().int(), silhouette: z.number() })),
  }),
  /** Silhouette in the space k-means ran in (first `dimensions` principal components, re-normalised). */
  silhouette: z.number(),
  /** The same partition's silhouette in the full embedding space. */
  silhouette_embedding: z.number(),
  /** Principal components clustered on (0: the full embeddings). */
  dimensions: z.number().int().nonnegative(),
  /** Comments whose distance to the nearest centre exceeds this form the outlier group. */
  outlier_threshold: z.number(),
  outlier_rule: z.string(),
  layout: z.string(),
  clusters: z.array(ClusterRecord),
  /** One per embedded item, in input order. */
  items: z.array(ClusterAssignment),
  /** Items not clustered (empty comment), with the reason. */
  skipped: z.array(Skipped),
});
export type ClustersFile = z.infer<typeof ClustersFile>;

export const TextGroupRecord = z.object({
  /** "d001"… for comments, "t001"… for response templates, largest group first. */
  id: z.string(),
  count: z.number().int().min(2),
  distinct: z.number().int().min(1),
  min_jaccard: z.number(),
  text: z.string(),
  items: z.array(z.string()),
});

export const DuplicatesFile = z.object({
  format: z.literal(DUPLICATES_FORMAT),
  method: z.object({
    key: z.string(),
    /** Character n-gram length of the shingles. */
    shingle: z.number().int().positive(),
    /** Near-duplicate comments: Jaccard of shingle sets at least this. */
    jaccard: z.number(),
    /** Response templates: the same, with this (stricter) threshold. */
    template_jaccard: z.number(),
    bands: z.number().int().positive(),
    rows: z.number().int().positive(),
  }),
  comments: z.object({
    items: z.number().int().nonnegative(),
    /** Items that belong to some duplicate group, and how many items the groups would count once each. */
    in_groups: z.number().int().nonnegative(),
    distinct_after_grouping: z.number().int().nonnegative(),
    groups: z.array(TextGroupRecord),
  }),
  responses: z.object({
    items: z.number().int().nonnegative(),
    in_templates: z.number().int().nonnegative(),
    templates: z.array(TextGroupRecord),
  }),
});
export type DuplicatesFile = z.infer<typeof DuplicatesFile>;
