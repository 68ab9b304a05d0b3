/**
 * BatchScanner: walks the record batches of a `.log` file from a position, reading the file in
 * windows (1 MiB, or one whole batch when a batch is larger) so memory stays bounded whatever the
 * segment's size. Used by recovery (which checks every CRC) and by lookups that need headers.
 *
 * It stops at the first entry that is not a complete, well-formed v2 batch and reports why, so
 * recovery can truncate there. Nothing after a bad entry is trusted.
 */
import type { FileHandle } from '../fs/file-system.js';
import {
  BATCH_HEADER_SIZE, BatchField, CURRENT_MAGIC, LOG_OVERHEAD, MIN_BATCH_LENGTH, isBatchCrcValid,
} from '../../protocol/records/batch-header.js';

const WINDOW = 1024 * 1024;

export interface ScannedBatch {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** The window holding the batch and where the batch starts in it (valid until the next step). */
  buf: Buffer;
  at: number;
}

export type ScanStop = 'end' | 'torn' | 'bad-length' | 'bad-magic' | 'bad-crc' | 'too-large';

export class BatchScanner {
  private window = Buffer.alloc(0);
  private windowStart = 0; // file position of window[0]
  private windowLength = 0;
  position: number;
  stopReason: ScanStop | undefined;

  constructor(
    private readonly file: FileHandle,
    private readonly fileSize: number,
    start: number,
    private readonly options: { verifyCrc: boolean; maxBatchSize: number },
  ) {
    this.position = start;
  }

  /** The next valid batch, or undefined at the end or at the first invalid entry (see stopReason). */
  next(): ScannedBatch | undefined {
    const remaining = this.fileSize - this.position;
    if (remaining === 0) return this.stop('end');
    if (remaining < BATCH_HEADER_SIZE) return this.stop('torn');
    const at = this.ensure(this.position, BATCH_HEADER_SIZE);
    const length = this.window.readInt32BE(at + BatchField.batchLength);
    if (length < MIN_BATCH_LENGTH) return this.stop('bad-length');
    if (this.window.readInt8(at + BatchField.magic) !== CURRENT_MAGIC) return this.stop('bad-magic');
    const size = LOG_OVERHEAD + length;
    if (size > this.options.maxBatchSize) return this.stop('too-large');
    if (size > remaining) return this.stop('torn');
    const start = this.ensure(this.position, size);
    if (this.options.verifyCrc && !isBatchCrcValid(this.window.subarray(start, start + size))) return this.stop('bad-crc');
    const baseOffset = Number(this.window.readBigInt64BE(start));
    const batch: ScannedBatch = {
      position: this.position,
      size,
      baseOffset,
      lastOffset: baseOffset + this.window.readInt32BE(start + BatchField.lastOffsetDelta),
      maxTimestamp: Number(this.window.readBigInt64BE(start + BatchField.maxTimestamp)),
      buf: this.window,
      at: start,
    };
    this.position += size;
    return batch;
  }

  private stop(reason: ScanStop): undefined {
    this.stopReason = reason;
    return undefined;
  }

  /** Makes file bytes [position, position+length) available in the window; returns their index. */
  private ensure(position: number, length: number): number {
    const inWindow = position >= this.windowStart && position + length <= this.windowStart + this.windowLength;
    if (!inWindow) {
      const want = Math.min(Math.max(WINDOW, length), this.fileSize - position);
      if (this.window.length < want) this.window = Buffer.allocUnsafe(Math.max(want, WINDOW));
      this.windowLength = this.file.read(this.window, 0, want, position);
      this.windowStart = position;
    }
    return position - this.windowStart;
  }
}
