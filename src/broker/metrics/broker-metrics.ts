/**
 * The broker's metrics, in the Prometheus text format through prom-client, named as Kafka's JMX
 * exporter names Kafka's own (docs/metrics.md lists them all). One registry per broker (several
 * brokers can share a process in tests). Two kinds:
 *
 *   counted as things happen    requests and their latency per API, bytes and messages in and
 *                               bytes out per topic, fsync durations, ISR shrinks and expands
 *   read at scrape time         partitions, under-replicated and offline partitions, log size and
 *                               segments per partition, connections per listener, groups by state,
 *                               consumer lag per group and partition, active controller, Node's
 *                               own (event-loop lag, heap, GC)
 *
 * The counting side costs a label lookup and an add per request or topic, not per record.
 * Contract: one owner (the broker); event-loop only.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { API_DEFINITIONS } from '../../protocol/generated/api-registry.js';

/** What the scrape-time metrics read; supplied by the broker once its services exist. */
export interface MetricSources {
  partitions(): {
    topic: string; partition: number; leader: boolean; underReplicated: boolean; offline: boolean; sizeBytes: number; segments: number;
    highWatermark: number; logStartOffset: number; waitingCommits: number; waitingFetches: number;
  }[];
  connections(): { listener: string }[];
  groups(): { groupId: string; state: string; offsets: { topic: string; partition: number; offset: number }[] }[];
  isController(): boolean;
}

const BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class BrokerMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;
  private readonly requests = new Counter({ name: 'kafka_network_requestmetrics_requests_total', help: 'Requests handled, by API and version.', labelNames: ['request', 'version'], registers: [this.registry] });
  private readonly requestSeconds = new Histogram({ name: 'kafka_network_requestmetrics_totaltime_seconds', help: 'Time from a request\'s arrival to its response, by API.', labelNames: ['request'], buckets: BUCKETS_SECONDS, registers: [this.registry] });
  private readonly bytesIn = new Counter({ name: 'kafka_server_brokertopicmetrics_bytesin_total', help: 'Record bytes produced, by topic.', labelNames: ['topic'], registers: [this.registry] });
  private readonly messagesIn = new Counter({ name: 'kafka_server_brokertopicmetrics_messagesin_total', help: 'Records produced, by topic.', labelNames: ['topic'], registers: [this.registry] });
  private readonly bytesOut = new Counter({ name: 'kafka_server_brokertopicmetrics_bytesout_total', help: 'Record bytes fetched by consumers, by topic.', labelNames: ['topic'], registers: [this.registry] });
  private readonly fsyncSeconds = new Histogram({ name: 'kafka_log_logflushstats_logflush_seconds', help: 'Duration of log fsyncs.', buckets: BUCKETS_SECONDS, registers: [this.registry] });
  readonly isrShrinks = new Counter({ name: 'kafka_server_replicamanager_isrshrinks_total', help: 'ISR shrinks proposed by this broker as leader.', registers: [this.registry] });
  readonly isrExpands = new Counter({ name: 'kafka_server_replicamanager_isrexpands_total', help: 'ISR expansions proposed by this broker as leader.', registers: [this.registry] });
  private readonly apiNames = new Map<number, string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const self = this;
    const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): void => {
      new Gauge({ name, help, labelNames, registers: [this.registry], collect() { if (self.sources) collect(this as unknown as Gauge); } });
    };
    gauge('kafka_server_replicamanager_partitioncount', 'Partitions with a replica on this broker.', [], (g) => g.set(this.sources!.partitions().length));
    gauge('kafka_server_replicamanager_leadercount', 'Partitions this broker leads.', [], (g) => g.set(this.sources!.partitions().filter((p) => p.leader).length));
    gauge('kafka_server_replicamanager_underreplicatedpartitions', 'Led partitions whose ISR is smaller than their replicas.', [], (g) => g.set(this.sources!.partitions().filter((p) => p.leader && p.underReplicated).length));
    gauge('kafka_controller_kafkacontroller_offlinepartitionscount', 'Partitions on this broker whose log is offline.', [], (g) => g.set(this.sources!.partitions().filter((p) => p.offline).length));
    gauge('kafka_server_delayedoperationpurgatory_purgatorysize', 'Requests waiting: produce for acks=all, fetch for new data (a fetch counts once per partition it waits on).', ['delayedOperation'], (g) => {
      const ps = this.sources!.partitions();
      g.set({ delayedOperation: 'Produce' }, ps.reduce((n, p) => n + p.waitingCommits, 0));
      g.set({ delayedOperation: 'Fetch' }, ps.reduce((n, p) => n + p.waitingFetches, 0));
    });
    gauge('kafka_controller_kafkacontroller_activecontrollercount', '1 on the controller, 0 elsewhere.', [], (g) => g.set(this.sources!.isController() ? 1 : 0));
    gauge('kafka_log_log_size', 'Bytes of a partition\'s log on disk.', ['topic', 'partition'], (g) => {
      g.reset();
      for (const p of this.sources!.partitions()) g.set({ topic: p.topic, partition: String(p.partition) }, p.sizeBytes);
    });
    gauge('kafka_log_log_numlogsegments', 'Segments of a partition\'s log.', ['topic', 'partition'], (g) => {
      g.reset();
      for (const p of this.sources!.partitions()) g.set({ topic: p.topic, partition: String(p.partition) }, p.segments);
    });
    gauge('kafka_log_log_logendoffset', 'High watermark of a partition (what consumers can read up to).', ['topic', 'partition'], (g) => {
      g.reset();
      for (const p of this.sources!.partitions()) g.set({ topic: p.topic, partition: String(p.partition) }, p.highWatermark);
    });
    gauge('kafka_server_socketservermetrics_connection_count', 'Open client connections, by listener.', ['listener'], (g) => {
      g.reset();
      const counts = new Map<string, number>();
      for (const c of this.sources!.connections()) counts.set(c.listener, (counts.get(c.listener) ?? 0) + 1);
      for (const [listener, n] of counts) g.set({ listener }, n);
    });
    gauge('kafka_coordinator_group_groupmetadatamanager_numgroups', 'Groups this broker coordinates, by state.', ['state'], (g) => {
      g.reset();
      const counts = new Map<string, number>();
      for (const x of this.sources!.groups()) counts.set(x.state, (counts.get(x.state) ?? 0) + 1);
      for (const [state, n] of counts) g.set({ state }, n);
    });
    gauge('kafka_consumergroup_lag', 'Records between a group\'s committed offset and the partition\'s high watermark (partitions led here).', ['group', 'topic', 'partition'], (g) => {
      g.reset();
      const hw = new Map(this.sources!.partitions().filter((p) => p.leader).map((p) => [`${p.topic}\u0000${p.partition}`, p.highWatermark]));
      for (const group of this.sources!.groups()) {
        for (const o of group.offsets) {
          const end = hw.get(`${o.topic}\u0000${o.partition}`);
          if (end !== undefined) g.set({ group: group.groupId, topic: o.topic, partition: String(o.partition) }, Math.max(0, end - o.offset));
        }
      }
    });
  }

  /** Where the scrape-time metrics come from (set once the broker's services exist). */
  attach(sources: MetricSources): void {
    this.sources = sources;
  }

  private apiName(apiKey: number): string {
    let name = this.apiNames.get(apiKey);
    if (name === undefined) {
      name = API_DEFINITIONS.get(apiKey)?.name ?? String(apiKey);
      this.apiNames.set(apiKey, name);
    }
    return name;
  }

  request(apiKey: number, version: number, seconds: number): void {
    const request = this.apiName(apiKey);
    this.requests.inc({ request, version: String(version) });
    this.requestSeconds.observe({ request }, seconds);
  }

  /** Totals since start, for the console's traffic chart. */
  readonly totals = { bytesIn: 0, bytesOut: 0, messagesIn: 0 };

  produced(topic: string, bytes: number, records: number): void {
    this.totals.bytesIn += bytes;
    this.totals.messagesIn += records;
    this.bytesIn.inc({ topic }, bytes);
    this.messagesIn.inc({ topic }, records);
  }

  fetched(topic: string, bytes: number): void {
    if (bytes > 0) {
      this.bytesOut.inc({ topic }, bytes);
      this.totals.bytesOut += bytes;
    }
  }

  fsync(seconds: number): void {
    this.fsyncSeconds.observe(seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Records in a buffer of v2 record batches (the count field of each batch header). */
export function recordCountOf(records: Buffer | null): number {
  if (!records) return 0;
  let n = 0;
  for (let pos = 0; pos + 61 <= records.length;) {
    const batchLength = records.readInt32BE(pos + 8);
    if (batchLength <= 0) break;
    if (records[pos + 16] === 2) n += records.readInt32BE(pos + 57);
    pos += 12 + batchLength;
  }
  return n;
}
