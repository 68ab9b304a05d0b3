/**
 * Test support: a bare Kafka protocol client on one TCP socket, for tests that need to send
 * exactly the bytes they choose (malformed frames, unsupported versions, pipelined requests).
 *
 * Frames are encoded and decoded with the project's generated codecs (encodeRequestFrame /
 * decodeResponseFrame); the socket's byte stream is cut into size-prefixed frames here.
 */
import { connect, type Socket } from 'node:net';
import { decodeResponseFrame, encodeRequestFrame } from '../../../src/protocol/framing/messages.js';
import type { ApiMessages } from '../../../src/protocol/generated/api-registry.js';
import { batchesIn } from '../../../src/protocol/records/batch-iterator.js';
import { readBatchHeader } from '../../../src/protocol/records/batch-header.js';
import { recordsIn, type ReadRecord } from '../batches.js';

type Key = keyof ApiMessages;
export type RequestOf<K extends Key> = ApiMessages[K]['request'];
export type ResponseOf<K extends Key> = ApiMessages[K]['response'];

export class RawClient {
  private pending: Buffer = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private readonly frameWaiters: (() => void)[] = [];
  private isClosed = false;
  private readonly closedPromise: Promise<void>;
  private nextCorrelationId = 1;
  /** The client id in the headers of the requests this client sends. */
  clientId: string | null = 'gregor-raw-test';

  private constructor(readonly socket: Socket) {
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      });
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => { /* surfaced as 'close' */ });
  }

  static connect(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new RawClient(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Writes raw bytes as they are. */
  write(bytes: Buffer | readonly Buffer[]): void {
    this.socket.write(Buffer.isBuffer(bytes) ? bytes : Buffer.concat(bytes as Buffer[]));
  }

  /** The complete size-prefixed frame of a request, without sending it. */
  encode<K extends Key>(apiKey: K, version: number, body: RequestOf<K>, correlationId = this.nextCorrelationId++, clientId: string | null = this.clientId): Buffer {
    return Buffer.concat(encodeRequestFrame(apiKey, version, correlationId, clientId, body));
  }

  /** Sends one request and returns its correlation id. */
  send<K extends Key>(apiKey: K, version: number, body: RequestOf<K>, correlationId = this.nextCorrelationId++): number {
    this.write(this.encode(apiKey, version, body, correlationId));
    return correlationId;
  }

  /** The next response frame (without its size prefix); rejects on close or after timeoutMs. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 10_000; i++) {
      const f = this.frames.shift();
      if (f) return f;
      if (this.isClosed) throw new Error('connection closed before a response arrived');
      const left = deadline - Date.now();
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.frameWaiters.push(done);
      });
    }
    throw new Error(`no response within ${timeoutMs} ms`);
  }

  /** Sends a request and decodes its response, checking the correlation id. */
  async request<K extends Key>(apiKey: K, version: number, body: RequestOf<K>, timeoutMs = 5000): Promise<ResponseOf<K>> {
    const id = this.send(apiKey, version, body);
    const frame = await this.nextFrame(timeoutMs);
    const decoded = decodeResponseFrame(apiKey, version, frame);
    if (decoded.correlationId !== id) throw new Error(`response correlation id ${decoded.correlationId}, expected ${id}`);
    return decoded.body as ResponseOf<K>;
  }

  /** True when the broker closes the connection within timeoutMs. */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    if (this.isClosed) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    const result = await Promise.race([this.closedPromise.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return result;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const size = this.pending.readInt32BE(0);
      if (size < 0) {
        // Not a Kafka response stream; treat it as a broken connection.
        this.socket.destroy();
        return;
      }
      if (this.pending.length < 4 + size) break;
      this.frames.push(Buffer.from(this.pending.subarray(4, 4 + size)));
      this.pending = this.pending.subarray(4 + size);
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.frameWaiters.splice(0);
    for (const w of waiters) w();
  }
}

/** The API keys the broker advertises (ApiVersions v3), with their version ranges. */
export async function supportedApis(port: number): Promise<Map<number, { min: number; max: number }>> {
  const c = await RawClient.connect(port);
  try {
    const r = await c.request(18, 3, { clientSoftwareName: 'gregor-test', clientSoftwareVersion: '0' });
    if (r.errorCode !== 0) throw new Error(`ApiVersions failed with error ${r.errorCode}`);
    return new Map(r.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  } finally {
    c.close();
  }
}

export interface BatchSummary {
  baseOffset: number;
  /** The compression codec id of the batch's attributes (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  codec: number;
  recordCount: number;
}

export interface PartitionContents {
  records: ReadRecord[];
  batches: BatchSummary[];
  highWatermark: number;
  logStartOffset: number;
}

/** Every record of a partition from `fromOffset` to the high watermark, read with Fetch v12. */
export async function readPartition(port: number, topic: string, partition: number, fromOffset = 0): Promise<PartitionContents> {
  const c = await RawClient.connect(port);
  try {
    const records: ReadRecord[] = [];
    const batches = new Map<number, BatchSummary>();
    let offset = fromOffset;
    for (let round = 0; round < 1000; round++) {
      const r = await c.request(1, 12, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: BigInt(offset), currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 16 * 1024 * 1024 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const p = r.responses[0]?.partitions[0];
      if (!p) throw new Error(`fetch of ${topic}-${partition} returned no partition`);
      if (p.errorCode !== 0) throw new Error(`fetch of ${topic}-${partition} failed with error ${p.errorCode}`);
      const hw = Number(p.highWatermark);
      const got = p.records === null ? [] : recordsIn(p.records).filter((x) => x.offset >= offset);
      for (const span of p.records === null ? [] : batchesIn(p.records)) {
        const h = readBatchHeader(p.records!, span.start);
        batches.set(Number(h.baseOffset), { baseOffset: Number(h.baseOffset), codec: h.attributes & 0x7, recordCount: h.recordCount });
      }
      records.push(...got);
      if (got.length > 0) offset = got[got.length - 1]!.offset + 1;
      if (offset >= hw || got.length === 0) return { records, batches: [...batches.values()].sort((a, b) => a.baseOffset - b.baseOffset), highWatermark: hw, logStartOffset: Number(p.logStartOffset ?? -1n) };
    }
    throw new Error(`reading ${topic}-${partition} did not reach the high watermark`);
  } finally {
    c.close();
  }
}

/** Asks for the topic's metadata with auto-creation allowed until it has partitions with a leader. */
export async function ensureTopic(port: number, topic: string, timeoutMs = 10_000): Promise<number> {
  const c = await RawClient.connect(port);
  try {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 200; i++) {
      const md = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: topic }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      const t = md.topics.find((x) => x.name === topic);
      if (t && t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0)) return t.partitions.length;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`topic ${topic} did not become available`);
  } finally {
    c.close();
  }
}

/** Produces one batch (v9, acks -1) and returns the partition's response. */
export async function produceBatch(port: number, topic: string, partition: number, batch: Buffer, version = 9): Promise<ResponseOf<0>['responses'][number]['partitionResponses'][number]> {
  const c = await RawClient.connect(port);
  try {
    const r = await c.request(0, version, { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }] });
    const p = r.responses[0]?.partitionResponses[0];
    if (!p) throw new Error('produce response without a partition');
    return p;
  } finally {
    c.close();
  }
}
