// Pairwise agreement between classifiers that labelled the same items.
// Cohen's kappa is computed here because the eval stage's metrics were not available when the report was
// written; if pipeline/eval/metrics.ts exports an equivalent, this should delegate to it.

/** Cohen's kappa for two label sequences over the same items; null when undefined (no items). */
export function cohenKappa(a: readonly string[], b: readonly string[]): number | null {
  const n = a.length;
  if (n === 0 || b.length !== n) return null;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let agreed = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agreed++;
    countA.set(a[i], (countA.get(a[i]) ?? 0) + 1);
    countB.set(b[i], (countB.get(b[i]) ?? 0) + 1);
  }
  const po = agreed / n;
  let pe = 0;
  for (const [label, ca] of countA) pe += (ca / n) * ((countB.get(label) ?? 0) / n);
  // Both raters used one and the same label throughout: agreement is perfect and kappa is conventionally 1.
  if (pe === 1) return po === 1 ? 1 : 0;
  return (po - pe) / (1 - pe);
}
