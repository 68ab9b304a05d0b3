/**
 * FindCoordinator (key 10), v0-v6: the coordinator of a group (key type 0) or transactional id
 * (key type 1) is this broker on a single node. The internal topic (__consumer_offsets) is created
 * on first use; while that fails the answer is COORDINATOR_NOT_AVAILABLE. v4+ batch several keys
 * (coordinatorKeys); an unknown key type fails the request with INVALID_REQUEST.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { FindCoordinatorResponse } from '../../protocol/generated/messages/FindCoordinatorResponse.js';
import { InternalTopicError } from '../coordinator/internal-topic-log.js';
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

async function locate(keyType: number, ctx: RequestContext): Promise<Found> {
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
  const self = ctx.services.metadata.brokers().find((b) => b.nodeId === ctx.services.nodeId);
  if (!self) return missing(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'no endpoint for this broker');
  return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: self.nodeId, host: self.host, port: self.port };
}

export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx): Promise<FindCoordinatorResponse> {
    const keyType = ctx.apiVersion >= 1 ? (request.keyType ?? GROUP) : GROUP;
    if (ctx.apiVersion >= 4) {
      const keys = request.coordinatorKeys ?? [];
      const found = await locate(keyType, ctx);
      return { throttleTimeMs: 0, coordinators: keys.map((key) => ({ key, ...found })) };
    }
    const found = await locate(keyType, ctx);
    const out: FindCoordinatorResponse = { throttleTimeMs: 0, errorCode: found.errorCode, nodeId: found.nodeId, host: found.host, port: found.port };
    if (ctx.apiVersion >= 1) out.errorMessage = found.errorMessage;
    return out;
  },
});
