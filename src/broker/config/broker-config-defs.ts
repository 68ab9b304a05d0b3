/**
 * Every broker setting Gregor understands, declared once as data with Kafka's names and
 * defaults. Topic-level defaults (log.retention.*, log.segment.bytes, message.max.bytes, ...)
 * are derived from the topic settings' server synonyms so they cannot drift apart.
 *
 * Settings Kafka needs for things Gregor does without (ZooKeeper, KRaft controller quorum,
 * thread pools, socket buffers) are accepted so that Kafka's own server.properties files load
 * unchanged, and documented as having no effect.
 */
import { atLeast, oneOf, type ConfigDef } from '../../common/config/config-def.js';
import { REPLICA_SELECTORS } from '../fetch/replica-selector.js';
import { LONG_MAX_TEXT, TOPIC_CONFIG_DEFS } from '../../storage/log-config.js';
import { SECURITY_CONFIG_DEFS } from './security-config-defs.js';

/** group.consumer.assignors: Gregor's names, or Kafka's class names of the same assignors. */
export const ASSIGNOR_CLASS_NAMES: Record<string, string> = {
  'org.apache.kafka.coordinator.group.assignor.UniformAssignor': 'uniform',
  'org.apache.kafka.coordinator.group.assignor.RangeAssignor': 'range',
  'org.apache.kafka.coordinator.group.api.assignor.UniformAssignor': 'uniform',
  'org.apache.kafka.coordinator.group.api.assignor.RangeAssignor': 'range',
};

function assignorList(v: unknown): string | undefined {
  const list = v as string[];
  if (list.length === 0) return 'must name at least one assignor';
  const bad = list.filter((a) => a !== 'uniform' && a !== 'range' && !(a in ASSIGNOR_CLASS_NAMES));
  return bad.length > 0 ? `unknown assignor(s) ${bad.join(', ')}: use uniform or range` : undefined;
}

const NO_EFFECT = ' Accepted for compatibility with Kafka configuration files; Gregor does not use it.';

