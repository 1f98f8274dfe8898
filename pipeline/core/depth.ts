// How deep a parsed document nests, for the readers' depth limits (JSON, HTML): measured without recursion, so
// the input that the limit exists for cannot overflow the stack while being measured.

/** The depth of the deepest node under `root` (root itself: 0); `children` lists a node's child nodes. */
export function maxDepth<T>(root: T, children: (node: T) => Iterable<T>): number {
  let max = 0;
  const stack: [T, number][] = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of children(node)) stack.push([child, depth + 1]);
  }
  return max;
}
