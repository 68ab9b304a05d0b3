/**
 * Writer: builds an encoded message as a list of Buffer chunks.
 *
 * Small values are written into a scratch buffer; byte slices of at least ZERO_COPY_THRESHOLD bytes
 * (record batches above all) are appended as chunks of their own without copying, so a Fetch
 * response can go to the socket as the file's bytes. When the scratch buffer fills, its used part
 * becomes a chunk and a fresh one is allocated: nothing written is ever copied again.
 *
 * Contract: a Writer is used by one encoder at a time. Buffers passed to `raw` must not change until
 * the chunks have been written out.
 */
import { EncodeError } from './decode-error.js';

const ZERO_COPY_THRESHOLD = 1024;
const MIN_SCRATCH = 256;
const MAX_SCRATCH = 64 * 1024;

export class Writer {
  private buf: Buffer;
  private start = 0;
  private pos = 0;
  private readonly chunks: Buffer[] = [];
  private flushedLength = 0;

  constructor(initialSize = MIN_SCRATCH) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.flushedLength + (this.pos - this.start);
  }

  private flushScratch(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.flushedLength += this.pos - this.start;
      this.start = this.pos;
    }
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flushScratch();
    const size = Math.max(n, Math.min(MAX_SCRATCH, this.buf.length * 2));
    this.buf = Buffer.allocUnsafe(size);
    this.start = 0;
    this.pos = 0;
  }

  int8(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
  }

  int16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }

  uint16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }

  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  uint32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }

  float64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  uuid(v: string): void {
    const bytes = Buffer.from(v, 'base64url');
    if (bytes.length !== 16) throw new EncodeError('INVALID_VALUE', `not a UUID: ${JSON.stringify(v)}`);
    this.rawCopy(bytes);
  }

  uvarint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new EncodeError('OUT_OF_RANGE', `unsigned varint out of range: ${v}`);
    }
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  varlong(v: bigint): void {
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  /** Appends bytes: large slices by reference (zero-copy), small ones copied into scratch. */
  raw(b: Buffer): void {
    if (b.length >= ZERO_COPY_THRESHOLD) {
      this.flushScratch();
      this.chunks.push(b);
      this.flushedLength += b.length;
    } else {
      this.rawCopy(b);
    }
  }

  private rawCopy(b: Buffer): void {
    this.ensure(b.length);
    this.pos += b.copy(this.buf, this.pos);
  }

  private utf8(v: string, lengthPrefix: (n: number) => void): void {
    const n = Buffer.byteLength(v, 'utf8');
    lengthPrefix(n);
    this.ensure(n);
    this.pos += this.buf.write(v, this.pos, n, 'utf8');
  }

  string(v: string): void {
    this.utf8(v, (n) => {
      if (n > 0x7fff) throw new EncodeError('OUT_OF_RANGE', `string of ${n} bytes exceeds 32767`);
      this.int16(n);
    });
  }

  nullableString(v: string | null): void {
    if (v === null) this.int16(-1);
    else this.string(v);
  }

  compactString(v: string): void {
    this.utf8(v, (n) => this.uvarint(n + 1));
  }

  compactNullableString(v: string | null): void {
    if (v === null) this.uvarint(0);
    else this.compactString(v);
  }

  bytes(v: Buffer): void {
    this.int32(v.length);
    this.raw(v);
  }

  nullableBytes(v: Buffer | null): void {
    if (v === null) this.int32(-1);
    else this.bytes(v);
  }

  compactBytes(v: Buffer): void {
    this.uvarint(v.length + 1);
    this.raw(v);
  }

  compactNullableBytes(v: Buffer | null): void {
    if (v === null) this.uvarint(0);
    else this.compactBytes(v);
  }

  arrayLength(n: number | null): void {
    this.int32(n === null ? -1 : n);
  }

  compactArrayLength(n: number | null): void {
    this.uvarint(n === null ? 0 : n + 1);
  }

  /** The written bytes as chunks, in order; large slices appear as the caller's own buffers. */
  toChunks(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }

  /** The written bytes as one buffer (one copy when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    if (chunks.length === 1) return chunks[0]!;
    return Buffer.concat(chunks, this.flushedLength);
  }
}
