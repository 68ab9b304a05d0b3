/**
 * CaptureServer: a tiny fake Kafka broker for recording what real clients put on the wire.
 *
 * It listens on 127.0.0.1 (ephemeral port), keeps a copy of every request frame it receives
 * (header plus body, without the int32 size prefix) and answers just well enough for a client to
 * carry on: one broker (itself, node 1), every requested topic with a single partition it leads,
 * produce always succeeds at offset 0, fetches return no records, and a consumer group in which
 * every joining member is elected leader of generation 1.
 *
 * Test support only: there is no log, no state beyond the group assignments, and no error
 * handling beyond closing a connection whose request it cannot decode or does not serve.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { FrameSplitter } from '../../../src/protocol/framing/frame-splitter.js';
import {
  decodeRequestBody, decodeRequestFrameHeader, encodeResponseFrame,
} from '../../../src/protocol/framing/messages.js';
import { API_DEFINITIONS, ApiKey } from '../../../src/protocol/generated/api-registry.js';
import type { ApiVersionsResponse } from '../../../src/protocol/generated/messages/ApiVersionsResponse.js';
import type { FetchRequest } from '../../../src/protocol/generated/messages/FetchRequest.js';
import type { FetchResponse } from '../../../src/protocol/generated/messages/FetchResponse.js';
import type { FindCoordinatorRequest } from '../../../src/protocol/generated/messages/FindCoordinatorRequest.js';
import type { FindCoordinatorResponse } from '../../../src/protocol/generated/messages/FindCoordinatorResponse.js';
import type { HeartbeatResponse } from '../../../src/protocol/generated/messages/HeartbeatResponse.js';
import type { InitProducerIdResponse } from '../../../src/protocol/generated/messages/InitProducerIdResponse.js';
import type { JoinGroupRequest } from '../../../src/protocol/generated/messages/JoinGroupRequest.js';
import type { JoinGroupResponse } from '../../../src/protocol/generated/messages/JoinGroupResponse.js';
import type { LeaveGroupRequest } from '../../../src/protocol/generated/messages/LeaveGroupRequest.js';
import type { LeaveGroupResponse } from '../../../src/protocol/generated/messages/LeaveGroupResponse.js';
import type { ListOffsetsRequest } from '../../../src/protocol/generated/messages/ListOffsetsRequest.js';
import type { ListOffsetsResponse } from '../../../src/protocol/generated/messages/ListOffsetsResponse.js';
import type { MetadataRequest } from '../../../src/protocol/generated/messages/MetadataRequest.js';
import type { MetadataResponse } from '../../../src/protocol/generated/messages/MetadataResponse.js';
import type { OffsetCommitRequest } from '../../../src/protocol/generated/messages/OffsetCommitRequest.js';
import type { OffsetCommitResponse } from '../../../src/protocol/generated/messages/OffsetCommitResponse.js';
import type { OffsetFetchRequest } from '../../../src/protocol/generated/messages/OffsetFetchRequest.js';
import type { OffsetFetchResponse } from '../../../src/protocol/generated/messages/OffsetFetchResponse.js';
import type { ProduceRequest } from '../../../src/protocol/generated/messages/ProduceRequest.js';
import type { ProduceResponse } from '../../../src/protocol/generated/messages/ProduceResponse.js';
import type { SyncGroupRequest } from '../../../src/protocol/generated/messages/SyncGroupRequest.js';
import type { SyncGroupResponse } from '../../../src/protocol/generated/messages/SyncGroupResponse.js';

/**
 * The version ranges advertised, before clamping to what the generated registry defines.
 *
 * Produce is advertised from v0 although clients only send v3 and up: librdkafka before 2.10
 * (librdkafka issue 4956) checks that the broker's Produce range includes v0 before it compresses
 * with gzip, snappy or lz4, and silently sends uncompressed batches otherwise. Kafka 4.0 advertises
 * v0-v2 for the same reason (KAFKA-18659) while rejecting requests at those versions.
 */
