/**
 * Test support: a fault-injecting TCP proxy in front of one broker, for showing what clients do
 * when a request was handled but its response never arrived.
 *
 * The proxy listens on 127.0.0.1:<ephemeral>, opens one upstream connection to the broker per
 * client connection, and cuts both byte streams into size-prefixed frames:
 *
 *  - client -> broker: each request header is decoded (API key, version, correlation id) and the
 *    frame forwarded unchanged. Produce requests are also decoded to note which batches they
 *    carry (producer id, epoch, base sequence), so a test can see retries of the same batch.
 *  - broker -> client: responses are matched to their requests by correlation id. A Produce
 *    response the proxy was told to drop is swallowed; in 'close' mode the client connection is
 *    then closed (the client sees a broken connection with a request in flight), in 'blackhole'
 *    mode nothing else happens (the client's request times out).
 *  - Metadata, FindCoordinator and DescribeCluster responses name the broker's own address, and
 *    a client would go around the proxy after bootstrapping; they are decoded, every broker
 *    address is replaced by the proxy's, and re-encoded. (One proxy fronts one broker.)
 *
 * Drops are armed with `dropProduceResponses(count, mode)` (the next `count` Produce requests
 * that arrive, on any connection) or `dropProduceResponsesOf(numbers, mode)` (Produce requests by
 * their number over the proxy's life, from 1). Requests with acks=0 get no response to drop.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  decodeRequestBody, decodeRequestFrameHeader, decodeResponseFrame, encodeResponseFrame, peekCorrelationId,
} from '../../../src/protocol/framing/messages.js';
import type { ProduceRequest } from '../../../src/protocol/generated/messages/ProduceRequest.js';
import type { MetadataResponse } from '../../../src/protocol/generated/messages/MetadataResponse.js';
import type { FindCoordinatorResponse } from '../../../src/protocol/generated/messages/FindCoordinatorResponse.js';
import type { DescribeClusterResponse } from '../../../src/protocol/generated/messages/DescribeClusterResponse.js';
import { batchesIn } from '../../../src/protocol/records/batch-iterator.js';
import { readBatchHeader } from '../../../src/protocol/records/batch-header.js';

const PRODUCE = 0;
const METADATA = 3;
const FIND_COORDINATOR = 10;
const DESCRIBE_CLUSTER = 60;

export type DropMode = 'close' | 'blackhole';

export interface SeenBatch {
  topic: string;
  partition: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface SeenProduce {
  /** 1-based number of this Produce request over the proxy's life. */
  n: number;
  connection: number;
  correlationId: number;
  version: number;
  acks: number;
  batches: SeenBatch[];
  /** Its response was (or will be) swallowed. */
  dropped: DropMode | undefined;
}

interface InFlight {
  apiKey: number;
  apiVersion: number;
  drop: DropMode | undefined;
}

/** Splits a byte stream into frames (without their size prefix). */
class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] | undefined {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    for (let i = 0; i < 1_000_000 && this.pending.length >= 4; i++) {
      const size = this.pending.readInt32BE(0);
      if (size < 0) return undefined;
      if (this.pending.length < 4 + size) break;
      frames.push(Buffer.from(this.pending.subarray(4, 4 + size)));
      this.pending = this.pending.subarray(4 + size);
    }
    return frames;
  }
}

function sizePrefixed(frame: Buffer): Buffer {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(frame.length, 0);
  return Buffer.concat([size, frame]);
}

function batchesOf(request: ProduceRequest): SeenBatch[] {
  const out: SeenBatch[] = [];
  for (const t of request.topicData) {
    for (const p of t.partitionData) {
      if (p.records === null) continue;
      try {
        for (const span of batchesIn(p.records)) {
          const h = readBatchHeader(p.records, span.start);
          out.push({
            topic: t.name, partition: p.index, producerId: h.producerId, producerEpoch: h.producerEpoch,
            baseSequence: h.baseSequence, recordCount: h.recordCount,
          });
        }
      } catch {
        // not format v2 (old clients); nothing to note
      }
    }
  }
  return out;
}

