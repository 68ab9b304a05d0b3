/**
 * CreateAcls (key 30), v0-v3: stores ACL bindings in the metadata store, where every broker's
 * authorizer reads them. v0 has no pattern type (LITERAL). Per creation: INVALID_REQUEST with
 * the reason for a binding Kafka would refuse (unknown type or operation, MATCH/ANY patterns, an
 * empty name, a principal without a type, a CLUSTER resource not named kafka-cluster). Without an
 * authorizer configured every creation is SECURITY_DISABLED, as in Kafka.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { invalidBinding, PatternType, type AclBinding } from '../../protocol/acl/acl-binding.js';
import { kafkaErrorCodeOf } from '../errors.js';
import { defineHandler } from './api-handler.js';

export const createAclsHandler = defineHandler({
  apiKey: ApiKey.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const { metadata, authorizer } = ctx.services;
    if (!authorizer.enabled) {
      return { throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker' })) };
    }
    const bindings: (AclBinding | string)[] = request.creations.map((c) => {
      const b: AclBinding = {
        resourceType: c.resourceType, resourceName: c.resourceName, patternType: c.resourcePatternType ?? PatternType.LITERAL,
        principal: c.principal, host: c.host, operation: c.operation, permission: c.permissionType,
      };
      return invalidBinding(b) ?? b;
    });
    const valid = bindings.filter((b): b is AclBinding => typeof b !== 'string');
    let failure: { errorCode: number; errorMessage: string } | undefined;
    try {
      await metadata.addAcls(valid);
    } catch (e) {
      failure = { errorCode: kafkaErrorCodeOf(e) ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: e instanceof Error ? e.message : String(e) };
    }
    return {
      throttleTimeMs: 0,
      results: bindings.map((b) => (typeof b === 'string'
        ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: b }
        : failure ?? { errorCode: ErrorCode.NONE, errorMessage: null })),
    };
  },
});
