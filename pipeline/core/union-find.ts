/**
 * Disjoint sets over 0…n−1 whose root is always the lowest index, so a group is named after its first member
 * whatever order the links arrive in (stable names, identical output on rerun). Iterative path halving: no
 * recursion depth limit on mass-submission rounds.
 */
export class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]];
      x = this.parent[x];
    }
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
