/**
 * The nodes of StateGroupMap's persistent hash trie (state-group-map.ts) and the bit arithmetic
 * they share. A branch holds up to 32 slots, one per five-bit fragment of the key hash present
 * below it, packed in fragment order: slot i belongs to the i-th set bit of `bitmap`. A leaf is
 * one key and value. Keys whose 32-bit hashes are equal share a collision node.
 *
 * Leaves never change. Branches and collision nodes change only while the operation that created
 * them (`edit`) is still running; 0 marks nodes that no operation may change.
 */
export const TRIE_BITS = 5;
export const TRIE_MASK = 0x1f;

/** Nodes allocated so far (branches and collision nodes): lets tests check what a change copies. */
export const trieStats = { nodesAllocated: 0 };

export class TrieLeaf {
  constructor(
    readonly hash: number,
    readonly key: string,
    readonly value: string,
  ) {}
}

export class TrieBranch {
  constructor(
    public bitmap: number,
    public readonly slots: TrieSlot[],
    public readonly edit: number,
  ) {
    trieStats.nodesAllocated++;
  }
}

export class TrieCollision {
  constructor(
    readonly hash: number,
    public readonly leaves: TrieLeaf[],
    public readonly edit: number,
  ) {
    trieStats.nodesAllocated++;
  }
}

export type TrieSlot = TrieLeaf | TrieBranch | TrieCollision;

/** A 32-bit hash of a string: FNV-1a over UTF-16 units, then MurmurHash3's finalizer to spread the low bits. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** The number of set bits of a 32-bit integer. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