export const ADVERTISED_VERSIONS: ReadonlyMap<number, readonly [number, number]> = new Map([
  [ApiKey.Produce, [0, 9]],
  [ApiKey.Fetch, [4, 12]],
  [ApiKey.ListOffsets, [1, 7]],
  [ApiKey.Metadata, [0, 12]],
  [ApiKey.OffsetCommit, [2, 8]],
  [ApiKey.OffsetFetch, [1, 7]],
  [ApiKey.FindCoordinator, [0, 4]],
  [ApiKey.JoinGroup, [0, 7]],
  [ApiKey.Heartbeat, [0, 4]],
  [ApiKey.LeaveGroup, [0, 4]],
  [ApiKey.SyncGroup, [0, 5]],
  [ApiKey.ApiVersions, [0, 3]],
  [ApiKey.InitProducerId, [0, 4]],
]);

/** The topic a request for "all topics" is told about. */
export const DEFAULT_TOPIC = 'fixture-topic';

const NODE_ID = 1;
const CLUSTER_ID = 'gregor-capture';
const UNSUPPORTED_VERSION = 35;
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Fetches with nothing to return wait at most this long, so idle consumers do not spin. */
const MAX_FETCH_WAIT_MS = 200;

export interface CapturedFrame {
  /** Sequence number of the connection it arrived on, from 1. */
  connection: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** The request frame: header and body, without the size prefix. */
  frame: Buffer;
}

export interface CaptureServerOptions {
  /** Called for requests the server could not decode or does not serve (defaults to stderr). */
  onProblem?: (message: string) => void;
}

interface GroupState {
  /** Assignments the leader sent in SyncGroup, by member id. */
  assignments: Map<string, Buffer>;
  protocolName: string | null;
}

/** The [min, max] advertised for an API key, clamped to the registry, or null when not served. */
export function advertisedRange(apiKey: number): [number, number] | null {
  const wanted = ADVERTISED_VERSIONS.get(apiKey);
  const def = API_DEFINITIONS.get(apiKey);
  if (!wanted || !def) return null;
  const min = Math.max(wanted[0], def.minVersion);
  const max = Math.min(wanted[1], def.maxVersion);
  return min <= max ? [min, max] : null;
}

