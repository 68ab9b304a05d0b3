/**
 * Topic-level settings that govern a partition log, declared as data with Kafka's names and
 * defaults, and the typed LogConfig that storage reads.
 */
import {
  atLeast, between, checkedConfigValue, ConfigError, oneOf, type ConfigDef, type ConfigValue,
} from '../common/config/config-def.js';
import { kafkaVersionProblem } from '../common/config/kafka-versions.js';

export const LONG_MAX_TEXT = '9223372036854775807';
const LONG_MAX = 9223372036854775807;

/** Kafka's check of the replication-throttle lists: '*' or partition:broker pairs. */
function throttledReplicaList(name: string): (v: ConfigValue) => string | undefined {
  return (v) => {
    const items = (v as string[]).map((x) => x.trim());
    if (items.join('') === '*' || items.every((x) => /^(\d+:\d+)?$/.test(x))) return undefined;
    return `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`;
  };
}

const kafkaVersion = (v: ConfigValue): string | undefined => kafkaVersionProblem(String(v));

export const TOPIC_CONFIG_DEFS: readonly ConfigDef[] = [
  { name: 'cleanup.policy', type: 'list', default: 'delete', validate: oneOf('delete', 'compact'), serverSynonyms: ['log.cleanup.policy'],
    doc: 'What happens to old segments: delete them by retention, compact them by key, or both.' },
  { name: 'compression.type', type: 'string', default: 'producer', serverSynonyms: ['compression.type'],
    validate: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    doc: "The codec batches are stored with; 'producer' keeps what the producer sent." },
  { name: 'compression.gzip.level', type: 'int', default: '-1', serverSynonyms: ['compression.gzip.level'],
    validate: (v) => (v === -1 || (typeof v === 'number' && v >= 1 && v <= 9) ? undefined : 'must be -1 or between 1 and 9'),
    doc: "The gzip level used when the broker recompresses to gzip (-1: zlib's default)." },
  { name: 'compression.lz4.level', type: 'int', default: '9', validate: between(1, 17), serverSynonyms: ['compression.lz4.level'],
    doc: "The lz4 level used when the broker recompresses to lz4 (accepted; Gregor's lz4 codec has one level)." },
  { name: 'compression.zstd.level', type: 'int', default: '3', validate: between(-131072, 22), serverSynonyms: ['compression.zstd.level'],
    doc: 'The zstd level used when the broker recompresses to zstd.' },
  { name: 'delete.retention.ms', type: 'long', default: '86400000', validate: atLeast(0), serverSynonyms: ['log.cleaner.delete.retention.ms'],
    doc: 'How long tombstones stay in a compacted log after compaction reached them.' },
  { name: 'file.delete.delay.ms', type: 'long', default: '60000', validate: atLeast(0), serverSynonyms: ['log.segment.delete.delay.ms'],
    doc: 'How long a deleted segment file stays on disk before it is removed.' },
  { name: 'flush.messages', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(1), serverSynonyms: ['log.flush.interval.messages'],
    doc: 'Force an fsync after this many messages (acks=all appends are always fsynced).' },
  { name: 'flush.ms', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(0), serverSynonyms: ['log.flush.interval.ms'],
    doc: 'Force an fsync when unflushed data is this old.' },
  { name: 'follower.replication.throttled.replicas', type: 'list', default: '', validate: throttledReplicaList('follower.replication.throttled.replicas'),
    doc: "Replicas (partition:broker, or '*') whose follower side is throttled during reassignment." },
  { name: 'index.interval.bytes', type: 'int', default: '4096', validate: atLeast(0), serverSynonyms: ['log.index.interval.bytes'],
    doc: 'Bytes of log between two offset index entries.' },
  { name: 'leader.replication.throttled.replicas', type: 'list', default: '', validate: throttledReplicaList('leader.replication.throttled.replicas'),
    doc: "Replicas (partition:broker, or '*') whose leader side is throttled during reassignment." },
  { name: 'local.retention.bytes', type: 'long', default: '-2', validate: atLeast(-2), serverSynonyms: ['log.local.retention.bytes'],
    doc: 'Local retention of a tiered topic (-2: retention.bytes). Gregor has no tiered storage.' },
  { name: 'local.retention.ms', type: 'long', default: '-2', validate: atLeast(-2), serverSynonyms: ['log.local.retention.ms'],
    doc: 'Local retention time of a tiered topic (-2: retention.ms). Gregor has no tiered storage.' },
  { name: 'max.compaction.lag.ms', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(1), serverSynonyms: ['log.cleaner.max.compaction.lag.ms'],
    doc: 'The longest a record may stay uncompacted.' },
  { name: 'max.message.bytes', type: 'int', default: '1048588', validate: atLeast(0), serverSynonyms: ['message.max.bytes'],
    doc: 'The largest record batch the topic accepts.' },
  { name: 'message.format.version', type: 'string', default: '3.0-IV1', validate: kafkaVersion, serverSynonyms: ['log.message.format.version'],
    doc: 'Deprecated record format version; accepted and ignored, as Kafka 3.x ignores it (records are stored as produced).' },
  { name: 'message.timestamp.difference.max.ms', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(0),
    serverSynonyms: ['log.message.timestamp.difference.max.ms'],
    doc: "Deprecated: how far a CreateTime timestamp may be from the broker's clock; governs before.max.ms and after.max.ms while they keep their defaults." },
  { name: 'message.timestamp.type', type: 'string', default: 'CreateTime', validate: oneOf('CreateTime', 'LogAppendTime'),
    serverSynonyms: ['log.message.timestamp.type'], doc: "Whether record timestamps are the producer's (CreateTime) or the broker's (LogAppendTime)." },
  { name: 'message.timestamp.before.max.ms', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(0),
    serverSynonyms: ['log.message.timestamp.before.max.ms'], doc: 'How far in the past a CreateTime timestamp may be.' },
  { name: 'message.timestamp.after.max.ms', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(0),
    serverSynonyms: ['log.message.timestamp.after.max.ms'], doc: 'How far in the future a CreateTime timestamp may be.' },
  { name: 'min.cleanable.dirty.ratio', type: 'double', default: '0.5', validate: between(0, 1), serverSynonyms: ['log.cleaner.min.cleanable.ratio'],
    doc: 'Compact when the uncompacted share of the log reaches this ratio.' },
  { name: 'min.compaction.lag.ms', type: 'long', default: '0', validate: atLeast(0), serverSynonyms: ['log.cleaner.min.compaction.lag.ms'],
    doc: 'The shortest time a record stays uncompacted.' },
  { name: 'min.insync.replicas', type: 'int', default: '1', validate: atLeast(1), serverSynonyms: ['min.insync.replicas'],
    doc: 'Replicas that must have a write before acks=all succeeds.' },
  { name: 'preallocate', type: 'boolean', default: 'false', serverSynonyms: ['log.preallocate'],
    doc: 'Preallocate segment files (accepted for compatibility; Gregor does not preallocate).' },
  { name: 'retention.bytes', type: 'long', default: '-1', serverSynonyms: ['log.retention.bytes'],
    doc: 'Delete old segments when a partition grows beyond this size; -1 for no limit.' },
  { name: 'retention.ms', type: 'long', default: '604800000', validate: atLeast(-1),
    serverSynonyms: ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
    doc: 'Delete segments whose newest record is older than this; -1 for no limit.' },
  { name: 'segment.bytes', type: 'int', default: '1073741824', validate: atLeast(14), serverSynonyms: ['log.segment.bytes'],
    doc: 'Roll to a new segment when the active one reaches this size.' },
  { name: 'segment.index.bytes', type: 'int', default: '10485760', validate: atLeast(4), serverSynonyms: ['log.index.size.max.bytes'],
    doc: 'The largest an offset index may grow; a full index rolls the segment.' },
  { name: 'segment.jitter.ms', type: 'long', default: '0', validate: atLeast(0), serverSynonyms: ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
    doc: 'Random time subtracted from segment.ms to spread rolls.' },
  { name: 'segment.ms', type: 'long', default: '604800000', validate: atLeast(1), serverSynonyms: ['log.roll.ms', 'log.roll.hours'],
    doc: 'Roll to a new segment when the active one is this old.' },
  { name: 'remote.log.copy.disable', type: 'boolean', default: 'false',
    doc: 'Stop copying segments to remote storage (tiered topics only; Gregor has no tiered storage).' },
  { name: 'remote.log.delete.on.disable', type: 'boolean', default: 'false',
    doc: 'Delete remote data when remote storage is turned off (tiered topics only).' },
  { name: 'remote.storage.enable', type: 'boolean', default: 'false',
    validate: (v) => (v === true ? 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.' : undefined),
    doc: 'Tiered storage for the topic; Gregor has none, so only false is accepted.' },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: 'false', serverSynonyms: ['unclean.leader.election.enable'],
    doc: 'Allow an out-of-sync replica to become leader.' },
  { name: 'message.downconversion.enable', type: 'boolean', default: 'true', serverSynonyms: ['log.message.downconversion.enable'],
    doc: 'Convert batches to the old formats that old fetch versions need.' },
  { name: 'confluent.key.schema.validation', type: 'boolean', default: 'false',
    doc: 'Refuse records whose key does not carry a schema id registered in the schema registry (Confluent Server\'s setting).' },
  { name: 'confluent.value.schema.validation', type: 'boolean', default: 'false',
    doc: 'Refuse records whose value does not carry a schema id registered in the schema registry (Confluent Server\'s setting).' },
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, ConfigDef> = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

export interface LogConfig {
  cleanupPolicy: { delete: boolean; compact: boolean };
  compressionType: string;
  /** Levels for broker-side recompression (compression.gzip.level / compression.zstd.level). */
  gzipLevel: number;
  zstdLevel: number;
  deleteRetentionMs: number;
  fileDeleteDelayMs: number;
  flushMessages: number;
  flushMs: number;
  indexIntervalBytes: number;
  maxCompactionLagMs: number;
  maxMessageBytes: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  minInsyncReplicas: number;
  retentionBytes: number;
  retentionMs: number;
  segmentBytes: number;
  segmentIndexBytes: number;
  segmentJitterMs: number;
  segmentMs: number;
  /** confluent.key.schema.validation / confluent.value.schema.validation. */
  keySchemaValidation: boolean;
  valueSchemaValidation: boolean;
}

/** Kafka 3.6+: message.timestamp.difference.max.ms stands in for a before/after bound left at its default. */
function orDeprecated(bound: number, difference: number): number {
  return bound !== LONG_MAX ? bound : difference;
}

/** Builds a LogConfig from textual overrides on top of Kafka's defaults (throws ConfigError). */
export function logConfigFrom(overrides: Readonly<Record<string, string>> = {}): LogConfig {
  const v = (name: string): ConfigValue => {
    const def = TOPIC_CONFIG_BY_NAME.get(name)!;
    return checkedConfigValue(def, overrides[name] ?? def.default);
  };
  for (const [name, text] of Object.entries(overrides)) {
    const def = TOPIC_CONFIG_BY_NAME.get(name);
    if (!def) throw new ConfigError(name, 'unknown topic configuration');
    checkedConfigValue(def, text);
  }
  const policy = v('cleanup.policy') as string[];
  const difference = v('message.timestamp.difference.max.ms') as number;
  const minLag = v('min.compaction.lag.ms') as number;
  const maxLag = v('max.compaction.lag.ms') as number;
  if (minLag > maxLag) {
    throw new ConfigError('min.compaction.lag.ms', `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`);
  }
  return {
    cleanupPolicy: { delete: policy.includes('delete'), compact: policy.includes('compact') },
    compressionType: v('compression.type') as string,
    gzipLevel: v('compression.gzip.level') as number,
    zstdLevel: v('compression.zstd.level') as number,
    deleteRetentionMs: v('delete.retention.ms') as number,
    fileDeleteDelayMs: v('file.delete.delay.ms') as number,
    flushMessages: v('flush.messages') as number,
    flushMs: v('flush.ms') as number,
    indexIntervalBytes: v('index.interval.bytes') as number,
    maxCompactionLagMs: v('max.compaction.lag.ms') as number,
    maxMessageBytes: v('max.message.bytes') as number,
    messageTimestampType: v('message.timestamp.type') as LogConfig['messageTimestampType'],
    messageTimestampBeforeMaxMs: orDeprecated(v('message.timestamp.before.max.ms') as number, difference),
    messageTimestampAfterMaxMs: orDeprecated(v('message.timestamp.after.max.ms') as number, difference),
    minCleanableDirtyRatio: v('min.cleanable.dirty.ratio') as number,
    minCompactionLagMs: v('min.compaction.lag.ms') as number,
    minInsyncReplicas: v('min.insync.replicas') as number,
    retentionBytes: v('retention.bytes') as number,
    retentionMs: v('retention.ms') as number,
    keySchemaValidation: v('confluent.key.schema.validation') as boolean,
    valueSchemaValidation: v('confluent.value.schema.validation') as boolean,
    segmentBytes: v('segment.bytes') as number,
    segmentIndexBytes: v('segment.index.bytes') as number,
    segmentJitterMs: v('segment.jitter.ms') as number,
    segmentMs: v('segment.ms') as number,
  };
}
