// Loops instead of spreads over data-sized arrays: `Math.max(...xs)` and `out.push(...xs)` pass every element as
// a call argument and throw "Maximum call stack size exceeded" beyond ~125,000 elements.

/** The largest value, or `empty` when there is none. */
export function maxOf(values: ArrayLike<number>, empty = -Infinity): number {
  if (values.length === 0) return empty;
  let max = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/** The smallest value, or `empty` when there is none. */
export function minOf(values: ArrayLike<number>, empty = Infinity): number {
  if (values.length === 0) return empty;
  let min = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] < min) min = values[i];
  return min;
}

/** Appends every element of `items` to `out` (any length), returning `out`. */
export function pushAll<T>(out: T[], items: Iterable<T>): T[] {
  for (const x of items) out.push(x);
  return out;
}
