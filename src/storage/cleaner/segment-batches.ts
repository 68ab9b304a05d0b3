/**
 * SegmentBatches: reads the record batches of one closed segment for the cleaner, through a
 * read-only handle of its own on the `.log` file (so the segment object, which the log owns,
 * is never touched), in the bounded windows of BatchScanner.
 *
 * A segment the cleaner reads must be whole valid batches up to its size; anything else (a torn
 * or corrupt batch, a CRC mismatch when `verifyCrc`) is a CleanerCorruptionError, since cleaning
 * must never drop or paper over bytes it does not understand.
 *
 * Contract: created and closed by one step of a pass; the batch handed out by `next()` (its
 * `buf`) is valid only until the following call.
 */
import type { FileHandle, FileSystem } from '../fs/file-system.js';
import { BatchScanner, type ScannedBatch } from '../segment/batch-scanner.js';
import type { LogSegment } from '../segment/log-segment.js';
import { LOG_SUFFIX } from '../segment/segment-files.js';
import { CleanerCorruptionError } from './cleaner-errors.js';

export class SegmentBatches {
  private readonly handle: FileHandle;
  private readonly scanner: BatchScanner;
  private readonly path: string;
  private readonly size: number;

  constructor(fs: FileSystem, segment: LogSegment, options: { verifyCrc: boolean; maxBatchSize: number }) {
    this.path = segment.path(LOG_SUFFIX);
    this.size = segment.size;
    this.handle = fs.open(this.path, 'read');
    this.scanner = new BatchScanner(this.handle, this.size, 0, options);
  }

  /** The next batch, or undefined at the end of the segment; throws on anything not a valid batch. */
  next(): ScannedBatch | undefined {
    const batch = this.scanner.next();
    if (batch) return batch;
    if (this.scanner.stopReason !== 'end') {
      throw new CleanerCorruptionError(
        `${this.path}: ${this.scanner.stopReason ?? 'unreadable'} batch at byte ${this.scanner.position} of ${this.size}`,
      );
    }
    return undefined;
  }

  close(): void {
    this.handle.close();
  }
}

/** Runs `f` with a reader over `segment`, closing it whatever happens. */
export async function withSegmentBatches<T>(
  fs: FileSystem,
  segment: LogSegment,
  options: { verifyCrc: boolean; maxBatchSize: number },
  f: (batches: SegmentBatches) => Promise<T>,
): Promise<T> {
  const reader = new SegmentBatches(fs, segment, options);
  try {
    return await f(reader);
  } finally {
    reader.close();
  }
}
