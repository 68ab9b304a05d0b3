/**
 * FrameSplitter: cuts a TCP byte stream into Kafka frames (int32 big-endian size, then that many
 * bytes). Sans-io: the owner feeds it chunks as they arrive and gets back complete frames.
 *
 * Contract: one splitter per connection, owned by that connection. A frame that arrives whole in
 * one chunk is returned as a subarray of that chunk (no copy); frames spanning chunks are copied
 * once into a buffer of exactly their size. A size prefix above `maxFrameBytes` or below zero
 * raises FrameTooLargeError before any of its body is buffered.
 */
export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(size < 0 ? `negative frame size ${size}` : `frame of ${size} bytes exceeds the limit of ${limit}`);
  }
}

export class FrameSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private partial: Buffer | null = null; // the frame body being assembled
  private partialFilled = 0;

  /** The largest frame accepted; its owner may change it between chunks (e.g. once authenticated). */
  constructor(public maxFrameBytes: number) {}

  /** Bytes buffered towards the next frame. */
  get buffered(): number {
    return this.pendingBytes + this.partialFilled;
  }

  /** Feeds a chunk; returns the frames (bodies without the size prefix) it completed. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let pos = 0;
    if (this.partial) {
      pos = this.fillPartial(chunk, 0);
      if (!this.partialComplete()) return frames;
      frames.push(this.takePartial());
    }
    while (pos < chunk.length) {
      const sizeBytes = this.pendingBytes + (chunk.length - pos);
      if (sizeBytes < 4) {
        this.pending.push(chunk.subarray(pos));
        this.pendingBytes += chunk.length - pos;
        return frames;
      }
      const { size, consumed } = this.readSize(chunk, pos);
      pos += consumed;
      if (chunk.length - pos >= size) {
        frames.push(chunk.subarray(pos, pos + size));
        pos += size;
      } else {
        this.partial = Buffer.allocUnsafe(size);
        this.partialFilled = 0;
        pos = this.fillPartial(chunk, pos);
      }
    }
    return frames;
  }

  private readSize(chunk: Buffer, pos: number): { size: number; consumed: number } {
    let header: Buffer;
    let consumed: number;
    if (this.pendingBytes === 0) {
      header = chunk;
      consumed = 4;
    } else {
      consumed = 4 - this.pendingBytes;
      header = Buffer.concat([...this.pending, chunk.subarray(pos, pos + consumed)]);
      this.pending = [];
      this.pendingBytes = 0;
      pos = 0;
    }
    const size = header.readInt32BE(header === chunk ? pos : 0);
    if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
    return { size, consumed };
  }

  private fillPartial(chunk: Buffer, pos: number): number {
    const partial = this.partial!;
    const n = Math.min(partial.length - this.partialFilled, chunk.length - pos);
    chunk.copy(partial, this.partialFilled, pos, pos + n);
    this.partialFilled += n;
    return pos + n;
  }

  private partialComplete(): boolean {
    return this.partial !== null && this.partialFilled === this.partial.length;
  }

  private takePartial(): Buffer {
    const frame = this.partial!;
    this.partial = null;
    this.partialFilled = 0;
    return frame;
  }
}
