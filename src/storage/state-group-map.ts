/**
 * The full state of a state group as a ReadonlyMap (stateMapKey → event ID) that is cheap to
 * derive from its previous group: a persistent hash trie (HAMT: 32-way nodes indexed by five bits
 * of the key's hash at a time, children packed by a bitmap). Deriving a child copies only the
 * nodes on the paths to the changed keys, about log₃₂(size) nodes per change (four in a room of
 * 100,000 members); every other node is shared with the parent, which never changes. Nothing is
 * ever folded or flattened, so no derivation costs O(size), and states that share history share
 * memory: the state store can cache many groups of one large room for little more than one.
 *
 * Sharing also makes diff() of two related states cost O(changes × log size): subtrees that are
 * the same object on both sides are skipped without being visited.
 *
 * Bulk work (fromMap, a large delta) edits the nodes it has itself created in place, marked with
 * the operation's edit number; a node from an earlier operation is copied before it changes.
 */
import { hashKey, popcount, TRIE_BITS, TRIE_MASK, TrieBranch, TrieCollision, TrieLeaf, type TrieSlot } from "./state-trie-nodes.js";

export { trieStats } from "./state-trie-nodes.js";

const EMPTY_ROOT = new TrieBranch(0, [], 0);
/** The last edit number handed out (see TrieEditor). */
let lastEdit = 0;

export class StateGroupMap implements ReadonlyMap<string, string> {
  private static readonly EMPTY = new StateGroupMap(EMPTY_ROOT, 0);

  private constructor(
    private readonly root: TrieBranch,
    readonly size: number,
  ) {}

  /** A state holding the entries of `state` (which is not kept: change it freely afterwards). */
  static fromMap(state: ReadonlyMap<string, string>): StateGroupMap {
    if (state instanceof StateGroupMap) return state;
    const editor = new TrieEditor(EMPTY_ROOT, 0);
    for (const [key, eventId] of state) editor.set(key, eventId);
    return StateGroupMap.from(editor);
  }

  static empty(): StateGroupMap {
    return StateGroupMap.EMPTY;
  }

  /**
   * The changes that turn `from` into `to`: the new event ID of each added or changed key, null
   * for each removed key. Subtrees the two states share are skipped.
   */
  static diff(from: StateGroupMap, to: StateGroupMap): Map<string, string | null> {
    const out = new Map<string, string | null>();
    diffSlots(from.root, to.root, out);
    return out;
  }

  /** This state with `delta` applied: event ID to set a key, null to remove it. */
  withDelta(delta: ReadonlyMap<string, string | null>): StateGroupMap {
    if (delta.size === 0) return this;
    const editor = new TrieEditor(this.root, this.size);
    for (const [key, eventId] of delta) {
      if (eventId === null) editor.remove(key);
      else editor.set(key, eventId);
    }
    return editor.root === this.root ? this : StateGroupMap.from(editor);
  }

