/**
 * Produce (key 0), v0-v11. Each partition's records are checked and appended by storage as they
 * arrived (no record is decoded), except legacy message sets (v0-v2), which are up-converted, and
 * topics whose compression.type names a codec, which are recompressed.
 *
 * acks=0 gets no response (but holds its place in the connection's queue until written, which
 * is the producer's backpressure); acks=1 is answered once written to the leader's operating system;
 * acks=-1 (all) once committed (Partition.waitCommitted: every in-sync replica has it, and with the
 * leader alone in sync it is fsynced, group commit), within the request timeout
 * (REQUEST_TIMED_OUT otherwise). An ISR smaller than min.insync.replicas refuses acks=all with
 * NOT_ENOUGH_REPLICAS before the append and NOT_ENOUGH_REPLICAS_AFTER_APPEND after it.
 *
 * Topics with confluent.value.schema.validation (or .key.) have their records checked against the
 * schema registry first (produce/schema-validation.ts): a partition with a record that fails is
 * refused whole with INVALID_RECORD and the failing records' indexes.
 *
 * Versions 0-2 stay advertised although Kafka deprecates them: old clients need them, and some
 * librdkafka versions decide whether to compress by checking that Produce v0 is supported.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { ProduceResponsePartitionProduceResponse as PartitionOut } from '../../protocol/generated/messages/ProduceResponse.js';
import { StorageError } from '../../storage/storage-error.js';
import { kafkaErrorCodeOf } from '../errors.js';
import type { Partition } from '../replica/partition.js';
import { recompress, topicCodec, upConvertLegacy } from '../produce/record-conversion.js';
import { defineHandler, NO_RESPONSE, type RequestContext } from './api-handler.js';
import { notServedError } from '../topics/topic-partitions.js';
import { invalidRecords, VALIDATION_FAILED, type RecordError } from '../produce/schema-validation.js';

interface Pending {
  out: PartitionOut;
  partition: Partition;
  lastOffset: number;
}

function partitionError(index: number, errorCode: number, errorMessage: string | null = null): PartitionOut {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}

function appendOne(ctx: RequestContext, partition: Partition, records: Buffer, acks: number): { out: PartitionOut; lastOffset: number } {
  const v = ctx.apiVersion;
  const config = partition.log.config;
  if (acks === -1 && partition.isr.length < config.minInsyncReplicas) {
    return {
      out: partitionError(partition.index, ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR ${partition.isr.length} is insufficient to satisfy the min.isr requirement of ${config.minInsyncReplicas} for partition ${partition.topic}-${partition.index}`),
      lastOffset: -1,
    };
  }
  let bytes = v <= 2 ? upConvertLegacy(records) : records;
  const codec = topicCodec(config.compressionType);
  if (codec !== undefined) bytes = recompress(bytes, codec, { gzip: config.gzipLevel, zstd: config.zstdLevel });
  const r = partition.append(bytes);
  return {
    out: {
      index: partition.index,
      errorCode: ErrorCode.NONE,
      baseOffset: BigInt(r.firstOffset),
      logAppendTimeMs: BigInt(r.logAppendTime),
      logStartOffset: BigInt(r.logStartOffset),
      recordErrors: [],
      errorMessage: null,
    },
    lastOffset: r.lastOffset,
  };
}

/**
 * The record errors of partitions whose topic validates schemas (confluent.*.schema.validation),
 * by `topic\0partition`; partitions that pass are absent. Undefined, without waiting, when no
 * partition of the request asks for validation (the common case stays synchronous).
 */
