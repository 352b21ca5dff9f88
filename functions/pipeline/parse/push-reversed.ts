// Iterative tree walks push a node's children in reverse so they pop in document order. Pushing by index
// allocates nothing per node: a reversed copy (`toReversed()`) for every node of a large page raised the
// extraction's peak memory by about 5 MB on the bench's workload.
export function pushReversed<T>(stack: T[], items: readonly T[]): void {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item !== undefined) stack.push(item);
  }
}
