/**
 * KafkaClient: the cluster as a client sees it. Connects to the first reachable bootstrap
 * address, keeps a metadata cache (brokers, topics, partition leaders, controller), one
 * connection per broker, and routes requests: to any broker, to the controller, to a
 * partition's leader, or to a group's coordinator. Retriable failures (disconnects, timeouts,
 * retriable Kafka errors such as a leader move) are retried with backoff after a metadata
 * refresh, up to `retries` times.
 *
 * Contract: one per application (or per CLI command); all methods may be called concurrently.
 */
import type { ClientSecurity } from './client-security.js';
import { ApiKey, type ApiMessages } from '../protocol/generated/api-registry.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { MetadataResponse } from '../protocol/generated/messages/MetadataResponse.js';
import { BrokerConnection } from './broker-connection.js';
import { ClientError } from './client-error.js';

export interface ClientOptions {
  /** host:port addresses to bootstrap from. */
  bootstrap: string[];
  clientId?: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  retries?: number;
  retryBackoffMs?: number;
  /** TLS and SASL for every connection (see client-security.ts). */
  security?: ClientSecurity;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  internal: boolean;
  errorCode: number;
  partitions: PartitionInfo[];
}

export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: Map<number, BrokerInfo>;
  topics: Map<string, TopicInfo>;
}

type Target = 'any' | 'controller' | number;

export function parseHostPort(address: string, defaultPort = 9092): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(address) ?? /^([^:]+)(?::(\d+))?$/.exec(address);
  if (!m) throw new ClientError('INVALID_ARGUMENT', `not a host:port address: ${address}`);
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

export class KafkaClient {
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  private bootstrapConnection: BrokerConnection | undefined;
  private cluster: ClusterMetadata = { clusterId: null, controllerId: -1, brokers: new Map(), topics: new Map() };
  readonly options: Required<Omit<ClientOptions, 'security'>> & Pick<ClientOptions, 'security'>;

  private constructor(options: ClientOptions) {
    this.options = {
      clientId: 'gregor',
      requestTimeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      retries: 5,
      retryBackoffMs: 100,
      ...options,
    };
  }

  /** Connects to the first reachable bootstrap broker and loads the cluster metadata. */
  static async connect(options: ClientOptions): Promise<KafkaClient> {
    const client = new KafkaClient(options);
    const errors: string[] = [];
    for (const address of options.bootstrap) {
      const { host, port } = parseHostPort(address);
      try {
        client.bootstrapConnection = await BrokerConnection.open(client.connectionOptions(host, port));
        break;
      } catch (e) {
        // a broker that refused our credentials was reached: say so, not that it is unreachable
        if (e instanceof ClientError && e.code === 'AUTHENTICATION') throw e;
        errors.push((e as Error).message);
      }
    }
    if (!client.bootstrapConnection) {
      throw new ClientError('CONNECT', `cannot reach ${options.bootstrap.join(', ')}${errors.length ? ` (${errors[0]})` : ''}`);
    }
    await client.refreshMetadata([]);
    return client;
  }

  private connectionOptions(host: string, port: number) {
    return { host, port, clientId: this.options.clientId, connectTimeoutMs: this.options.connectTimeoutMs, requestTimeoutMs: this.options.requestTimeoutMs, security: this.options.security };
  }

  get metadata(): ClusterMetadata {
    return this.cluster;
  }