function schemaRejections(request: { topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[] }, ctx: RequestContext): Promise<Map<string, RecordError[]>> | undefined {
  const checks: { key: string; records: Buffer; keys: boolean; values: boolean }[] = [];
  for (const topic of request.topicData) {
    for (const pd of topic.partitionData) {
      const config = ctx.services.replicas.get(topic.name, pd.index)?.log.config;
      if (!config || !pd.records?.length || !(config.keySchemaValidation || config.valueSchemaValidation)) continue;
      checks.push({ key: `${topic.name}\u0000${pd.index}`, records: pd.records, keys: config.keySchemaValidation, values: config.valueSchemaValidation });
    }
  }
  if (checks.length === 0) return undefined;
  return (async () => {
    const out = new Map<string, RecordError[]>();
    const ids = ctx.services.schemaIds;
    for (const c of checks) {
      if (!ids) {
        out.set(c.key, [{ batchIndex: 0, batchIndexErrorMessage: 'the topic validates schemas but this broker serves no schema registry (http.schema.registry.enable)' }]);
        continue;
      }
      try {
        const bytes = ctx.apiVersion <= 2 ? upConvertLegacy(c.records) : c.records;
        const errors = await invalidRecords(bytes, { keys: c.keys, values: c.values }, ids);
        if (errors.length > 0) out.set(c.key, errors);
      } catch (e) {
        out.set(c.key, [{ batchIndex: 0, batchIndexErrorMessage: `the records could not be validated: ${e instanceof Error ? e.message : String(e)}` }]);
      }
    }
    return out;
  })();
}

/** acks=1 and acks=all: the leader's write must have reached the operating system (the page cache). */
async function awaitWritten(appended: Pending[]): Promise<void> {
  await Promise.all(appended.map(async (p) => {
    try {
      await p.partition.log.waitWritten();
    } catch (e) {
      Object.assign(p.out, { errorCode: kafkaErrorCodeOf(e) ?? ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: e instanceof Error ? e.message : String(e) });
    }
  }));
}

async function awaitCommitted(pending: Pending[], timeoutMs: number): Promise<void> {
  await Promise.all(pending.map(async (p) => {
    const errorCode = await p.partition.waitCommitted(p.lastOffset + 1, p.partition.log.config.minInsyncReplicas, timeoutMs);
    if (errorCode === ErrorCode.REQUEST_TIMED_OUT) Object.assign(p.out, { errorCode, errorMessage: 'acks=all timed out waiting for the in-sync replicas' });
    else if (errorCode !== ErrorCode.NONE) Object.assign(p.out, { errorCode, errorMessage: null });
  }));
}

export const produceHandler = defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  async handle(request, ctx) {
    const { replicas, logger } = ctx.services;
    const acks = request.acks;
    const appended: Pending[] = [];
    const validating = schemaRejections(request, ctx);
    const rejected = validating ? await validating : undefined;
    const responses = request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((pd) => {
        if (acks !== 0 && acks !== 1 && acks !== -1) return partitionError(pd.index, ErrorCode.INVALID_REQUIRED_ACKS);
        const partition = replicas.get(topic.name, pd.index);
        if (!partition) return partitionError(pd.index, notServedError(ctx.services.metadata, topic.name, pd.index), 'This server does not host this topic-partition.');
        if (pd.records === null || pd.records.length === 0) return partitionError(pd.index, ErrorCode.CORRUPT_MESSAGE, 'no records');
        const recordErrors = rejected?.get(`${topic.name}\u0000${pd.index}`);
        if (recordErrors) return { ...partitionError(pd.index, ErrorCode.INVALID_RECORD, VALIDATION_FAILED), recordErrors };
        try {
          const { out, lastOffset } = appendOne(ctx, partition, pd.records, acks);
          if (out.errorCode === ErrorCode.NONE) appended.push({ out, partition, lastOffset });
          return out;
        } catch (e) {
          const code = kafkaErrorCodeOf(e);
          if (code === undefined) {
            logger.error({ err: e, topic: topic.name, partition: pd.index }, 'produce failed');
            return partitionError(pd.index, ErrorCode.UNKNOWN_SERVER_ERROR);
          }
          return partitionError(pd.index, code, e instanceof StorageError ? e.message : String(e));
        }
      }),
    }));
    // even unanswered (acks=0), the request holds its connection's queue until its writes reach
    // the operating system, so a producer cannot queue up more than the disk takes
    if (appended.length > 0) await awaitWritten(appended);
    if (acks === 0) return NO_RESPONSE;
    const written = appended.filter((p) => p.out.errorCode === ErrorCode.NONE);
    if (acks === -1 && written.length > 0) await awaitCommitted(written, request.timeoutMs);
    return { responses, throttleTimeMs: 0 };
  },
});
