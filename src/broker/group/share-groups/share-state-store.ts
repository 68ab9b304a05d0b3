/**
 * Where share-partition state survives restarts and leader moves: the compacted internal topic
 * `__share_group_state` (share.coordinator.state.topic.num.partitions partitions, replication
 * share.coordinator.state.topic.replication.factor capped at the live brokers), one record per
 * share partition, the latest one wins.
 *
 *   key    int16 0, string group id, uuid topic id, int32 partition (Kafka's ShareSnapshot key)
 *   value  int16 0, then the body of Kafka's WriteShareGroupState request v0 for that one
 *          partition: state epoch, leader epoch, start offset and the in-flight state batches
 *          (first/last offset, delivery state, delivery count) — the fields of Kafka's
 *          ShareSnapshot value
 *
 * The partition of a key is chosen as Kafka's producer chooses it (murmur2 of the key). Records go
 * through the broker's own client with acks=all, so the state is replicated like any topic and
 * the broker that leads a data partition can write it wherever the state partition's leader is.
 * Reading a share partition's state scans its state partition to the end once, when the share
 * partition is first used on this broker.
 *
 * Contract: one per broker; reads and writes may run concurrently (writes of one share partition
 * are issued in order by its owner).
 */
import { Admin } from '../../../client/admin/index.js';
import { ClientError } from '../../../client/client-error.js';
import { Fetcher, READ_UNCOMMITTED } from '../../../client/consumer/fetcher.js';
import type { KafkaClient } from '../../../client/kafka-client.js';
import { partitionForKey } from '../../../client/partitioner.js';
import { Producer } from '../../../client/producer/index.js';
import { ErrorCode } from '../../../protocol/generated/error-codes.js';
import {
  decodeWriteShareGroupStateRequest, encodeWriteShareGroupStateRequest,
} from '../../../protocol/generated/messages/WriteShareGroupStateRequest.js';
import { Reader } from '../../../protocol/wire/reader.js';
import { Writer } from '../../../protocol/wire/writer.js';
import type { PersistedBatch } from './share-partition.js';

export const SHARE_STATE_TOPIC = '__share_group_state';

export interface SharePartitionKey {
  groupId: string;
  topicId: string;
  partition: number;
}

export interface PersistedState {
  stateEpoch: number;
  leaderEpoch: number;
  startOffset: number;
  batches: PersistedBatch[];
}

export interface ShareStateTopicSettings {
  partitions: number;
  replicationFactor: number;
}

export function encodeStateKey(k: SharePartitionKey): Buffer {
  const w = new Writer(64);
  w.int16(0);
  w.string(k.groupId);
  w.uuid(k.topicId);
  w.int32(k.partition);
  return w.toBuffer();
}

export function decodeStateKey(key: Buffer): SharePartitionKey | undefined {
  try {
    const r = new Reader(key);
    if (r.int16() !== 0) return undefined;
    return { groupId: r.string(), topicId: r.uuid(), partition: r.int32() };
  } catch {
    return undefined;
  }
}

export function encodeStateValue(k: SharePartitionKey, s: PersistedState): Buffer {
  const w = new Writer(128);
  w.int16(0);
  encodeWriteShareGroupStateRequest(w, {
    groupId: k.groupId,
    topics: [{
      topicId: k.topicId,
      partitions: [{
        partition: k.partition, stateEpoch: s.stateEpoch, leaderEpoch: s.leaderEpoch, startOffset: BigInt(s.startOffset),
        stateBatches: s.batches.map((b) => ({ firstOffset: BigInt(b.firstOffset), lastOffset: BigInt(b.lastOffset), deliveryState: b.deliveryState, deliveryCount: b.deliveryCount })),
      }],
    }],
  }, 0);
  return w.toBuffer();
}

export function decodeStateValue(value: Buffer): PersistedState | undefined {
  const r = new Reader(value);
  if (r.int16() !== 0) return undefined;
  const p = decodeWriteShareGroupStateRequest(r, 0).topics[0]?.partitions[0];
  if (!p) return undefined;
  return {
    stateEpoch: p.stateEpoch, leaderEpoch: p.leaderEpoch, startOffset: Number(p.startOffset),
    batches: p.stateBatches.map((b) => ({ firstOffset: Number(b.firstOffset), lastOffset: Number(b.lastOffset), deliveryState: b.deliveryState, deliveryCount: b.deliveryCount })),
  };
}

export class ShareStateStore {
  private client: Promise<KafkaClient> | undefined;
  private producer: Producer | undefined;
  private ready = false;

  constructor(
    private readonly connect: () => Promise<KafkaClient>,
    private readonly settings: () => ShareStateTopicSettings,
  ) {}

  private async internal(): Promise<KafkaClient> {
    this.client ??= this.connect().catch((e: unknown) => {
      this.client = undefined;
      throw e;
    });
    return this.client;
  }

  private async partitionCount(client: KafkaClient): Promise<number | undefined> {
    const md = await client.refreshMetadata([SHARE_STATE_TOPIC]);
    const t = md.topics.get(SHARE_STATE_TOPIC);
    return t && t.errorCode === ErrorCode.NONE ? t.partitions.length : undefined;
  }

