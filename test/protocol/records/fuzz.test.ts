/**
 * Fuzzing the record parsers: valid batches and message sets, mutated (bit flips, truncation,
 * length and count tampering, varint-breaking bytes, splices), thrown at every parser. The only
 * error allowed out is DecodeError (plus EncodeError from down-conversion, which refuses zstd).
 * A seeded generator keeps runs reproducible; iteration counts are fixed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from '@node-rs/crc32';
import { CompressionType, decompress } from '../../../src/protocol/compression/index.js';
import {
  ControlRecordType,
  TimestampType,
  batchesIn,
  buildEndTransactionMarkerBatch,
  buildLegacyMessageSet,
  buildRecordBatch,
  downConvertBatches,
  readBatchHeader,
  readEndTransactionMarker,
  readLegacyMessageSet,
  readRecordBatch,
  writeBatchCrc,
  type RecordInput,
} from '../../../src/protocol/records/index.js';
import { DecodeError, EncodeError } from '../../../src/protocol/wire/decode-error.js';

const MAX_OUTPUT = 1 << 20;
const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

/** mulberry32: a small seeded PRNG, so failures can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = ReturnType<typeof prng>;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const below = (random: Random, n: number): number => Math.floor(random() * n);

function sampleRecords(random: Random, count: number): RecordInput[] {
  return Array.from({ length: count }, (_, i) => ({
    key: random() < 0.2 ? null : Buffer.from(`key-${i}-${below(random, 1000)}`),
    value: random() < 0.2 ? null : Buffer.alloc(below(random, 200), 0x41 + (i % 26)),
    headers: random() < 0.5 ? [{ key: `h${i}`, value: random() < 0.3 ? null : Buffer.from('hv') }] : [],
    timestamp: 1_600_000_000_000n + BigInt(below(random, 100_000)),
  }));
}

function v2Seeds(random: Random): Buffer[] {
  const seeds = CODECS.map((compression) => buildRecordBatch(sampleRecords(random, 1 + below(random, 12)), { compression }));
  seeds.push(buildRecordBatch(sampleRecords(random, 5), { timestampType: TimestampType.LogAppendTime, logAppendTime: 5n, isTransactional: true, producerId: 9n }));
  seeds.push(buildRecordBatch([], { lastOffsetDelta: 4 }));
  seeds.push(buildEndTransactionMarkerBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 1 }, { producerId: 1n, producerEpoch: 0, timestamp: 0n }));
  seeds.push(Buffer.concat([seeds[0]!, seeds[3]!, seeds[1]!]));
  return seeds;
}

function legacySeeds(random: Random): Buffer[] {
  const seeds: Buffer[] = [];
  for (const magic of [0, 1] as const) {
    for (const compression of CODECS.slice(0, 4)) {
      const messages = sampleRecords(random, 1 + below(random, 6)).map((r, i) => ({ ...r, offset: BigInt(i) }));
      seeds.push(buildLegacyMessageSet(messages, { magic, compression }));
    }
  }
  seeds.push(Buffer.concat([seeds[0]!, seeds[5]!]));
  return seeds;
}

const INT32_EXTREMES = [-1, 0, 1, 13, 14, 48, 49, 61, 0x7fffffff, -0x80000000, 1 << 20];
const VARINT_BREAKERS = [0x80, 0xff, 0x7f, 0x01, 0x00, 0x03, 0xfe];

function mutate(random: Random, input: Buffer): Buffer {
  let buf = Buffer.from(input);
  const rounds = 1 + below(random, 3);
  for (let r = 0; r < rounds && buf.length > 0; r++) {
    switch (below(random, 6)) {
      case 0: // bit flips
        for (let i = 0, n = 1 + below(random, 4); i < n; i++) buf[below(random, buf.length)]! ^= 1 << below(random, 8);
        break;
      case 1: // truncation
        buf = buf.subarray(0, below(random, buf.length));
        break;
      case 2: // a length or count field, or any 4 bytes, set to an edge value
        if (buf.length >= 4) {
          const at = pick(random, [8, 57, below(random, buf.length - 3)]);
          if (at + 4 <= buf.length) buf.writeInt32BE(pick(random, INT32_EXTREMES), at);
        }
        break;
      case 3: // a byte that breaks varints or lengths
        buf[below(random, buf.length)] = pick(random, VARINT_BREAKERS);
        break;
      case 4: // splice random bytes in
        buf = Buffer.concat([buf.subarray(0, below(random, buf.length)), randomBytes(random, 1 + below(random, 8)), buf.subarray(below(random, buf.length))]);
        break;
      default: // cut a slice out
        buf = Buffer.concat([buf.subarray(0, below(random, buf.length)), buf.subarray(below(random, buf.length))]);
    }
  }
  return buf;
}

function randomBytes(random: Random, n: number): Buffer {
  const buf = Buffer.alloc(n);
  for (let i = 0; i < n; i++) buf[i] = below(random, 256);
  return buf;
}

/** Recomputes a v2 batch's CRC when its length allows, so parsing reaches the records. */
function repairBatchCrc(buf: Buffer): void {
  if (buf.length < 61 || buf[16] !== 2) return;
  const length = buf.readInt32BE(8);
  if (length >= 49 && 12 + length <= buf.length) writeBatchCrc(buf);
}

