/**
 * OffsetMap: key -> latest offset, for one cleaning pass, in a fixed amount of memory.
 *
 * Like Kafka's dedupe buffer, it stores a 128-bit hash of each key (xxh3-128) instead of the key,
 * so every entry has the same size whatever the key's length: 16 bytes of hash and 8 bytes of
 * offset per slot, with 4/3 slots per entry (load factor 0.75, linear probing), about 32 bytes per
 * entry in all. The tables are allocated once, at construction, and reused pass after pass.
 *
 * When `maxEntries` distinct keys are held, `put` of a new key refuses (returns false) and leaves
 * the map unchanged: the builder then stops there and the pass cleans only up to that offset.
 * Two keys with the same 128-bit hash would be taken for one key (the older record of the other
 * key would be removed); Kafka accepts the same risk with MD5.
 *
 * Contract: owned by one Cleaner and used by one pass at a time; not shared.
 */
import { xxh3 } from '@node-rs/xxhash';

const MASK32 = 0xffffffffn;
const LOAD_FACTOR = 0.75;

export class OffsetMap {
  readonly maxEntries: number;
  private readonly slots: number;
  /** Four 32-bit words of hash per slot. */
  private readonly hashes: Uint32Array;
  /** offset + 1 per slot; 0 marks an empty slot. */
  private readonly offsets: Float64Array;
  private entries = 0;
  private latest = -1;
  private readonly words = new Uint32Array(4);

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`an offset map needs room for at least one key, not ${maxEntries}`);
    this.maxEntries = maxEntries;
    this.slots = Math.ceil(maxEntries / LOAD_FACTOR) + 1;
    this.hashes = new Uint32Array(this.slots * 4);
    this.offsets = new Float64Array(this.slots);
  }

  /** Distinct keys held. */
  get size(): number {
    return this.entries;
  }

  get isFull(): boolean {
    return this.entries >= this.maxEntries;
  }

  /** The largest offset put since the last clear, -1 when none. */
  get latestOffset(): number {
    return this.latest;
  }

  /** Bytes held by the tables. */
  get memoryBytes(): number {
    return this.hashes.byteLength + this.offsets.byteLength;
  }

  /**
   * Records `offset` as the latest for `key` (offsets only move forward for a key). Returns false,
   * changing nothing, when the key is new and the map is full.
   */
  put(key: Uint8Array, offset: number): boolean {
    const slot = this.find(key);
    if (this.offsets[slot] === 0) {
      if (this.entries >= this.maxEntries) return false;
      const w = this.words;
      const at = slot * 4;
      this.hashes[at] = w[0]!;
      this.hashes[at + 1] = w[1]!;
      this.hashes[at + 2] = w[2]!;
      this.hashes[at + 3] = w[3]!;
      this.entries++;
    }
    if (offset + 1 > this.offsets[slot]!) this.offsets[slot] = offset + 1;
    if (offset > this.latest) this.latest = offset;
    return true;
  }

  /** The latest offset put for `key`, or -1. */
  get(key: Uint8Array): number {
    return this.offsets[this.find(key)]! - 1;
  }

  clear(): void {
    if (this.entries === 0 && this.latest < 0) return;
    this.offsets.fill(0);
    this.entries = 0;
    this.latest = -1;
  }

  /** The slot holding the key's hash, or the empty slot where it would go (hash left in `words`). */
  private find(key: Uint8Array): number {
    const h = xxh3.xxh128(key);
    const w = this.words;
    w[0] = Number(h & MASK32);
    w[1] = Number((h >> 32n) & MASK32);
    w[2] = Number((h >> 64n) & MASK32);
    w[3] = Number((h >> 96n) & MASK32);
    let slot = w[0]! % this.slots;
    for (;;) {
      if (this.offsets[slot] === 0) return slot;
      const at = slot * 4;
      if (this.hashes[at] === w[0] && this.hashes[at + 1] === w[1] && this.hashes[at + 2] === w[2] && this.hashes[at + 3] === w[3]) {
        return slot;
      }
      slot = slot + 1 === this.slots ? 0 : slot + 1;
    }
  }
}
