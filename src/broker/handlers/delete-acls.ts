/**
 * DeleteAcls (key 31), v0-v3: removes every stored ACL binding each filter matches and lists
 * them per filter (a binding matched by two filters is listed under both, removed once). A
 * malformed filter is INVALID_REQUEST; without an authorizer, SECURITY_DISABLED.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { filterMatches, invalidFilter, PatternType, type AclBinding, type AclFilter } from '../../protocol/acl/acl-binding.js';
import { kafkaErrorCodeOf } from '../errors.js';
import { defineHandler } from './api-handler.js';

export const deleteAclsHandler = defineHandler({
  apiKey: ApiKey.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const { metadata, authorizer } = ctx.services;
    if (!authorizer.enabled) {
      return { throttleTimeMs: 0, filterResults: request.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', matchingAcls: [] })) };
    }
    const stored = metadata.acls();
    const perFilter = request.filters.map((f) => {
      const filter: AclFilter = {
        resourceType: f.resourceTypeFilter, resourceName: f.resourceNameFilter, patternType: f.patternTypeFilter ?? PatternType.LITERAL,
        principal: f.principalFilter, host: f.hostFilter, operation: f.operation, permission: f.permissionType,
      };
      const invalid = invalidFilter(filter);
      return invalid ? { invalid, matched: [] as AclBinding[] } : { invalid: undefined, matched: stored.filter((b) => filterMatches(filter, b)) };
    });
    let failure: { errorCode: number; errorMessage: string } | undefined;
    try {
      await metadata.removeAcls(perFilter.flatMap((r) => r.matched));
    } catch (e) {
      failure = { errorCode: kafkaErrorCodeOf(e) ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: e instanceof Error ? e.message : String(e) };
    }
    return {
      throttleTimeMs: 0,
      filterResults: perFilter.map((r) => {
        if (r.invalid) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: r.invalid, matchingAcls: [] };
        if (failure) return { ...failure, matchingAcls: [] };
        return {
          errorCode: ErrorCode.NONE, errorMessage: null,
          matchingAcls: r.matched.map((b) => ({
            errorCode: ErrorCode.NONE, errorMessage: null, resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType,
            principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission,
          })),
        };
      }),
    };
  },
});
