/**
 * A least-recently-used cache: a Map from key to node, the nodes in a doubly linked list from
 * the least to the most recently used. A hit relinks its node (a few pointer writes) and an
 * eviction unlinks the list's head, so neither touches the Map's order: moving keys by deleting
 * and re-adding them left deleted slots at the front of the Map, which every eviction then had to
 * skip until the Map was rehashed.
 */
class LruNode<K, V> {
  prev: LruNode<K, V> | null = null;
  next: LruNode<K, V> | null = null;

  constructor(
    readonly key: K,
    public value: V,
  ) {}
}

export class LruCache<K, V> {
  private readonly nodes = new Map<K, LruNode<K, V>>();
  /** Least recently used. */
  private head: LruNode<K, V> | null = null;
  /** Most recently used. */
  private tail: LruNode<K, V> | null = null;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError("LruCache capacity must be at least 1");
  }

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    if (node !== this.tail) {
      this.unlink(node);
      this.append(node);
    }
    return node.value;
  }

  set(key: K, value: V): void {
    const existing = this.nodes.get(key);
    if (existing !== undefined) {
      existing.value = value;
      if (existing !== this.tail) {
        this.unlink(existing);
        this.append(existing);
      }
      return;
    }
    const node = new LruNode(key, value);
    this.nodes.set(key, node);
    this.append(node);
    if (this.nodes.size > this.capacity) {
      const oldest = this.head!;
      this.unlink(oldest);
      this.nodes.delete(oldest.key);
    }
  }

  delete(key: K): void {
    const node = this.nodes.get(key);
    if (node === undefined) return;
    this.unlink(node);
    this.nodes.delete(key);
  }

  clear(): void {
    this.nodes.clear();
    this.head = null;
    this.tail = null;
  }

  private unlink(node: LruNode<K, V>): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = null;
    node.next = null;
  }

  private append(node: LruNode<K, V>): void {
    node.prev = this.tail;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
  }
}