/** Recomputes the first legacy message's CRC when its size allows. */
function repairLegacyCrc(buf: Buffer): void {
  if (buf.length < 17) return;
  const size = buf.readInt32BE(8);
  if (size >= 14 && 12 + size <= buf.length) buf.writeUInt32BE(crc32(buf.subarray(16, 12 + size)), 12);
}

function expectOnlyDecodeErrors(what: string, input: Buffer, parse: () => unknown, allowEncodeError = false): void {
  try {
    parse();
  } catch (err) {
    if (err instanceof DecodeError) return;
    if (allowEncodeError && err instanceof EncodeError) return;
    assert.fail(`${what} threw ${String(err)} for input ${input.subarray(0, 96).toString('hex')}`);
  }
}

function parseEverything(buf: Buffer): void {
  const read = { verifyCrc: false, maxDecompressedSize: MAX_OUTPUT };
  expectOnlyDecodeErrors('readBatchHeader', buf, () => readBatchHeader(buf));
  expectOnlyDecodeErrors('readRecordBatch', buf, () => readRecordBatch(buf, 0, { maxDecompressedSize: MAX_OUTPUT }));
  expectOnlyDecodeErrors('readRecordBatch without CRC', buf, () => readRecordBatch(buf, 0, read));
  expectOnlyDecodeErrors('readEndTransactionMarker', buf, () => readEndTransactionMarker(buf, 0, read));
  expectOnlyDecodeErrors('batchesIn', buf, () => {
    for (const span of batchesIn(buf)) if (span.header) readRecordBatch(buf, span.start, read);
  });
  expectOnlyDecodeErrors('readLegacyMessageSet', buf, () => readLegacyMessageSet(buf, { ...read, allowPartialTrailing: true }));
  expectOnlyDecodeErrors('readLegacyMessageSet with CRC', buf, () => readLegacyMessageSet(buf, { maxDecompressedSize: MAX_OUTPUT }));
  expectOnlyDecodeErrors('downConvertBatches', buf, () => downConvertBatches(buf, 1, read), true);
}

describe('parser fuzzing', { timeout: 120_000 }, () => {
  it('mutated v2 batches raise only DecodeError', () => {
    const random = prng(0x5eed0001);
    const seeds = v2Seeds(random);
    for (let i = 0; i < 4000; i++) {
      const buf = mutate(random, pick(random, seeds));
      if (random() < 0.7) repairBatchCrc(buf);
      parseEverything(buf);
    }
  });

  it('mutated legacy message sets raise only DecodeError', () => {
    const random = prng(0x5eed0002);
    const seeds = legacySeeds(random);
    for (let i = 0; i < 3000; i++) {
      const buf = mutate(random, pick(random, seeds));
      if (random() < 0.7) repairLegacyCrc(buf);
      parseEverything(buf);
    }
  });

  it('random bytes raise only DecodeError', () => {
    const random = prng(0x5eed0003);
    for (let i = 0; i < 2000; i++) {
      const buf = randomBytes(random, below(random, 200));
      if (buf.length > 16 && random() < 0.5) buf[16] = below(random, 3); // a plausible magic
      parseEverything(buf);
    }
  });

  it('mutated compressed payloads raise only DecodeError(COMPRESSION)', () => {
    const random = prng(0x5eed0004);
    for (const compression of CODECS.slice(1)) {
      const batch = buildRecordBatch(sampleRecords(random, 20), { compression });
      const payload = batch.subarray(61);
      for (let i = 0; i < 500; i++) {
        const input = mutate(random, payload);
        try {
          decompress(compression, input, MAX_OUTPUT);
        } catch (err) {
          assert.ok(err instanceof DecodeError && err.code === 'COMPRESSION', `${CompressionType[compression]}: ${String(err)}`);
        }
      }
    }
  });
});
