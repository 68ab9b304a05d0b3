/**
 * DescribeAcls (key 29), v0-v3: the stored ACL bindings a filter matches, grouped by resource
 * pattern. v0 filters LITERAL patterns only; from v1 the filter's pattern type may be ANY or MATCH
 * (every pattern that applies to the name: itself, `*`, its prefixes). A malformed filter is
 * INVALID_REQUEST; without an authorizer the answer is SECURITY_DISABLED, as in Kafka.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { filterMatches, invalidFilter, PatternType, type AclFilter } from '../../protocol/acl/acl-binding.js';
import { defineHandler } from './api-handler.js';

export const describeAclsHandler = defineHandler({
  apiKey: ApiKey.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(request, ctx) {
    const { metadata, authorizer } = ctx.services;
    if (!authorizer.enabled) return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] };
    const filter: AclFilter = {
      resourceType: request.resourceTypeFilter, resourceName: request.resourceNameFilter, patternType: request.patternTypeFilter ?? PatternType.LITERAL,
      principal: request.principalFilter, host: request.hostFilter, operation: request.operation, permission: request.permissionType,
    };
    const invalid = invalidFilter(filter);
    if (invalid) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid, resources: [] };
    const byResource = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }>();
    for (const b of metadata.acls().filter((x) => filterMatches(filter, x))) {
      const key = JSON.stringify([b.resourceType, b.resourceName, b.patternType]);
      const entry = byResource.get(key) ?? { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] };
      entry.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission });
      byResource.set(key, entry);
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...byResource.values()] };
  },
});