  get(key: string): string | undefined {
    const hash = hashKey(key);
    let slot: TrieSlot = this.root;
    let shift = 0;
    for (;;) {
      if (slot instanceof TrieBranch) {
        const bit = 1 << ((hash >>> shift) & TRIE_MASK);
        if ((slot.bitmap & bit) === 0) return undefined;
        slot = slot.slots[popcount(slot.bitmap & (bit - 1))]!;
        shift += TRIE_BITS;
      } else if (slot instanceof TrieLeaf) {
        return slot.key === key ? slot.value : undefined;
      } else {
        if (slot.hash !== hash) return undefined;
        for (const leaf of slot.leaves) if (leaf.key === key) return leaf.value;
        return undefined;
      }
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  *entries(): MapIterator<[string, string]> {
    // Depth-first with an explicit stack (a trie of 2³² keys is at most seven branches deep).
    const path: TrieSlot[][] = [this.root.slots];
    const next: number[] = [0];
    let depth = 0;
    while (depth >= 0) {
      const slots = path[depth]!;
      const index = next[depth]!;
      if (index >= slots.length) {
        depth--;
        continue;
      }
      next[depth] = index + 1;
      const slot = slots[index]!;
      if (slot instanceof TrieLeaf) {
        yield [slot.key, slot.value];
      } else if (slot instanceof TrieBranch) {
        depth++;
        path[depth] = slot.slots;
        next[depth] = 0;
      } else {
        for (const leaf of slot.leaves) yield [leaf.key, leaf.value];
      }
    }
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<string> {
    for (const [, eventId] of this.entries()) yield eventId;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    visit(this.root, (leaf) => callback.call(thisArg, leaf.value, leaf.key, this));
  }

  /** A mutable copy, for callers that build on this state. */
  toMap(): Map<string, string> {
    const out = new Map<string, string>();
    visit(this.root, (leaf) => out.set(leaf.key, leaf.value));
    return out;
  }

  private static from(editor: TrieEditor): StateGroupMap {
    return editor.size === 0 ? StateGroupMap.EMPTY : new StateGroupMap(editor.root, editor.size);
  }
}

/** One bulk change: nodes it creates carry its edit number and are changed in place after that. */
class TrieEditor {
  private readonly edit = ++lastEdit;

  constructor(
    public root: TrieBranch,
    public size: number,
  ) {}

  set(key: string, value: string): void {
    this.root = this.setIn(this.root, 0, new TrieLeaf(hashKey(key), key, value));
  }

  remove(key: string): void {
    const next = this.removeIn(this.root, 0, hashKey(key), key);
    // The root stays a branch: removeIn only collapses branches below it.
    this.root = next === null ? EMPTY_ROOT : (next as TrieBranch);
  }

  private setIn(node: TrieBranch, shift: number, leaf: TrieLeaf): TrieBranch {
    const bit = 1 << ((leaf.hash >>> shift) & TRIE_MASK);
    const index = popcount(node.bitmap & (bit - 1));
    if ((node.bitmap & bit) === 0) {
      this.size++;
      const own = this.editable(node);
      own.slots.splice(index, 0, leaf);
      own.bitmap |= bit;
      return own;
    }
    const slot = node.slots[index]!;
    const replacement = this.setInSlot(slot, shift + TRIE_BITS, leaf);
    if (replacement === slot) return node;
    const own = this.editable(node);
    own.slots[index] = replacement;
    return own;
  }

  private setInSlot(slot: TrieSlot, shift: number, leaf: TrieLeaf): TrieSlot {
    if (slot instanceof TrieBranch) return this.setIn(slot, shift, leaf);
    if (slot instanceof TrieLeaf) {
      if (slot.key === leaf.key) return slot.value === leaf.value ? slot : leaf;
      this.size++;
      return this.join(slot, leaf, shift);
    }
    if (slot.hash !== leaf.hash) {
      this.size++;
      return this.join(slot, leaf, shift);
    }
    const at = slot.leaves.findIndex((existing) => existing.key === leaf.key);
    if (at >= 0 && slot.leaves[at]!.value === leaf.value) return slot;
    const own = slot.edit === this.edit ? slot : new TrieCollision(slot.hash, slot.leaves.slice(), this.edit);
    if (at >= 0) {
      own.leaves[at] = leaf;
    } else {
      own.leaves.push(leaf);
      this.size++;
    }
    return own;
  }

  /** The smallest subtree at `shift` holding `existing` and the new `leaf` (different keys). */
  private join(existing: TrieLeaf | TrieCollision, leaf: TrieLeaf, shift: number): TrieSlot {
    // Equal hashes can only meet as two leaves (a collision of the same hash takes the leaf in).
    if (existing.hash === leaf.hash) return new TrieCollision(leaf.hash, [existing as TrieLeaf, leaf], this.edit);
    // The hashes differ in some bit, so this recurses at most to shift 30.
    const a = (existing.hash >>> shift) & TRIE_MASK;
    const b = (leaf.hash >>> shift) & TRIE_MASK;
    if (a === b) return new TrieBranch(1 << a, [this.join(existing, leaf, shift + TRIE_BITS)], this.edit);
    return new TrieBranch((1 << a) | (1 << b), a < b ? [existing, leaf] : [leaf, existing], this.edit);
  }

  /** `node` without `key`: the same node when absent, null when emptied, a lone leaf below the root. */
  private removeIn(node: TrieBranch, shift: number, hash: number, key: string): TrieSlot | null {
    const bit = 1 << ((hash >>> shift) & TRIE_MASK);
    if ((node.bitmap & bit) === 0) return node;
    const index = popcount(node.bitmap & (bit - 1));
    const slot = node.slots[index]!;
    let replacement: TrieSlot | null;
    if (slot instanceof TrieBranch) {
      replacement = this.removeIn(slot, shift + TRIE_BITS, hash, key);
    } else if (slot instanceof TrieLeaf) {
      if (slot.key !== key) return node;
      this.size--;
      replacement = null;
    } else {
      replacement = this.removeFromCollision(slot, hash, key);
    }
    if (replacement === slot) return node;
    if (replacement === null) {
      if (shift > 0 && node.slots.length === 1) return null;
      // A branch below the root left with one leaf is replaced by that leaf (canonical shape).
      if (shift > 0 && node.slots.length === 2) {
        const other = node.slots[1 - index]!;
        if (!(other instanceof TrieBranch)) return other;
      }
      const own = this.editable(node);
      own.slots.splice(index, 1);
      own.bitmap &= ~bit;
      return own;
    }
    if (shift > 0 && node.slots.length === 1 && !(replacement instanceof TrieBranch)) return replacement;
    const own = this.editable(node);
    own.slots[index] = replacement;
    return own;
  }

  private removeFromCollision(slot: TrieCollision, hash: number, key: string): TrieSlot | null {
    if (slot.hash !== hash) return slot;
    const at = slot.leaves.findIndex((leaf) => leaf.key === key);
    if (at < 0) return slot;
    this.size--;
    if (slot.leaves.length === 2) return slot.leaves[1 - at]!;
    const own = slot.edit === this.edit ? slot : new TrieCollision(slot.hash, slot.leaves.slice(), this.edit);
    own.leaves.splice(at, 1);
    return own;
  }

  private editable(node: TrieBranch): TrieBranch {
    return node.edit === this.edit ? node : new TrieBranch(node.bitmap, node.slots.slice(), this.edit);
  }
}

function visit(slot: TrieSlot, fn: (leaf: TrieLeaf) => void): void {
  if (slot instanceof TrieLeaf) fn(slot);
  else if (slot instanceof TrieBranch) for (const child of slot.slots) visit(child, fn);
  else for (const leaf of slot.leaves) fn(leaf);
}

/** Adds to `out` the changes from subtree `a` to subtree `b` (at the same position in two tries). */
function diffSlots(a: TrieSlot | undefined, b: TrieSlot | undefined, out: Map<string, string | null>): void {
  if (a === b) return;
  if (a instanceof TrieBranch && b instanceof TrieBranch) {
    let bits = a.bitmap | b.bitmap;
    while (bits !== 0) {
      const bit = bits & -bits;
      bits ^= bit;
      const inA = (a.bitmap & bit) !== 0 ? a.slots[popcount(a.bitmap & (bit - 1))] : undefined;
      const inB = (b.bitmap & bit) !== 0 ? b.slots[popcount(b.bitmap & (bit - 1))] : undefined;
      diffSlots(inA, inB, out);
    }
    return;
  }
  // Different kinds of node (or one side absent): compare the two subtrees' entries.
  const before = new Map<string, string>();
  if (a !== undefined) visit(a, (leaf) => before.set(leaf.key, leaf.value));
  if (b !== undefined) {
    visit(b, (leaf) => {
      if (before.get(leaf.key) !== leaf.value) out.set(leaf.key, leaf.value);
      before.delete(leaf.key);
    });
  }
  for (const key of before.keys()) out.set(key, null);
}
