/**
 * EtcdMetadataStore: the MetadataStore of a multi-broker cluster, kept in etcd (v3) under a
 * per-cluster prefix (etcd-keys.ts). Every broker holds a local view (etcd-view.ts), read once at
 * startup and then advanced by a watch from the revision it was read at, so all brokers apply the
 * same changes in the same order; the view's `epoch` rises with each applied change.
 *
 * Writes are etcd transactions that compare before they change, so two writers never both win:
 *   - a new topic is created only if its key does not exist;
 *   - a topic is changed only if its key is still at the modification revision the change was
 *     computed from; partition updates are also checked against each partition's epoch
 *     (Kafka's AlterPartition semantics) and refused with StaleMetadataError when it moved on;
 *   - controller operations (topics, leaders) also require the controller's election key to be
 *     the one this broker was elected with (the fence), so a deposed controller cannot write;
 *   - producer-id blocks are taken with a compare-and-swap on the counter.
 * A write resolves once the local view has caught up with it. etcd errors and timeouts become
 * MetadataUnavailableError, which the broker turns into Kafka's retriable errors.
 *
 * Liveness: registration (broker-registration.ts) and the controller election use etcd leases;
 * a broker whose lease lapses disappears from every view.
 *
 * Contract: owned by the broker; the watch callback is the only thing that changes the view.
 */
import { createHash } from 'node:crypto';
import type { AclBinding } from '../../protocol/acl/acl-binding.js';
import { Etcd3, type IOptions, type Namespace } from 'etcd3';
import type { Logger } from '../../common/logger.js';
import {
  MetadataUnavailableError, StaleMetadataError, type BrokerEndpoint, type DynamicBrokerConfigs, type EntityType, type MetadataChange,
  type MetadataStore, type PartitionMetadata, type PartitionUpdate, type TopicMetadata,
} from '../../broker/metadata/metadata-store.js';
import { MetadataListeners } from '../metadata-listeners.js';
import { EtcdKeys } from './etcd-keys.js';
import { EtcdView } from './etcd-view.js';
import { BrokerRegistration } from './broker-registration.js';
import { ControllerElection, NotControllerError } from './controller-election.js';
import { EtcdWatch, type WatchedKv } from './etcd-watch.js';

export interface EtcdStoreOptions {
  /** etcd endpoints, e.g. ['http://127.0.0.1:2379']. */
  endpoints: string[];
  /** The cluster's key prefix (metadata.store.prefix). */
  prefix: string;
  self: BrokerEndpoint;
  /** A proposed cluster id for a new cluster (from this broker's meta.properties, if any). */
  proposedClusterId: string;
  /** Broker lease TTL (broker.session.timeout.ms). */
  sessionTimeoutMs: number;
  /** How long one etcd request may take before it fails (metadata.store.request.timeout.ms). */
  requestTimeoutMs: number;
  logger: Logger;
}

/** How many times a compare-and-swap is retried against concurrent writers. */
const MAX_CAS_ATTEMPTS = 20;

type Txn = ReturnType<Etcd3['if']>;

/** The key id of an ACL binding: a hash of its fields, so the same binding is one key. */
function aclId(b: AclBinding): string {
  return createHash('sha256').update(JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permission])).digest('base64url').slice(0, 32);
}

export class EtcdMetadataStore implements MetadataStore {
  private readonly listeners: MetadataListeners;
  private readonly registration: BrokerRegistration;
  readonly election: ControllerElection;
  private watch: EtcdWatch | undefined;
  private closed = false;

  private constructor(
    private readonly client: Etcd3,
    private readonly keys: EtcdKeys,
    private readonly view: EtcdView,
    private readonly o: EtcdStoreOptions,
  ) {
    this.listeners = new MetadataListeners((err) => o.logger.error({ err }, 'applying a metadata change failed'));
    this.registration = new BrokerRegistration(client, keys, o.self, o.sessionTimeoutMs, o.logger);
    this.election = new ControllerElection(client.namespace(keys.electionNamespace) as Namespace, client, o.self.nodeId, o.sessionTimeoutMs, o.logger);
    // a new controller acts on a view that has seen everything up to its election
    this.election.beforeLeading = (revision) => this.caughtUp(revision);
  }

