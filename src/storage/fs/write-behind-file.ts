/**
 * Write-behind files: writes and truncations carried out on libuv's thread pool, in order, while
 * the caller goes on at once. Segment `.log` files use them, so the event loop serving connections
 * never waits for a write to reach the page cache (which stalls while the same file is being
 * fsynced). Everything else about such a file stays synchronous and consistent: reads and
 * `size()` see every write and truncation already issued, because the operations not yet settled
 * are laid over what the disk returns.
 *
 * Order: the files of one log share a WriteBehindQueue, and its operations run one batch at a time
 * in the order issued, across files; consecutive writes that continue each other in one file go
 * to the kernel as one positioned writev. An operation leaves the queue only once the kernel has
 * it, so the disk always holds a prefix of the queue applied (plus perhaps part of the batch in
 * flight): replaying a file's unsettled operations over a read gives the file as issued, and a
 * crash can lose only a suffix of the log's writes, never a middle part (a new segment's bytes are
 * never on disk before the end of the previous segment's).
 *
 * Waiting: `written()` resolves once every operation issued to the queue so far has reached the
 * operating system (what acks=1 needs); `sync()` waits for that, then runs fdatasync on the file
 * while later writes go on. `readAsync` reads on the thread pool and lays over the operations
 * outstanding when it was called. `close()` with operations, reads or an fsync outstanding closes
 * the descriptor once they are done (its number must not be reused under them). Every fsync goes
 * through the process-wide `fsyncSlots` (sync-slots.ts), so fsyncs never hold the whole pool.
 *
 * Failure: the first failed operation fails the queue: its waiters reject, and every later call
 * on any of its files throws the same StorageIoError (the log then goes offline).
 *
 * Contract: one owner (a PartitionLog and its segments), on the event loop. A buffer given to
 * `write` must not change afterwards (the write may happen later); the logs hand over request
 * bytes that nothing writes to again.
 */
import * as fs from 'node:fs';
import { StorageIoError, type FileHandle, type WriteGroup } from './file-system.js';
import { fsyncSlots } from './sync-slots.js';

type FileOp = { kind: 'write'; buf: Buffer; position: number } | { kind: 'truncate'; length: number };
type QueuedOp = FileOp & { file: WriteBehindFileHandle };

interface SeqWaiter {
  seq: number;
  resolve(): void;
  reject(err: unknown): void;
}

/** The most bytes (and buffers) one writev carries. */
const MAX_BATCH_BYTES = 8 << 20;
const MAX_BATCH_BUFFERS = 256;

/** The ordered operations of a group of files (one log's segments). */
export class WriteBehindQueue implements WriteGroup {
  readonly writeGroup = true as const;
  private readonly ops: QueuedOp[] = [];
  private inFlight = 0;
  private issued = 0;
  private settled = 0;
  private waiters: SeqWaiter[] = [];
  failure: StorageIoError | undefined;

  enqueue(op: QueuedOp): void {
    this.ops.push(op);
    this.issued++;
    this.pump();
  }

  /** Resolves once every operation issued so far has settled. */
  drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.settled >= this.issued) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq: this.issued, resolve, reject }));
  }

  private pump(): void {
    if (this.inFlight > 0 || this.ops.length === 0 || this.failure) return;
    const head = this.ops[0]!;
    if (head.kind === 'truncate') {
      this.inFlight = 1;
      fs.ftruncate(head.file.fd, head.length, (err) => this.settle(1, err));
      return;
    }
    const bufs: Buffer[] = [head.buf];
    let bytes = head.buf.length;
    let next = head.position + head.buf.length;
    for (let i = 1; i < this.ops.length && bufs.length < MAX_BATCH_BUFFERS && bytes < MAX_BATCH_BYTES; i++) {
      const op = this.ops[i]!;
      if (op.kind !== 'write' || op.file !== head.file || op.position !== next) break;
      bufs.push(op.buf);
      bytes += op.buf.length;
      next += op.buf.length;
    }
    this.inFlight = bufs.length;
    writeAll(head.file.fd, bufs, head.position, (err) => this.settle(bufs.length, err));
  }

  private settle(count: number, err: Error | null): void {
    this.inFlight = 0;
    if (err) {
      const head = this.ops[0]!;
      this.failure = new StorageIoError(head.kind, head.file.path, err);
      const waiting = this.waiters;
      this.waiters = [];
      for (const w of waiting) w.reject(this.failure);
      for (const op of this.ops) op.file.queueFailed();
      return;
    }
    const done = this.ops.splice(0, count);
    this.settled += count;
    for (const op of done) op.file.settled();
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.seq <= this.settled);
      this.waiters = this.waiters.filter((w) => w.seq > this.settled);
      for (const w of ready) w.resolve();
    }
    this.pump();
  }
}

/** One positioned writev, continued until every byte is written. */
function writeAll(fd: number, bufs: Buffer[], position: number, done: (err: Error | null) => void): void {
  fs.writev(fd, bufs, position, (err, written) => {
    if (err) return done(err);
    let left = written;
    const rest: Buffer[] = [];
    for (const b of bufs) {
      if (left >= b.length) {
        left -= b.length;
        continue;
      }
      rest.push(left > 0 ? b.subarray(left) : b);
      left = 0;
    }
    if (rest.length === 0) return done(null);
    writeAll(fd, rest, position + written, done);
  });
}