export class CaptureServer {
  readonly frames: CapturedFrame[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly groups = new Map<string, GroupState>();
  private readonly waiters: Array<{ match: (f: CapturedFrame) => boolean; resolve: (f: CapturedFrame) => void }> = [];
  private connections = 0;
  private members = 0;
  private readonly onProblem: (message: string) => void;

  private constructor(options: CaptureServerOptions) {
    this.onProblem = options.onProblem ?? ((m) => process.stderr.write(`capture-server: ${m}\n`));
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts a server on 127.0.0.1 at an ephemeral port. */
  static async start(options: CaptureServerOptions = {}): Promise<CaptureServer> {
    const s = new CaptureServer(options);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Resolves with the first frame (already captured or still to come) that `match` accepts. */
  waitFor(match: (f: CapturedFrame) => boolean, timeoutMs: number): Promise<CapturedFrame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (f: CapturedFrame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connection = ++this.connections;
    const splitter = new FrameSplitter(MAX_FRAME_BYTES);
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of splitter.push(chunk)) this.handle(socket, connection, Buffer.from(frame));
      } catch (err) {
        this.onProblem(`connection ${connection}: ${(err as Error).message}`);
        socket.destroy();
      }
    });
  }

  private handle(socket: Socket, connection: number, frame: Buffer): void {
    const { header, body } = decodeRequestFrameHeader(frame);
    const captured: CapturedFrame = {
      connection,
      apiKey: header.requestApiKey,
      apiVersion: header.requestApiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId ?? null,
      frame,
    };
    this.frames.push(captured);
    for (const w of this.waiters.filter((x) => x.match(captured))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(captured);
    }

    const { requestApiKey: apiKey, requestApiVersion: version, correlationId } = header;
    const send = (response: unknown, responseVersion = version): void => {
      if (socket.destroyed) return;
      for (const chunk of encodeResponseFrame(apiKey, responseVersion, correlationId, response)) socket.write(chunk);
    };

    if (apiKey === ApiKey.ApiVersions && version > advertisedRange(ApiKey.ApiVersions)![1]) {
      // Tell the client the versions we serve, at v0, which every client can read (KIP-511).
      const [min, max] = advertisedRange(ApiKey.ApiVersions)!;
      const response: ApiVersionsResponse = {
        errorCode: UNSUPPORTED_VERSION,
        apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: min, maxVersion: max }],
      };
      send(response, 0);
      return;
    }
    const range = advertisedRange(apiKey);
    if (!range || version < range[0] || version > range[1]) {
      throw new Error(`unserved request: API key ${apiKey} v${version}`);
    }
    const request = decodeRequestBody(apiKey, version, body);
    if (body.remaining !== 0) this.onProblem(`API key ${apiKey} v${version}: ${body.remaining} bytes left after the body`);

    switch (apiKey) {
      case ApiKey.ApiVersions:
        return send(this.apiVersions(version));
      case ApiKey.Metadata:
        return send(this.metadata(request as MetadataRequest, version));
      case ApiKey.Produce: {
        const produce = request as ProduceRequest;
        if (produce.acks === 0) return; // acks=0: the client expects no response
        return send(this.produce(produce, version));
      }
      case ApiKey.Fetch: {
        const fetch = request as FetchRequest;
        const wait = Math.max(0, Math.min(fetch.maxWaitMs, MAX_FETCH_WAIT_MS));
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          send(this.fetch(fetch, version));
        }, wait);
        this.timers.add(timer);
        return;
      }
      case ApiKey.ListOffsets:
        return send(this.listOffsets(request as ListOffsetsRequest, version));
      case ApiKey.FindCoordinator:
        return send(this.findCoordinator(request as FindCoordinatorRequest, version));
      case ApiKey.JoinGroup:
        return send(this.joinGroup(request as JoinGroupRequest, version));
      case ApiKey.SyncGroup:
        return send(this.syncGroup(request as SyncGroupRequest, version));
      case ApiKey.Heartbeat: {
        const response: HeartbeatResponse = { errorCode: 0 };
        return send(response);
      }
      case ApiKey.LeaveGroup:
        return send(this.leaveGroup(request as LeaveGroupRequest, version));
      case ApiKey.OffsetCommit:
        return send(this.offsetCommit(request as OffsetCommitRequest));
      case ApiKey.OffsetFetch:
        return send(this.offsetFetch(request as OffsetFetchRequest, version));
      case ApiKey.InitProducerId: {
        const response: InitProducerIdResponse = {
          throttleTimeMs: 0, errorCode: 0, producerId: 1000n, producerEpoch: 0,
        };
        return send(response);
      }
      default:
        throw new Error(`no handler for API key ${apiKey}`);
    }
  }

  private apiVersions(version: number): ApiVersionsResponse {
    const apiKeys = [...ADVERTISED_VERSIONS.keys()]
      .sort((a, b) => a - b)
      .flatMap((apiKey) => {
        const range = advertisedRange(apiKey);
        return range ? [{ apiKey, minVersion: range[0], maxVersion: range[1] }] : [];
      });
    return { errorCode: 0, apiKeys, throttleTimeMs: version >= 1 ? 0 : undefined };
  }

  private metadata(req: MetadataRequest, version: number): MetadataResponse {
    const allTopics = req.topics === null || (version === 0 && req.topics.length === 0);
    const names = allTopics ? [DEFAULT_TOPIC] : req.topics!.map((t) => t.name ?? DEFAULT_TOPIC);
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: NODE_ID, host: this.host, port: this.port, rack: null }],
      clusterId: version >= 2 ? CLUSTER_ID : undefined,
      controllerId: version >= 1 ? NODE_ID : undefined,
      topics: names.map((name) => ({
        errorCode: 0,
        name,
        isInternal: false,
        partitions: [{
          errorCode: 0,
          partitionIndex: 0,
          leaderId: NODE_ID,
          leaderEpoch: version >= 7 ? 0 : undefined,
          replicaNodes: [NODE_ID],
          isrNodes: [NODE_ID],
          offlineReplicas: [],
        }],
      })),
    };
  }

  private produce(req: ProduceRequest, version: number): ProduceResponse {
    return {
      throttleTimeMs: 0,
      responses: req.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => ({
          index: p.index,
          errorCode: 0,
          baseOffset: 0n,
          logAppendTimeMs: -1n,
          logStartOffset: version >= 5 ? 0n : undefined,
        })),
      })),
    };
  }

  private fetch(req: FetchRequest, version: number): FetchResponse {
    return {
      throttleTimeMs: 0,
      errorCode: version >= 7 ? 0 : undefined,
      sessionId: version >= 7 ? 0 : undefined,
      responses: req.topics.map((t) => ({
        topic: version <= 12 ? t.topic : undefined,
        topicId: version >= 13 ? t.topicId : undefined,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partition,
          errorCode: 0,
          highWatermark: 0n,
          lastStableOffset: 0n,
          logStartOffset: version >= 5 ? 0n : undefined,
          abortedTransactions: [],
          preferredReadReplica: version >= 11 ? -1 : undefined,
          records: Buffer.alloc(0),
        })),
      })),
    };
  }

  private listOffsets(req: ListOffsetsRequest, version: number): ListOffsetsResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: 0,
          timestamp: -1n,
          offset: 0n,
          leaderEpoch: version >= 4 ? 0 : undefined,
        })),
      })),
    };
  }

  private findCoordinator(req: FindCoordinatorRequest, version: number): FindCoordinatorResponse {
    if (version >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: (req.coordinatorKeys ?? []).map((key) => ({
          key, nodeId: NODE_ID, host: this.host, port: this.port, errorCode: 0, errorMessage: null,
        })),
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: version >= 1 ? null : undefined,
      nodeId: NODE_ID,
      host: this.host,
      port: this.port,
    };
  }

  private group(groupId: string): GroupState {
    let g = this.groups.get(groupId);
    if (!g) {
      g = { assignments: new Map(), protocolName: null };
      this.groups.set(groupId, g);
    }
    return g;
  }

  private joinGroup(req: JoinGroupRequest, version: number): JoinGroupResponse {
    const memberId = req.memberId !== '' ? req.memberId : `${req.groupId}-member-${++this.members}`;
    const chosen = req.protocols[0];
    const g = this.group(req.groupId);
    g.protocolName = chosen?.name ?? null;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 1,
      protocolType: version >= 7 ? req.protocolType : undefined,
      protocolName: chosen?.name ?? '',
      leader: memberId,
      memberId,
      members: [{
        memberId,
        groupInstanceId: version >= 5 ? (req.groupInstanceId ?? null) : undefined,
        metadata: chosen?.metadata ?? Buffer.alloc(0),
      }],
    };
  }

  private syncGroup(req: SyncGroupRequest, version: number): SyncGroupResponse {
    const g = this.group(req.groupId);
    for (const a of req.assignments) g.assignments.set(a.memberId, Buffer.from(a.assignment));
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      protocolType: version >= 5 ? (req.protocolType ?? null) : undefined,
      protocolName: version >= 5 ? (req.protocolName ?? g.protocolName) : undefined,
      assignment: g.assignments.get(req.memberId) ?? Buffer.alloc(0),
    };
  }

  private leaveGroup(req: LeaveGroupRequest, version: number): LeaveGroupResponse {
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      members: version >= 3
        ? (req.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, errorCode: 0 }))
        : undefined,
    };
  }

  private offsetCommit(req: OffsetCommitRequest): OffsetCommitResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })),
      })),
    };
  }

  private offsetFetch(req: OffsetFetchRequest, version: number): OffsetFetchResponse {
    return {
      throttleTimeMs: 0,
      errorCode: version >= 2 ? 0 : undefined,
      topics: (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: (t.partitionIndexes ?? []).map((partitionIndex) => ({
          partitionIndex,
          committedOffset: -1n,
          committedLeaderEpoch: version >= 5 ? -1 : undefined,
          metadata: '',
          errorCode: 0,
        })),
      })),
    };
  }
}
