/**
 * Protocol benchmark: decode + encode of a Produce request carrying 1 MiB of records and of a
 * Fetch response carrying 50 partitions of 16 KiB, and CRC-32C throughput, each next to the
 * machine's memory-copy rate measured in the same run (the ceiling for anything that touches
 * every byte once).
 *
 *   npm run bench
 */
import { randomBytes } from 'node:crypto';
import { crc32c } from '@node-rs/crc32';
import { Reader } from '../src/protocol/wire/reader.js';
import { Writer } from '../src/protocol/wire/writer.js';
import { decodeProduceRequest, encodeProduceRequest, type ProduceRequest } from '../src/protocol/generated/messages/ProduceRequest.js';
import { decodeFetchResponse, encodeFetchResponse, type FetchResponse } from '../src/protocol/generated/messages/FetchResponse.js';
import { measure, printTable, type BenchResult } from './harness.js';

const MiB = 1024 * 1024;

function memcpy(size: number): BenchResult {
  const src = randomBytes(size);
  const dst = Buffer.allocUnsafe(size);
  return measure(`machine: Buffer.copy ${size / 1024} KiB`, size, () => {
    src.copy(dst);
  });
}

function produceRequest(version: number): { req: ProduceRequest; bytes: Buffer } {
  const req: ProduceRequest = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'bench', partitionData: [{ index: 0, records: randomBytes(MiB) }] }],
  };
  const w = new Writer();
  encodeProduceRequest(w, req, version);
  return { req, bytes: w.toBuffer() };
}

function fetchResponse(version: number): { res: FetchResponse; bytes: Buffer; payload: number } {
  const partitions = Array.from({ length: 50 }, (_, i) => ({
    partitionIndex: i,
    errorCode: 0,
    highWatermark: 1000n,
    lastStableOffset: 1000n,
    logStartOffset: 0n,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: randomBytes(16 * 1024),
  }));
  const res: FetchResponse = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 'bench', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions }] };
  const w = new Writer();
  encodeFetchResponse(w, res, version);
  return { res, bytes: w.toBuffer(), payload: 50 * 16 * 1024 };
}

function main(): void {
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  const results: BenchResult[] = [];
  const copy1m = memcpy(MiB);
  results.push(copy1m);
  for (const v of [7, 9, 11]) {
    const { req, bytes } = produceRequest(v);
    results.push(measure(`Produce v${v} 1 MiB: decode`, MiB, () => decodeProduceRequest(new Reader(bytes), v)));
    results.push(measure(`Produce v${v} 1 MiB: encode to chunks`, MiB, () => {
      const w = new Writer();
      encodeProduceRequest(w, req, v);
      w.toChunks();
    }));
    results.push(measure(`Produce v${v} 1 MiB: encode to one buffer`, MiB, () => {
      const w = new Writer();
      encodeProduceRequest(w, req, v);
      w.toBuffer();
    }));
  }
  for (const v of [11, 12, 16]) {
    const { res, bytes, payload } = fetchResponse(v);
    results.push(measure(`Fetch response v${v} 50 x 16 KiB: decode`, payload, () => decodeFetchResponse(new Reader(bytes), v)));
    results.push(measure(`Fetch response v${v} 50 x 16 KiB: encode to chunks`, payload, () => {
      const w = new Writer();
      encodeFetchResponse(w, res, v);
      w.toChunks();
    }));
  }
  for (const size of [1024, 16 * 1024, MiB]) {
    const buf = randomBytes(size);
    results.push(measure(`CRC-32C ${size >= MiB ? '1 MiB' : `${size / 1024} KiB`} (@node-rs/crc32)`, size, () => crc32c(buf)));
  }
  printTable(results, copy1m);
  console.log('(last column: throughput as a share of the Buffer.copy rate measured above)');
}

main();
