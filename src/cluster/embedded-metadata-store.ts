/**
 * EmbeddedMetadataStore: the single-node MetadataStore, kept in memory and persisted in the
 * first data directory:
 *
 *   meta.properties            version=1, cluster.id, node.id (as Kafka writes it)
 *   gregor-metadata.json       { "version": 1, "topics": [TopicMetadata, ...], "nextProducerId": "n",
 *                                "brokerConfigs": { "defaults": {...}, "byBroker": { "<id>": {...} } } }
 *
 * Every change rewrites the JSON atomically (temp file, fsync, rename, directory fsync) before
 * it resolves, so a topic a client was told exists survives a crash. Changes are serialised.
 *
 * Contract: one owner (the broker); reads are synchronous snapshots of the current state.
 */
import { randomBytes } from 'node:crypto';
import { writeFileAtomic, type FileSystem } from '../storage/fs/file-system.js';
import { parseProperties } from '../common/config/properties.js';
import type {
  BrokerEndpoint, DynamicBrokerConfigs, MetadataStore, PartitionMetadata, TopicMetadata,
} from '../broker/metadata/metadata-store.js';

const META_PROPERTIES = 'meta.properties';
const METADATA_FILE = 'gregor-metadata.json';

interface Persisted {
  version: 1;
  topics: TopicMetadata[];
  /** First producer id not yet handed out (a decimal string: it is an int64). */
  nextProducerId?: string;
  brokerConfigs?: DynamicBrokerConfigs;
}

export class EmbeddedMetadataStore implements MetadataStore {
  private topicsByName = new Map<string, TopicMetadata>();
  private nextProducerId = 0n;
  private brokerConfigs: DynamicBrokerConfigs = { defaults: {}, byBroker: {} };
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    readonly clusterId: string,
    private readonly self: BrokerEndpoint,
  ) {}

  /** Opens (creating on first start) the store in `dir`; refuses a directory of another node. */
  static async open(fs: FileSystem, dir: string, self: BrokerEndpoint): Promise<EmbeddedMetadataStore> {
    fs.mkdirp(dir);
    const metaPath = `${dir}/${META_PROPERTIES}`;
    let clusterId: string;
    if (fs.exists(metaPath)) {
      const props = parseProperties(fs.readFile(metaPath).toString('utf8'));
      clusterId = props.get('cluster.id') ?? randomBytes(16).toString('base64url');
      const nodeId = props.get('node.id');
      if (nodeId !== undefined && Number(nodeId) !== self.nodeId) {
        throw new Error(`${metaPath} belongs to node ${nodeId}, but this broker is node ${self.nodeId}`);
      }
    } else {
      clusterId = randomBytes(16).toString('base64url');
      const text = `#Written by Gregor\nversion=1\ncluster.id=${clusterId}\nnode.id=${self.nodeId}\n`;
      await writeFileAtomic(fs, metaPath, Buffer.from(text));
    }
    const store = new EmbeddedMetadataStore(fs, dir, clusterId, self);
    const dataPath = `${dir}/${METADATA_FILE}`;
    if (fs.exists(dataPath)) {
      const persisted = JSON.parse(fs.readFile(dataPath).toString('utf8')) as Persisted;
      for (const t of persisted.topics) store.topicsByName.set(t.name, t);
      store.nextProducerId = BigInt(persisted.nextProducerId ?? '0');
      if (persisted.brokerConfigs) store.brokerConfigs = persisted.brokerConfigs;
    }
    return store;
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
    return this.change(() => {
      if (this.topicsByName.has(topic.name)) throw new Error(`topic ${topic.name} already exists`);
      this.topicsByName.set(topic.name, structuredClone(topic));
    });
  }

  deleteTopic(name: string): Promise<void> {
    return this.change(() => {
      this.topicsByName.delete(name);
    });
  }

  addPartitions(name: string, partitions: PartitionMetadata[]): Promise<void> {
    return this.change(() => {
      const t = this.topicsByName.get(name);
      if (!t) throw new Error(`no topic ${name}`);
      t.partitions.push(...structuredClone(partitions));
    });
  }

  updatePartitions(name: string, partitions: PartitionMetadata[]): Promise<void> {
    return this.change(() => {
      const t = this.topicsByName.get(name);
      if (!t) throw new Error(`no topic ${name}`);
      for (const p of partitions) {
        const i = t.partitions.findIndex((x) => x.partition === p.partition);
        if (i < 0) throw new Error(`no partition ${name}-${p.partition}`);
        t.partitions[i] = structuredClone(p);
      }
    });
  }

  setTopicConfigs(name: string, configs: Record<string, string>): Promise<void> {
    return this.change(() => {
      const t = this.topicsByName.get(name);
      if (!t) throw new Error(`no topic ${name}`);
      t.configs = { ...configs };
    });
  }

  dynamicBrokerConfigs(): DynamicBrokerConfigs {
    return structuredClone(this.brokerConfigs);
  }

  setDynamicBrokerConfigs(nodeId: number | null, configs: Record<string, string>): Promise<void> {
    return this.change(() => {
      if (nodeId === null) this.brokerConfigs.defaults = { ...configs };
      else if (Object.keys(configs).length === 0) delete this.brokerConfigs.byBroker[String(nodeId)];
      else this.brokerConfigs.byBroker[String(nodeId)] = { ...configs };
    });
  }

  async allocateProducerIds(size: number): Promise<bigint> {
    let start = 0n;
    await this.change(() => {
      start = this.nextProducerId;
      this.nextProducerId += BigInt(size);
    });
    return start;
  }

  /** Applies a change in memory at once, then persists; changes are written in order. */
  private change(apply: () => void): Promise<void> {
    apply();
    const snapshot: Persisted = { version: 1, topics: this.topics(), nextProducerId: this.nextProducerId.toString(), brokerConfigs: this.brokerConfigs };
    const text = JSON.stringify(snapshot, null, 1);
    const write = this.queue.then(() => writeFileAtomic(this.fs, `${this.dir}/${METADATA_FILE}`, Buffer.from(text)));
    this.queue = write.catch(() => undefined);
    return write;
  }
}