export class WriteBehindFileHandle implements FileHandle {
  /** This file's operations not settled yet, in order. */
  private readonly unsettled: FileOp[] = [];
  private closed = false;
  private fdClosed = false;
  private poolOpsInFlight = 0;

  constructor(
    readonly fd: number,
    readonly path: string,
    private readonly queue: WriteBehindQueue = new WriteBehindQueue(),
  ) {}

  private check(op: string): void {
    if (this.queue.failure) throw this.queue.failure;
    if (this.closed) throw new StorageIoError(op, this.path, new Error('file is closed'));
  }

  private enqueue(op: FileOp): void {
    this.unsettled.push(op);
    this.queue.enqueue({ ...op, file: this });
  }

  write(buf: Buffer, offset: number, length: number, position: number): void {
    this.check('write');
    if (length <= 0) return;
    this.enqueue({ kind: 'write', buf: buf.subarray(offset, offset + length), position });
  }

  truncate(length: number): void {
    this.check('truncate');
    this.enqueue({ kind: 'truncate', length });
  }

  read(buf: Buffer, offset: number, length: number, position: number): number {
    this.check('read');
    let fromDisk: number;
    try {
      fromDisk = fs.readSync(this.fd, buf, offset, length, position);
    } catch (e) {
      throw new StorageIoError('read', this.path, e);
    }
    return overlay(this.unsettled, buf, offset, length, position, fromDisk);
  }

  /**
   * The read on the thread pool, with the operations outstanding when it was called laid over
   * it (replaying them is harmless if they landed meanwhile); operations issued later are not
   * part of its view. The descriptor stays open until it completes.
   */
  readAsync(buf: Buffer, offset: number, length: number, position: number): Promise<number> {
    try {
      this.check('read');
    } catch (e) {
      return Promise.reject(e);
    }
    const ops = [...this.unsettled];
    this.poolOpsInFlight++;
    return new Promise<number>((resolve, reject) => {
      fs.read(this.fd, buf, offset, length, position, (err, fromDisk) => {
        this.poolOpsInFlight--;
        this.closeIfIdle();
        if (err) reject(new StorageIoError('read', this.path, err));
        else resolve(overlay(ops, buf, offset, length, position, fromDisk));
      });
    });
  }


  size(): number {
    this.check('stat');
    let size: number;
    try {
      size = fs.fstatSync(this.fd).size;
    } catch (e) {
      throw new StorageIoError('stat', this.path, e);
    }
    for (const op of this.unsettled) size = op.kind === 'truncate' ? op.length : Math.max(size, op.position + op.buf.length);
    return size;
  }

  written(): Promise<void> {
    return this.queue.drained();
  }

  sync(): Promise<void> {
    this.poolOpsInFlight++;
    return this.queue.drained().then(() => fsyncSlots.run(() => new Promise<void>((resolve, reject) => {
      if (this.fdClosed) return resolve();
      fs.fdatasync(this.fd, (err) => (err ? reject(new StorageIoError('fsync', this.path, err)) : resolve()));
    }))).finally(() => {
      this.poolOpsInFlight--;
      this.closeIfIdle();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeIfIdle();
  }

  /** A closed file lets its descriptor go once no operation or read needs it. */
  private closeIfIdle(): void {
    if (this.closed && (this.unsettled.length === 0 || this.queue.failure) && this.poolOpsInFlight === 0) this.closeQuietly();
  }

  /** The queue carried out this file's oldest unsettled operation. */
  settled(): void {
    this.unsettled.shift();
    this.closeIfIdle();
  }

  /** The queue failed: nothing more will be written; a closed file lets its descriptor go. */
  queueFailed(): void {
    if (this.closed && this.poolOpsInFlight === 0) this.closeQuietly();
  }

  private closeFd(): void {
    if (this.fdClosed) return;
    this.fdClosed = true;
    try {
      fs.closeSync(this.fd);
    } catch (e) {
      throw new StorageIoError('close', this.path, e);
    }
  }

  private closeQuietly(): void {
    try {
      this.closeFd();
    } catch {
      // nothing is waiting on this descriptor any more
    }
  }
}

/**
 * Lays `ops` (a file's unsettled operations, in order) over `fromDisk` bytes read into
 * `buf[offset..]` from `position`; returns how many bytes of the window the file holds.
 */
function overlay(ops: readonly FileOp[], buf: Buffer, offset: number, length: number, position: number, fromDisk: number): number {
  const end = position + length;
  let valid = position + fromDisk;
  for (const op of ops) {
    if (op.kind === 'truncate') {
      valid = Math.min(valid, op.length);
      continue;
    }
    const p = op.position;
    const q = p + op.buf.length;
    const holeFrom = Math.max(valid, position);
    if (p >= end) {
      // a write past the window: what lies between is a hole (zeros) up to the window's end
      if (holeFrom < end) buf.fill(0, offset + holeFrom - position, offset + length);
      valid = Math.max(valid, end);
      continue;
    }
    if (p > holeFrom) buf.fill(0, offset + holeFrom - position, offset + p - position);
    const from = Math.max(p, position);
    const to = Math.min(q, end);
    if (from < to) op.buf.copy(buf, offset + from - position, from - p, to - p);
    valid = Math.max(valid, Math.min(q, end));
  }
  return Math.max(0, Math.min(valid, end) - position);
}