export class FaultProxy {
  /** Every Produce request seen, in arrival order. */
  readonly produces: SeenProduce[] = [];
  /** Requests seen per API key. */
  readonly requestCounts = new Map<number, number>();
  /** Responses rewritten to point at the proxy. */
  rewritten = 0;
  connections = 0;
  private readonly toDrop = new Map<number, DropMode>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((client) => proxy?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    proxy = new FaultProxy(server, address.port, target);
    return proxy;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The next `count` Produce requests lose their responses. */
  dropProduceResponses(count: number, mode: DropMode = 'close'): void {
    const next = this.produces.length + 1;
    for (let n = next; n < next + count; n++) this.toDrop.set(n, mode);
  }

  /** The Produce requests with these numbers (1-based, counted over the proxy's life) lose their responses. */
  dropProduceResponsesOf(numbers: readonly number[], mode: DropMode = 'close'): void {
    for (const n of numbers) this.toDrop.set(n, mode);
  }

  /** Produce requests whose responses were dropped. */
  get droppedCount(): number {
    return this.produces.filter((p) => p.dropped !== undefined).length;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const id = ++this.connections;
    const upstream = connect({ host: this.target.host, port: this.target.port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const inFlight = new Map<number, InFlight>();
    const fromClient = new FrameSplitter();
    const fromBroker = new FrameSplitter();
    const shut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => {
      this.sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    client.on('error', shut);
    upstream.on('error', shut);

    client.on('data', (chunk: Buffer) => {
      const frames = fromClient.push(chunk);
      if (frames === undefined) return shut();
      for (const frame of frames) {
        const entry = this.onRequest(frame, id);
        if (entry !== undefined) inFlight.set(entry.correlationId, entry.inFlight);
        upstream.write(sizePrefixed(frame));
      }
    });

    upstream.on('data', (chunk: Buffer) => {
      const frames = fromBroker.push(chunk);
      if (frames === undefined) return shut();
      for (const frame of frames) {
        if (client.destroyed) return;
        const correlationId = frame.length >= 4 ? peekCorrelationId(frame) : -1;
        const req = inFlight.get(correlationId);
        inFlight.delete(correlationId);
        if (req?.drop === 'close') return shut();
        if (req?.drop === 'blackhole') continue;
        client.write(req === undefined ? sizePrefixed(frame) : this.rewrite(req, frame));
      }
    });
  }

  /** Notes a request; returns what the response will need. */
  private onRequest(frame: Buffer, connection: number): { correlationId: number; inFlight: InFlight } | undefined {
    let apiKey: number;
    let apiVersion: number;
    let correlationId: number;
    let body: ReturnType<typeof decodeRequestFrameHeader>['body'];
    try {
      const decoded = decodeRequestFrameHeader(frame);
      apiKey = decoded.header.requestApiKey;
      apiVersion = decoded.header.requestApiVersion;
      correlationId = decoded.header.correlationId;
      body = decoded.body;
    } catch {
      return undefined;
    }
    this.requestCounts.set(apiKey, (this.requestCounts.get(apiKey) ?? 0) + 1);
    let drop: DropMode | undefined;
    if (apiKey === PRODUCE) {
      let request: ProduceRequest | undefined;
      try {
        request = decodeRequestBody(apiKey, apiVersion, body) as ProduceRequest;
      } catch {
        request = undefined;
      }
      const acks = request?.acks ?? -1;
      const n = this.produces.length + 1;
      if (acks !== 0) drop = this.toDrop.get(n);
      this.produces.push({
        n, connection, correlationId, version: apiVersion, acks,
        batches: request === undefined ? [] : batchesOf(request), dropped: drop,
      });
    }
    return { correlationId, inFlight: { apiKey, apiVersion, drop } };
  }

  /** The response frame to send on, with broker addresses replaced by the proxy's. */
  private rewrite(req: InFlight, frame: Buffer): Buffer {
    if (req.apiKey !== METADATA && req.apiKey !== FIND_COORDINATOR && req.apiKey !== DESCRIBE_CLUSTER) return sizePrefixed(frame);
    let decoded: { correlationId: number; body: unknown };
    try {
      decoded = decodeResponseFrame(req.apiKey, req.apiVersion, frame);
    } catch {
      // e.g. an error answer in another layout; pass it on as it is
      return sizePrefixed(frame);
    }
    const host = '127.0.0.1';
    const port = this.port;
    if (req.apiKey === METADATA) {
      const body = decoded.body as MetadataResponse;
      for (const b of body.brokers) Object.assign(b, { host, port });
    } else if (req.apiKey === FIND_COORDINATOR) {
      const body = decoded.body as FindCoordinatorResponse;
      if (req.apiVersion >= 4) {
        for (const c of body.coordinators ?? []) if (c.errorCode === 0) Object.assign(c, { host, port });
      } else if (body.errorCode === 0) {
        Object.assign(body, { host, port });
      }
    } else {
      const body = decoded.body as DescribeClusterResponse;
      for (const b of body.brokers) Object.assign(b, { host, port });
    }
    this.rewritten++;
    return Buffer.concat(encodeResponseFrame(req.apiKey, req.apiVersion, decoded.correlationId, decoded.body));
  }
}

/** Batches (producer id, epoch, base sequence, partition) that were sent more than once. */
export function resentBatches(produces: readonly SeenProduce[]): SeenBatch[] {
  const seen = new Map<string, { batch: SeenBatch; count: number }>();
  for (const p of produces) {
    for (const b of p.batches) {
      if (b.producerId < 0n) continue;
      const key = `${b.topic}\u0000${b.partition}\u0000${b.producerId}\u0000${b.producerEpoch}\u0000${b.baseSequence}`;
      const e = seen.get(key);
      if (e) e.count++;
      else seen.set(key, { batch: b, count: 1 });
    }
  }
  return [...seen.values()].filter((e) => e.count > 1).map((e) => e.batch);
}