  /** A connection to a broker by node id (opened on first use). */
  async connection(nodeId: number): Promise<BrokerConnection> {
    const existing = this.connections.get(nodeId);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      if (conn?.isOpen) return conn;
      this.connections.delete(nodeId);
    }
    const broker = this.cluster.brokers.get(nodeId);
    if (!broker) throw new ClientError('CONNECT', `broker ${nodeId} is not in the cluster metadata`);
    const opening = BrokerConnection.open(this.connectionOptions(broker.host, broker.port));
    this.connections.set(nodeId, opening);
    return opening;
  }

  private async anyConnection(): Promise<BrokerConnection> {
    if (this.bootstrapConnection?.isOpen) return this.bootstrapConnection;
    for (const nodeId of this.cluster.brokers.keys()) {
      try {
        return await this.connection(nodeId);
      } catch {
        // try the next broker
      }
    }
    for (const address of this.options.bootstrap) {
      const { host, port } = parseHostPort(address);
      try {
        this.bootstrapConnection = await BrokerConnection.open(this.connectionOptions(host, port));
        return this.bootstrapConnection;
      } catch {
        // try the next address
      }
    }
    throw new ClientError('CONNECT', `cannot reach any broker of ${this.options.bootstrap.join(', ')}`);
  }

  private async target(to: Target): Promise<BrokerConnection> {
    if (to === 'any') return this.anyConnection();
    if (to === 'controller') return this.cluster.controllerId >= 0 ? this.connection(this.cluster.controllerId) : this.anyConnection();
    return this.connection(to);
  }

  /** Sends one request (no retry). */
  async send<K extends keyof ApiMessages>(apiKey: K, body: ApiMessages[K]['request'], to: Target = 'any', version?: number): Promise<ApiMessages[K]['response']> {
    const conn = await this.target(to);
    return conn.request(apiKey, body, version);
  }

  /**
   * Runs `attempt` until it succeeds or fails with a non-retriable error or the retries run
   * out, refreshing metadata between attempts.
   */
  async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let i = 0; i <= this.options.retries; i++) {
      try {
        return await attempt();
      } catch (e) {
        lastError = e;
        const retriable = e instanceof ClientError && (e.retriable || e.code === 'CONNECT');
        if (!retriable || i === this.options.retries) break;
        await new Promise((r) => setTimeout(r, this.options.retryBackoffMs * 2 ** i));
        await this.refreshMetadata(null).catch(() => undefined);
      }
    }
    throw lastError;
  }

  /**
   * Refreshes metadata for `topics` (null: all topics; []: brokers only). With
   * `allowAutoCreate`, missing topics may be created by the broker.
   */
  async refreshMetadata(topics: string[] | null, allowAutoCreate = false): Promise<ClusterMetadata> {
    const conn = await this.anyConnection();
    const v = conn.version(ApiKey.Metadata, 12);
    if (v === undefined) throw new ClientError('UNSUPPORTED', 'the broker does not support Metadata');
    const res: MetadataResponse = await conn.request(ApiKey.Metadata, {
      topics: topics === null ? (v === 0 ? [] : null) : topics.map((name) => ({ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' })),
      allowAutoTopicCreation: allowAutoCreate,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }, v);
    const brokers = new Map<number, BrokerInfo>();
    for (const b of res.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null });
    const known = topics === null ? new Map<string, TopicInfo>() : new Map(this.cluster.topics);
    for (const t of res.topics) {
      if (t.name === null) continue;
      known.set(t.name, {
        name: t.name,
        topicId: t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA',
        internal: t.isInternal ?? false,
        errorCode: t.errorCode,
        partitions: t.partitions.map((p) => ({
          partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes, isr: p.isrNodes, errorCode: p.errorCode,
        })).sort((a, b) => a.partition - b.partition),
      });
    }
    this.cluster = { clusterId: res.clusterId ?? null, controllerId: res.controllerId ?? -1, brokers, topics: known };
    return this.cluster;
  }

  /** Metadata of one topic, fetched if not cached; throws for an unknown topic. */
  async topic(name: string, allowAutoCreate = false): Promise<TopicInfo> {
    let t = this.cluster.topics.get(name);
    if (!t || t.errorCode !== ErrorCode.NONE) {
      await this.refreshMetadata([name], allowAutoCreate);
      t = this.cluster.topics.get(name);
    }
    if (!t || t.errorCode !== ErrorCode.NONE) throw ClientError.kafka(t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name}`);
    return t;
  }

  /** The node id of the leader of a partition. */
  async leaderOf(topic: string, partition: number): Promise<number> {
    const t = await this.topic(topic);
    const p = t.partitions.find((x) => x.partition === partition);
    if (!p) throw ClientError.kafka(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${partition}`);
    if (p.leader < 0) throw ClientError.kafka(ErrorCode.LEADER_NOT_AVAILABLE, `${topic}-${partition}`);
    return p.leader;
  }

  /** The coordinator of a group (keyType 0) or transactional id (keyType 1). */
  async coordinator(key: string, keyType = 0): Promise<number> {
    return this.withRetries(async () => {
      const conn = await this.anyConnection();
      const v = conn.version(ApiKey.FindCoordinator, 4);
      if (v === undefined) throw new ClientError('UNSUPPORTED', 'the broker does not support FindCoordinator');
      const res = await conn.request(ApiKey.FindCoordinator, v >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType }, v);
      const c = v >= 4 ? res.coordinators?.[0] : { errorCode: res.errorCode, nodeId: res.nodeId, host: res.host, port: res.port, errorMessage: res.errorMessage };
      if (!c || (c.errorCode ?? 0) !== ErrorCode.NONE) throw ClientError.kafka(c?.errorCode ?? ErrorCode.COORDINATOR_NOT_AVAILABLE, `coordinator of ${key}`, c?.errorMessage);
      const nodeId = c.nodeId ?? -1;
      if (!this.cluster.brokers.has(nodeId)) this.cluster.brokers.set(nodeId, { nodeId, host: c.host ?? '', port: c.port ?? -1, rack: null });
      return nodeId;
    });
  }

  close(): void {
    this.bootstrapConnection?.close();
    for (const c of this.connections.values()) void c.then((conn) => conn.close(), () => undefined);
    this.connections.clear();
  }
}
