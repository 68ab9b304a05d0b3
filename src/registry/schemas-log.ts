/**
 * The registry's storage: the compacted topic `_schemas` (one partition, created by the first
 * change with the cluster's replication up to 3), read from the start into the SchemaStore and
 * appended to when something changes. Reads never create it.
 *
 * Reading goes through the broker's own client on the inter-broker listener; before answering,
 * the registry catches up to the partition's end (concurrent catch-ups share one read), so every
 * broker answers from the same log. Writing goes through the caller's client session, so the
 * topic's ACLs decide who may register schemas; a write returns once the record is applied.
 *
 * Contract: one per broker; catchUp() and append() may be called concurrently.
 */
import { Admin } from '../client/admin/index.js';
import { Fetcher, READ_UNCOMMITTED } from '../client/consumer/fetcher.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { ClientError } from '../client/client-error.js';
import type { ClientSession } from '../http/client-sessions.js';
import { SchemaStore } from './schema-store.js';

export const SCHEMAS_TOPIC = '_schemas';

export class SchemasLog {
  readonly store = new SchemaStore();
  private position = 0n;
  private client: Promise<KafkaClient> | undefined;
  private ready = false;
  private reading: Promise<void> | undefined;

  constructor(private readonly connect: () => Promise<KafkaClient>) {}

  private async internal(): Promise<KafkaClient> {
    this.client ??= this.connect().catch((e: unknown) => {
      this.client = undefined;
      throw e;
    });
    return this.client;
  }

  /** Whether `_schemas` exists (once it does, it is not checked again). */
  private async exists(): Promise<boolean> {
    if (this.ready) return true;
    const client = await this.internal();
    const md = await client.refreshMetadata([SCHEMAS_TOPIC]);
    if (md.topics.get(SCHEMAS_TOPIC)?.errorCode !== ErrorCode.NONE) return false;
    this.ready = true;
    return true;
  }

  /** Creates `_schemas` unless it exists; only writes do. */
  private async ensureTopic(): Promise<void> {
    if (await this.exists()) return;
    const client = await this.internal();
    const brokers = (await client.refreshMetadata([])).brokers.size;
    const [r] = await new Admin(client).createTopics([{ name: SCHEMAS_TOPIC, numPartitions: 1, replicationFactor: Math.min(3, Math.max(1, brokers)), configs: { 'cleanup.policy': 'compact' } }], { returnErrors: true });
    if (r && r.errorCode !== ErrorCode.NONE && r.error !== 'TOPIC_ALREADY_EXISTS') throw ClientError.kafka(r.errorCode, `create ${SCHEMAS_TOPIC}`, r.errorMessage);
    await client.withRetries(() => client.leaderOf(SCHEMAS_TOPIC, 0));
    this.ready = true;
  }

  /** Applies every record up to the partition's current end (nothing while `_schemas` does not exist). */
  catchUp(): Promise<void> {
    this.reading ??= this.exists().then((yes) => (yes ? this.readToEnd() : undefined)).finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readToEnd(until?: bigint): Promise<void> {
    const client = await this.internal();
    const admin = new Admin(client);
    const end = until ?? BigInt((await admin.listOffsets([{ topic: SCHEMAS_TOPIC, partition: 0 }], 'latest')).get(SCHEMAS_TOPIC)!.get(0)!.offset);
    const fetcher = new Fetcher(client, { minBytes: 1, maxBytes: 8 << 20, maxPartitionBytes: 8 << 20, maxWaitMs: 500, isolationLevel: READ_UNCOMMITTED, checkCrcs: true });
    for (let rounds = 0; this.position < end; rounds++) {
      if (rounds > 10_000) throw new ClientError('TIMEOUT', `reading ${SCHEMAS_TOPIC} made no progress`);
      const leader = await client.withRetries(() => client.leaderOf(SCHEMAS_TOPIC, 0));
      const [res] = await fetcher.fetch(leader, [{ topic: SCHEMAS_TOPIC, partition: 0, offset: this.position }]);
      if (!res) continue;
      if (res.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
        this.position = BigInt((await admin.listOffsets([{ topic: SCHEMAS_TOPIC, partition: 0 }], 'earliest')).get(SCHEMAS_TOPIC)!.get(0)!.offset);
        continue;
      }
      if (res.errorCode !== ErrorCode.NONE) {
        await client.refreshMetadata([SCHEMAS_TOPIC]);
        continue;
      }
      if (res.error) throw res.error;
      for (const { record } of res.records) this.store.apply(record.key, record.value);
      this.position = res.nextOffset > this.position ? res.nextOffset : this.position;
    }
  }

  /** Whether the registry knows schema `id`, reading what was written since if it does not yet. */
  async has(id: number): Promise<boolean> {
    if (this.store.ids.has(id)) return true;
    await this.catchUp();
    return this.store.ids.has(id);
  }

  async close(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    client?.close();
    this.client = undefined;
  }

  /** Appends a record as the caller and waits until it is applied. */
  async append(session: ClientSession, key: object, value: object | null): Promise<void> {
    await this.ensureTopic();
    await this.catchUp();
    const producer = await session.producer();
    const [meta] = await producer.send(SCHEMAS_TOPIC, [{ key: JSON.stringify(key), value: value === null ? null : JSON.stringify(value), partition: 0 }]);
    const wanted = BigInt(meta!.offset) + 1n;
    for (let i = 0; this.position < wanted; i++) {
      if (i > 100) throw new ClientError('TIMEOUT', `the record written to ${SCHEMAS_TOPIC} at offset ${meta!.offset} was not read back`);
      await this.catchUp();
    }
  }
}
