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

type GrowableArray = Int32Array | Uint8Array;

/** A copy of `a` in an array of the same kind twice as long (the rest zero): for buffers that grow by doubling. */
export function doubled<T extends GrowableArray>(a: T): T {
  const b = new (a.constructor as new (length: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/** Appends every element of `items` to `out` (any length), returning `out`. */
export function pushAll<T>(out: T[], items: Iterable<T>): T[] {
  for (const x of items) out.push(x);
  return out;
}

/**
 * Items grouped by a key, for work done once per distinct text (mass rounds repeat a few texts thousands of times):
 * `first[j]` is the index of the j-th distinct key's first item, `slot[i]` the distinct index of item i.
 */
export function distinctSlots<T>(items: readonly T[], key: (item: T) => string): { first: number[]; slot: Int32Array } {
  const slotOf = new Map<string, number>();
  const first: number[] = [];
  const slot = new Int32Array(items.length);
  items.forEach((item, i) => {
    const k = key(item);
    let j = slotOf.get(k);
    if (j === undefined) {
      j = first.length;
      slotOf.set(k, j);
      first.push(i);
    }
    slot[i] = j;
  });
  return { first, slot };
}
