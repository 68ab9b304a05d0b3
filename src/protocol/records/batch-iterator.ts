/**
 * Splits a buffer of concatenated log entries into batch boundaries without decoding records.
 *
 * Every entry, whatever its format, starts the same way:
 *
 *   offset  size  field
 *        0     8  offset (baseOffset for magic 2, the message offset for magic 0/1)
 *        8     4  length of what follows (batchLength / messageSize)
 *       16     1  magic (0, 1 or 2)
 *
 * A Fetch response may end in a partial entry (the broker cuts at the byte limit), so iteration
 * stops cleanly at an entry whose declared length runs past the end and reports how many bytes
 * were left over in `partialBytes`. A length too short for any entry or an unknown magic is
 * corruption, not truncation, and throws DecodeError('INVALID_VALUE').
 */
import { DecodeError } from '../wire/decode-error.js';
import { BatchField, BatchHeader, CURRENT_MAGIC, LOG_OVERHEAD, readBatchHeader } from './batch-header.js';

/** The smallest messageSize a legacy entry can have (magic 0, null key and value). */
export const MIN_ENTRY_LENGTH = 14;
const LEGACY_MIN_LENGTH = [14, 22];

export interface BatchSpan {
  /** Position of the entry in the buffer. */
  start: number;
  /** Bytes of the entry, its 12-byte offset and length prefix included. */
  size: number;
  magic: number;
  /** The header view for magic 2; null for a legacy (magic 0 or 1) message. */
  header: BatchHeader | null;
}

export class BatchIterator implements IterableIterator<BatchSpan> {
  private pos: number;
  /** Bytes at the end that do not hold a complete entry (known once iteration is done). */
  partialBytes = 0;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<BatchSpan, undefined> {
    const span = this.nextSpan();
    return span === null ? { done: true, value: undefined } : { done: false, value: span };
  }

  private nextSpan(): BatchSpan | null {
    const start = this.pos;
    const remaining = this.end - start;
    if (remaining < LOG_OVERHEAD) return this.finish(remaining);
    const length = this.buf.readInt32BE(start + BatchField.batchLength);
    if (length < MIN_ENTRY_LENGTH) {
      throw new DecodeError('INVALID_VALUE', `entry length ${length} at offset ${start} is below the minimum`);
    }
    if (length > remaining - LOG_OVERHEAD) return this.finish(remaining);
    const size = LOG_OVERHEAD + length;
    const magic = this.buf.readInt8(start + BatchField.magic);
    const header = this.headerFor(magic, start, length);
    this.pos = start + size;
    return { start, size, magic, header };
  }

  private headerFor(magic: number, start: number, length: number): BatchHeader | null {
    if (magic === CURRENT_MAGIC) return readBatchHeader(this.buf.subarray(0, this.end), start);
    const minLength = LEGACY_MIN_LENGTH[magic];
    if (minLength === undefined) throw new DecodeError('INVALID_VALUE', `unknown magic ${magic} at offset ${start}`);
    if (length < minLength) {
      throw new DecodeError('INVALID_VALUE', `magic ${magic} message length ${length} at offset ${start} is too short`);
    }
    return null;
  }

  private finish(partialBytes: number): null {
    this.partialBytes = partialBytes;
    this.pos = this.end;
    return null;
  }
}

/** Iterates the entries of buf[start, end); see BatchIterator. */
export function batchesIn(buf: Buffer, start = 0, end = buf.length): BatchIterator {
  return new BatchIterator(buf, start, end);
}
