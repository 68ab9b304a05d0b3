/**
 * FindCoordinator (key 10), v0-v6: the coordinator of a group (key type 0) or transactional id
 * (key type 1) is the leader of the key's partition of __consumer_offsets / __transaction_state
 * (abs(hash) % partitions, as Kafka), given on the listener the client came in on; a partition
 * without a live leader is COORDINATOR_NOT_AVAILABLE. The internal topic (__consumer_offsets) is created
 * on first use; while that fails the answer is COORDINATOR_NOT_AVAILABLE. v4+ batch several keys
 * (coordinatorKeys); an unknown key type fails the request with INVALID_REQUEST.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { FindCoordinatorResponse } from '../../protocol/generated/messages/FindCoordinatorResponse.js';
import { InternalTopicError } from '../coordinator/internal-topic-log.js';
import { groupPartition } from '../group/group-partitioner.js';
import { endpointFor } from '../metadata/endpoints.js';
import { defineHandler, type RequestContext } from './api-handler.js';

const GROUP = 0;
const TRANSACTION = 1;

interface Found {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

async function locate(keyType: number, key: string, ctx: RequestContext): Promise<Found> {
  const missing = (errorCode: number, errorMessage: string | null): Found => ({ errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
  if (keyType !== GROUP && keyType !== TRANSACTION) return missing(ErrorCode.INVALID_REQUEST, `unknown key type ${keyType}`);
  const log = keyType === GROUP ? ctx.services.groups.topicLog : ctx.services.transactionLog;
  if (!log) return missing(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'this broker has no transaction coordinator');
  try {
    await log.ensureCreated();
  } catch (e) {
    const code = e instanceof InternalTopicError ? e.errorCode : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return missing(code, String(e));
  }
  const { metadata } = ctx.services;
  const partition = groupPartition(key, log.partitionCount);
  const leader = metadata.topic(log.name)?.partitions[partition]?.leader ?? -1;
  const broker = metadata.brokers().find((b) => b.nodeId === leader);
  if (!broker) return missing(ErrorCode.COORDINATOR_NOT_AVAILABLE, `${log.name}-${partition} has no live leader`);
  const endpoint = endpointFor(broker, ctx.client.listener);
  return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: broker.nodeId, host: endpoint.host, port: endpoint.port };
}

export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx): Promise<FindCoordinatorResponse> {
    const keyType = ctx.apiVersion >= 1 ? (request.keyType ?? GROUP) : GROUP;
    if (ctx.apiVersion >= 4) {
      const keys = request.coordinatorKeys ?? [];
      const coordinators = [];
      for (const key of keys) coordinators.push({ key, ...(await locate(keyType, key, ctx)) });
      return { throttleTimeMs: 0, coordinators };
    }
    const found = await locate(keyType, request.key ?? '', ctx);
    const out: FindCoordinatorResponse = { throttleTimeMs: 0, errorCode: found.errorCode, nodeId: found.nodeId, host: found.host, port: found.port };
    if (ctx.apiVersion >= 1) out.errorMessage = found.errorMessage;
    return out;
  },
});
