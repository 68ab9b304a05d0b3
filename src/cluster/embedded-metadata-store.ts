/**
 * EmbeddedMetadataStore: the single-node MetadataStore, kept in memory and persisted in the
 * first data directory:
 *
 *   meta.properties            version=1, cluster.id, node.id (as Kafka writes it)
 *   gregor-metadata.json       { "version": 1, "topics": [TopicMetadata, ...], "nextProducerId": "n",
 *                                "brokerConfigs": { "defaults": {...}, "byBroker": { "<id>": {...} } },
 *                                "entityConfigs": { "users": { "<name>": {...} }, "clients": {...}, "ips": {...}, "groups": {...} },
 *                                "acls": [AclBinding, ...] }
 *
 * Every change is applied to the view at once and announced to the listeners, then the JSON is
 * rewritten atomically (temp file, fsync, rename, directory fsync); the change resolves once that
 * write is done, so a topic a client was told exists survives a crash. Writes happen in order.
 * This broker is the only broker and always the controller.
 *
 * Contract: one owner (the broker); reads are synchronous snapshots of the current state.
 */
import { writeFileAtomic, type FileSystem } from '../storage/fs/file-system.js';
import { checkNodeId, newClusterId, readMetaProperties, writeMetaProperties } from './meta-properties.js';
import {
  StaleMetadataError, type BrokerEndpoint, type DynamicBrokerConfigs, type EntityType, type MetadataChange, type MetadataStore,
  type PartitionMetadata, type PartitionUpdate, type TopicMetadata,
} from '../broker/metadata/metadata-store.js';
import { MetadataListeners } from './metadata-listeners.js';
import { sameBinding, type AclBinding } from '../protocol/acl/acl-binding.js';

const METADATA_FILE = 'gregor-metadata.json';

interface Persisted {
  version: 1;
  topics: TopicMetadata[];
  /** First producer id not yet handed out (a decimal string: it is an int64). */
  nextProducerId?: string;
  brokerConfigs?: DynamicBrokerConfigs;
  entityConfigs?: Partial<Record<EntityType, Record<string, Record<string, string>>>>;
  acls?: AclBinding[];
}

/** Topics written before partition epochs existed get epoch 0. */
function withEpochs(t: TopicMetadata): TopicMetadata {
  return { ...t, partitions: t.partitions.map((p) => ({ ...p, partitionEpoch: p.partitionEpoch ?? 0 })) };
}

export class EmbeddedMetadataStore implements MetadataStore {
  private topicsByName = new Map<string, TopicMetadata>();
  private nextProducerId = 0n;
  private brokerConfigs: DynamicBrokerConfigs = { defaults: {}, byBroker: {} };
  private entities: Record<EntityType, Record<string, Record<string, string>>> = { users: {}, clients: {}, ips: {}, groups: {} };
  private aclList: AclBinding[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly listeners = new MetadataListeners();

  private constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    readonly clusterId: string,
    private readonly self: BrokerEndpoint,
  ) {}

  /** Opens (creating on first start) the store in `dir`; refuses a directory of another node. */
  static async open(fs: FileSystem, dir: string, self: BrokerEndpoint): Promise<EmbeddedMetadataStore> {
    fs.mkdirp(dir);
    const meta = readMetaProperties(fs, dir);
    checkNodeId(meta, dir, self.nodeId);
    const clusterId = meta?.clusterId ?? newClusterId();
    if (!meta) await writeMetaProperties(fs, dir, clusterId, self.nodeId);
    const store = new EmbeddedMetadataStore(fs, dir, clusterId, self);
    const dataPath = `${dir}/${METADATA_FILE}`;
    if (fs.exists(dataPath)) {
      const persisted = JSON.parse(fs.readFile(dataPath).toString('utf8')) as Persisted;
      for (const t of persisted.topics) store.topicsByName.set(t.name, withEpochs(t));
      store.nextProducerId = BigInt(persisted.nextProducerId ?? '0');
      if (persisted.brokerConfigs) store.brokerConfigs = persisted.brokerConfigs;
      if (persisted.entityConfigs) store.entities = { ...store.entities, ...persisted.entityConfigs };
      if (persisted.acls) store.aclList = persisted.acls;
    }
    return store;
  }

  get epoch(): number {
    return this.listeners.epoch;
  }

  placeableBrokers(): BrokerEndpoint[] {
    return this.brokers();
  }

  brokers(): BrokerEndpoint[] {
    return [this.self];
  }

  controllerId(): number {
    return this.self.nodeId;
  }

  topics(): TopicMetadata[] {
    return [...this.topicsByName.values()];
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topicsByName.get(name);
  }

  topicById(topicId: string): TopicMetadata | undefined {
    for (const t of this.topicsByName.values()) if (t.topicId === topicId) return t;
    return undefined;
  }

  createTopic(topic: TopicMetadata): Promise<void> {
    if (this.topicsByName.has(topic.name)) return Promise.reject(new Error(`topic ${topic.name} already exists`));
    return this.changeTopic(topic.name, () => structuredClone(topic));
  }

