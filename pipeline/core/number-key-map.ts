/**
 * Integer keys up to 2⁵³ to non-negative ints, by open addressing over typed arrays. Keys above 2³¹ (LSA n-gram
 * keys, 52-bit band hashes, pair numbers) are heap numbers in V8: a Map boxed one on every lookup, a few million
 * allocations per 20,000 comments, and the garbage collector's time with them.
 */
export class NumberKeyMap {
  private keys = new Float64Array(1024);
  private values = new Int32Array(1024).fill(-1);
  private used = 0;

  get size(): number {
    return this.used;
  }

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let h = Math.imul((key >>> 0) ^ Math.imul(Math.floor(key / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    while (this.values[h] !== -1 && this.keys[h] !== key) h = (h + 1) & mask;
    return h;
  }

  get(key: number): number | undefined {
    const h = this.slot(key);
    return this.values[h] === -1 ? undefined : this.values[h];
  }

  set(key: number, value: number): void {
    if (value < 0) throw new Error('NumberKeyMap holds non-negative values only');
    let h = this.slot(key);
    if (this.values[h] === -1) {
      if ((this.used + 1) * 2 > this.keys.length) {
        this.grow();
        h = this.slot(key);
      }
      this.used++;
      this.keys[h] = key;
    }
    this.values[h] = value;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2).fill(-1);
    for (let i = 0; i < keys.length; i++) {
      if (values[i] === -1) continue;
      const h = this.slot(keys[i]);
      this.keys[h] = keys[i];
      this.values[h] = values[i];
    }
  }
}

