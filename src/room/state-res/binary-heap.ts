/**
 * A binary min-heap ordered by a comparison function: the smallest element comes out first.
 * Used by Kahn's algorithm in the reverse topological power ordering, where each step takes the
 * smallest of the candidate vertices.
 */
export class BinaryHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    let index = items.length;
    items.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentItem = items[parent] as T;
      if (this.compare(item, parentItem) >= 0) break;
      items[index] = parentItem;
      index = parent;
    }
    items[index] = item;
  }

  /** Removes and returns the smallest element, or undefined when the heap is empty. */
  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0] as T;
    const last = items.pop() as T;
    const length = items.length;
    if (length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.compare(items[right] as T, items[left] as T) < 0) child = right;
      const childItem = items[child] as T;
      if (this.compare(childItem, last) >= 0) break;
      items[index] = childItem;
      index = child;
    }
    items[index] = last;
    return top;
  }
}