  deleteTopic(name: string): Promise<void> {
    return this.changeTopic(name, () => undefined);
  }

  addPartitions(name: string, partitions: PartitionMetadata[]): Promise<void> {
    const t = this.topicsByName.get(name);
    if (!t) return Promise.reject(new Error(`no topic ${name}`));
    return this.changeTopic(name, () => ({ ...t, partitions: [...t.partitions, ...structuredClone(partitions)] }));
  }

  updatePartitions(name: string, updates: PartitionUpdate[]): Promise<void> {
    const t = this.topicsByName.get(name);
    if (!t) return Promise.reject(new StaleMetadataError(`no topic ${name}`));
    const partitions = [...t.partitions];
    for (const u of updates) {
      const i = partitions.findIndex((x) => x.partition === u.next.partition);
      if (i < 0) return Promise.reject(new StaleMetadataError(`no partition ${name}-${u.next.partition}`));
      if (partitions[i]!.partitionEpoch !== u.expectedEpoch) {
        return Promise.reject(new StaleMetadataError(`${name}-${u.next.partition} is at partition epoch ${partitions[i]!.partitionEpoch}, not ${u.expectedEpoch}`));
      }
      partitions[i] = structuredClone(u.next);
    }
    return this.changeTopic(name, () => ({ ...t, partitions }));
  }

  setTopicConfigs(name: string, configs: Record<string, string>): Promise<void> {
    const t = this.topicsByName.get(name);
    if (!t) return Promise.reject(new Error(`no topic ${name}`));
    return this.changeTopic(name, () => ({ ...t, configs: { ...configs } }));
  }

  dynamicBrokerConfigs(): DynamicBrokerConfigs {
    return structuredClone(this.brokerConfigs);
  }

  setDynamicBrokerConfigs(nodeId: number | null, configs: Record<string, string>): Promise<void> {
    const next = structuredClone(this.brokerConfigs);
    if (nodeId === null) next.defaults = { ...configs };
    else if (Object.keys(configs).length === 0) delete next.byBroker[String(nodeId)];
    else next.byBroker[String(nodeId)] = { ...configs };
    this.brokerConfigs = next;
    return this.applied({ kind: 'brokerConfigs' });
  }

  entityConfigs(entityType: EntityType): Record<string, Record<string, string>> {
    return structuredClone(this.entities[entityType]);
  }

  setEntityConfigs(entityType: EntityType, name: string, configs: Record<string, string>): Promise<void> {
    const next = { ...this.entities[entityType] };
    if (Object.keys(configs).length === 0) delete next[name];
    else next[name] = { ...configs };
    this.entities = { ...this.entities, [entityType]: next };
    return this.applied({ kind: 'entityConfigs', entityType, name });
  }

  acls(): AclBinding[] {
    return this.aclList;
  }

  addAcls(bindings: readonly AclBinding[]): Promise<void> {
    const added = bindings.filter((b, i) => !this.aclList.some((x) => sameBinding(x, b)) && bindings.findIndex((y) => sameBinding(y, b)) === i);
    this.aclList = [...this.aclList, ...added.map((b) => ({ ...b }))];
    return this.applied({ kind: 'acls' });
  }

  removeAcls(bindings: readonly AclBinding[]): Promise<void> {
    this.aclList = this.aclList.filter((x) => !bindings.some((b) => sameBinding(x, b)));
    return this.applied({ kind: 'acls' });
  }

  async allocateProducerIds(size: number): Promise<bigint> {
    const start = this.nextProducerId;
    this.nextProducerId += BigInt(size);
    await this.persist();
    return start;
  }

  onChange(listener: (change: MetadataChange) => void): void {
    this.listeners.add(listener);
  }

  waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
    return this.listeners.waitFor(condition, timeoutMs);
  }

  register(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.listeners.close();
    await this.queue;
  }

  /** Replaces (or removes) one topic in the view, announces it, then persists. */
  private changeTopic(name: string, next: () => TopicMetadata | undefined): Promise<void> {
    const before = this.topicsByName.get(name);
    const after = next();
    if (after) this.topicsByName.set(name, after);
    else this.topicsByName.delete(name);
    return this.applied({ kind: 'topic', name, before, after });
  }

  private applied(change: MetadataChange): Promise<void> {
    this.listeners.announce(change);
    return this.persist();
  }

  /** Writes the whole state; writes happen in the order of the changes. */
  private persist(): Promise<void> {
    const snapshot: Persisted = {
      version: 1, topics: this.topics(), nextProducerId: this.nextProducerId.toString(), brokerConfigs: this.brokerConfigs,
      entityConfigs: this.entities, acls: this.aclList,
    };
    const text = JSON.stringify(snapshot, null, 1);
    const write = this.queue.then(() => writeFileAtomic(this.fs, `${this.dir}/${METADATA_FILE}`, Buffer.from(text)));
    this.queue = write.catch(() => undefined);
    return write;
  }
}
