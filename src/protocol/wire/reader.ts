/**
 * Reader: a cursor over a Buffer for Kafka's primitive types, with bounds checks that turn every
 * malformed input into a DecodeError.
 *
 * Contract: a Reader owns only its position. Byte fields (`bytes`, `records`) are returned as
 * subarrays of the input buffer (zero-copy); the caller must keep that buffer alive and unchanged
 * while the decoded value is in use. Counts and lengths read from the input are checked against
 * the remaining bytes before anything is allocated, so hostile input costs bounded work.
 */
import { DecodeError } from './decode-error.js';

export class Reader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Reserves n bytes and returns their start, or throws TRUNCATED. */
  take(n: number): number {
    const at = this.pos;
    if (n > this.end - at) {
      throw new DecodeError('TRUNCATED', `needed ${n} bytes at offset ${at}, ${this.end - at} remain`);
    }
    this.pos = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  int64(): bigint {
    return this.buf.readBigInt64BE(this.take(8));
  }

  float64(): number {
    return this.buf.readDoubleBE(this.take(8));
  }

  bool(): boolean {
    return this.buf[this.take(1)] !== 0;
  }

  /** A UUID as Kafka prints it: 22 characters of URL-safe base64 without padding. */
  uuid(): string {
    const at = this.take(16);
    return this.buf.toString('base64url', at, at + 16);
  }

  /** Unsigned varint of at most 5 bytes (a uint32). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.take(1)]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new DecodeError('VARINT_TOO_LONG', 'unsigned varint exceeds 32 bits');
        return result;
      }
      shift += 7;
    }
    throw new DecodeError('VARINT_TOO_LONG', 'unsigned varint longer than 5 bytes');
  }

  /** Zig-zag signed varint of at most 5 bytes (an int32). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zig-zag signed varint of at most 10 bytes (an int64). */
  varlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.take(1)]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >> 1n) ^ -(result & 1n);
      shift += 7n;
    }
    throw new DecodeError('VARINT_TOO_LONG', 'varlong longer than 10 bytes');
  }

  /** Length of a classic (non-compact) string: int16, -1 for null. */
  private stringLength(nullable: boolean): number {
    const n = this.int16();
    return this.checkLength(n, nullable, 'string');
  }

  private checkLength(n: number, nullable: boolean, what: string): number {
    if (n < -1 || (n === -1 && !nullable)) {
      throw new DecodeError('NEGATIVE_LENGTH', `${what} length ${n} at offset ${this.pos} is not allowed here`);
    }
    return n;
  }

  private utf8(n: number): string {
    const at = this.take(n);
    return this.buf.toString('utf8', at, at + n);
  }

  string(): string {
    return this.utf8(this.stringLength(false));
  }

  nullableString(): string | null {
    const n = this.stringLength(true);
    return n === -1 ? null : this.utf8(n);
  }

  compactString(): string {
    const n = this.checkLength(this.uvarint() - 1, false, 'compact string');
    return this.utf8(n);
  }

  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    return n === -1 ? null : this.utf8(n);
  }

  /** n raw bytes as a zero-copy subarray. */
  raw(n: number): Buffer {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }

  bytes(): Buffer {
    return this.raw(this.checkLength(this.int32(), false, 'bytes'));
  }

  nullableBytes(): Buffer | null {
    const n = this.checkLength(this.int32(), true, 'bytes');
    return n === -1 ? null : this.raw(n);
  }

  compactBytes(): Buffer {
    return this.raw(this.checkLength(this.uvarint() - 1, false, 'compact bytes'));
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint() - 1;
    return n === -1 ? null : this.raw(n);
  }

  /**
   * An array count (int32, -1 for null) checked against the remaining bytes: each element takes at
   * least `minElementSize` bytes, so a count that cannot fit is rejected before any allocation.
   */
  arrayLength(nullable: boolean, minElementSize: number): number {
    return this.checkCount(this.checkLength(this.int32(), nullable, 'array'), minElementSize);
  }

  /** A compact array count (unsigned varint of count + 1, 0 for null), checked like arrayLength. */
  compactArrayLength(nullable: boolean, minElementSize: number): number {
    return this.checkCount(this.checkLength(this.uvarint() - 1, nullable, 'compact array'), minElementSize);
  }

  private checkCount(n: number, minElementSize: number): number {
    if (n > 0 && n * Math.max(minElementSize, 1) > this.remaining) {
      throw new DecodeError('COUNT_TOO_LARGE', `array of ${n} elements cannot fit in ${this.remaining} bytes`);
    }
    return n;
  }

  /** Skips a length-prefixed region and returns it (used for unknown tagged fields). */
  skip(n: number): Buffer {
    return this.raw(n);
  }
}
