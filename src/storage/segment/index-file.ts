/**
 * IndexFile: a file of fixed-width entries kept in memory for binary search and appended to disk
 * as entries are added. The base of OffsetIndex and TimeIndex.
 *
 * Entries are loaded lazily (on the first lookup or append), so a closed segment's index costs
 * no memory until it is read; `unload()` releases it again. Kafka preallocates and memory-maps
 * its index files; here the file is exactly `count * entrySize` bytes long, so its size alone
 * says how many entries it holds.
 *
 * Contract: owned by one LogSegment; not safe for concurrent use (nothing in Node is concurrent).
 */
import type { FileHandle, FileSystem } from '../fs/file-system.js';

export abstract class IndexFile {
  private handle: FileHandle | undefined;
  private entries: Buffer | undefined;
  private entryCount = 0;

  constructor(
    protected readonly fs: FileSystem,
    readonly path: string,
    readonly baseOffset: number,
    readonly entrySize: number,
    readonly maxEntries: number,
  ) {}

  protected get buf(): Buffer {
    this.ensureLoaded();
    return this.entries!;
  }

  get count(): number {
    this.ensureLoaded();
    return this.entryCount;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  private file(): FileHandle {
    this.handle ??= this.fs.open(this.path, 'readWrite');
    return this.handle;
  }

  private ensureLoaded(): void {
    if (this.entries) return;
    const h = this.file();
    const size = h.size();
    const count = Math.floor(size / this.entrySize);
    const buf = Buffer.alloc(Math.max(count, 16) * this.entrySize);
    if (count > 0) h.read(buf, 0, count * this.entrySize, 0);
    this.entries = buf;
    this.entryCount = count;
    if (size !== count * this.entrySize) h.truncate(count * this.entrySize);
  }

  /** Appends one encoded entry to memory and to the file. */
  protected appendEntry(entry: Buffer): void {
    this.ensureLoaded();
    const at = this.entryCount * this.entrySize;
    if (at + this.entrySize > this.entries!.length) {
      const grown = Buffer.alloc(this.entries!.length * 2);
      this.entries!.copy(grown, 0, 0, at);
      this.entries = grown;
    }
    entry.copy(this.entries!, at);
    this.file().write(entry, 0, this.entrySize, at);
    this.entryCount++;
  }

  /** Keeps only the first n entries. */
  protected truncateEntries(n: number): void {
    this.ensureLoaded();
    if (n >= this.entryCount) return;
    this.entryCount = n;
    this.file().truncate(n * this.entrySize);
  }

  /** Index of the last entry whose key is <= target, or -1 (keys must be non-decreasing). */
  protected floorIndex(target: number, keyAt: (i: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (keyAt(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * The last entry read straight from the file (without loading the index), or undefined when
   * the file is empty; also undefined-with-false when the file size is not whole entries.
   */
  protected lastRawEntry(): { ok: boolean; entry: Buffer | undefined } {
    if (this.entries) {
      const n = this.entryCount;
      return { ok: true, entry: n === 0 ? undefined : this.entries.subarray((n - 1) * this.entrySize, n * this.entrySize) };
    }
    const h = this.file();
    const size = h.size();
    if (size % this.entrySize !== 0) return { ok: false, entry: undefined };
    if (size === 0) return { ok: true, entry: undefined };
    const entry = Buffer.alloc(this.entrySize);
    h.read(entry, 0, this.entrySize, size - this.entrySize);
    return { ok: true, entry };
  }

  /** Removes every entry. */
  reset(): void {
    this.truncateEntries(0);
  }

  sync(): Promise<void> {
    return this.handle ? this.handle.sync() : Promise.resolve();
  }

  /** Drops the in-memory copy (reloaded on next use) and closes the file. */
  unload(): void {
    this.close();
    this.entries = undefined;
    this.entryCount = 0;
  }

  close(): void {
    this.handle?.close();
    this.handle = undefined;
  }

  delete(): void {
    this.unload();
    this.fs.remove(this.path);
  }
}
