// The one interface every embedding backend implements, so swapping a model never touches other stages.

export interface Embedder {
  /** Backend and model, e.g. "lsa:dim=128" or "transformers:Xenova/multilingual-e5-small"; part of cache keys. */
  readonly id: string;
  /** Vector length; known after fit() for corpus-dependent backends. */
  readonly dim: number;
  /**
   * Corpus-dependent backends (lsa) learn their space here and must be fitted before embed();
   * pretrained backends ignore it.
   */
  fit(corpus: readonly string[]): Promise<void>;
  /** L2-normalised vectors, one per text, in input order. `kind` selects e.g. e5's "query: "/"passage: " prefix. */
  embed(texts: readonly string[], kind?: 'query' | 'passage'): Promise<Float32Array[]>;
}