  /** Connects, agrees on the cluster id, reads the view and starts following etcd. */
  static async open(o: EtcdStoreOptions): Promise<EtcdMetadataStore> {
    const options: IOptions = {
      hosts: o.endpoints,
      dialTimeout: o.requestTimeoutMs,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + o.requestTimeoutMs }),
    };
    const client = new Etcd3(options);
    const keys = new EtcdKeys(o.prefix);
    const view = new EtcdView(keys, (key, err) => o.logger.warn({ key, err }, 'ignoring a metadata value that does not parse'));
    const store = new EtcdMetadataStore(client, keys, view, o);
    try {
      await store.agreeClusterId();
      await store.loadAndWatch();
    } catch (e) {
      client.close();
      throw new MetadataUnavailableError(`cannot use etcd at ${o.endpoints.join(',')}: ${(e as Error).message}`);
    }
    return store;
  }

  private async agreeClusterId(): Promise<void> {
    await this.client.if(this.keys.clusterId, 'Create', '==', 0).then(this.client.put(this.keys.clusterId).value(this.o.proposedClusterId)).commit();
    const id = await this.client.get(this.keys.clusterId).string();
    if (!id) throw new Error('etcd has no cluster id');
    this.view.clusterId = id;
  }

  private async loadAndWatch(): Promise<void> {
    this.watch = new EtcdWatch(this.client, this.keys.all, this.o.logger, {
      snapshot: (kvs, revision) => this.applySnapshot(kvs, revision),
      put: (kv) => this.announce(this.view.put(kv)),
      delete: (key) => this.announce(this.view.delete(key)),
      progress: (revision) => {
        this.view.revision = Math.max(this.view.revision, revision);
        this.listeners.recheck();
      },
    });
    await this.watch.start();
  }

  /** Replaces the view with a full read (at startup, or after the watch fell behind compaction). */
  private applySnapshot(kvs: WatchedKv[], revision: number): void {
    const seen = new Set(kvs.map((kv) => kv.key));
    for (const key of this.view.keysHeld()) if (!seen.has(key)) this.announce(this.view.delete(key));
    for (const kv of kvs) {
      const k = this.keys.parse(kv.key);
      const current = k.kind === 'topic' ? this.view.topics.get(k.name) : undefined;
      if (current && current.modRevision === kv.modRevision) continue;
      this.announce(this.view.put(kv));
    }
    this.view.revision = Math.max(this.view.revision, revision);
    this.listeners.recheck();
  }

  private announce(change: MetadataChange | undefined): void {
    if (change) this.listeners.announce(change);
  }

  // ---- reads ----

  get clusterId(): string {
    return this.view.clusterId!;
  }

  get epoch(): number {
    return this.listeners.epoch;
  }

  brokers(): BrokerEndpoint[] {
    return this.view.brokerList();
  }

  placeableBrokers(): BrokerEndpoint[] {
    return this.view.placeableBrokers();
  }

  /**
   * The controller: this broker while it holds the election (its campaign won, even before its
   * view has caught up with that), otherwise the oldest candidate in the view.
   */
  controllerId(): number {
    return this.election.fence ? this.o.self.nodeId : this.view.controllerId();
  }

  topics(): TopicMetadata[] {
    return [...this.view.topics.values()].map((t) => t.value);
  }

  topic(name: string): TopicMetadata | undefined {
    return this.view.topics.get(name)?.value;
  }

  topicById(topicId: string): TopicMetadata | undefined {
    for (const t of this.view.topics.values()) if (t.value.topicId === topicId) return t.value;
    return undefined;
  }

  dynamicBrokerConfigs(): DynamicBrokerConfigs {
    return structuredClone(this.view.brokerConfigs);
  }

  acls(): AclBinding[] {
    return [...this.view.acls.values()];
  }

  async addAcls(bindings: readonly AclBinding[]): Promise<void> {
    await this.aclWrite(bindings.map((b) => this.client.put(this.keys.acl(aclId(b))).value(JSON.stringify(b))), 'adding ACLs');
  }

  async removeAcls(bindings: readonly AclBinding[]): Promise<void> {
    await this.aclWrite(bindings.map((b) => this.client.delete().key(this.keys.acl(aclId(b)))), 'removing ACLs');
  }

  /** The operations in one transaction (guarded by the cluster id, which always exists), then waits until this view has it. */
  private async aclWrite(ops: Parameters<Txn['then']>, what: string): Promise<void> {
    if (ops.length === 0) return;
    let revision: number;
    try {
      const r = await this.client.if(this.keys.clusterId, 'Create', '>', 0).then(...ops).commit();
      revision = Number(r.header.revision);
    } catch (e) {
      throw new MetadataUnavailableError(`${what}: etcd did not answer (${(e as Error).message})`);
    }
    await this.caughtUp(revision);
  }

  entityConfigs(entityType: EntityType): Record<string, Record<string, string>> {
    return structuredClone(Object.fromEntries(this.view.entities[entityType]));
  }

  // ---- writes ----

  /** Runs a transaction; resolves to the revision it committed at, or null when a compare failed. */
  private async commit(txn: Txn, what: string): Promise<number | null> {
    let r;
    try {
      r = await txn.commit();
    } catch (e) {
      throw new MetadataUnavailableError(`${what}: etcd did not answer (${(e as Error).message})`);
    }
    return r.succeeded ? Number(r.header.revision) : null;
  }

  private async caughtUp(revision: number): Promise<void> {
    try {
      await this.listeners.waitFor(() => this.view.revision >= revision, this.o.requestTimeoutMs * 2);
    } catch {
      throw new MetadataUnavailableError(`the change was made (revision ${revision}) but this broker's view did not catch up in time`);
    }
  }

  /** A transaction whose first compare is `first`, fenced by the controller's election key. */
  private fenced(first: Txn): Txn {
    const fence = this.election.fence;
    if (!fence) throw new NotControllerError(`node ${this.o.self.nodeId} is not the controller`);
    return first.and(fence.key, 'Create', '==', fence.revision);
  }

  async createTopic(topic: TopicMetadata): Promise<void> {
    const key = this.keys.topic(topic.name);
    const rev = await this.commit(this.fenced(this.client.if(key, 'Create', '==', 0)).then(this.client.put(key).value(JSON.stringify(topic))), `creating ${topic.name}`);
    if (rev === null) {
      await this.election.checkFence();
      throw new StaleMetadataError(`topic ${topic.name} already exists`);
    }
    await this.caughtUp(rev);
  }

  async deleteTopic(name: string): Promise<void> {
    const key = this.keys.topic(name);
    const rev = await this.commit(this.fenced(this.client.if(key, 'Create', '>', 0)).then(this.client.delete().key(key)), `deleting ${name}`);
    if (rev === null) {
      await this.election.checkFence();
      throw new StaleMetadataError(`topic ${name} does not exist`);
    }
    await this.caughtUp(rev);
  }

  addPartitions(name: string, partitions: PartitionMetadata[]): Promise<void> {
    return this.changeTopic(name, true, (t) => {
      if (t.partitions.length !== partitions[0]?.partition) throw new StaleMetadataError(`${name} has ${t.partitions.length} partitions now`);
      return { ...t, partitions: [...t.partitions, ...partitions] };
    });
  }

  setTopicConfigs(name: string, configs: Record<string, string>): Promise<void> {
    return this.changeTopic(name, true, (t) => ({ ...t, configs: { ...configs } }));
  }

  updatePartitions(name: string, updates: PartitionUpdate[]): Promise<void> {
    return this.changeTopic(name, this.election.fence !== undefined, (t) => {
      const partitions = [...t.partitions];
      for (const u of updates) {
        const i = partitions.findIndex((p) => p.partition === u.next.partition);
        if (i < 0) throw new StaleMetadataError(`no partition ${name}-${u.next.partition}`);
        if (partitions[i]!.partitionEpoch !== u.expectedEpoch) {
          throw new StaleMetadataError(`${name}-${u.next.partition} is at partition epoch ${partitions[i]!.partitionEpoch}, not ${u.expectedEpoch}`);
        }
        partitions[i] = u.next;
      }
      return { ...t, partitions };
    });
  }

  /**
   * Read-modify-write of one topic key: `change` is applied to the newest value and written only if
   * the key has not moved meanwhile; on a race the newest value is read again and `change` reapplied.
   */
  private async changeTopic(name: string, asController: boolean, change: (t: TopicMetadata) => TopicMetadata): Promise<void> {
    const key = this.keys.topic(name);
    let current = this.view.topics.get(name);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      if (!current) throw new StaleMetadataError(`no topic ${name}`);
      const next = change(current.value);
      const compare = this.client.if(key, 'Mod', '==', current.modRevision);
      const txn = (asController ? this.fenced(compare) : compare).then(this.client.put(key).value(JSON.stringify(next)));
      const rev = await this.commit(txn, `changing ${name}`);
      if (rev !== null) return this.caughtUp(rev);
      if (asController) await this.election.checkFence();
      current = await this.readTopic(name);
    }
    throw new MetadataUnavailableError(`changing ${name}: too many concurrent changes`);
  }

  private async readTopic(name: string): Promise<{ value: TopicMetadata; modRevision: string } | undefined> {
    let r;
    try {
      r = await this.client.get(this.keys.topic(name)).exec();
    } catch (e) {
      throw new MetadataUnavailableError(`reading ${name}: ${(e as Error).message}`);
    }
    const kv = r.kvs[0];
    return kv ? { value: JSON.parse(kv.value.toString('utf8')) as TopicMetadata, modRevision: kv.mod_revision } : undefined;
  }

  setDynamicBrokerConfigs(nodeId: number | null, configs: Record<string, string>): Promise<void> {
    return this.putSettings(this.keys.brokerConfigs(nodeId), configs, 'changing dynamic broker configs');
  }

  setEntityConfigs(entityType: EntityType, name: string, configs: Record<string, string>): Promise<void> {
    return this.putSettings(this.keys.entityConfigs(entityType, name), configs, `changing the settings of ${entityType} ${name}`);
  }

  /** Writes a settings key (deleted when empty), then waits until this view has the change. */
  private async putSettings(key: string, configs: Record<string, string>, what: string): Promise<void> {
    let revision: number;
    try {
      const r = Object.keys(configs).length === 0
        ? await this.client.delete().key(key).exec()
        : await this.client.put(key).value(JSON.stringify(configs)).exec();
      revision = Number(r.header.revision);
    } catch (e) {
      throw new MetadataUnavailableError(`${what}: etcd did not answer (${(e as Error).message})`);
    }
    await this.caughtUp(revision);
  }

  async allocateProducerIds(size: number): Promise<bigint> {
    const key = this.keys.producerIds;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      let kv;
      try {
        kv = (await this.client.get(key).exec()).kvs[0];
      } catch (e) {
        throw new MetadataUnavailableError(`reading the producer-id counter: ${(e as Error).message}`);
      }
      const start = BigInt(kv ? kv.value.toString('utf8') : '0');
      const compare = kv ? this.client.if(key, 'Mod', '==', kv.mod_revision) : this.client.if(key, 'Create', '==', 0);
      const rev = await this.commit(compare.then(this.client.put(key).value((start + BigInt(size)).toString())), 'reserving producer ids');
      if (rev !== null) return start;
    }
    throw new MetadataUnavailableError('reserving producer ids: too many concurrent reservations');
  }

  // ---- notifications and lifecycle ----

  onChange(listener: (change: MetadataChange) => void): void {
    this.listeners.add(listener);
  }

  waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
    return this.listeners.waitFor(condition, timeoutMs);
  }

  register(): Promise<void> {
    return this.registration.register();
  }

  /**
   * Controlled shutdown, first step: leaves the controller election and withdraws this broker's
   * registration, so the (other) controller moves its leaderships away while it still serves.
   */
  async withdraw(): Promise<void> {
    await this.election.close();
    await this.registration.withdraw();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.close();
    await this.election.close();
    await this.registration.withdraw();
    await this.watch?.stop();
    this.client.close();
  }
}