  private async ensureTopic(client: KafkaClient): Promise<number> {
    const existing = await this.partitionCount(client);
    if (existing !== undefined) return existing;
    const { partitions, replicationFactor } = this.settings();
    const brokers = (await client.refreshMetadata([])).brokers.size;
    const [r] = await new Admin(client).createTopics([{
      name: SHARE_STATE_TOPIC, numPartitions: partitions, replicationFactor: Math.min(replicationFactor, Math.max(1, brokers)),
      // small segments (Kafka's share.coordinator.state.topic.segment.bytes default) so the
      // cleaner keeps what a leader scans on load short
      configs: { 'cleanup.policy': 'compact', 'min.insync.replicas': '1', 'segment.bytes': '104857600' },
    }], { returnErrors: true });
    if (r && r.errorCode !== ErrorCode.NONE && r.error !== 'TOPIC_ALREADY_EXISTS') throw ClientError.kafka(r.errorCode, `create ${SHARE_STATE_TOPIC}`, r.errorMessage);
    await client.withRetries(() => client.leaderOf(SHARE_STATE_TOPIC, 0));
    return (await this.partitionCount(client)) ?? partitions;
  }

  /** The last state written for a share partition; undefined when none was. */
  async read(k: SharePartitionKey): Promise<PersistedState | undefined> {
    const client = await this.internal();
    const count = await this.partitionCount(client);
    if (count === undefined) return undefined;
    const key = encodeStateKey(k);
    let found: PersistedState | undefined;
    await this.scan(client, partitionForKey(key, count), (recordKey, value) => {
      if (recordKey.equals(key)) found = value === null ? undefined : decodeStateValue(value);
    });
    return found;
  }

  /** Reads one partition of the topic from its start to its current end. */
  private async scan(client: KafkaClient, partition: number, each: (key: Buffer, value: Buffer | null) => void): Promise<void> {
    const admin = new Admin(client);
    const offsets = async (at: 'earliest' | 'latest'): Promise<bigint> =>
      BigInt((await admin.listOffsets([{ topic: SHARE_STATE_TOPIC, partition }], at)).get(SHARE_STATE_TOPIC)!.get(partition)!.offset);
    const end = await offsets('latest');
    let position = await offsets('earliest');
    const fetcher = new Fetcher(client, { minBytes: 1, maxBytes: 8 << 20, maxPartitionBytes: 8 << 20, maxWaitMs: 100, isolationLevel: READ_UNCOMMITTED, checkCrcs: true });
    for (let rounds = 0; position < end; rounds++) {
      if (rounds > 10_000) throw new ClientError('TIMEOUT', `reading ${SHARE_STATE_TOPIC} made no progress`);
      const leader = await client.withRetries(() => client.leaderOf(SHARE_STATE_TOPIC, partition));
      const [res] = await fetcher.fetch(leader, [{ topic: SHARE_STATE_TOPIC, partition, offset: position }]);
      if (!res) continue;
      if (res.errorCode !== ErrorCode.NONE) {
        if (res.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) position = await offsets('earliest');
        else await client.refreshMetadata([SHARE_STATE_TOPIC]);
        continue;
      }
      if (res.error) throw res.error;
      for (const { record } of res.records) if (record.key) each(record.key, record.value);
      if (res.nextOffset > position) position = res.nextOffset;
    }
  }

  /** Writes a share partition's state; resolves once it is replicated (acks=all). */
  async write(k: SharePartitionKey, s: PersistedState): Promise<void> {
    const client = await this.internal();
    if (!this.ready) {
      await this.ensureTopic(client);
      this.ready = true;
    }
    this.producer ??= new Producer(client, { acks: -1, lingerMs: 0 });
    await this.producer.send(SHARE_STATE_TOPIC, [{ key: encodeStateKey(k), value: encodeStateValue(k, s) }]);
  }

  /** Tombstones every share partition state of a group (a scan of the topic: deletions are rare). */
  async deleteGroup(groupId: string): Promise<void> {
    const client = await this.internal();
    const count = await this.partitionCount(client);
    if (count === undefined) return;
    const live = new Map<string, Buffer>();
    for (let partition = 0; partition < count; partition++) {
      await this.scan(client, partition, (key, value) => {
        const k = decodeStateKey(key);
        if (k?.groupId !== groupId) return;
        if (value === null) live.delete(key.toString('hex'));
        else live.set(key.toString('hex'), key);
      });
    }
    if (live.size === 0) return;
    this.producer ??= new Producer(client, { acks: -1, lingerMs: 0 });
    await this.producer.send(SHARE_STATE_TOPIC, [...live.values()].map((key) => ({ key, value: null })));
  }

  async close(): Promise<void> {
    await this.producer?.close().catch(() => undefined);
    this.producer = undefined;
    const client = await this.client?.catch(() => undefined);
    client?.close();
    this.client = undefined;
  }
}