const BROKER_DEFS: ConfigDef[] = [
  { name: 'listeners', dynamic: 'per-broker', type: 'list', default: 'PLAINTEXT://127.0.0.1:9092', doc: 'Addresses the broker listens on, as NAME://host:port.' },
  { name: 'advertised.listeners', dynamic: 'per-broker', type: 'list', default: null, doc: 'Addresses given to clients in metadata; defaults to listeners.' },
  { name: 'listener.security.protocol.map', dynamic: 'per-broker', type: 'list', default: 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    doc: 'Security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL) of each listener name, as NAME:PROTOCOL pairs.' },
  { name: 'inter.broker.listener.name', type: 'string', default: null, doc: 'Listener brokers use to reach each other.' },
  { name: 'http.listeners', type: 'list', default: 'http://127.0.0.1:9644', doc: 'Where the broker serves /metrics, /health and the web console over HTTP, as http://host:port (loopback unless configured otherwise); empty turns it off.' },
  { name: 'http.rest.enable', type: 'boolean', default: 'true', doc: 'Serve the REST API (Confluent REST Proxy v3 paths under /v3 and /kafka/v3) on the HTTP listener. Calls are Kafka requests under the caller\'s credentials.' },
  { name: 'http.schema.registry.enable', type: 'boolean', default: 'true', doc: 'Serve the schema registry (Confluent Schema Registry paths: /subjects, /schemas, /config, /compatibility, /mode) on the HTTP listener, kept in the compacted topic _schemas.' },
  { name: 'http.console.enable', type: 'boolean', default: 'true', doc: 'Serve the web console (/ui/) on the HTTP listener. It acts as a Kafka client with the signed-in user\'s credentials, so ACLs apply to it.' },
  { name: 'controller.listener.names', type: 'list', default: null, doc: 'Listener names of the controller.' + NO_EFFECT },
  { name: 'process.roles', type: 'list', default: 'broker,controller', doc: 'KRaft roles.' + NO_EFFECT },
  { name: 'controller.quorum.voters', type: 'list', default: null, doc: 'KRaft controller quorum.' + NO_EFFECT },
  { name: 'controller.quorum.bootstrap.servers', type: 'list', default: null, doc: 'KRaft controller quorum.' + NO_EFFECT },
  { name: 'zookeeper.connect', type: 'string', default: null, doc: 'ZooKeeper connection.' + NO_EFFECT },
  { name: 'zookeeper.connection.timeout.ms', type: 'int', default: null, doc: 'ZooKeeper connection timeout.' + NO_EFFECT },
  { name: 'node.id', type: 'int', default: '1', validate: atLeast(0), doc: 'This broker\'s id.' },
  { name: 'broker.id', type: 'int', default: '-1', doc: 'Older name of node.id; used when node.id is not set.' },
  { name: 'broker.rack', type: 'string', default: null, doc: 'Rack of this broker, reported in metadata.' },
  { name: 'log.dirs', type: 'list', default: null, doc: 'Directories holding partition data; defaults to log.dir.' },
  { name: 'log.dir', type: 'string', default: './data', doc: 'Directory holding partition data when log.dirs is not set.' },
  { name: 'num.partitions', type: 'int', default: '1', validate: atLeast(1), doc: 'Partitions of automatically created topics and of topics created without a count.' },
  { name: 'default.replication.factor', type: 'int', default: '1', validate: atLeast(1), doc: 'Replication factor of automatically created topics.' },
  { name: 'auto.create.topics.enable', type: 'boolean', default: 'true', doc: 'Create a topic when a client asks for metadata of one that does not exist.' },
  { name: 'delete.topic.enable', type: 'boolean', default: 'true', doc: 'Allow topics to be deleted.' },
  { name: 'socket.request.max.bytes', type: 'int', default: '104857600', validate: atLeast(1), doc: 'Largest request accepted; a larger one closes the connection.' },
  { name: 'socket.send.buffer.bytes', type: 'int', default: '102400', doc: 'Socket send buffer size.' + NO_EFFECT },
  { name: 'socket.receive.buffer.bytes', type: 'int', default: '102400', doc: 'Socket receive buffer size.' + NO_EFFECT },
  { name: 'num.network.threads', dynamic: 'cluster-wide', type: 'int', default: '3', doc: 'Network threads.' + NO_EFFECT },
  { name: 'num.io.threads', dynamic: 'cluster-wide', type: 'int', default: '8', doc: 'I/O threads.' + NO_EFFECT },
  { name: 'num.recovery.threads.per.data.dir', dynamic: 'cluster-wide', type: 'int', default: '1', doc: 'Recovery threads.' + NO_EFFECT },
  { name: 'queued.max.requests', type: 'int', default: '500', validate: atLeast(1), doc: 'Requests read from one connection before the broker stops reading until responses are sent.' },
  { name: 'connections.max.idle.ms', type: 'long', default: '600000', doc: 'Close connections idle for longer than this.' },
  { name: 'fetch.max.bytes', type: 'int', default: '57671680', validate: atLeast(1024), doc: 'Largest fetch response the broker returns.' },
  { name: 'log.retention.hours', type: 'int', default: '168', doc: 'Hours to keep a log segment (retention.ms in hours); log.retention.ms and log.retention.minutes take precedence.' },
  { name: 'log.retention.minutes', type: 'int', default: null, doc: 'Minutes to keep a log segment; log.retention.ms takes precedence.' },
  { name: 'log.retention.ms', type: 'long', default: null, doc: 'Milliseconds to keep a log segment; -1 keeps forever.' },
  { name: 'log.roll.hours', type: 'int', default: '168', validate: atLeast(1), doc: 'Roll a segment after this many hours; log.roll.ms takes precedence.' },
  { name: 'log.roll.ms', type: 'long', default: null, doc: 'Roll a segment after this many milliseconds.' },
  { name: 'log.roll.jitter.hours', type: 'int', default: '0', validate: atLeast(0), doc: 'Jitter on segment rolls, in hours.' },
  { name: 'log.roll.jitter.ms', type: 'long', default: null, doc: 'Jitter on segment rolls, in milliseconds.' },
  { name: 'log.retention.check.interval.ms', type: 'long', default: '300000', validate: atLeast(1), doc: 'How often retention runs.' },
  { name: 'log.flush.interval.ms', type: 'long', default: null, doc: 'Default flush.ms of topics.' },
  { name: 'log.flush.scheduler.interval.ms', type: 'long', default: LONG_MAX_TEXT, doc: 'How often logs are checked for flush.ms.' },
  { name: 'log.flush.offset.checkpoint.interval.ms', type: 'int', default: '60000', validate: atLeast(0), doc: 'How often recovery points are checkpointed.' },
  { name: 'log.flush.start.offset.checkpoint.interval.ms', type: 'int', default: '60000', validate: atLeast(0), doc: 'How often log start offsets are checkpointed.' },
  { name: 'log.cleaner.enable', type: 'boolean', default: 'true', doc: 'Run the log cleaner for compacted topics.' },
  { name: 'log.cleaner.threads', dynamic: 'cluster-wide', type: 'int', default: '1', doc: 'Cleaner threads.' + NO_EFFECT },
  { name: 'log.cleaner.dedupe.buffer.size', dynamic: 'cluster-wide', type: 'long', default: '134217728', validate: atLeast(1024), doc: 'Memory for the cleaner\'s key map.' },
  { name: 'log.cleaner.backoff.ms', dynamic: 'cluster-wide', type: 'long', default: '15000', validate: atLeast(0), doc: 'Pause between cleaner passes with nothing to clean.' },
  { name: 'offsets.topic.num.partitions', type: 'int', default: '50', validate: atLeast(1), doc: 'Partitions of __consumer_offsets.' },
  { name: 'offsets.topic.replication.factor', type: 'int', default: '3', validate: atLeast(1), doc: 'Replication factor of __consumer_offsets. A single broker (embedded metadata) caps it at 1; a cluster waits until this many brokers are live before creating the topic.' },
  { name: 'offsets.topic.segment.bytes', type: 'int', default: '104857600', validate: atLeast(1), doc: 'Segment size of __consumer_offsets.' },
  { name: 'offsets.retention.minutes', type: 'int', default: '10080', validate: atLeast(1), doc: 'Keep committed offsets of an empty group this long.' },
  { name: 'offsets.retention.check.interval.ms', type: 'long', default: '600000', validate: atLeast(1), doc: 'How often expired offsets are removed.' },
  { name: 'offset.metadata.max.bytes', type: 'int', default: '4096', validate: atLeast(0), doc: 'Longest metadata string an offset commit may carry.' },
  { name: 'offsets.load.buffer.size', type: 'int', default: '5242880', validate: atLeast(1), doc: 'Bytes read at a time when loading __consumer_offsets.' },
  { name: 'offsets.topic.compression.codec', type: 'int', default: '0', doc: 'Codec of the coordinator\'s own batches.' + NO_EFFECT },
  { name: 'offsets.commit.timeout.ms', type: 'int', default: '5000', validate: atLeast(1), doc: 'Longest an offset commit waits to be durable.' },
  { name: 'group.initial.rebalance.delay.ms', type: 'int', default: '3000', doc: 'Wait for more members before the first rebalance of an empty group.' },
  { name: 'group.min.session.timeout.ms', type: 'int', default: '6000', doc: 'Shortest session timeout a member may ask for.' },
  { name: 'group.max.session.timeout.ms', type: 'int', default: '1800000', doc: 'Longest session timeout a member may ask for.' },
  { name: 'group.max.size', type: 'int', default: '2147483647', validate: atLeast(1), doc: 'Most members a group may have.' },
  { name: 'group.consumer.session.timeout.ms', type: 'int', default: '45000', validate: atLeast(1), doc: 'Session timeout of members of consumer-protocol groups (KIP-848): a member that sends no heartbeat for this long is removed.' },
  { name: 'group.consumer.min.session.timeout.ms', type: 'int', default: '45000', validate: atLeast(1), doc: 'Lowest value group.consumer.session.timeout.ms may take.' },
  { name: 'group.consumer.max.session.timeout.ms', type: 'int', default: '60000', validate: atLeast(1), doc: 'Highest value group.consumer.session.timeout.ms may take.' },
  { name: 'group.consumer.heartbeat.interval.ms', type: 'int', default: '5000', validate: atLeast(1), doc: 'How often members of consumer-protocol groups are told to heartbeat.' },
  { name: 'group.consumer.min.heartbeat.interval.ms', type: 'int', default: '5000', validate: atLeast(1), doc: 'Lowest value group.consumer.heartbeat.interval.ms may take.' },
  { name: 'group.consumer.max.heartbeat.interval.ms', type: 'int', default: '15000', validate: atLeast(1), doc: 'Highest value group.consumer.heartbeat.interval.ms may take.' },
  { name: 'group.consumer.max.size', type: 'int', default: '2147483647', validate: atLeast(1), doc: 'Most members a consumer-protocol group may have.' },
  { name: 'group.consumer.assignors', type: 'list', default: 'uniform,range', validate: assignorList,
    doc: "Server-side assignors of consumer-protocol groups, the first being the default: 'uniform' and 'range' (Kafka's class names for them are accepted too)." },
  { name: 'group.consumer.migration.policy', type: 'string', default: 'bidirectional', validate: oneOf('disabled', 'upgrade', 'downgrade', 'bidirectional'),
    doc: 'Whether an empty classic group may become a consumer-protocol group when a member of the new protocol joins (upgrade), the reverse (downgrade), both, or neither.' },
  { name: 'group.share.session.timeout.ms', type: 'int', default: '45000', validate: atLeast(1), doc: 'Session timeout of share-group members.' },
  { name: 'group.share.heartbeat.interval.ms', type: 'int', default: '5000', validate: atLeast(1), doc: 'How often share-group members are told to heartbeat.' },
  { name: 'group.share.max.size', type: 'int', default: '200', validate: atLeast(1), doc: 'Most members a share group may have.' },
  { name: 'group.share.record.lock.duration.ms', type: 'int', default: '30000', validate: atLeast(1),
    doc: 'How long a share-group member holds records it fetched (its acquisition lock) before they become available to others again.' },
  { name: 'group.share.delivery.count.limit', type: 'int', default: '5', validate: atLeast(1),
    doc: 'How many times a record is delivered to share-group members before it is archived undelivered.' },
  { name: 'share.coordinator.state.topic.num.partitions', type: 'int', default: '50', validate: atLeast(1), doc: 'Partitions of __share_group_state, where share groups keep which records were delivered and acknowledged.' },
  { name: 'share.coordinator.state.topic.replication.factor', type: 'int', default: '3', validate: atLeast(1),
    doc: 'Replication factor of __share_group_state (capped at the live brokers when it is created).' },
  { name: 'group.share.partition.max.record.locks', type: 'int', default: '2000', validate: atLeast(1),
    doc: 'Most records of one share partition that may be acquired (in flight) at once.' },
  { name: 'transaction.state.log.num.partitions', type: 'int', default: '50', validate: atLeast(1), doc: 'Partitions of __transaction_state.' },
  { name: 'transaction.state.log.replication.factor', type: 'int', default: '3', validate: atLeast(1), doc: 'Replication factor of __transaction_state. A single broker (embedded metadata) caps it at 1; a cluster waits until this many brokers are live before creating the topic.' },
  { name: 'transaction.state.log.min.isr', type: 'int', default: '2', validate: atLeast(1), doc: 'min.insync.replicas of __transaction_state (capped at the number of brokers).' },
  { name: 'transaction.state.log.segment.bytes', type: 'int', default: '104857600', validate: atLeast(1), doc: 'Segment size of __transaction_state.' },
  { name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', type: 'int', default: '10000', validate: atLeast(1), doc: 'How often transactions past their timeout are aborted.' },
  { name: 'transaction.max.timeout.ms', type: 'int', default: '900000', validate: atLeast(1), doc: 'Longest transaction timeout a producer may ask for.' },
  { name: 'transactional.id.expiration.ms', type: 'int', default: '604800000', validate: atLeast(1), doc: 'Forget a transactional id unused this long.' },
  { name: 'producer.id.expiration.ms', dynamic: 'cluster-wide', type: 'int', default: '86400000', validate: atLeast(1), doc: 'Forget an idempotent producer idle this long.' },
  { name: 'num.replica.fetchers', dynamic: 'cluster-wide', type: 'int', default: '1', doc: 'Replica fetcher threads.' + NO_EFFECT },
  { name: 'background.threads', dynamic: 'cluster-wide', type: 'int', default: '10', validate: atLeast(1), doc: 'Background threads.' + NO_EFFECT },
  { name: 'metric.reporters', dynamic: 'cluster-wide', type: 'list', default: '', doc: 'JMX metric reporter classes.' + NO_EFFECT },
  { name: 'log.cleaner.io.buffer.load.factor', dynamic: 'cluster-wide', type: 'double', default: '0.9', doc: 'Load factor of the cleaner\'s key map.' + NO_EFFECT },
  { name: 'log.cleaner.io.buffer.size', dynamic: 'cluster-wide', type: 'int', default: '524288', validate: atLeast(0), doc: 'Cleaner I/O buffer size.' + NO_EFFECT },
  { name: 'log.cleaner.io.max.bytes.per.second', dynamic: 'cluster-wide', type: 'double', default: '1.7976931348623157E308', doc: 'Cleaner I/O throttle.' + NO_EFFECT },
  { name: 'transaction.partition.verification.enable', dynamic: 'cluster-wide', type: 'boolean', default: 'true',
    doc: 'Check that a transactional producer added a partition before writing to it (KIP-890).' + NO_EFFECT },
  { name: 'remote.log.index.file.cache.total.size.bytes', dynamic: 'cluster-wide', type: 'long', default: '1073741824', doc: 'Tiered storage index cache.' + NO_EFFECT },
  { name: 'remote.fetch.max.wait.ms', dynamic: 'cluster-wide', type: 'int', default: '500', doc: 'Tiered storage fetch wait.' + NO_EFFECT },
  { name: 'remote.log.manager.copy.max.bytes.per.second', dynamic: 'cluster-wide', type: 'long', default: LONG_MAX_TEXT, doc: 'Tiered storage copy throttle.' + NO_EFFECT },
  { name: 'remote.log.manager.fetch.max.bytes.per.second', dynamic: 'cluster-wide', type: 'long', default: LONG_MAX_TEXT, doc: 'Tiered storage fetch throttle.' + NO_EFFECT },
  { name: 'auto.leader.rebalance.enable', type: 'boolean', default: 'true',
    doc: 'The controller moves leadership back to each partition\'s preferred (first) replica when a broker leads too few of the partitions it prefers.' },
  { name: 'leader.imbalance.check.interval.seconds', type: 'long', default: '300', validate: atLeast(1), doc: 'How often the controller checks for leader imbalance.' },
  { name: 'leader.imbalance.per.broker.percentage', type: 'int', default: '10', validate: atLeast(0),
    doc: 'The share of a broker\'s preferred partitions it may not lead before the controller rebalances them.' },
  { name: 'controlled.shutdown.enable', type: 'boolean', default: 'true', doc: 'A stopping broker hands its leaderships over before it exits.' },
  { name: 'replica.lag.time.max.ms', type: 'long', default: '30000', validate: atLeast(1),
    doc: 'A follower that has not caught up with the leader for this long is removed from the in-sync replicas.' },
  { name: 'replica.fetch.wait.max.ms', type: 'int', default: '500', validate: atLeast(0),
    doc: 'How long a follower\'s fetch waits at the leader for new data (keep it below replica.lag.time.max.ms).' },
  { name: 'replica.fetch.min.bytes', type: 'int', default: '1', validate: atLeast(1), doc: 'Bytes a follower\'s fetch waits for.' },
  { name: 'replica.fetch.max.bytes', type: 'int', default: '1048576', validate: atLeast(0),
    doc: 'Bytes a follower fetches per partition (a larger first batch still comes whole).' },
  { name: 'replica.fetch.response.max.bytes', type: 'int', default: '10485760', validate: atLeast(0), doc: 'Bytes a follower fetches per request.' },
  { name: 'replica.fetch.backoff.ms', type: 'int', default: '1000', validate: atLeast(0), doc: 'How long a follower waits after a failed fetch.' },
  { name: 'replica.socket.timeout.ms', type: 'int', default: '30000', validate: atLeast(1),
    doc: 'How long a request from one broker to another (a follower\'s fetch, a request forwarded to the controller, transaction markers) may go unanswered before the connection is dropped and the request failed.' },
  { name: 'replica.selector.class', type: 'string', default: null, validate: oneOf(...REPLICA_SELECTORS),
    doc: `Where a partition's leader sends consumers that name their rack (client.rack) to fetch from (KIP-392): unset keeps them on the leader; ${REPLICA_SELECTORS[0]} sends them to an in-sync replica in their rack (broker.rack).` },
  { name: 'max.request.partition.size.limit', type: 'int', default: '2000', validate: atLeast(1),
    doc: 'The most partitions one DescribeTopicPartitions response describes; the client continues from the cursor it is given.' },
  { name: 'metadata.store', type: 'string', default: 'embedded',
    validate: (v) => (v === 'embedded' || /^etcd:\/\/[^,/:]+:\d+(,[^,/:]+:\d+)*$/.test(String(v)) ? undefined : "must be 'embedded' or etcd://host:port[,host:port...]"),
    doc: "Where the cluster metadata lives: 'embedded' (one broker, in its data directory) or etcd://host:port[,host:port...] (a cluster of brokers sharing one etcd)." },
  { name: 'metadata.store.prefix', type: 'string', default: '/gregor', validate: (v) => (String(v).startsWith('/') ? undefined : "must start with '/'"),
    doc: 'The key prefix of this cluster in etcd; clusters sharing one etcd use different prefixes.' },
  { name: 'metadata.store.request.timeout.ms', type: 'int', default: '5000', validate: atLeast(100),
    doc: 'How long one request to the metadata store may take before the operation fails with a retriable error.' },
  { name: 'broker.session.timeout.ms', type: 'int', default: '3000', validate: atLeast(1000),
    doc: "How long a broker stays registered (its etcd lease) without reaching the metadata store; a broker gone this long loses its leaderships. Kafka's default is 9000; Gregor's is shorter for faster failover." },
  { name: 'broker.heartbeat.interval.ms', type: 'int', default: '2000', doc: "Kafka's broker heartbeat interval; Gregor renews its lease at a third of broker.session.timeout.ms." + NO_EFFECT },
  { name: 'group.coordinator.rebalance.protocols', type: 'list', default: 'classic,consumer,share', validate: oneOf('classic', 'consumer', 'share'),
    doc: 'Group protocols served: classic (JoinGroup/SyncGroup), consumer (KIP-848, ConsumerGroupHeartbeat) and share (KIP-932 share groups). A protocol left out is not offered in ApiVersions. Kafka 4.0 serves classic,consumer by default and share groups behind a feature flag; Gregor serves all three.' },
];

/**
 * Topic settings whose broker-wide default can change at runtime: each topic setting's primary
 * broker synonym (log.retention.ms, not log.retention.hours), except message.format.version, as
 * Kafka's DynamicLogConfig has it.
 */
const DYNAMIC_TOPIC_DEFAULTS = new Set(TOPIC_CONFIG_DEFS.filter((t) => t.name !== 'message.format.version').map((t) => t.serverSynonyms?.[0]).filter((n) => n !== undefined));

/** Topic settings' server synonyms not already declared above, with the topic default. */
function derivedFromTopics(): ConfigDef[] {
  const declared = new Set([...BROKER_DEFS, ...SECURITY_CONFIG_DEFS].map((d) => d.name));
  const out: ConfigDef[] = [];
  for (const t of TOPIC_CONFIG_DEFS) {
    for (const name of t.serverSynonyms ?? []) {
      if (declared.has(name)) continue;
      declared.add(name);
      out.push({ name, type: t.type, default: t.default, validate: t.validate, doc: `Default ${t.name} of topics. ${t.doc}` });
    }
  }
  return out;
}

export const BROKER_CONFIG_DEFS: readonly ConfigDef[] = [...BROKER_DEFS, ...SECURITY_CONFIG_DEFS, ...derivedFromTopics()]
  .map((d) => (DYNAMIC_TOPIC_DEFAULTS.has(d.name) ? { ...d, dynamic: 'cluster-wide' as const } : d));
export const BROKER_CONFIG_BY_NAME: ReadonlyMap<string, ConfigDef> = new Map(BROKER_CONFIG_DEFS.map((d) => [d.name, d]));
