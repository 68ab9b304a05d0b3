/**
 * Snappy (compression type 2), in the two shapes Kafka clients write.
 *
 * Xerial framing, written by the Java client (snappy-java's SnappyOutputStream) and by Gregor:
 *
 *   bytes 0-7   magic         0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 *   bytes 8-11  version       int32 BE, 1
 *   bytes 12-15 compatible    int32 BE, 1
 *   then blocks until the end: [int32 BE compressed length][raw snappy block]
 *   (each block compresses at most 32 KiB of input)
 *
 * Raw snappy: one block with no framing, as librdkafka may write. A raw block starts with the
 * uncompressed length as an unsigned varint, which lets the size cap be checked before anything
 * is decompressed.
 */
import { snappyCodec } from './native-codecs.js';
import { checkOutputSize, compressionError, malformed } from './codec-error.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_BLOCK_INPUT_SIZE = 32 * 1024;

export function compressSnappy(data: Buffer): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_VERSION, 12);
  const parts: Buffer[] = [header];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_INPUT_SIZE) {
    const block = snappyCodec().compressSync(data.subarray(at, at + XERIAL_BLOCK_INPUT_SIZE));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_MAGIC.length && XERIAL_MAGIC.equals(data.subarray(0, XERIAL_MAGIC.length));
}

export function decompressSnappy(data: Buffer, maxOutputSize: number): Buffer {
  return isXerialFramed(data) ? decompressXerial(data, maxOutputSize) : decompressRawSnappy(data, maxOutputSize);
}

function decompressXerial(data: Buffer, maxOutputSize: number): Buffer {
  if (data.length < XERIAL_HEADER_SIZE) throw malformed('snappy', 'truncated xerial header');
  const blocks: Buffer[] = [];
  let total = 0;
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    if (data.length - at < 4) throw malformed('snappy', `truncated xerial block length at byte ${at}`);
    const length = data.readInt32BE(at);
    at += 4;
    if (length <= 0 || length > data.length - at) {
      throw malformed('snappy', `xerial block length ${length} at byte ${at - 4} does not fit the ${data.length - at} bytes left`);
    }
    const block = decompressRawSnappy(data.subarray(at, at + length), maxOutputSize, total);
    blocks.push(block);
    total += block.length;
    at += length;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks, total);
}

/** The uncompressed length a raw snappy block announces in its varint preamble. */
export function rawSnappyLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (value > 0xffffffff) break;
      return value;
    }
  }
  throw malformed('snappy', 'invalid or truncated length preamble');
}

/** Decompresses one raw block, given how many bytes earlier blocks already produced. */
function decompressRawSnappy(block: Buffer, maxOutputSize: number, producedBefore = 0): Buffer {
  checkOutputSize('snappy', producedBefore + rawSnappyLength(block), maxOutputSize);
  try {
    return snappyCodec().uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw compressionError('snappy', err);
  }
}
