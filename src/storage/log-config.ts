/**
 * Topic-level settings that govern a partition log, declared as data with Kafka's names and
 * defaults, and the typed LogConfig that storage reads.
 */
import {
  atLeast, between, checkedConfigValue, ConfigError, oneOf, type ConfigDef, type ConfigValue,
} from '../common/config/config-def.js';

export const LONG_MAX_TEXT = '9223372036854775807';

export const TOPIC_CONFIG_DEFS: readonly ConfigDef[] = [
  { name: 'cleanup.policy', type: 'list', default: 'delete', validate: oneOf('delete', 'compact'), serverSynonyms: ['log.cleanup.policy'],
    doc: 'What happens to old segments: delete them by retention, compact them by key, or both.' },
  { name: 'compression.type', type: 'string', default: 'producer', serverSynonyms: ['compression.type'],
    validate: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    doc: "The codec batches are stored with; 'producer' keeps what the producer sent." },
  { name: 'delete.retention.ms', type: 'long', default: '86400000', validate: atLeast(0), serverSynonyms: ['log.cleaner.delete.retention.ms'],
    doc: 'How long tombstones stay in a compacted log after compaction reached them.' },
  { name: 'file.delete.delay.ms', type: 'long', default: '60000', validate: atLeast(0), serverSynonyms: ['log.segment.delete.delay.ms'],
    doc: 'How long a deleted segment file stays on disk before it is removed.' },
  { name: 'flush.messages', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(1), serverSynonyms: ['log.flush.interval.messages'],
    doc: 'Force an fsync after this many messages (acks=all appends are always fsynced).' },
  { name: 'flush.ms', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(0), serverSynonyms: ['log.flush.interval.ms'],
    doc: 'Force an fsync when unflushed data is this old.' },
  { name: 'index.interval.bytes', type: 'int', default: '4096', validate: atLeast(0), serverSynonyms: ['log.index.interval.bytes'],
    doc: 'Bytes of log between two offset index entries.' },
  { name: 'max.compaction.lag.ms', type: 'long', default: LONG_MAX_TEXT, validate: atLeast(1), serverSynonyms: ['log.cleaner.max.compaction.lag.ms'],
    doc: 'The longest a record may stay uncompacted.' },
  { name: 'max.message.bytes', type: 'int', default: '1048588', validate: atLeast(0), serverSynonyms: ['message.max.bytes'],
    doc: 'The largest record batch the topic accepts.' },
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
  { name: 'unclean.leader.election.enable', type: 'boolean', default: 'false', serverSynonyms: ['unclean.leader.election.enable'],
    doc: 'Allow an out-of-sync replica to become leader.' },
  { name: 'message.downconversion.enable', type: 'boolean', default: 'true', serverSynonyms: ['log.message.downconversion.enable'],
    doc: 'Convert batches to the old formats that old fetch versions need.' },
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, ConfigDef> = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

export interface LogConfig {
  cleanupPolicy: { delete: boolean; compact: boolean };
  compressionType: string;
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
}

/** Builds a LogConfig from textual overrides on top of Kafka's defaults (throws ConfigError). */
export function logConfigFrom(overrides: Readonly<Record<string, string>> = {}): LogConfig {
  const v = (name: string): ConfigValue => {
    const def = TOPIC_CONFIG_BY_NAME.get(name)!;
    return checkedConfigValue(def, overrides[name] ?? def.default);
  };
  for (const name of Object.keys(overrides)) {
    if (!TOPIC_CONFIG_BY_NAME.has(name)) throw new ConfigError(name, 'unknown topic configuration');
  }
  const policy = v('cleanup.policy') as string[];
  return {
    cleanupPolicy: { delete: policy.includes('delete'), compact: policy.includes('compact') },
    compressionType: v('compression.type') as string,
    deleteRetentionMs: v('delete.retention.ms') as number,
    fileDeleteDelayMs: v('file.delete.delay.ms') as number,
    flushMessages: v('flush.messages') as number,
    flushMs: v('flush.ms') as number,
    indexIntervalBytes: v('index.interval.bytes') as number,
    maxCompactionLagMs: v('max.compaction.lag.ms') as number,
    maxMessageBytes: v('max.message.bytes') as number,
    messageTimestampType: v('message.timestamp.type') as LogConfig['messageTimestampType'],
    messageTimestampBeforeMaxMs: v('message.timestamp.before.max.ms') as number,
    messageTimestampAfterMaxMs: v('message.timestamp.after.max.ms') as number,
    minCleanableDirtyRatio: v('min.cleanable.dirty.ratio') as number,
    minCompactionLagMs: v('min.compaction.lag.ms') as number,
    minInsyncReplicas: v('min.insync.replicas') as number,
    retentionBytes: v('retention.bytes') as number,
    retentionMs: v('retention.ms') as number,
    segmentBytes: v('segment.bytes') as number,
    segmentIndexBytes: v('segment.index.bytes') as number,
    segmentJitterMs: v('segment.jitter.ms') as number,
    segmentMs: v('segment.ms') as number,
  };
}
