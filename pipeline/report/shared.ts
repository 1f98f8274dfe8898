// What the report makes from a list that copies of a campaign text share (run/enrich.ts: label lists; stance
// evidence and theme lists come shared from their stages), kept by the list's identity so it is made once.

/** Lookups after which a cache that has never been hit stops keeping anything: a round without copies. */
const PROBE = 2000;

/**
 * A value per object, made on first use. A round of distinct comments shares no lists: after PROBE lookups
 * without a hit the cache drops what it kept and makes every value afresh, so it does not hold one entry per item.
 * Either way the values are what `make` gives, so the output does not depend on the cache.
 */
export class SharedCache<V> {
  private readonly values = new Map<object, V>();
  private seen = 0;
  private hits = 0;

  get(key: object, make: () => V): V {
    if (this.hits === 0 && this.seen >= PROBE) {
      if (this.values.size) this.values.clear();
      return make();
    }
    this.seen++;
    const known = this.values.get(key);
    if (known !== undefined) {
      this.hits++;
      return known;
    }
    const fresh = make();
    this.values.set(key, fresh);
    return fresh;
  }
}
